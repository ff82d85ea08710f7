"""跟踪督办: the reads. Every list costs a fixed number of queries (stated per function), whatever its rows."""

from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, Prefetch, Q

from dangjian.core.models import Attachment
from dangjian.core.scoping import get_visible_or_404

from .filters import AssignmentFilter, TaskFilter
from .models import Escalation, Light, SupervisedTask, TaskAssignment, TaskReport, light_q


def issued_tasks(user, params):
    """(filterset, tasks) issued by the user's organization or below it, each with `total`, `closed`, `red` and
    `yellow` assignment counts: one query per page (plus the paginator's count)."""
    org = user.scope_org
    tasks = SupervisedTask.objects.visible_to(user)
    tasks = tasks.issued_in(org) if org is not None else tasks.none()
    tasks = tasks.select_related("org").annotate(
        total=Count("assignments"),
        closed=Count("assignments", filter=Q(assignments__status=TaskAssignment.Status.CLOSED)),
        red=Count("assignments", filter=light_q(Light.RED, prefix="assignments__")),
        yellow=Count("assignments", filter=light_q(Light.YELLOW, prefix="assignments__")),
    ).order_by("-issued_on", "-id")
    filterset = TaskFilter(params or None, queryset=tasks)
    return filterset, filterset.qs


def assignments(user, params):
    """(filterset, assignments) of organizations in the user's subtree, with their task, issuer and organization:
    one query per page (plus the paginator's count)."""
    rows = (TaskAssignment.objects.visible_to(user).select_related("task", "task__org", "org")
            .order_by("deadline", "id"))
    filterset = AssignmentFilter(params or None, queryset=rows)
    return filterset, filterset.qs


def task_detail(user, pk):
    """The task (404 outside sight), the assignments the user may see (the issuer's side: all; an assignee's side:
    its own) with their reports and each report's attachments: four queries."""
    task = get_visible_or_404(SupervisedTask.objects.visible_to(user).select_related("org", "issued_by"), pk=pk)
    reports = TaskReport.objects.select_related("reported_by").order_by("reported_at", "id")
    rows = list(TaskAssignment.objects.visible_to(user).filter(task=task).select_related("org", "closed_by")
                .prefetch_related(Prefetch("reports", queryset=reports)).order_by("org__path"))
    report_ids = [report.pk for row in rows for report in row.reports.all()]
    files = {}
    if report_ids:
        content_type = ContentType.objects.get_for_model(TaskReport)
        for attachment in Attachment.objects.filter(owner_type=content_type, owner_id__in=report_ids):
            files.setdefault(attachment.owner_id, []).append(attachment)
    for row in rows:
        for report in row.reports.all():
            report.files = files.get(report.pk, [])
    return task, rows


def is_issuer_side(user, task):
    return SupervisedTask.objects.editable_by(user).filter(pk=task.pk).exists()


def escalations_for(user, limit=20):
    """Escalations addressed to the user's own organization whose assignment is still open (the to-do list)."""
    org = user.scope_org
    if org is None:
        return []
    return list(Escalation.objects.filter(org=org, assignment__status__in=TaskAssignment.OPEN)
                .select_related("assignment", "assignment__task", "assignment__org")
                .order_by("assignment__deadline", "id")[:limit])
