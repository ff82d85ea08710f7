"""三进三帮: visits (进农村 / 进社区 / 进企业), beneficiaries and help cases (帮群众解困 / 帮居民解忧 / 帮企业解难).

Every row is an OrgFact (its org and that org's ancestry columns, indexed with the date the figures count by).
A help case is filed under its beneficiary's organization, so all the cases of one beneficiary count in the same
subtrees and "each beneficiary once" holds per subtree (docs/decisions.md, "People helped").
"""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from dangjian.core.crypto import EncryptedCharField
from dangjian.core.scoping import ScopedManager
from dangjian.core.validators import normalize_id_number, validate_id_number, validate_mobile
from dangjian.orgs.models import ANCESTRY_COLUMNS, OrgFact, Person

from .capabilities import CASE_EDIT, OUTREACH_VIEW, VISIT_RECORD


class Visit(OrgFact):
    """One 三进 visit: who went where, when, whom they saw and what they found."""

    class Kind(models.TextChoices):
        VILLAGE = "village", _("Into villages")
        COMMUNITY = "community", _("Into communities")
        ENTERPRISE = "enterprise", _("Into enterprises")

    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    visited_on = models.DateField(_("date"))
    whom = models.CharField(_("whom"), max_length=100, help_text=_("A person's name, a household or an enterprise."))
    findings = models.TextField(_("what was found"), max_length=2000)
    visitor = models.ForeignKey(Person, verbose_name=_("visitor"), null=True, blank=True,
                                on_delete=models.SET_NULL, related_name="+")
    recorded_by = models.ForeignKey("accounts.User", verbose_name=_("recorded by"), null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+", editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedManager()
    view_capability = OUTREACH_VIEW
    edit_capability = VISIT_RECORD
    owner_field = "visitor"  # a member reads (and adds photos to) the visits they made

    class Meta:
        verbose_name = _("visit")
        verbose_name_plural = _("visits")
        ordering = ["-visited_on", "-id"]
        indexes = [models.Index(fields=[c, "visited_on"], name=f"visit_{c}_date") for c in ANCESTRY_COLUMNS.values()]
        indexes += [models.Index(fields=["org", "visited_on"], name="visit_org_date")]

    def __str__(self):
        return f"{self.get_kind_display()} {self.visited_on} {self.whom}"

    def clean(self):
        if self.visited_on and self.visited_on > timezone.localdate():
            raise ValidationError({"visited_on": _("The visit date cannot be in the future.")})


class Beneficiary(OrgFact):
    """困难群众 / 帮扶对象: a person, a household (with its size) or an enterprise. One person is one beneficiary
    (ID number, blind-indexed, unique), however many cases they have."""

    class Kind(models.TextChoices):
        PERSON = "person", _("Person")
        HOUSEHOLD = "household", _("Household")
        ENTERPRISE = "enterprise", _("Enterprise")

    class Sensitivity(models.TextChoices):
        NONE = "", _("None")
        HEALTH = "health", _("Health")
        FINANCES = "finances", _("Finances")
        FAMILY = "family", _("Family circumstances")

    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices, default=Kind.PERSON)
    name = models.CharField(_("name"), max_length=100,
                            help_text=_("The person, the head of the household, or the enterprise."))
    id_number = EncryptedCharField(_("ID number"), index_field="id_number_index", mask="id_number",
                                   validators=[validate_id_number])
    id_number_index = models.CharField(max_length=64, blank=True, editable=False)
    phone = EncryptedCharField(_("mobile phone"), index_field="phone_index", mask="phone",
                               validators=[validate_mobile])
    phone_index = models.CharField(max_length=64, blank=True, editable=False)
    household_size = models.PositiveSmallIntegerField(_("household size"), default=1)
    address = models.CharField(_("address"), max_length=200, blank=True)
    sensitivity = models.CharField(_("sensitive details label"), max_length=10, choices=Sensitivity.choices,
                                   blank=True, default="")
    sensitive_details = models.TextField(_("sensitive details"), max_length=2000, blank=True,
                                         help_text=_("Health or finances: hidden from roles without clearance."))
    # What the beneficiary counts in "people helped": a person 1, a household its size, an enterprise 0.
    people = models.PositiveSmallIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedManager()
    view_capability = OUTREACH_VIEW
    edit_capability = CASE_EDIT

    class Meta:
        verbose_name = _("beneficiary")
        verbose_name_plural = _("beneficiaries")
        ordering = ["name", "id"]
        indexes = [models.Index(fields=[c, "name"], name=f"beneficiary_{c}_name") for c in ANCESTRY_COLUMNS.values()]
        indexes += [models.Index(fields=["org", "name"], name="beneficiary_org_name")]
        constraints = [
            models.UniqueConstraint(fields=["id_number_index"], condition=~Q(id_number_index=""),
                                    name="beneficiary_id_number_unique"),
            models.CheckConstraint(condition=Q(household_size__gte=1), name="beneficiary_household_size"),
        ]

    def __str__(self):
        return self.name

    def clean(self):
        self.id_number = normalize_id_number(self.id_number)
        self.phone = (self.phone or "").strip()
        self.name = (self.name or "").strip()
        errors = {}
        if self.household_size is not None and self.household_size < 1:
            errors["household_size"] = _("A household has at least one person.")
        if self.kind != self.Kind.HOUSEHOLD:
            self.household_size = 1
        if self.kind == self.Kind.ENTERPRISE and self.id_number:
            errors["id_number"] = _("An enterprise has no ID number; record its contact person instead.")
        if self.sensitive_details.strip() and not self.sensitivity:
            errors["sensitivity"] = _("Choose what kind of sensitive details these are.")
        if errors:
            raise ValidationError(errors)
        self.people = people_count(self.kind, self.household_size)


def people_count(kind, household_size):
    """A person counts 1, a household its size, an enterprise 0: the one spelling of the rule."""
    if kind == Beneficiary.Kind.HOUSEHOLD:
        return max(household_size or 1, 1)
    return 0 if kind == Beneficiary.Kind.ENTERPRISE else 1


class HelpCase(OrgFact):
    """三帮: one problem of a beneficiary, from a visit or directly; helpers, progress, resolution, return visit."""

    class Kind(models.TextChoices):
        HARDSHIP = "hardship", _("Help the masses out of hardship")
        WORRY = "worry", _("Ease residents' worries")
        BUSINESS = "business", _("Solve enterprises' problems")

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        RESOLVED = "resolved", _("Resolved")
        CLOSED = "closed", pgettext_lazy("help case", "Closed")  # after the return visit (not 销号)
        REOPENED = "reopened", _("Reopened")

    class Satisfaction(models.TextChoices):
        NONE = "", _("Not asked yet")
        SATISFIED = "satisfied", _("Satisfied")
        BASICALLY = "basically", _("Basically satisfied")
        UNSATISFIED = "unsatisfied", _("Unsatisfied")

    SOLVED = (Status.RESOLVED, Status.CLOSED)
    PENDING = (Status.OPEN, Status.REOPENED)
    CONTENT = (Satisfaction.SATISFIED, Satisfaction.BASICALLY)

    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    beneficiary = models.ForeignKey(Beneficiary, verbose_name=_("beneficiary"), on_delete=models.PROTECT,
                                    related_name="cases")
    visit = models.ForeignKey(Visit, verbose_name=_("visit"), null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="cases")
    problem = models.TextField(_("problem"), max_length=2000)
    helpers = models.ManyToManyField(Person, verbose_name=_("helpers"), blank=True, related_name="+")
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.OPEN)
    opened_on = models.DateField(_("opened on"))
    resolution = models.TextField(_("what was done"), max_length=2000, blank=True)
    resolved_on = models.DateField(_("resolved on"), null=True, blank=True)
    satisfaction = models.CharField(_("satisfaction"), max_length=12, choices=Satisfaction.choices, blank=True,
                                    default="")
    return_note = models.CharField(_("return visit note"), max_length=500, blank=True)
    returned_on = models.DateField(_("return visit date"), null=True, blank=True)
    reopen_reason = models.CharField(_("reason for reopening"), max_length=500, blank=True)
    # The beneficiary's people on the case that counts them for its calendar year (their first solved case of
    # that year), 0 on every other case: "people helped" in a year is then a sum the summary table can keep.
    people_helped = models.PositiveSmallIntegerField(default=0, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedManager()
    view_capability = OUTREACH_VIEW
    edit_capability = CASE_EDIT

    class Meta:
        verbose_name = _("help case")
        verbose_name_plural = _("help cases")
        ordering = ["-opened_on", "-id"]
        # (ancestor, resolved_on, status): problems solved and people helped of a subtree and period are read
        # from the index alone, and their drill-down list walks it in date order; (ancestor, status): open cases;
        # (ancestor, opened_on): the case list's default order.
        indexes = [models.Index(fields=[c, "resolved_on", "status"], name=f"case_{c}_resolved")
                   for c in ANCESTRY_COLUMNS.values()]
        indexes += [models.Index(fields=[c, "status"], name=f"case_{c}_status") for c in ANCESTRY_COLUMNS.values()]
        indexes += [models.Index(fields=[c, "opened_on"], name=f"case_{c}_opened") for c in ANCESTRY_COLUMNS.values()]
        indexes += [models.Index(fields=["org", "resolved_on"], name="case_org_resolved"),
                    models.Index(fields=["beneficiary", "resolved_on"], name="case_beneficiary_resolved")]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["resolved", "closed"], resolved_on__isnull=False)
                | Q(status__in=["open", "reopened"], resolved_on__isnull=True),
                name="case_resolved_on_with_status"),
        ]

    def __str__(self):
        return f"{self.beneficiary}: {self.problem[:30]}"

    @property
    def is_solved(self):
        return self.status in self.SOLVED


class CaseProgress(models.Model):
    """A dated note on a help case: progress, and the system's own notes (reopened, with the reason)."""

    case = models.ForeignKey(HelpCase, on_delete=models.CASCADE, related_name="progress")
    noted_on = models.DateField(_("date"))
    note = models.CharField(_("progress"), max_length=500)
    author = models.ForeignKey("accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                               editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("progress note")
        ordering = ["noted_on", "id"]

    def __str__(self):
        return self.note
