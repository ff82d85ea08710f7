"""What 跟踪督办 contributes to the workbench (core.workbench): its two lists in the menu, a home card whose
figures link to the lists that count them, and to-dos for both sides — the assignee reports, the issuer
verifies, and the levels an overdue task was escalated to follow it up."""

from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from dangjian.core import metrics
from dangjian.core.metrics import Period
from dangjian.core.workbench import CardData, Figure, ListItem, card, menu_entry, todos

from . import metrics as task_metrics
from .capabilities import TASK_MANAGE, TASK_REPORT, TASK_VIEW
from .models import Light, TaskAssignment, light_q
from .selectors import escalations_for

LIST_SIZE = 10

menu_entry("workbench", _("Tasks issued"), "supervision:issued", "ti-flag", capability=TASK_MANAGE, order=30)
menu_entry("workbench", _("Tasks assigned"), "supervision:assigned", "ti-checklist", capability=TASK_VIEW,
           order=31)


def _figure(key, label, value, **params):
    query = "?" + urlencode(params) if params else ""
    return Figure(key, label, value, reverse("supervision:assigned") + query,
                  reverse("task-assignment-list") + query)


def _assignment_url(row):
    return reverse("supervision:detail", args=[row.task_id]) + f"#assignment-{row.pk}"


def tasks_card(user):
    """This year's assignments in the user's subtree (the user's own organization included), those closed on
    time, and those overdue now, with the most overdue listed."""
    year = timezone.localdate().year
    counts = metrics.values([task_metrics.ISSUED, task_metrics.CLOSED_ON_TIME], user.org, Period.year(year))
    overdue = metrics.values([task_metrics.OVERDUE], user.org)[task_metrics.OVERDUE]
    figures = [
        _figure("issued", _("Tasks this year"), counts[task_metrics.ISSUED], issued_year=year),
        _figure("closed_on_time", _("Closed on time this year"), counts[task_metrics.CLOSED_ON_TIME],
                on_time="true", closed_year=year),
        _figure("overdue", _("Overdue"), overdue, light=Light.RED),
    ]
    rows = (TaskAssignment.objects.visible_to(user).filter(light_q(Light.RED)).select_related("task", "org")
            .order_by("deadline", "id")[:LIST_SIZE])
    items = [ListItem(row.task.title, _assignment_url(row), note=row.org.name, badge=str(row.deadline))
             for row in rows]
    return CardData(figures, items=items, items_title=_("Overdue tasks"), more=overdue - len(items),
                    more_url=figures[2].url, empty=_("No task is overdue."))


card("supervision.tasks", _("Supervised tasks"), tasks_card, capability=TASK_VIEW, icon="ti-flag", order=60)


def report_todos(user):
    """The user's own organization's assignments awaiting a report (new or returned), soonest deadline first."""
    rows = (TaskAssignment.objects.visible_to(user).filter(org=user.org).filter(
        status__in=[TaskAssignment.Status.PENDING, TaskAssignment.Status.RETURNED])
        .select_related("task").order_by("deadline", "id")[:LIST_SIZE])
    return [{"label": (_("Returned, report again: %(title)s") if row.status == TaskAssignment.Status.RETURNED
                       else _("Report progress: %(title)s")) % {"title": row.task.title},
             "url": _assignment_url(row), "due": row.deadline} for row in rows]


def verify_todos(user):
    """Reports awaiting verification on the tasks the user's own organization issued."""
    rows = (TaskAssignment.objects.visible_to(user).filter(task__org=user.org, status=TaskAssignment.Status.REPORTED)
            .select_related("task", "org").order_by("deadline", "id")[:LIST_SIZE])
    return [{"label": _("Verify the report: %(title)s · %(org)s") % {"title": row.task.title, "org": row.org.name},
             "url": _assignment_url(row), "due": row.deadline} for row in rows]


def escalation_todos(user):
    """Overdue tasks escalated to the user's own organization, while they stay open."""
    return [{"label": _("Overdue, follow up: %(title)s · %(org)s") % {"title": e.assignment.task.title,
                                                                       "org": e.assignment.org.name},
             "url": _assignment_url(e.assignment), "due": e.assignment.deadline}
            for e in escalations_for(user, LIST_SIZE)]


todos(_("Supervised tasks to report on"), report_todos, capability=TASK_REPORT)
todos(_("Supervised tasks to verify"), verify_todos, capability=TASK_MANAGE)
todos(_("Overdue supervised tasks escalated to you"), escalation_todos, capability=TASK_VIEW)
