"""Pages of 三进三帮: the summary (every figure a link to its list), visits (the phone form), beneficiaries and
help cases (in case_views). Reads through visible_to and the shared FilterSets, writes through the services."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from dangjian.core import tabular
from dangjian.core.attachments import largest_upload
from dangjian.core.forms import add_service_errors
from dangjian.core.lists import paginate
from dangjian.core.metrics import Period
from dangjian.core.middleware import request_size_limit
from dangjian.core.scoping import get_visible_or_404
from dangjian.core.views import capability_required, require_capability
from dangjian.orgs.capabilities import PERSON_REVEAL

from . import selectors, services
from .api import summary_org, summary_period
from .capabilities import CASE_EDIT, OUTREACH_VIEW, SENSITIVE_VIEW, VISIT_RECORD
from .filters import BeneficiaryFilter, VisitFilter
from .forms import BeneficiaryCreateForm, BeneficiaryForm, PeriodForm, VisitForm
from .models import Beneficiary, HelpCase, Visit


def filtered(filter_class, user, params, queryset):
    """The FilterSet and its rows (none when the filter form is invalid: the page shows the error)."""
    filterset = filter_class(params, queryset=queryset, user=user)
    return filterset, (filterset.qs if filterset.is_valid() else queryset.none())


def chosen_org(filterset):
    return filterset.form.cleaned_data.get("org") if filterset.is_valid() else None


# --- summary ---------------------------------------------------------------------------------------------------


@capability_required(OUTREACH_VIEW)
@require_GET
def summary(request):
    org = summary_org(request.user, request.GET.get("org"))
    params = request.GET.copy()
    for old, new in (("start", "from"), ("end", "to")):
        if params.get(old) and not params.get(new):
            params[new] = params[old]
    try:
        period = summary_period(params)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        period = selectors.default_period()
    children = selectors.children_of(org)
    rows = selectors.figures_of([org, *children], period)
    return render(request, "outreach/summary.html", {
        "org": org, "period": period, "figures": rows[org.pk],
        "links": selectors.drill_down(org, period),
        "children": [(child, rows[child.pk], selectors.drill_down(child, period)) for child in children],
        "period_form": PeriodForm(initial={"start": period.start, "end": period.end}),
        "years": _year_links(period),
        "kinds": Visit.Kind.choices,
    })


def _year_links(period):
    this = selectors.default_period().start.year
    return [(year, Period.year(year)) for year in (this, this - 1, 2012) if year >= 2012][:3]


# --- visits -----------------------------------------------------------------------------------------------------


def _visit_queryset(user):
    return Visit.objects.visible_to(user).select_related("org")


@login_required
@require_GET
def visit_list(request):
    if not (request.user.has_capability(OUTREACH_VIEW) or request.user.has_capability(VISIT_RECORD)):
        raise PermissionDenied
    filterset, rows = filtered(VisitFilter, request.user, request.GET, _visit_queryset(request.user))
    return render(request, "outreach/visit_list.html", {
        "page": paginate(request, rows), "filter_form": filterset.form, "chosen_org": chosen_org(filterset),
        "can_record": request.user.has_capability(VISIT_RECORD),
    })


@capability_required(VISIT_RECORD)
@require_http_methods(["GET", "POST"])
@request_size_limit(largest_upload)
def visit_create(request):
    form = VisitForm(request.POST or None, request.FILES or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            visit = services.visit_create(actor=request.user, **data)
        except ValidationError as exc:
            add_service_errors(form, exc, {"file": "photo"})
        else:
            messages.success(request, _("The visit has been recorded."))
            return redirect("outreach:visit_detail", pk=visit.pk)
    return render(request, "outreach/visit_form.html", {"form": form})


@login_required
@require_GET
def visit_detail(request, pk):
    visit = get_visible_or_404(_visit_queryset(request.user).select_related("visitor"), pk=pk)
    cases = HelpCase.objects.visible_to(request.user).filter(visit=visit).select_related("beneficiary")
    return render(request, "outreach/visit_detail.html", {
        "visit": visit, "cases": cases, "can_open_case": request.user.has_capability(CASE_EDIT),
    })


@tabular.exporter
def visit_exporter(user, params):
    require_capability(user, OUTREACH_VIEW)
    __, rows = filtered(VisitFilter, user, params, _visit_queryset(user))
    return tabular.Export(
        queryset=rows, title=_("Outreach visits"), filename=_("outreach-visits"), action="visit.export",
        object_type="outreach.visit",
        headers=[_("Date"), _("Kind"), _("Organization"), _("Whom"), _("What was found")],
        rows=lambda qs: ([v.visited_on, v.get_kind_display(), v.org.name, v.whom, v.findings]
                         for v in qs.iterator(chunk_size=2000)),
    )


@capability_required(OUTREACH_VIEW)
@require_GET
def visit_export(request):
    return tabular.export_list(request, visit_exporter)


# --- beneficiaries ----------------------------------------------------------------------------------------------


def _masked(beneficiary):
    for name in services.REVEALABLE:
        field = Beneficiary._meta.get_field(name)
        setattr(beneficiary, f"{name}_masked", field.masked(getattr(beneficiary, name)))
    return beneficiary


@capability_required(OUTREACH_VIEW)
@require_GET
def beneficiary_list(request):
    queryset = Beneficiary.objects.visible_to(request.user).select_related("org")
    filterset, rows = filtered(BeneficiaryFilter, request.user, request.GET, queryset)
    page = paginate(request, rows)
    counts = selectors.case_counts_by_beneficiary([b.pk for b in page.object_list])
    page.object_list = [(_masked(b), counts.get(b.pk)) for b in page.object_list]
    return render(request, "outreach/beneficiary_list.html", {
        "page": page, "filter_form": filterset.form, "chosen_org": chosen_org(filterset),
        "people": selectors.people_total(rows), "can_edit": request.user.has_capability(CASE_EDIT),
    })


@capability_required(CASE_EDIT)
@require_http_methods(["GET", "POST"])
def beneficiary_create(request):
    form = BeneficiaryCreateForm(request.POST or None, user=request.user, initial={"org": request.user.org_id})
    existing = None
    if request.method == "POST" and form.is_valid():
        try:
            beneficiary = services.beneficiary_create(actor=request.user, **form.cleaned_data)
        except services.DuplicateBeneficiary as exc:
            existing = exc.existing
            add_service_errors(form, exc)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The beneficiary has been registered."))
            return redirect("outreach:beneficiary_detail", pk=beneficiary.pk)
    return render(request, "outreach/beneficiary_form.html", {"form": form, "existing": existing})


def _beneficiary(request, pk):
    return get_visible_or_404(Beneficiary.objects.visible_to(request.user).select_related("org"), pk=pk)


@login_required
@require_GET
def beneficiary_detail(request, pk):
    beneficiary = _masked(_beneficiary(request, pk))
    cases = HelpCase.objects.visible_to(request.user).filter(beneficiary=beneficiary)
    return render(request, "outreach/beneficiary_detail.html", {
        "beneficiary": beneficiary, "cases": cases,
        "can_edit": request.user.has_capability(CASE_EDIT),
        "can_reveal": request.user.has_capability(PERSON_REVEAL),
        "cleared": request.user.has_capability(SENSITIVE_VIEW),
    })


@login_required
@require_http_methods(["GET", "POST"])
def beneficiary_edit(request, pk):
    beneficiary = _beneficiary(request, pk)
    require_capability(request.user, CASE_EDIT)
    _masked(beneficiary)
    masked = {"id_number": beneficiary.id_number_masked, "phone": beneficiary.phone_masked}
    initial = {name: getattr(beneficiary, name) for name in services.BENEFICIARY_FIELDS
               if name not in services.REVEALABLE}
    form = BeneficiaryForm(request.POST or None, initial=initial, masked=masked)
    if not request.user.has_capability(SENSITIVE_VIEW):
        del form.fields["sensitivity"], form.fields["sensitive_details"]
    existing = None
    if request.method == "POST" and form.is_valid():
        try:
            services.beneficiary_update(actor=request.user, beneficiary=beneficiary, **form.cleaned_data)
        except services.DuplicateBeneficiary as exc:
            existing = exc.existing
            add_service_errors(form, exc)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The beneficiary has been saved."))
            return redirect("outreach:beneficiary_detail", pk=beneficiary.pk)
    return render(request, "outreach/beneficiary_form.html", {"form": form, "beneficiary": beneficiary,
                                                              "existing": existing})


@login_required
@require_POST
@never_cache
def beneficiary_reveal(request, pk, field):
    beneficiary = _beneficiary(request, pk)
    if field not in services.REVEALABLE:
        raise Http404
    value = services.beneficiary_reveal(actor=request.user, beneficiary=beneficiary, field=field)
    return render(request, "orgs/person_reveal.html", {"value": value})


@tabular.exporter
def beneficiary_exporter(user, params):
    require_capability(user, OUTREACH_VIEW)
    queryset = Beneficiary.objects.visible_to(user).select_related("org")
    __, rows = filtered(BeneficiaryFilter, user, params, queryset)
    masked = Beneficiary._meta.get_field("id_number").masked
    masked_phone = Beneficiary._meta.get_field("phone").masked
    return tabular.Export(
        queryset=rows, title=_("Beneficiaries"), filename=_("beneficiaries"), action="beneficiary.export",
        object_type="outreach.beneficiary",
        headers=[_("Name"), _("Beneficiary kind"), _("Household size"), _("People counted"), _("Organization"),
                 _("ID number"), _("Mobile phone")],
        rows=lambda qs: ([b.name, b.get_kind_display(), b.household_size, b.people, b.org.name,
                          masked(b.id_number), masked_phone(b.phone)] for b in qs.iterator(chunk_size=2000)),
    )


@capability_required(OUTREACH_VIEW)
@require_GET
def beneficiary_export(request):
    return tabular.export_list(request, beneficiary_exporter)
