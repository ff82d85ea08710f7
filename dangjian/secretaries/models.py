"""抓书记: 书记工程 topics and their undertakings, committee sessions, contact points and visits, secretary reviews.

Every record is an OrgFact (orgs): it carries its organization's ancestry columns, so "per child of N" is one
GROUP BY and scoping is one equality test. The actors of a topic's steps are found from the records (orgs'
positions), never typed: see services.
"""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from dangjian.core.scoping import ScopedManager
from dangjian.orgs.models import ANCESTRY_COLUMNS, Org, OrgFact, Person

from .capabilities import REVIEW_REPORT, SECRETARIES_ADMIN, SECRETARIES_VIEW, UNDERTAKING_EDIT, VISIT_LOG


def _indexes(prefix, date_field):
    """(ancestor, date) per level: lists scoped to a county and per-child counts are index lookups."""
    return [models.Index(fields=[c, date_field], name=f"{prefix}_{c}_{date_field}"[:30])
            for c in ANCESTRY_COLUMNS.values()]


class Topic(OrgFact):
    """书记工程 / 党建课题: listed by a committee, selected by its secretary, claimed by its minister (or the cadre
    the secretary names), undertaken by grassroots organizations of its subtree, completed by the committee."""

    class Status(models.TextChoices):
        PROPOSED = "proposed", _("Listed")
        SELECTED = "selected", _("Selected by the secretary")
        CLAIMED = "claimed", _("Claimed")
        UNDERTAKEN = "undertaken", _("Undertaken")
        COMPLETED = "completed", _("Completed")

    year = models.PositiveSmallIntegerField(_("year"))
    title = models.CharField(_("topic title"), max_length=100)
    weakness = models.TextField(_("weakness addressed"), max_length=1000)
    goal = models.TextField(_("economic or social goal served"), max_length=1000, blank=True)
    difficulty = models.TextField(_("difficulty"), max_length=1000, blank=True)
    key_point = models.TextField(_("key point"), max_length=1000, blank=True)
    plan = models.TextField(_("plan"), max_length=2000, blank=True)
    owner = models.ForeignKey(Person, verbose_name=_("claimed by"), null=True, blank=True,
                              on_delete=models.PROTECT, related_name="+")
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.PROPOSED)
    evaluation = models.TextField(_("evaluation"), max_length=2000, blank=True)
    listed_on = models.DateField(_("listed on"))
    step_on = models.DateField(_("last step on"))  # stalled when this is older than the setting
    completed_on = models.DateField(pgettext_lazy("party building topic", "completed on"), null=True, blank=True)
    return_reason = models.CharField(_("reason for return"), max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedManager()
    view_capability = SECRETARIES_VIEW
    edit_capability = SECRETARIES_ADMIN

    class Meta:
        verbose_name = _("secretary topic")
        verbose_name_plural = _("secretary topics")
        ordering = ["-year", "org_id", "id"]
        indexes = [*_indexes("topic", "year"), models.Index(fields=["org", "year"], name="topic_org_year")]

    def __str__(self):
        return self.title

    @classmethod
    def in_subtree(cls, org):
        """The topics of the user's subtree, and those of the committees above it: a grassroots organization
        must see the topics it may take up."""
        return org.ancestry_q() | Q(org_id__in=[*org.ancestor_ids(), org.pk])


class Undertaking(OrgFact):
    """基层切题: one grassroots organization's take on a topic, with its progress reports and its highlight."""

    class Status(models.TextChoices):
        ACTIVE = "active", _("In progress")
        DONE = "done", _("Done")

    topic = models.ForeignKey(Topic, verbose_name=pgettext_lazy("party building topic", "topic"),
                              on_delete=models.PROTECT, related_name="undertakings")
    status = models.CharField(_("status"), max_length=8, choices=Status.choices, default=Status.ACTIVE)
    highlight = models.TextField(_("highlight"), max_length=1000, blank=True)
    started_on = models.DateField(_("taken up on"))
    done_on = models.DateField(_("done on"), null=True, blank=True)

    objects = ScopedManager()
    view_capability = SECRETARIES_VIEW
    edit_capability = UNDERTAKING_EDIT

    class Meta:
        verbose_name = _("topic undertaking")
        verbose_name_plural = _("topic undertakings")
        ordering = ["topic_id", "id"]
        indexes = _indexes("undertaking", "started_on")
        constraints = [models.UniqueConstraint(fields=["topic", "org"], name="one_undertaking_per_org")]

    def __str__(self):
        return f"{self.topic} · {self.org}"


class UndertakingReport(OrgFact):
    """A progress report on an undertaking (its files are attached to the undertaking)."""

    undertaking = models.ForeignKey(Undertaking, verbose_name=_("undertaking"), on_delete=models.CASCADE,
                                    related_name="reports")
    content = models.TextField(_("progress"), max_length=2000)
    reported_on = models.DateField(_("reported on"))
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedManager()
    view_capability = SECRETARIES_VIEW
    edit_capability = UNDERTAKING_EDIT

    class Meta:
        verbose_name = _("undertaking report")
        verbose_name_plural = _("undertaking reports")
        ordering = ["undertaking_id", "reported_on", "id"]

    def __str__(self):
        return f"{self.undertaking} {self.reported_on}"


class CommitteeSession(OrgFact):
    """常委会研究基层党建 (study) or 常委会向全委会报告基层党建工作 (plenary_report)."""

    class Kind(models.TextChoices):
        STUDY = "study", _("Standing committee studies party building")
        PLENARY_REPORT = "plenary_report", _("Report to the plenary committee")

    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    held_on = models.DateField(_("held on"))
    agenda = models.CharField(_("agenda"), max_length=200)
    attendance = models.CharField(pgettext_lazy("committee session", "attendance"), max_length=200, blank=True)
    decisions = models.TextField(_("decisions"), max_length=2000, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedManager()
    view_capability = SECRETARIES_VIEW
    edit_capability = SECRETARIES_ADMIN

    class Meta:
        verbose_name = _("committee session")
        verbose_name_plural = _("committee sessions")
        ordering = ["-held_on", "-id"]
        indexes = [*_indexes("session", "held_on"),
                   models.Index(fields=["org", "kind", "held_on"], name="session_org_kind")]

    def __str__(self):
        return f"{self.org} {self.get_kind_display()} {self.held_on}"


class ContactPoint(OrgFact):
    """党员领导干部党建工作联系点: a leading cadre of `committee` is assigned grassroots organization `org` for a
    year (at most two a year)."""

    leader = models.ForeignKey(Person, verbose_name=_("leading cadre"), on_delete=models.PROTECT,
                               related_name="+")
    committee = models.ForeignKey(Org, verbose_name=_("committee"), on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField(_("year"))
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedManager()
    view_capability = SECRETARIES_VIEW
    edit_capability = SECRETARIES_ADMIN

    class Meta:
        verbose_name = _("contact point")
        verbose_name_plural = _("contact points")
        ordering = ["-year", "committee_id", "leader_id", "id"]
        indexes = [*_indexes("point", "year"),
                   models.Index(fields=["committee", "year"], name="point_committee_year"),
                   models.Index(fields=["leader", "year"], name="point_leader_year")]
        constraints = [models.UniqueConstraint(fields=["leader", "org", "year"], name="one_point_per_leader_org")]

    def __str__(self):
        return f"{self.leader} · {self.org} ({self.year})"


class ContactVisit(OrgFact):
    """One visit to a contact point: a few fields typed on a phone."""

    point = models.ForeignKey(ContactPoint, verbose_name=_("contact point"), on_delete=models.PROTECT,
                              related_name="visits")
    visited_on = models.DateField(_("visited on"))
    content = models.TextField(pgettext_lazy("contact visit", "what was done"), max_length=1000)
    problems = models.TextField(_("problems found"), max_length=1000, blank=True)
    help = models.TextField(_("help given"), max_length=1000, blank=True)
    task_ref = models.CharField(_("supervised task"), max_length=40, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedManager()
    view_capability = SECRETARIES_VIEW
    edit_capability = VISIT_LOG

    class Meta:
        verbose_name = _("contact visit")
        verbose_name_plural = _("contact visits")
        ordering = ["-visited_on", "-id"]
        indexes = _indexes("visit", "visited_on")

    def __str__(self):
        return f"{self.point} {self.visited_on}"


class Grade(models.TextChoices):
    """述职评议 grades, best first (the order the grade rule reads them in)."""

    GOOD = "good", _("Good")
    FAIRLY_GOOD = "fairly_good", _("Fairly good")
    FAIR = "fair", _("Fair")
    POOR = "poor", _("Poor")


class SecretaryReview(OrgFact):
    """书记抓党建述职评议考核: the secretary of `org` reports to the committee above; its staff record the ballots,
    the grade is computed from them (grading.review_grade), then published to the secretary."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")
        GRADED = "graded", _("Graded")
        PUBLISHED = "published", _("Published")

    person = models.ForeignKey(Person, verbose_name=_("secretary"), on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField(_("year"))
    report = models.TextField(_("report"), max_length=5000, blank=True)
    reviewed_on = models.DateField(_("review meeting date"), null=True, blank=True)
    ballots_good = models.PositiveIntegerField(_("good ballots"), default=0)
    ballots_fairly_good = models.PositiveIntegerField(_("fairly good ballots"), default=0)
    ballots_fair = models.PositiveIntegerField(_("fair ballots"), default=0)
    ballots_poor = models.PositiveIntegerField(_("poor ballots"), default=0)
    comment = models.TextField(_("comment of the committee above"), max_length=2000, blank=True)
    grade = models.CharField(_("grade"), max_length=12, choices=Grade.choices, blank=True, editable=False)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedManager()
    view_capability = SECRETARIES_VIEW
    edit_capability = REVIEW_REPORT

    class Meta:
        verbose_name = _("secretary review")
        verbose_name_plural = _("secretary reviews")
        ordering = ["-year", "org_id"]
        indexes = _indexes("review", "year")
        constraints = [models.UniqueConstraint(fields=["org", "year"], name="one_review_per_org_year")]

    def __str__(self):
        return f"{self.org} {self.year} {self.person}"

    @property
    def ballots(self):
        return {grade: getattr(self, f"ballots_{grade}") for grade in Grade.values}
