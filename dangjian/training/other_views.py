"""抓培训 pages: bases, plans, online courses, the member's own record, statistics and the attendance behind them."""

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dangjian.core import attachments, tabular
from dangjian.core.forms import add_service_errors
from dangjian.core.lists import paginate
from dangjian.core.metrics import Period
from dangjian.core.scoping import get_visible_or_404
from dangjian.core.views import capability_required
from dangjian.orgs.models import Org

from . import courses, selectors
from .api import drill_params
from .capabilities import TRAINING_MANAGE, TRAINING_VIEW
from .forms import BaseForm, CourseForm, PlanForm
from .models import Course, CourseProgress, Level, Method, TrainingBase, TrainingPlan


@capability_required(TRAINING_VIEW)
def base_list(request):
    bases = TrainingBase.objects.visible_to(request.user).select_related("org")
    return render(request, "training/base_list.html", {"page": paginate(request, bases),
                                                       "may_manage": request.user.has_capability(TRAINING_MANAGE)})


@capability_required(TRAINING_MANAGE)
def base_create(request):
    from .services import base_create as create

    form = BaseForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            create(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The training base has been added."))
            return redirect("training:base_list")
    return render(request, "training/form.html", {"form": form, "title": _("New training base")})


# --- plans ----------------------------------------------------------------------------------------------------

@capability_required(TRAINING_VIEW)
def plan_list(request):
    plans = TrainingPlan.objects.visible_to(request.user).select_related("org").prefetch_related("requirements")
    return render(request, "training/plan_list.html", {"page": paginate(request, plans),
                                                       "may_manage": request.user.has_capability(TRAINING_MANAGE)})


@capability_required(TRAINING_MANAGE)
def plan_create(request):
    form = PlanForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if not k.startswith("hours_")}
        try:
            plan = courses.plan_create(actor=request.user, requirements=form.requirements(), **data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The training plan has been created."))
            return redirect("training:plan_detail", plan.pk)
    return render(request, "training/form.html", {"form": form, "title": _("New training plan")})


@capability_required(TRAINING_VIEW)
def plan_detail(request, pk):
    """Progress per organization for everyone who sees the plan; who is behind only for administrators (the
    training managers and organization departments of their scope), ordered by organization, never ranked."""
    plan = get_visible_or_404(TrainingPlan.objects.visible_to(request.user).select_related("org"), pk=pk)
    user_org = request.user.scope_org
    org = user_org if plan.org.path <= user_org.path and user_org.path.startswith(plan.org.path) else plan.org
    show_people = request.user.has_capability(TRAINING_MANAGE)
    progress = selectors.plan_progress(plan, org, with_people=show_people)
    return render(request, "training/plan_detail.html", {"plan": plan, "org": org, "progress": progress,
                                                         "show_people": show_people})


# --- courses ---------------------------------------------------------------------------------------------------

@login_required
def course_list(request):
    visible = Course.objects.visible_to(request.user)
    page = paginate(request, visible.select_related("org"))
    mine = {}
    if request.user.person_id:
        mine = {p.course_id: p for p in CourseProgress.objects.filter(
            person_id=request.user.person_id, course_id__in=[c.pk for c in page]).select_related("course")}
    return render(request, "training/course_list.html", {
        "page": page, "mine": mine, "may_manage": request.user.has_capability(TRAINING_MANAGE)})


@capability_required(TRAINING_MANAGE)
def course_create(request):
    form = CourseForm(request.POST or None, request.FILES or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            course = courses.course_create(actor=request.user, **data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The course has been published."))
            return redirect("training:course_detail", course.pk)
    return render(request, "training/form.html", {"form": form, "title": _("New online course"),
                                                  "multipart": True})


@login_required
def course_detail(request, pk):
    course = get_visible_or_404(Course.objects.visible_to(request.user).select_related("org"), pk=pk)
    courseware = attachments.for_owner(course, courses.COURSEWARE).first()
    progress = None
    if request.user.person_id:
        progress = CourseProgress.objects.filter(course=course, person_id=request.user.person_id).first()
    if request.method == "POST":
        try:
            progress = courses.progress_record(actor=request.user, course=course, position=request.POST.get("position"))
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("Your progress has been saved."))
        return redirect("training:course_detail", pk)
    return render(request, "training/course_detail.html", {
        "course": course, "courseware": courseware, "progress": progress,
        "completion_point": courses.completion_point(course)})


@login_required
def mine(request):
    """The member's own 学习档案: classes and courses of a year with the hours credited (no ranking, no timer)."""
    year = _int(request.GET.get("year")) or timezone.localdate().year
    enrollments, progress = selectors.person_record(request.user.person_id, year)  # no member record: none
    return render(request, "training/mine.html", {"year": year, "enrollments": enrollments, "progress": progress,
                                                  "hours": sum(e.hours for e in enrollments if e.completed_on
                                                               and e.completed_on.year == year)
                                                  + sum(p.hours for p in progress if p.completed_on
                                                        and p.completed_on.year == year)})


def _int(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


# --- statistics and the attendance behind them --------------------------------------------------------------------

def _date(value):
    try:
        return datetime.date.fromisoformat(value) if value else None
    except ValueError:
        return None


def stats_scope(request):
    """(org, period, params) of the statistics page: ?org=&from=&to= as in the API (bad dates: this year)."""
    org = request.user.scope_org
    if request.GET.get("org"):
        org = get_visible_or_404(Org.objects.visible_to(request.user), pk=_int(request.GET["org"]) or 0)
    default = selectors.default_period()
    period = Period(_date(request.GET.get("from")) or default.start, _date(request.GET.get("to")) or default.end)
    return org, period, {"org": org.pk, "from": period.start.isoformat(), "to": period.end.isoformat()}


@capability_required(TRAINING_VIEW)
def statistics(request):
    org, period, params = stats_scope(request)
    data = selectors.summary(org, period)
    children = selectors.children_summary(org, period)
    if request.GET.get("format") in ("xlsx", "csv"):
        rows = [[_("Total"), data["person_times"], data["trainees"], data["hours"], data["attendances"]]]
        rows += [[c["org"].name, c["person_times"], "", "", ""] for c in children]
        rows += [[label, "", "", "", data["by_method"][value]] for value, label in Method.choices]
        rows += [[label, data["by_level"][value], "", "", ""] for value, label in Level.choices]
        return tabular.export(rows=rows, headers=[_("Item"), _("Person-times"), _("Trainees"), _("Hours"),
                                                  _("Attendances")],
                              title=_("Training statistics") + f" {org.name} {params['from']}~{params['to']}",
                              filename="training-statistics", fmt=request.GET["format"], action="training.export")
    return render(request, "training/statistics.html", {
        "org": org, "period": period, "params": params, "data": data, "children": children,
        "methods": [(v, label, data["by_method"][v]) for v, label in Method.choices],
        "levels": [(v, label, data["by_level"][v]) for v, label in Level.choices]})


ATTENDANCE_HEADERS = (gettext_lazy("Date"), gettext_lazy("Trainee"), gettext_lazy("Organization"),
                      gettext_lazy("Class"), gettext_lazy("Lesson"), gettext_lazy("Teaching method"),
                      gettext_lazy("How"))


@capability_required(TRAINING_VIEW)
def attendance_list(request):
    rows = selectors.attendance_rows(request.user, drill_params(request.GET))
    if request.GET.get("format") in ("xlsx", "csv"):
        return tabular.export_list(request, export_attendance)
    return render(request, "training/attendance_list.html", {"page": paginate(request, rows, per_page=50),
                                                             "query": request.GET.urlencode()})


@tabular.exporter
def export_attendance(user, params, **options):
    if not user.has_capability(TRAINING_VIEW):
        raise PermissionDenied
    return tabular.Export(
        queryset=selectors.attendance_rows(user, drill_params(params)), title=_("Training attendance"),
        filename="attendance",
        headers=[str(h) for h in ATTENDANCE_HEADERS], action="training.export", object_type="training.attendance",
        rows=lambda qs: ([a.on, a.person.name, a.org.name, a.training_class.title, a.lesson.topic,
                          a.get_method_display(), a.get_way_display()] for a in qs.iterator(chunk_size=1000)))


@capability_required(TRAINING_VIEW)
def person_times(request):
    rows = selectors.person_time_rows(request.user, drill_params(request.GET))
    return render(request, "training/person_times.html", {"page": paginate(request, rows, per_page=50)})
