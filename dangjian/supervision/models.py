"""跟踪督办: a supervised task issued by a committee or organization department to organizations of its subtree,
one assignment per organization, the assignees' progress reports, and the escalations of overdue assignments.

Scope (core.scoping):
- a task is seen from the issuer's side (its `org` is the issuer, with the issuer's ancestry) and from the side of
  any of its assignees (an assignment inside the user's subtree); only the issuer's side may verify it (edit);
- an assignment, a report and an escalation are facts of their own organization (the assignee; for an escalation
  the level that receives it), so the levels above see them through the ancestry columns. The issuer is always
  above the assignees (task_issue refuses anything else), so it sees every assignment of its tasks.

Status lights are computed, never stored (see `light_q`): they change with the calendar, not with a write.
"""

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Exists, Manager, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dangjian.core.scoping import EDIT, ScopedManager, ScopedQuerySet
from dangjian.orgs.models import ANCESTRY_COLUMNS, OrgFact

from .capabilities import TASK_MANAGE, TASK_REPORT, TASK_VIEW

# Yellow light: the deadline is at most this many days away.
WARNING_DAYS = 3


class Source(models.TextChoices):
    MEETING = "meeting", _("Meeting decision")
    INDICATOR = "indicator", _("Weak indicator")
    TOPIC = "topic", _("Secretary topic")
    VISIT = "visit", _("Contact visit")
    COMPLAINT = "complaint", _("Complaint")
    RECTIFICATION = "rectification", _("Rectification")
    OTHER = "other", _("Other")


class Light(models.TextChoices):
    GREEN = "green", _("On track")
    YELLOW = "yellow", _("Deadline near")
    RED = "red", _("Overdue")


def light_q(light, today=None, prefix=""):
    """Open assignments (not closed) in one light: red past the deadline, yellow within WARNING_DAYS of it,
    green otherwise. A closed assignment is green (nothing is outstanding). The one spelling of the rule: lists,
    filters, metrics and to-dos use it; `light_of` is its Python twin for one row."""
    today = today or timezone.localdate()
    soon = today + datetime.timedelta(days=WARNING_DAYS)
    is_open = ~Q(**{f"{prefix}status": TaskAssignment.Status.CLOSED})
    deadline = f"{prefix}deadline"
    return {
        Light.RED: is_open & Q(**{f"{deadline}__lt": today}),
        Light.YELLOW: is_open & Q(**{f"{deadline}__gte": today, f"{deadline}__lte": soon}),
        Light.GREEN: Q(**{f"{prefix}status": TaskAssignment.Status.CLOSED}) | Q(**{f"{deadline}__gt": soon}),
    }[light]


def light_of(status, deadline, today=None):
    today = today or timezone.localdate()
    if status == TaskAssignment.Status.CLOSED:
        return Light.GREEN
    if deadline < today:
        return Light.RED
    if deadline <= today + datetime.timedelta(days=WARNING_DAYS):
        return Light.YELLOW
    return Light.GREEN


class TaskQuerySet(ScopedQuerySet):
    def editable_by(self, user):
        """Only the issuer's side verifies: the issuer (or a level above it), never the assignees' side."""
        rows = self.allowed(user, EDIT)
        org = getattr(user, "scope_org", None)
        return rows.filter(org.ancestry_q()) if org is not None else rows.none()

    def issued_in(self, org):
        """Tasks issued by `org` or an organization below it."""
        return self.filter(org.ancestry_q())

    def assigned_in(self, org):
        """Tasks with an assignment in `org`'s subtree."""
        return self.filter(Exists(TaskAssignment.objects.filter(org.ancestry_q(), task=OuterRef("pk"))))


class SupervisedTask(OrgFact):
    """督办事项: `org` is the issuing organization (`issuer_org` in the API)."""

    title = models.CharField(_("title"), max_length=100)
    requirement = models.TextField(_("requirement"), max_length=2000)
    source = models.CharField(_("source"), max_length=16, choices=Source.choices)
    source_ref = models.CharField(_("source reference"), max_length=100, blank=True)
    deadline = models.DateField(_("deadline"))
    issued_on = models.DateField(_("issued on"), editable=False)
    issued_by = models.ForeignKey(
        "accounts.User", verbose_name=_("issued by"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+", editable=False,
    )  # empty: issued by the platform itself (a rule fired, e.g. a second year below three stars)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = Manager.from_queryset(TaskQuerySet)()
    view_capability = TASK_VIEW
    edit_capability = TASK_MANAGE

    class Meta:
        verbose_name = _("supervised task")
        verbose_name_plural = _("supervised tasks")
        ordering = ["-issued_on", "-id"]
        indexes = [
            models.Index(fields=[c, "issued_on"], name=f"suptask_{c}_date") for c in ANCESTRY_COLUMNS.values()
        ] + [models.Index(fields=["org", "issued_on"], name="suptask_org_date")]

    def __str__(self):
        return self.title

    @property
    def issuer_org(self):
        return self.org

    @classmethod
    def in_subtree(cls, org):
        """Seen from the issuer's side (ancestry of the issuer) and from any assignee's side."""
        return org.ancestry_q() | Q(Exists(TaskAssignment.objects.filter(org.ancestry_q(), task=OuterRef("pk"))))


class TaskAssignment(OrgFact):
    """One organization's part of a task: `org` is the assignee. `deadline` and `issued_on` are the task's,
    copied so that lights, metrics and lists are one indexed test on this table."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Awaiting report")
        REPORTED = "reported", _("Reported, awaiting verification")
        RETURNED = "returned", _("Returned")
        CLOSED = "closed", _("Closed")

    OPEN = (Status.PENDING, Status.REPORTED, Status.RETURNED)

    task = models.ForeignKey(SupervisedTask, verbose_name=_("supervised task"), on_delete=models.CASCADE,
                             related_name="assignments")
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.PENDING)
    deadline = models.DateField(_("deadline"), editable=False)
    issued_on = models.DateField(_("issued on"), editable=False)
    reported_at = models.DateTimeField(_("last reported at"), null=True, blank=True, editable=False)
    closed_on = models.DateField(_("closed on"), null=True, blank=True, editable=False)
    closed_by = models.ForeignKey(
        "accounts.User", verbose_name=_("closed by"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+", editable=False,
    )
    return_reason = models.CharField(_("reason for returning"), max_length=200, blank=True, editable=False)
    # 0: not escalated; 1: the level above the assignee was told; 2: the level above that too.
    escalation_step = models.PositiveSmallIntegerField(_("escalation"), default=0, editable=False)
    escalated_on = models.DateField(_("escalated on"), null=True, blank=True, editable=False)

    objects = ScopedManager()
    view_capability = TASK_VIEW
    edit_capability = TASK_REPORT

    class Meta:
        verbose_name = _("task assignment")
        verbose_name_plural = _("task assignments")
        ordering = ["deadline", "id"]
        indexes = [
            models.Index(fields=[c, "deadline"], name=f"taskasg_{c}_deadline") for c in ANCESTRY_COLUMNS.values()
        ] + [
            models.Index(fields=["org", "deadline"], name="taskasg_org_deadline"),
            models.Index(fields=["status", "deadline"], name="taskasg_status_deadline"),
        ]
        constraints = [models.UniqueConstraint(fields=["task", "org"], name="one_assignment_per_org")]

    def __str__(self):
        return f"{self.task} · {self.org}"

    @property
    def light(self):
        return light_of(self.status, self.deadline)

    @property
    def is_open(self):
        return self.status != self.Status.CLOSED

    @property
    def closed_on_time(self):
        return self.closed_on is not None and self.closed_on <= self.deadline


class TaskReport(OrgFact):
    """A progress report of an assignee (with attachments: core.attachments, purpose "evidence")."""

    assignment = models.ForeignKey(TaskAssignment, verbose_name=_("task assignment"), on_delete=models.CASCADE,
                                   related_name="reports")
    content = models.TextField(_("progress"), max_length=2000)
    reported_by = models.ForeignKey(
        "accounts.User", verbose_name=_("reported by"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+", editable=False,
    )
    reported_at = models.DateTimeField(_("reported at"), default=timezone.now, editable=False)

    objects = ScopedManager()
    view_capability = TASK_VIEW
    edit_capability = TASK_REPORT

    class Meta:
        verbose_name = _("progress report")
        verbose_name_plural = _("progress reports")
        ordering = ["reported_at", "id"]
        indexes = [models.Index(fields=["assignment", "reported_at"], name="taskreport_assignment")]

    def __str__(self):
        return f"{self.assignment} · {timezone.localtime(self.reported_at):%Y-%m-%d}"


class Escalation(OrgFact):
    """An overdue assignment brought to the attention of a level above the assignee: `org` is the level that
    receives it (step 1: the assignee's parent; step 2: the level above that). Shown on that level's to-do list
    while the assignment stays open."""

    assignment = models.ForeignKey(TaskAssignment, verbose_name=_("task assignment"), on_delete=models.CASCADE,
                                   related_name="escalations")
    step = models.PositiveSmallIntegerField(_("escalation step"))
    raised_on = models.DateField(_("raised on"))

    objects = ScopedManager()
    view_capability = TASK_VIEW
    edit_capability = TASK_MANAGE

    class Meta:
        verbose_name = _("escalation")
        verbose_name_plural = _("escalations")
        ordering = ["-raised_on", "-id"]
        indexes = [models.Index(fields=["org", "raised_on"], name="escalation_org_date")] + [
            models.Index(fields=[c, "raised_on"], name=f"escalation_{c}_date") for c in ANCESTRY_COLUMNS.values()
        ]
        constraints = [models.UniqueConstraint(fields=["assignment", "step"], name="one_escalation_per_step")]

    def __str__(self):
        return f"{self.assignment} → {self.org}"


def escalation_delays():
    """(days overdue before the first escalation, further days before the second), from the settings."""
    return (getattr(settings, "SUPERVISION_ESCALATE_AFTER_DAYS", 1),
            getattr(settings, "SUPERVISION_ESCALATE_AGAIN_DAYS", 7))
