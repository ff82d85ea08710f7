"""Pages of 星级管理: schemes (editor), assessments (a page per actor's step), the star map and certificates.
Views are thin: scoped lookups, a form, a service call, a redirect."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from dangjian.core import metrics as core_metrics
from dangjian.core.forms import add_service_errors
from dangjian.core.lists import paginate
from dangjian.core.scoping import get_visible_or_404
from dangjian.core.views import capability_required, perform_action
from dangjian.orgs.models import Level

from . import certificates, jobs, rules, selectors, services, workflow
from .capabilities import SCHEME_EDIT, STARS_VIEW
from .forms import EventForm, IndicatorForm, SchemeForm, TextForm
from .models import Assessment, Indicator, StarAward


def _scheme(request, pk):
    return get_visible_or_404(selectors.schemes(request.user), pk=pk)


def _may_edit(user, scheme):
    return services.owns(user, scheme)


@capability_required(STARS_VIEW)
def scheme_list(request):
    rows = selectors.schemes(request.user)
    return render(request, "stars/scheme_list.html", {
        "page": paginate(request, rows), "can_create": request.user.has_capability(SCHEME_EDIT)
        and request.user.org.level in (Level.PREFECTURE, Level.COUNTY)})


@capability_required(SCHEME_EDIT)
@require_http_methods(["GET", "POST"])
def scheme_create(request):
    initial = {"year": selectors.default_year(), "levels": [Level.VILLAGE], "notice_days": rules.MIN_NOTICE_DAYS,
               "max_promotion": 1, "five": 95, "four": 90, "three": 85, "two": 80,
               "targets": "\n".join(f"{t['year']} {t['share']}" for t in rules.badong_targets(
                   selectors.default_year()))}
    form = SchemeForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            scheme = services.scheme_create(actor=request.user, org=request.user.org, year=form.cleaned_data["year"],
                                            **form.service_data())
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            return redirect("stars:scheme_detail", pk=scheme.pk)
    return render(request, "stars/scheme_form.html", {"form": form})


@capability_required(STARS_VIEW)
def scheme_detail(request, pk):
    scheme = _scheme(request, pk)
    editable = _may_edit(request.user, scheme)
    return render(request, "stars/scheme_detail.html", {
        "scheme": scheme, **selectors.scheme_page(request.user, scheme), "editable": editable,
        "indicator_form": IndicatorForm(metrics=_metric_choices()) if editable and scheme.is_draft else None})


@capability_required(SCHEME_EDIT)
@require_http_methods(["GET", "POST"])
def scheme_update(request, pk):
    scheme = _scheme(request, pk)
    form = SchemeForm(request.POST or None, initial=SchemeForm.initial_for(scheme))
    form.fields["year"].disabled = True
    if request.method == "POST" and form.is_valid():
        try:
            services.scheme_update(actor=request.user, scheme=scheme, **form.service_data())
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            return redirect("stars:scheme_detail", pk=scheme.pk)
    return render(request, "stars/scheme_form.html", {"form": form, "scheme": scheme})


def _metric_choices():
    return [(m.key, f"{m.label}（{m.key}）") for m in core_metrics.registered()]


@capability_required(SCHEME_EDIT)
@require_http_methods(["GET", "POST"])
def indicator_form(request, pk, indicator=None):
    scheme = _scheme(request, pk)
    instance = get_visible_or_404(Indicator.objects.visible_to(request.user), pk=indicator, scheme=scheme) \
        if indicator else None
    form = IndicatorForm(request.POST or None, metrics=_metric_choices(),
                         initial=IndicatorForm.initial_for(instance) if instance else None)
    if request.method == "POST" and form.is_valid():
        try:
            if instance:
                services.indicator_update(actor=request.user, indicator=instance, **form.service_data())
            else:
                services.indicator_create(actor=request.user, scheme=scheme, **form.service_data())
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            return redirect(reverse("stars:scheme_detail", args=[scheme.pk]) + "#indicators")
    return render(request, "stars/indicator_form.html", {"form": form, "scheme": scheme, "indicator": instance})


@capability_required(SCHEME_EDIT)
@require_POST
def indicator_delete(request, pk, indicator):
    scheme = _scheme(request, pk)
    instance = get_visible_or_404(Indicator.objects.visible_to(request.user), pk=indicator, scheme=scheme)
    perform_action(request, services.indicator_delete, _("Indicator deleted."), indicator=instance)
    return redirect(reverse("stars:scheme_detail", args=[scheme.pk]) + "#indicators")


@capability_required(SCHEME_EDIT)
@require_POST
def scheme_action(request, pk, step):
    """publish, version (a new draft version), copy (to the year posted) and score (the yearly scoring job)."""
    scheme = _scheme(request, pk)
    try:
        if step == "publish":
            scheme = services.scheme_publish(actor=request.user, scheme=scheme)
            messages.success(request, _("Published: %(n)s assessments created.") % {"n": scheme.created})
            return redirect("jobs:detail", pk=jobs.start_scoring(actor=request.user, scheme=scheme).pk)
        if step == "version":
            return redirect("stars:scheme_detail", pk=services.scheme_new_version(actor=request.user,
                                                                                  scheme=scheme).pk)
        if step == "copy":
            year = request.POST.get("year", "")
            if not year.isdigit():
                raise ValidationError(_("Enter a year between 1900 and 2100."))
            return redirect("stars:scheme_detail", pk=services.scheme_copy(actor=request.user, scheme=scheme,
                                                                           year=int(year)).pk)
        if step == "score":
            return redirect("jobs:detail", pk=jobs.start_scoring(actor=request.user, scheme=scheme).pk)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("stars:scheme_detail", pk=scheme.pk)


@capability_required(STARS_VIEW)
def assessment_list(request):
    rows = selectors.assessments(request.user).order_by("-year", "org__path")
    year = request.GET.get("year", "")
    if year.isdigit() and 1900 <= int(year) <= 2100:
        rows = rows.filter(year=int(year))
    status = request.GET.get("status", "")
    if status in Assessment.Status.values:
        rows = rows.filter(status=status)
    if request.GET.get("awaiting") == "true":
        rows = selectors.awaiting(request.user, rows)
    min_stars = request.GET.get("min_stars", "")
    if min_stars.isdigit() and int(min_stars) <= 5:
        rows = selectors.with_min_stars(rows, int(min_stars))
    return render(request, "stars/assessment_list.html", {
        "page": paginate(request, rows), "statuses": Assessment.Status.choices, "status": status, "year": year,
        "awaiting": request.GET.get("awaiting") == "true"})


def _assessment(request, pk):
    return get_visible_or_404(selectors.assessments(request.user), pk=pk)


@capability_required(STARS_VIEW)
def assessment_detail(request, pk, event_form=None):
    assessment = _assessment(request, pk)
    page = selectors.assessment_page(request.user, assessment)
    return render(request, "stars/assessment_detail.html", {
        "assessment": assessment, **page,
        "event_form": event_form or EventForm(indicators=[r["indicator"] for r in page["rows"]]),
        "text_form": TextForm()})


def _items_from(request, assessment):
    """[{indicator, points, note}] of the manual indicators posted as points-<id> / note-<id>."""
    items = []
    for indicator in Indicator.objects.filter(scheme_id=assessment.scheme_id, method=Indicator.Method.MANUAL):
        raw = request.POST.get(f"points-{indicator.pk}", "").strip()
        if raw == "":
            continue
        items.append({"indicator": indicator.pk, "points": raw,
                      "note": request.POST.get(f"note-{indicator.pk}", "")})
    return items


@capability_required(STARS_VIEW)
@require_POST
def assessment_step(request, pk, step):
    assessment = _assessment(request, pk)
    submit = "submit" in request.POST
    services_by_step = {
        "self": (workflow.assessment_self_assess, _("Submitted for review.") if submit else _("Saved."),
                 lambda: {"items": _items_from(request, assessment), "submit": submit}),
        "review": (workflow.assessment_review, _("Reviewed and passed on for approval.") if submit else _("Saved."),
                   lambda: {"items": _items_from(request, assessment), "submit": submit}),
        "approve": (workflow.assessment_approve, _("Approved."), dict),
        "publicize": (workflow.assessment_publicize, _("The public notice has started."), dict),
        "award": (workflow.assessment_award, _("Stars awarded."), dict),
        "recompute": (workflow.assessment_recompute, _("Automatic points recomputed."), dict),
        "object": (workflow.assessment_object, _("Your objection is recorded."),
                   lambda: {"text": request.POST.get("text", "")}),
        "answer": (workflow.assessment_answer, _("Answer recorded."),
                   lambda: {"objection": request.POST.get("objection", "0"), "text": request.POST.get("text", "")}),
    }
    if step not in services_by_step:
        return redirect("stars:assessment_detail", pk=assessment.pk)
    service, done, arguments = services_by_step[step]
    if step == "answer" and not request.POST.get("objection", "").isdigit():
        messages.error(request, _("This objection is not one of the assessment's."))
    else:
        perform_action(request, service, done, assessment=assessment, **arguments())
    return redirect("stars:assessment_detail", pk=assessment.pk)


@capability_required(STARS_VIEW)
@require_POST
def score_event_create(request, pk):
    assessment = _assessment(request, pk)
    page_indicators = Indicator.objects.filter(scheme_id=assessment.scheme_id)
    form = EventForm(request.POST, indicators=page_indicators)
    if form.is_valid():
        try:
            event = workflow.score_event_record(actor=request.user, assessment=assessment, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            if event.clipped:
                messages.warning(request, _("Recorded, but only %(applied)s of %(points)s points applied: the "
                                            "indicator stays within 0 and its maximum.")
                                 % {"applied": event.applied, "points": event.points})
            else:
                messages.success(request, _("Score event recorded."))
            return redirect("stars:assessment_detail", pk=assessment.pk)
    return assessment_detail(request, pk, event_form=form)


@capability_required(STARS_VIEW)
def star_map(request):
    org = selectors.map_org(request.user, request.GET.get("org", ""))
    year = request.GET.get("year", "")
    year = int(year) if year.isdigit() and 1900 <= int(year) <= 2100 else selectors.default_year()
    return render(request, "stars/star_map.html", {**selectors.star_map(org, year),
                                                   "years": range(year - 3, year + 2)})


@capability_required(STARS_VIEW)
def certificate(request, pk):
    award = get_visible_or_404(StarAward.objects.visible_to(request.user).select_related("org"), pk=pk)
    return certificates.response(request.user, award)
