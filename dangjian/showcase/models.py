"""抓示范: demonstration sites (示范点) and the meetings held at them, model posts (党员示范岗/先锋岗) and their
services, and 五好 campaigns with their nominations.

Every row is a fact of the tree (orgs.OrgFact): it carries its organization's ancestry columns, so scope is one
equality test and "per child" counts are one GROUP BY. Nothing is deleted: a revoked site, a withdrawn post and a
revoked honour stay, with their date and reason (the history the pages show).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from dangjian.core.scoping import ScopedManager
from dangjian.orgs.models import ANCESTRY_COLUMNS, Org, OrgFact, Person

from .capabilities import HONOR_MANAGE, MEETING_EDIT, NOMINATE, POST_APPROVE, POST_RECOMMEND, SHOWCASE_VIEW, SITE_MANAGE


def ancestry_indexes(prefix, date_field):
    """The `(ancestor, date)` index per level every fact table has (docs/decisions.md)."""
    return [models.Index(fields=[column, date_field], name=f"{prefix}_{column}_{date_field}"[:30])
            for column in ANCESTRY_COLUMNS.values()] + [
        models.Index(fields=["org", date_field], name=f"{prefix}_org_{date_field}"[:30])]


class DemoSite(OrgFact):
    """An organization designated as a 州级 / 县级 / 乡镇级 demonstration site (示范点)."""

    class SiteLevel(models.TextChoices):
        PREFECTURE = "prefecture", _("Prefecture-level")
        COUNTY = "county", _("County-level")
        TOWNSHIP = "township", _("Township-level")

    class Status(models.TextChoices):
        ACTIVE = "active", pgettext_lazy("demonstration site", "Active")
        REVOKED = "revoked", _("Revoked")

    level = models.CharField(_("site level"), max_length=12, choices=SiteLevel.choices)
    theme = models.CharField(_("theme"), max_length=100)
    lessons = models.TextField(_("what others should learn"), max_length=2000)
    designated_on = models.DateField(_("designated on"))
    designated_by = models.ForeignKey(Org, verbose_name=_("designated by"), on_delete=models.PROTECT,
                                      related_name="+")
    mentored = models.ManyToManyField(Org, verbose_name=_("mentored organizations"), blank=True, related_name="+")
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.ACTIVE)
    revoked_on = models.DateField(_("revoked on"), null=True, blank=True)
    revoke_reason = models.CharField(_("reason for revocation"), max_length=200, blank=True)

    objects = ScopedManager()
    view_capability = SHOWCASE_VIEW
    edit_capability = SITE_MANAGE

    class Meta:
        verbose_name = _("demonstration site")
        verbose_name_plural = _("demonstration sites")
        ordering = ["-designated_on", "-id"]
        indexes = ancestry_indexes("demosite", "designated_on")
        constraints = [models.UniqueConstraint(fields=["org", "level"], condition=Q(status="active"),
                                               name="demosite_one_active_per_level")]

    def __str__(self):
        return f"{self.org.name}（{self.get_level_display()}）"


class Meeting(OrgFact):
    """A 现场会 / 通报会 / 座谈会 / 观摩 / 交流学习, hosted by `org`."""

    class Kind(models.TextChoices):
        ONSITE = "onsite", _("On-site meeting")
        BRIEFING = "briefing", _("Briefing meeting")
        SYMPOSIUM = "symposium", _("Symposium")
        TOUR = "tour", _("Observation tour")
        EXCHANGE = "exchange", _("Exchange visit")

    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    held_on = models.DateField(_("held on"))
    place = models.CharField(_("place"), max_length=100)
    sites = models.ManyToManyField(DemoSite, verbose_name=_("sites visited"), blank=True, related_name="meetings")
    participants = models.ManyToManyField(Org, verbose_name=_("participating organizations"), blank=True,
                                          related_name="+")
    headcount = models.PositiveIntegerField(_("headcount"))
    summary = models.TextField(_("summary"), max_length=4000)
    lessons = models.TextField(_("lessons learned"), max_length=4000, blank=True)

    objects = ScopedManager()
    view_capability = SHOWCASE_VIEW
    edit_capability = MEETING_EDIT

    class Meta:
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        ordering = ["-held_on", "-id"]
        indexes = ancestry_indexes("meeting", "held_on")

    def __str__(self):
        return f"{self.held_on} {self.get_kind_display()} · {self.place}"


class ModelPost(OrgFact):
    """A member's 党员示范岗 / 党员先锋岗: applied → recommended (branch) → notice (approved by the level above,
    public notice running) → published (挂牌) once the notice has ended; withdrawn at any step with a reason."""

    class Kind(models.TextChoices):
        MODEL = "model", _("Party member model post")
        VANGUARD = "vanguard", _("Party member vanguard post")

    class Status(models.TextChoices):
        APPLIED = "applied", _("Applied")
        RECOMMENDED = "recommended", _("Recommended")
        NOTICE = "notice", _("Public notice")
        PUBLISHED = "published", pgettext_lazy("model post", "Published")
        WITHDRAWN = "withdrawn", pgettext_lazy("model post", "Withdrawn")

    ACTIVE = (Status.APPLIED, Status.RECOMMENDED, Status.NOTICE, Status.PUBLISHED)

    person = models.ForeignKey(Person, verbose_name=_("member"), on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    title = models.CharField(_("post name"), max_length=50)
    duty = models.TextField(_("duty"), max_length=1000)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.APPLIED)
    applied_on = models.DateField(_("applied on"))
    recommended_on = models.DateField(_("recommended on"), null=True, blank=True)
    recommended_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("recommended by"), null=True,
                                       blank=True, on_delete=models.PROTECT, related_name="+")
    approved_on = models.DateField(_("approved on"), null=True, blank=True)
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("approved by"), null=True,
                                    blank=True, on_delete=models.PROTECT, related_name="+")
    notice_until = models.DateField(_("public notice until"), null=True, blank=True)
    published_on = models.DateField(_("published on"), null=True, blank=True)
    plate_number = models.CharField(_("plate number"), max_length=30, blank=True)
    withdrawn_on = models.DateField(_("withdrawn on"), null=True, blank=True)
    withdraw_reason = models.CharField(_("reason for withdrawal"), max_length=200, blank=True)

    objects = ScopedManager()
    view_capability = SHOWCASE_VIEW
    edit_capability = POST_RECOMMEND
    scope_actions = {"approve": POST_APPROVE}
    owner_field, owner_actions = "person", ("view",)  # the holder reads their own posts (self-service)

    class Meta:
        verbose_name = _("model post")
        verbose_name_plural = _("model posts")
        ordering = ["-applied_on", "-id"]
        indexes = [*ancestry_indexes("modelpost", "applied_on"),
                   models.Index(fields=["person", "status"], name="modelpost_person_status")]
        constraints = [models.UniqueConstraint(
            fields=["person"], condition=Q(status__in=["applied", "recommended", "notice", "published"]),
            name="modelpost_one_active_per_member")]

    def __str__(self):
        return f"{self.get_kind_display()} · {self.title}"


class PostService(OrgFact):
    """A service the holder of a published post records: people served, problems solved, a note."""

    post = models.ForeignKey(ModelPost, verbose_name=_("model post"), on_delete=models.PROTECT,
                             related_name="services")
    served_on = models.DateField(_("served on"))
    people_served = models.PositiveIntegerField(_("people served"), default=0)
    problems_solved = models.PositiveIntegerField(_("problems solved"), default=0)
    note = models.CharField(_("note"), max_length=200)

    objects = ScopedManager()
    view_capability = SHOWCASE_VIEW
    edit_capability = POST_RECOMMEND
    owner_field, owner_actions = "post__person", ("view",)

    class Meta:
        verbose_name = _("post service")
        verbose_name_plural = _("post services")
        ordering = ["-served_on", "-id"]
        indexes = ancestry_indexes("postservice", "served_on")

    def __str__(self):
        return f"{self.served_on} {self.note}"


ORG_CRITERIA = ["领导班子好", "党员队伍好", "工作机制好", "工作业绩好", "群众反映好"]


class HonorCampaign(OrgFact):
    """A 五好 campaign run by `org` for members or for organizations of its subtree, with five criteria."""

    class Target(models.TextChoices):
        MEMBER = "member", _("Party members")
        ORG = "org", _("Grassroots organizations")

    name = models.CharField(_("campaign name"), max_length=100)
    year = models.PositiveSmallIntegerField(_("year"))
    target = models.CharField(_("nominees"), max_length=8, choices=Target.choices)
    criteria = models.JSONField(_("criteria"), default=list)
    description = models.TextField(_("description"), max_length=2000, blank=True)
    created_on = models.DateField(_("created on"))

    objects = ScopedManager()
    view_capability = SHOWCASE_VIEW
    edit_capability = HONOR_MANAGE

    class Meta:
        verbose_name = _("五好 campaign")
        verbose_name_plural = _("五好 campaigns")
        ordering = ["-year", "-id"]
        indexes = ancestry_indexes("honorcampaign", "year")

    def __str__(self):
        return self.name

    @classmethod
    def in_subtree(cls, org):
        """Campaigns of the user's subtree, and those run above it (a village nominates for its county's)."""
        return org.ancestry_q() | Q(org_id__in=[*org.ancestor_ids(), org.pk])


class Nomination(OrgFact):
    """A nominee (a member, or an organization: then `org` itself) with evidence for each of the five criteria."""

    class Status(models.TextChoices):
        NOMINATED = "nominated", _("Nominated")
        NOTICE = "notice", _("Public notice")
        NAMED = "named", _("Named")
        REJECTED = "rejected", _("Not passed")
        REVOKED = "revoked", _("Revoked")

    campaign = models.ForeignKey(HonorCampaign, verbose_name=_("campaign"), on_delete=models.PROTECT,
                                 related_name="nominations")
    person = models.ForeignKey(Person, verbose_name=_("member"), null=True, blank=True, on_delete=models.PROTECT,
                               related_name="+")
    evidence = models.JSONField(_("evidence"), default=list)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.NOMINATED)
    nominated_on = models.DateField(_("nominated on"))
    reviewed_on = models.DateField(_("reviewed on"), null=True, blank=True)
    review_note = models.CharField(_("review note"), max_length=200, blank=True)
    notice_until = models.DateField(_("public notice until"), null=True, blank=True)
    named_on = models.DateField(_("named on"), null=True, blank=True)
    revoked_on = models.DateField(_("revoked on"), null=True, blank=True)
    revoke_reason = models.CharField(_("reason for revocation"), max_length=200, blank=True)

    objects = ScopedManager()
    view_capability = SHOWCASE_VIEW
    edit_capability = NOMINATE
    owner_field, owner_actions = "person", ("view",)

    class Meta:
        verbose_name = _("nomination")
        verbose_name_plural = _("nominations")
        ordering = ["-nominated_on", "-id"]
        indexes = [*ancestry_indexes("nomination", "nominated_on"),
                   models.Index(fields=["campaign", "status"], name="nomination_campaign_status")]

    def __str__(self):
        return f"{self.campaign.name}：{self.nominee_name}"

    @property
    def nominee_name(self):
        return self.person.name if self.person_id else self.org.name
