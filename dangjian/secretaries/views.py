"""Pages of 抓书记. Views are a few lines: scoped lookups (404 outside scope), a form, a service call; the
buttons a page shows come from the same rules the services apply (actors.py)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from dangjian.core import tabular
from dangjian.core.filters import MAX_YEAR, MIN_YEAR
from dangjian.core.forms import add_service_errors
from dangjian.core.lists import paginate
from dangjian.core.scoping import get_visible_or_404
from dangjian.core.views import capability_required, perform_action, require_capability
from dangjian.orgs.models import Org

from . import actors, forms, rules, selectors, services
from .capabilities import REVIEW_REPORT, SECRETARIES_ADMIN, SECRETARIES_VIEW, UNDERTAKING_EDIT
from .filters import PointFilter, ReviewFilter, SessionFilter, TopicFilter
from .models import CommitteeSession, ContactPoint, ContactVisit, SecretaryReview, Topic, Undertaking
from .topics import PREVIOUS

VIEW = capability_required(SECRETARIES_VIEW)


def _form_page(request, form, template, context, save, done, redirect_to):
    """POST: call `save(cleaned_data)`; a service refusal goes back on the form. Returns a response."""
    if request.method == "POST" and form.is_valid():
        try:
            obj = save(form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, done)
            return redirect(*redirect_to(obj))
    return render(request, template, {**context, "form": form})


def _list(request, filterset_class, queryset, template, **context):
    filterset = filterset_class(request.GET or None, queryset=queryset)
    return render(request, template, {"filter": filterset, "page": paginate(request, filterset.qs), **context})


# --- topics ---------------------------------------------------------------------------------------------------------


@VIEW
@require_GET
def topic_list(request):
    queryset = selectors.topics(request.user).order_by("-year", "org__path", "id")
    return _list(request, TopicFilter, queryset, "secretaries/topic_list.html",
                 can_propose=actors.is_committee(request.user.org)
                 and request.user.has_capability(SECRETARIES_ADMIN))


@capability_required(SECRETARIES_ADMIN)
@require_http_methods(["GET", "POST"])
def topic_create(request):
    org = request.user.org
    return _form_page(request, forms.TopicForm(request.POST or None), "secretaries/form.html",
                      {"title": _("List a topic"), "back": "secretaries:topic_list"},
                      lambda data: services.topic_propose(actor=request.user, org=org, **data),
                      _("The topic has been listed."), lambda t: ("secretaries:topic_detail", t.pk))


STEP_FORMS = {"select": forms.SelectForm, "claim": forms.ClaimForm, "undertake": forms.UndertakeForm,
              "complete": forms.CompleteForm, "return": forms.ReturnForm}


def _step_forms(user, topic, bound=None):
    """The step forms the user may use on this topic now (the buttons follow the services' rules)."""
    S, available = Topic.Status, {}
    if topic.status == S.PROPOSED and actors.is_person(user, actors.secretary_of(topic.org)):
        available["select"] = forms.SelectForm(topic=topic)
    if topic.status == S.SELECTED and actors.is_person(user, topic.owner_id):
        available["claim"] = forms.ClaimForm()
    if (topic.status in (S.CLAIMED, S.UNDERTAKEN) and user.has_capability(UNDERTAKING_EDIT)
            and not actors.is_committee_staff(user, topic.org)):
        initial = {"org": user.org_id} if user.org.level in actors.GRASSROOTS_LEVELS else {}
        available["undertake"] = forms.UndertakeForm(user=user, initial=initial)
    if topic.status == S.UNDERTAKEN and actors.is_committee_staff(user, topic.org):
        available["complete"] = forms.CompleteForm()
    if topic.status in PREVIOUS and services.may_return(user, topic):
        available["return"] = forms.ReturnForm()
    if bound:
        available[bound[0]] = bound[1]
    return available


def _topic(request, pk):
    return get_visible_or_404(selectors.topics(request.user), pk=pk)


@VIEW
@require_GET
def topic_detail(request, pk, bound=None):
    topic = _topic(request, pk)
    undertakings = Undertaking.objects.visible_to(request.user).filter(topic=topic).select_related("org")
    return render(request, "secretaries/topic_detail.html", {
        "topic": topic, "undertakings": undertakings, "steps": _step_forms(request.user, topic, bound),
        "stalled": topic.status != Topic.Status.COMPLETED and topic.step_on < rules.stall_cutoff(
            timezone.localdate()),
    })


@VIEW
@require_POST
def topic_step(request, pk, step):
    topic = _topic(request, pk)
    if step not in STEP_FORMS:
        return redirect("secretaries:topic_detail", pk=topic.pk)
    kwargs = {"topic": topic} if step == "select" else {"user": request.user} if step == "undertake" else {}
    form = STEP_FORMS[step](request.POST, **kwargs)
    if form.is_valid():
        data, user = form.cleaned_data, request.user
        try:
            if step == "select":
                services.topic_select(actor=user, topic=topic, difficulty=data["difficulty"], owner=data["owner"])
            elif step == "claim":
                services.topic_claim(actor=user, topic=topic, **data)
            elif step == "undertake":
                undertaking = services.topic_undertake(actor=user, topic=topic, org=data["org"])
                messages.success(request, _("The topic has been taken up."))
                return redirect("secretaries:undertaking_detail", pk=undertaking.pk)
            elif step == "complete":
                services.topic_complete(actor=user, topic=topic, **data)
            else:
                services.topic_return(actor=user, topic=topic, **data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Done: the topic is now at step “%(status)s”.")
                             % {"status": Topic.objects.get(pk=topic.pk).get_status_display()})
            return redirect("secretaries:topic_detail", pk=topic.pk)
    request.method = "GET"
    return topic_detail(request, pk, bound=(step, form))


@VIEW
@require_http_methods(["GET", "POST"])
def undertaking_detail(request, pk):
    undertaking = get_visible_or_404(Undertaking.objects.visible_to(request.user).select_related("org", "topic"),
                                     pk=pk)
    may_report = (actors.acts_for(request.user, undertaking.org) and undertaking.status == Undertaking.Status.ACTIVE
                  and undertaking.topic.status != Topic.Status.COMPLETED)
    if request.method == "POST":
        require_capability(request.user, UNDERTAKING_EDIT)
    form = forms.ReportForm(request.POST or None)
    return _form_page(request, form, "secretaries/undertaking_detail.html", {
        "undertaking": undertaking, "reports": undertaking.reports.all(), "may_report": may_report},
        lambda data: services.undertaking_report(actor=request.user, undertaking=undertaking, **data),
        _("The progress report has been recorded."), lambda r: ("secretaries:undertaking_detail", undertaking.pk))


# --- committee sessions ---------------------------------------------------------------------------------------------


@VIEW
@require_GET
def session_list(request):
    queryset = CommitteeSession.objects.visible_to(request.user).select_related("org")
    return _list(request, SessionFilter, queryset, "secretaries/session_list.html",
                 can_record=actors.is_committee(request.user.org)
                 and request.user.has_capability(SECRETARIES_ADMIN))


@capability_required(SECRETARIES_ADMIN)
@require_http_methods(["GET", "POST"])
def session_create(request):
    return _form_page(request, forms.SessionForm(request.POST or None), "secretaries/form.html",
                      {"title": _("Record a committee session"), "back": "secretaries:session_list"},
                      lambda data: services.session_record(actor=request.user, org=request.user.org, **data),
                      _("The session has been recorded."), lambda s: ("secretaries:session_detail", s.pk))


@VIEW
@require_GET
def session_detail(request, pk):
    session = get_visible_or_404(CommitteeSession.objects.visible_to(request.user).select_related("org"), pk=pk)
    return render(request, "secretaries/session_detail.html", {"session": session})


# --- contact points and visits --------------------------------------------------------------------------------------


@VIEW
@require_GET
def point_list(request):
    queryset = (ContactPoint.objects.visible_to(request.user).select_related("leader", "org", "committee")
                .annotate(visit_count=Count("visits")).order_by("-year", "committee__path", "leader__pinyin", "id"))
    return _list(request, PointFilter, queryset, "secretaries/point_list.html",
                 can_assign=actors.is_committee(request.user.org) and request.user.has_capability(SECRETARIES_ADMIN),
                 required=rules.setting("SECRETARIES_VISITS_PER_POINT"))


@capability_required(SECRETARIES_ADMIN)
@require_http_methods(["GET", "POST"])
def point_create(request):
    return _form_page(request, forms.PointForm(request.POST or None, user=request.user), "secretaries/form.html",
                      {"title": _("Assign a contact point"), "back": "secretaries:point_list"},
                      lambda data: services.point_assign(actor=request.user, **data),
                      _("The contact point has been assigned."), lambda p: ("secretaries:point_detail", p.pk))


@VIEW
@require_http_methods(["GET", "POST"])
def point_detail(request, pk):
    point = get_visible_or_404(ContactPoint.objects.visible_to(request.user).select_related(
        "leader", "org", "committee"), pk=pk)
    may_log = services.may_log_visit(request.user, point)
    if request.method == "POST" and not may_log:
        raise PermissionDenied
    form = forms.VisitForm(request.POST or None, initial={"visited_on": timezone.localdate()})
    return _form_page(request, form, "secretaries/point_detail.html", {
        "point": point, "visits": point.visits.order_by("-visited_on", "-id"), "may_log": may_log,
        "may_pass_on": actors.is_committee_staff(request.user, point.committee), "pass_on_form": forms.PassOnForm(),
        "required": rules.setting("SECRETARIES_VISITS_PER_POINT")},
        lambda data: services.visit_log(actor=request.user, point=point, **data),
        _("The visit has been recorded."), lambda v: ("secretaries:point_detail", point.pk))


@capability_required(SECRETARIES_ADMIN)
@require_POST
def visit_pass_on(request, pk):
    visit = get_visible_or_404(ContactVisit.objects.visible_to(request.user).select_related("point"), pk=pk)
    form = forms.PassOnForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
    else:
        perform_action(request, services.visit_pass_on, _("The problem has been passed on as a supervised task."),
                       visit=visit, deadline=form.cleaned_data["deadline"])
    return redirect("secretaries:point_detail", pk=visit.point_id)


# --- secretary reviews ----------------------------------------------------------------------------------------------


@VIEW
@require_GET
def review_list(request):
    queryset = SecretaryReview.objects.visible_to(request.user).select_related("org", "person")
    return _list(request, ReviewFilter, queryset.order_by("-year", "org__path"), "secretaries/review_list.html",
                 can_report=request.user.has_capability(REVIEW_REPORT))


@capability_required(REVIEW_REPORT)
@require_http_methods(["GET", "POST"])
def review_create(request):
    return _form_page(request, forms.ReviewForm(request.POST or None, user=request.user), "secretaries/form.html",
                      {"title": _("Write a review report"), "back": "secretaries:review_list"},
                      lambda data: services.review_create(actor=request.user, **data),
                      _("The report has been saved as a draft."), lambda r: ("secretaries:review_detail", r.pk))


def _review_forms(user, review, bound=None):
    S, available = SecretaryReview.Status, {}
    if review.status == S.DRAFT and (actors.is_person(user, review.person_id) or actors.is_staff_above(
            user, review.org)):
        available["submit"] = forms.SubmitForm(initial={"report": review.report})
    if review.status in (S.SUBMITTED, S.GRADED) and actors.is_committee_above(user, review.org):
        initial = {"reviewed_on": review.reviewed_on or timezone.localdate(), "comment": review.comment,
                   **review.ballots}
        available["grade"] = forms.GradeForm(initial=initial)
    if review.status == S.GRADED and actors.is_committee_above(user, review.org):
        available["publish"] = True
    if bound:
        available[bound[0]] = bound[1]
    return available


@VIEW
@require_http_methods(["GET", "POST"])
def review_detail(request, pk):
    review = get_visible_or_404(SecretaryReview.objects.visible_to(request.user).select_related(
        "org", "org__parent", "person"), pk=pk)
    bound = None
    if request.method == "POST":
        step, user = request.POST.get("step"), request.user
        form = {"submit": forms.SubmitForm, "grade": forms.GradeForm}.get(step, forms.SubmitForm)(request.POST)
        try:
            if step == "publish":
                services.review_publish(actor=user, review=review)
            elif step == "grade" and form.is_valid():
                data = form.cleaned_data
                services.review_grade(actor=user, review=review, ballots=form.ballots(), comment=data["comment"],
                                      reviewed_on=data["reviewed_on"])
            elif step == "submit" and form.is_valid():
                services.review_submit(actor=user, review=review, report=form.cleaned_data["report"])
            else:
                raise ValidationError(_("Check the form."))
        except ValidationError as exc:
            if step == "publish":
                messages.error(request, " ".join(exc.messages))
            else:
                add_service_errors(form, exc, {"ballots": None})
                bound = (step, form)
        else:
            messages.success(request, _("Saved."))
            return redirect("secretaries:review_detail", pk=review.pk)
    return render(request, "secretaries/review_detail.html", {
        "review": review, "steps": _review_forms(request.user, review, bound),
        "show_grade": review.status != SecretaryReview.Status.DRAFT and actors.sees_grade(request.user, review)})


# --- compliance and the accountability overview ---------------------------------------------------------------------


def _scope_and_year(request):
    org_id, year = request.GET.get("org"), request.GET.get("year")
    org = get_visible_or_404(Org.objects.visible_to(request.user),
                             pk=org_id if (org_id or "").isdigit() else request.user.org_id)
    today = timezone.localdate().year
    year = int(year) if (year or "").isdigit() and MIN_YEAR <= int(year) <= MAX_YEAR else today
    status = request.GET.get("status", "")
    return org, year, status if status in selectors.STATUS_FILTERS else ""


def _rows(request):
    org, year, status = _scope_and_year(request)
    rows = selectors.compliance(org, year)
    return org, year, status, (selectors.with_status(rows, status) if status else rows)


@VIEW
@require_GET
def overview(request, template="secretaries/overview.html"):
    org, year, status, rows = _rows(request)
    ancestors = Org.objects.filter(pk__in=org.ancestor_ids()).filter(path__gte=request.user.org.path)
    return render(request, template, {
        "org": org, "year": year, "status": status, "rows": rows, "ancestors": ancestors.order_by("path"),
        "years": range(timezone.localdate().year, timezone.localdate().year - 5, -1),
        "statuses": selectors.STATUS_CHOICES, "query": request.GET.urlencode(),
    })


@VIEW
@require_GET
def compliance(request):
    return overview(request, template="secretaries/compliance.html")


@VIEW
@require_GET
def export(request):
    org, year, _status, rows = _rows(request)
    headers, lines = selectors.export_table(rows)
    title = _("Secretary accountability %(year)d · %(org)s") % {"year": year, "org": org.name}
    return tabular.export(rows=lines, headers=headers, title=title, filename=_("secretary-accountability"),
                          fmt=tabular.requested_format(request), action="secretaries.export",
                          object_type="secretaries.compliance")
