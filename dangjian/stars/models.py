"""星级管理: assessment schemes (考核方案) and their indicators, yearly assessments with their items, score events
(动态考评), objections during the public notice, and star awards (授星) with numbered certificates.

A scheme belongs to the county or prefecture that defines it and is read by everyone above and below it (the
organizations it assesses follow it); it is written only inside its owner's subtree (the services check that).
Assessments, score events and awards are facts of the assessed organization (orgs.OrgFact): scoped and counted
by its ancestry columns.
"""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from dangjian.core.scoping import ScopedManager
from dangjian.orgs.models import Level, Org, OrgFact

from .capabilities import ASSESS_EVIDENCE, SCHEME_EDIT, SCORE_EVENT_RECORD, STARS_VIEW

POINTS = {"max_digits": 6, "decimal_places": 1}


def _around(org, field):
    """Rows whose `field` organization is inside `org`'s subtree or one of its ancestors (a scheme is read by the
    organizations it assesses, a county's by the prefecture)."""
    return org.subtree_q(f"{field}__") | Q(**{f"{field}_id__in": org.ancestor_ids()})


class Scheme(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", pgettext_lazy("scheme", "Published")

    org = models.ForeignKey(Org, verbose_name=_("organization"), on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField(_("year"))
    name = models.CharField(_("name"), max_length=100)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.DRAFT)
    version = models.PositiveSmallIntegerField(_("version"), default=1)
    previous = models.ForeignKey("self", verbose_name=_("previous version"), null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="+")
    # Published and not replaced by a newer published version: the one its assessments follow.
    is_current = models.BooleanField(default=False, editable=False)
    levels = models.JSONField(_("levels assessed"), default=list)
    sectors = models.JSONField(_("sectors assessed"), default=list, blank=True)
    thresholds = models.JSONField(_("star thresholds"), default=list)
    max_promotion = models.PositiveSmallIntegerField(_("at most stars up per year"), null=True, blank=True,
                                                     default=1)
    notice_days = models.PositiveSmallIntegerField(_("public notice (days)"), default=5)
    targets = models.JSONField(_("targets"), default=list, blank=True)
    published_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedManager()
    view_capability = STARS_VIEW
    edit_capability = SCHEME_EDIT

    class Meta:
        verbose_name = _("assessment scheme")
        verbose_name_plural = _("assessment schemes")
        ordering = ["-year", "org_id", "-version"]
        constraints = [models.UniqueConstraint(fields=["org", "year", "version"], name="scheme_version_unique")]

    def __str__(self):
        return f"{self.name}（v{self.version}）"

    @classmethod
    def in_subtree(cls, org):
        return _around(org, "org")

    @property
    def is_draft(self):
        return self.status == self.Status.DRAFT

    def level_labels(self):
        return [str(Level(level).label) for level in self.levels if level in Level.values]


class Indicator(models.Model):
    class Method(models.TextChoices):
        MANUAL = "manual", _("By hand")
        METRIC = "metric", _("Automatic (metric)")

    scheme = models.ForeignKey(Scheme, verbose_name=_("scheme"), on_delete=models.CASCADE,
                               related_name="indicators")
    category = models.CharField(_("category"), max_length=50)
    name = models.CharField(_("name"), max_length=100)
    max_points = models.DecimalField(_("maximum points"), **POINTS)
    guidance = models.TextField(_("guidance"), blank=True, max_length=2000)
    method = models.CharField(_("scoring method"), max_length=8, choices=Method.choices, default=Method.MANUAL)
    metric = models.CharField(_("metric"), max_length=80, blank=True)
    table = models.JSONField(_("points table"), default=list, blank=True)
    # 一票否决: a veto item carries no points; its points are 1 when it applies (by hand, or a table on a metric).
    veto = models.BooleanField(_("veto item"), default=False)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    objects = ScopedManager()
    view_capability = STARS_VIEW
    edit_capability = SCHEME_EDIT

    class Meta:
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        ordering = ["scheme_id", "veto", "order", "id"]

    def __str__(self):
        return self.name

    @classmethod
    def in_subtree(cls, org):
        return _around(org, "scheme__org")

    @property
    def is_metric(self):
        return self.method == self.Method.METRIC


class Assessment(OrgFact):
    class Status(models.TextChoices):
        SELF = "self", _("Self-assessment")
        REVIEW = "review", _("Township review")
        APPROVAL = "approval", _("County approval")
        NOTICE = "notice", pgettext_lazy("assessment step", "Public notice")
        AWARDED = "awarded", _("Awarded")

    scheme = models.ForeignKey(Scheme, verbose_name=_("scheme"), on_delete=models.PROTECT,
                               related_name="assessments")
    year = models.PositiveSmallIntegerField(_("year"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.SELF)
    score = models.DecimalField(_("score"), default=0, **POINTS)
    projected_stars = models.PositiveSmallIntegerField(_("projected stars"), default=0)
    stars = models.PositiveSmallIntegerField(_("stars"), null=True, blank=True)
    vetoed = models.BooleanField(_("vetoed"), default=False)
    previous_stars = models.PositiveSmallIntegerField(_("last year's stars"), null=True, blank=True)
    rectification = models.BooleanField(_("flagged for rectification"), default=False)
    approved_at = models.DateTimeField(null=True, blank=True)
    notice_from = models.DateField(_("notice from"), null=True, blank=True)
    notice_until = models.DateField(_("notice until"), null=True, blank=True)
    awarded_on = models.DateField(_("awarded on"), null=True, blank=True)
    computed_at = models.DateTimeField(_("automatic points computed at"), null=True, blank=True)
    # The automatic indicators' points as last computed, {indicator id: [points, metric value]} (decimal strings):
    # one row written per organization in a yearly scoring instead of one per automatic indicator (15 × 15,000).
    automatic = models.JSONField(default=dict, blank=True, editable=False)

    objects = ScopedManager()
    view_capability = STARS_VIEW
    edit_capability = ASSESS_EVIDENCE

    class Meta:
        verbose_name = _("assessment")
        verbose_name_plural = _("assessments")
        ordering = ["-year", "org__path"]
        constraints = [models.UniqueConstraint(fields=["org", "year"], name="assessment_org_year")]
        indexes = [models.Index(fields=[c, "year"], name=f"assessment_{c}_year")
                   for c in ("prefecture", "county", "township", "village")] + [
            models.Index(fields=["scheme", "status"], name="assessment_scheme_status")]

    def __str__(self):
        return f"{self.org}·{self.year}"

    def automatic_points(self):
        """{indicator id: (points, metric value)} of the automatic indicators."""
        return {int(k): (Decimal(v[0]), Decimal(v[1])) for k, v in (self.automatic or {}).items()}

    @property
    def open(self):
        """Its points may still change (not approved yet)."""
        return self.approved_at is None


class AssessmentItem(models.Model):
    """Points typed for a manual indicator (automatic ones live in Assessment.automatic)."""

    class Source(models.TextChoices):
        MANUAL = "manual", _("By hand")
        METRIC = "metric", _("Automatic")
        EVENT = "event", _("Score event")

    # The unique (assessment, indicator) index serves the lookups by assessment.
    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="items", db_index=False)
    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="+")
    points = models.DecimalField(_("points"), default=0, **POINTS)  # before score events
    source = models.CharField(_("source"), max_length=8, choices=Source.choices)
    note = models.CharField(_("note"), max_length=500, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["assessment", "indicator"], name="item_unique")]

    def __str__(self):
        return f"{self.indicator_id}: {self.points}"


class ScoreChange(models.Model):
    """History: every change of an item's points, with its author (None: the platform recomputing a metric)."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="changes")
    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="+")
    class Step(models.TextChoices):
        METRIC = "metric", _("Computed from the records")
        SELF = "self", _("Self-assessment")
        REVIEW = "review", _("Township review")
        EVENT = "event", _("Score event")

    step = models.CharField(_("step"), max_length=10, choices=Step.choices)
    old_points = models.DecimalField(_("before"), null=True, blank=True, **POINTS)
    new_points = models.DecimalField(_("after"), **POINTS)
    reason = models.CharField(_("reason"), max_length=500, blank=True)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                               related_name="+", db_index=False)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-at", "-id"]

    def __str__(self):
        return f"{self.step}: {self.old_points} → {self.new_points}"


class ScoreEvent(OrgFact):
    """加分 / 扣分 recorded through the year by a reviewer above the organization."""

    assessment = models.ForeignKey(Assessment, on_delete=models.PROTECT, related_name="events")
    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="+")
    points = models.DecimalField(_("points"), **POINTS)  # as asked: positive or negative
    applied = models.DecimalField(_("points applied"), **POINTS)  # within the indicator's bounds
    reason = models.CharField(_("reason"), max_length=500)
    recorded_on = models.DateField(_("recorded on"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    objects = ScopedManager()
    view_capability = STARS_VIEW
    edit_capability = SCORE_EVENT_RECORD

    class Meta:
        verbose_name = _("score event")
        verbose_name_plural = _("score events")
        ordering = ["-recorded_on", "-id"]
        indexes = [models.Index(fields=[c, "recorded_on"], name=f"scoreevent_{c}_date")
                   for c in ("prefecture", "county", "township", "village")]

    def __str__(self):
        return f"{self.reason} ({self.points:+})"

    @property
    def clipped(self):
        return self.applied != self.points


class Objection(models.Model):
    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="objections")
    text = models.CharField(_("objection"), max_length=1000)
    lodged_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    lodged_at = models.DateTimeField(auto_now_add=True)
    answer = models.CharField(_("answer"), max_length=1000, blank=True)
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+")
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["lodged_at", "id"]

    def __str__(self):
        return self.text[:50]


class StarAward(OrgFact):
    assessment = models.OneToOneField(Assessment, on_delete=models.PROTECT, related_name="award")
    year = models.PositiveSmallIntegerField(_("year"))
    stars = models.PositiveSmallIntegerField(_("stars"))
    certificate_no = models.CharField(_("certificate number"), max_length=40, unique=True)
    awarded_on = models.DateField(_("awarded on"))
    issuer_name = models.CharField(_("issued by"), max_length=100)

    objects = ScopedManager()
    view_capability = STARS_VIEW
    edit_capability = SCHEME_EDIT

    class Meta:
        verbose_name = _("star award")
        verbose_name_plural = _("star awards")
        ordering = ["-year", "org__path"]
        indexes = [models.Index(fields=[c, "year"], name=f"staraward_{c}_year")
                   for c in ("prefecture", "county", "township", "village")]

    def __str__(self):
        return self.certificate_no


class CertificateCounter(models.Model):
    """The last certificate number issued in a year (incremented inside the awarding transaction)."""

    year = models.PositiveSmallIntegerField(unique=True)
    last = models.PositiveIntegerField(default=0)

    def __str__(self):
        return f"{self.year}: {self.last}"
