"""Pages of 跟踪督办: tasks by issuer and by assignee, a task with its assignments and their reports, issuing,
reporting, closing (销号) and returning. Reads through selectors, writes through services; a task or an
assignment outside the user's sight is 404, an action of the other side 403."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from dangjian.core import attachments, tabular
from dangjian.core.forms import add_service_errors
from dangjian.core.lists import paginate
from dangjian.core.scoping import get_visible_or_404
from dangjian.core.views import capability_required, perform_action, require_capability

from . import selectors, services
from .capabilities import TASK_MANAGE, TASK_REPORT, TASK_VIEW
from .forms import ReportForm, ReturnForm, TaskIssueForm
from .models import Light, TaskAssignment


@capability_required(TASK_VIEW)
@require_GET
def issued_list(request):
    filterset, tasks = selectors.issued_tasks(request.user, request.GET)
    return render(request, "supervision/issued_list.html", {
        "filter_form": filterset.form, "page_obj": paginate(request, tasks),
        "can_issue": request.user.has_capability(TASK_MANAGE),
    })


@capability_required(TASK_VIEW)
@require_GET
def assigned_list(request):
    filterset, rows = selectors.assignments(request.user, request.GET)
    return render(request, "supervision/assigned_list.html", {
        "filter_form": filterset.form, "page_obj": paginate(request, rows),
    })


@tabular.exporter
def assignment_exporter(user, params):
    """The assigned-tasks list's export for `user` and the list's query parameters (also run by a job)."""
    require_capability(user, TASK_VIEW)
    _filterset, rows = selectors.assignments(user, params)
    headers = [_("Task"), _("Issued by"), _("Source"), _("Assigned to"), _("Issued on"), _("Deadline"), _("Status"),
               _("Status light"), _("Closed on"), _("Reason for returning")]
    return tabular.Export(queryset=rows, headers=headers, rows=_assignment_rows, title=_("Tasks assigned"),
                          filename=_("supervised tasks"), action="supervision.export",
                          object_type="supervision.taskassignment")


def _assignment_rows(queryset):
    for row in queryset.iterator(chunk_size=2000):
        yield [row.task.title, row.task.org.name, row.task.get_source_display(), row.org.name, row.issued_on,
               row.deadline, row.get_status_display(), str(Light(row.light).label), row.closed_on, row.return_reason]


@capability_required(TASK_VIEW)
@require_GET
def assigned_export(request):
    return tabular.export_list(request, assignment_exporter)


@capability_required(TASK_VIEW)
@require_GET
def task_detail(request, pk):
    task, rows = selectors.task_detail(request.user, pk)
    issuer_side = selectors.is_issuer_side(request.user, task)
    return render(request, "supervision/task_detail.html", {
        "task": task, "assignments": rows, "issuer_side": issuer_side,
        "can_report": not issuer_side and request.user.has_capability(TASK_REPORT),
        "return_form": ReturnForm(),
    })


@capability_required(TASK_MANAGE)
@require_http_methods(["GET", "POST"])
def task_create(request):
    issuer = request.user.org
    form = TaskIssueForm(request.POST or None, user=request.user, issuer=issuer)
    if request.method == "POST" and "add" in request.POST:  # the picked organization joins the ticked ones
        form = form.with_picked_added(request.user)
    elif request.method == "POST" and form.is_valid():
        try:
            task = services.task_issue(
                actor=request.user, issuer_org=issuer, title=form.cleaned_data["title"],
                requirement=form.cleaned_data["requirement"], source=form.cleaned_data["source"],
                deadline=form.cleaned_data["deadline"], orgs=form.assignees(),
                source_ref=form.cleaned_data["source_ref"])
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The task has been issued to %(count)d organizations.")
                             % {"count": task.assignments.count()})
            return redirect("supervision:detail", pk=task.pk)
    return render(request, "supervision/task_form.html", {"form": form, "issuer": issuer})


def _assignment(request, pk):
    return get_visible_or_404(TaskAssignment.objects.visible_to(request.user).select_related("task", "org"), pk=pk)


@capability_required(TASK_VIEW)
@require_http_methods(["GET", "POST"])
def assignment_report(request, pk):
    assignment = _assignment(request, pk)
    require_capability(request.user, TASK_REPORT)
    if selectors.is_issuer_side(request.user, assignment.task):  # the issuer verifies; it does not report
        raise PermissionDenied
    form = ReportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.assignment_report(actor=request.user, assignment=assignment,
                                       content=form.cleaned_data["content"], files=form.files_list)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Your progress report has been sent."))
            return redirect("supervision:detail", pk=assignment.task_id)
    return render(request, "supervision/report_form.html", {
        "assignment": assignment, "form": form, "accept": attachments.accept_attribute(),
    })


@capability_required(TASK_VIEW)
@require_POST
def assignment_close(request, pk):
    assignment = _assignment(request, pk)
    perform_action(request, services.assignment_close,
                   _("%(org)s's task has been closed.") % {"org": assignment.org.name}, assignment=assignment)
    return redirect("supervision:detail", pk=assignment.task_id)


@capability_required(TASK_VIEW)
@require_http_methods(["GET", "POST"])
def assignment_return(request, pk):
    assignment = _assignment(request, pk)
    if not selectors.is_issuer_side(request.user, assignment.task):
        raise PermissionDenied
    form = ReturnForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.assignment_return(actor=request.user, assignment=assignment,
                                       reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The task has been returned to %(org)s.") % {"org": assignment.org.name})
            return redirect("supervision:detail", pk=assignment.task_id)
    return render(request, "supervision/return_form.html", {"assignment": assignment, "form": form})
