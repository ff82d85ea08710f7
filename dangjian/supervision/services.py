"""跟踪督办: the writes. Each service scopes, locks, validates, writes and audits in one transaction.

- `task_issue`: a committee or organization department issues a task to organizations below it; other apps call
  it too (stars: rectification; secretaries: a visit's problem) with `actor=None` for the platform itself.
- `assignment_report`: the assignee's side reports progress (with attachments); a returned assignment is reported
  again.
- `assignment_close` (销号) / `assignment_return`: the issuer's side verifies a reported assignment.
- `escalate_overdue`: the platform escalates overdue assignments (run daily: `manage.py supervision_escalate`).
"""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from dangjian.core import attachments, audit, metrics
from dangjian.core.exceptions import NotInScope
from dangjian.core.scoping import require, require_editable
from dangjian.orgs.models import Org

from .capabilities import TASK_MANAGE
from .models import Escalation, Source, SupervisedTask, TaskAssignment, TaskReport, escalation_delays

MAX_ASSIGNEES = 500
EVIDENCE = "evidence"  # the attachment purpose of a progress report


def _task_summary(task, org_ids):
    return {"issuer_org": task.org_id, "title": task.title, "source": task.source, "source_ref": task.source_ref,
            "deadline": task.deadline, "orgs": org_ids}


@transaction.atomic
def task_issue(*, actor, issuer_org, title, requirement, source, deadline, orgs, source_ref=""):
    """Issue a task to `orgs` (organizations strictly below `issuer_org`), one assignment each. `issuer_org` and
    the items of `orgs` may be Org instances or ids.

    `actor=None` is the platform itself (a rule fired): audited as the system, scope not checked. Otherwise the
    actor must hold TASK_MANAGE, `issuer_org` and every assignee must be inside the actor's scope (not found
    otherwise)."""
    if not isinstance(issuer_org, Org):
        issuer_org = Org.objects.filter(pk=issuer_org).first()
        if issuer_org is None:
            raise NotInScope
    if actor is not None:
        if not actor.has_capability(TASK_MANAGE):
            raise PermissionDenied
        visible = Org.objects.visible_to(actor)
        require(visible, issuer_org)
        org_ids = [getattr(org, "pk", org) for org in orgs]
        if visible.filter(pk__in=org_ids).count() != len(set(org_ids)):
            raise NotInScope
    issuer_org = Org.objects.select_for_update().get(pk=issuer_org.pk)
    org_ids = list(dict.fromkeys(getattr(org, "pk", org) for org in orgs))
    assignees = list(Org.objects.filter(pk__in=org_ids).order_by("path"))
    errors = {}
    today = timezone.localdate()
    if not assignees:
        errors["orgs"] = _("Choose at least one organization to assign the task to.")
    elif len(assignees) != len(org_ids):
        errors["orgs"] = _("An organization chosen does not exist.")
    elif len(assignees) > MAX_ASSIGNEES:
        errors["orgs"] = _("A task can be assigned to at most %(max)d organizations.") % {"max": MAX_ASSIGNEES}
    else:
        outside = [org.name for org in assignees if not org.is_descendant_of(issuer_org)]
        inactive = [org.name for org in assignees if not org.is_active]
        if outside:
            errors["orgs"] = _("A task is assigned only to organizations below the issuer (%(issuer)s): "
                               "%(names)s.") % {"issuer": issuer_org.name, "names": "、".join(outside[:5])}
        elif inactive:
            errors["orgs"] = _("These organizations have been deactivated: %(names)s.") % {
                "names": "、".join(inactive[:5])}
    if deadline is not None and deadline < today:
        errors["deadline"] = _("The deadline cannot be in the past.")
    if source not in Source.values:
        errors["source"] = _("Choose a source from the list.")
    task = SupervisedTask(title=(title or "").strip(), requirement=(requirement or "").strip(), source=source,
                          source_ref=(source_ref or "").strip()[:100], deadline=deadline, issued_on=today,
                          issued_by=actor)
    task.set_org(issuer_org)
    try:
        task.full_clean(exclude=list(errors))
    except ValidationError as error:
        errors.update(error.message_dict)
    if errors:
        raise ValidationError(errors)
    task.save()
    rows = []
    for org in assignees:
        row = TaskAssignment(task=task, deadline=task.deadline, issued_on=today)
        row.set_org(org)
        rows.append(row)
    with metrics.track(*rows):
        TaskAssignment.objects.bulk_create(rows)
    audit.record("supervision.issue", actor=actor, obj=task, after=_task_summary(task, [o.pk for o in assignees]))
    return task


def _assignment_summary(assignment):
    return {"task": assignment.task_id, "org": assignment.org_id, "status": assignment.status,
            "closed_on": assignment.closed_on, "return_reason": assignment.return_reason}


def _lock(assignment):
    return TaskAssignment.objects.select_for_update().select_related("task").get(pk=assignment.pk)


@transaction.atomic
def assignment_report(*, actor, assignment, content, files=()):
    """The assignee's side reports progress, with attachments (purpose "evidence"). Anyone whose scope holds the
    assignee may report (a township on behalf of its village), except the issuer's side, which verifies."""
    require_editable(actor, assignment)
    assignment = _lock(assignment)
    if SupervisedTask.objects.visible_to(actor).filter(pk=assignment.task_id).filter(
            actor.scope_org.ancestry_q()).exists():
        raise PermissionDenied(_("The issuing side verifies this task; the organization it is assigned to "
                                 "reports on it."))
    content = (content or "").strip()
    if assignment.status == TaskAssignment.Status.CLOSED:
        raise ValidationError(_("This task has already been closed."))
    if not content:
        raise ValidationError({"content": _("Describe the progress made.")})
    report = TaskReport(assignment=assignment, content=content, reported_by=actor)
    report.set_org(assignment.org)
    report.full_clean()
    report.save()
    for upload in files:
        attachments.attachment_add(actor=actor, owner=report, file=upload, purpose=EVIDENCE)
    before = _assignment_summary(assignment)
    assignment.status = TaskAssignment.Status.REPORTED
    assignment.reported_at = report.reported_at
    assignment.save(update_fields=["status", "reported_at"])
    audit.record("supervision.report", actor=actor, obj=assignment, before=before,
                 after={**_assignment_summary(assignment), "report": report.pk, "files": len(files)})
    return report


def _issuer_side(actor, assignment):
    """The assignment locked, for the issuer's side: not found outside the actor's sight of the task, refused
    for the assignees' side and for roles that do not verify."""
    assignment = require(TaskAssignment.objects.visible_to(actor), assignment)
    require_editable(actor, SupervisedTask.objects.get(pk=assignment.task_id))
    return _lock(assignment)


def _require_reported(assignment):
    if assignment.status == TaskAssignment.Status.CLOSED:
        raise ValidationError(_("This task has already been closed."))
    if assignment.status != TaskAssignment.Status.REPORTED:
        raise ValidationError(_("Nobody has reported on this task since it was issued or returned: it cannot be "
                                "verified yet."))


@transaction.atomic
def assignment_close(*, actor, assignment):
    """销号: the issuer's side verifies the report and closes the assignment."""
    assignment = _issuer_side(actor, assignment)
    _require_reported(assignment)
    before = _assignment_summary(assignment)
    with metrics.track(assignment):
        assignment.status = TaskAssignment.Status.CLOSED
        assignment.closed_on, assignment.closed_by = timezone.localdate(), actor
        assignment.save(update_fields=["status", "closed_on", "closed_by"])
    audit.record("supervision.close", actor=actor, obj=assignment, before=before,
                 after={**_assignment_summary(assignment), "on_time": assignment.closed_on_time})
    return assignment


@transaction.atomic
def assignment_return(*, actor, assignment, reason):
    """The issuer's side returns a reported assignment with a reason: the assignee reports again."""
    assignment = _issuer_side(actor, assignment)
    reason = (reason or "").strip()
    _require_reported(assignment)
    if not reason:
        raise ValidationError({"reason": _("Say why the task is returned.")})
    if len(reason) > 200:
        raise ValidationError({"reason": _("The reason can be at most 200 characters long.")})
    before = _assignment_summary(assignment)
    assignment.status, assignment.return_reason = TaskAssignment.Status.RETURNED, reason
    assignment.save(update_fields=["status", "return_reason"])
    audit.record("supervision.return", actor=actor, obj=assignment, before=before,
                 after=_assignment_summary(assignment))
    return assignment


@transaction.atomic
def escalate_overdue(*, today=None):
    """The platform escalates overdue open assignments: step 1 to the assignee's parent once the assignment is
    SUPERVISION_ESCALATE_AFTER_DAYS overdue, step 2 to the level above that SUPERVISION_ESCALATE_AGAIN_DAYS
    later. Each step is an Escalation row (a to-do of the receiving level) and an audit entry by the system.
    Idempotent: a step is raised once (a unique index backs it). Returns the number of escalations raised."""
    today = today or timezone.localdate()
    first, again = escalation_delays()
    raised = 0
    due = {1: Q(escalation_step=0, deadline__lte=today - datetime.timedelta(days=first)),
           2: Q(escalation_step=1, escalated_on__lte=today - datetime.timedelta(days=again))}
    for step in (1, 2):
        rows = (TaskAssignment.objects.select_for_update(of=("self",)).select_related("org")
                .filter(due[step], status__in=TaskAssignment.OPEN).order_by("pk"))
        uppers = {}
        for assignment in rows:
            ancestors = assignment.org.ancestor_ids()
            if len(ancestors) < step:
                continue  # nothing above: the root's own tasks
            uppers[assignment] = ancestors[-step]
        targets = Org.objects.in_bulk(set(uppers.values()))
        for assignment, target_id in uppers.items():
            escalation = Escalation(assignment=assignment, step=step, raised_on=today)
            escalation.set_org(targets[target_id])
            escalation.save()
            assignment.escalation_step, assignment.escalated_on = step, today
            assignment.save(update_fields=["escalation_step", "escalated_on"])
            audit.record("supervision.escalate", actor=None, obj=assignment,
                         after={"step": step, "to_org": target_id, "deadline": assignment.deadline})
            raised += 1
    return raised
