"""Help case pages: list (the drill-down of problems solved, open cases and return visits), the case form (from
a visit, for a beneficiary, or with a new beneficiary typed in), the case page and its steps."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from dangjian.core import tabular
from dangjian.core.forms import add_service_errors
from dangjian.core.lists import paginate
from dangjian.core.scoping import get_visible_or_404
from dangjian.core.views import capability_required, require_capability
from dangjian.orgs.choices import Status as MemberStatus
from dangjian.orgs.models import Org, Person

from . import services
from .capabilities import CASE_EDIT, OUTREACH_VIEW
from .filters import HelpCaseFilter
from .forms import AssignForm, CaseForm, NewBeneficiaryForm, ProgressForm, ReopenForm, ResolveForm, ReturnVisitForm
from .models import Beneficiary, HelpCase, Visit
from .views import chosen_org, filtered

CHOICES_LIMIT = 200  # beneficiaries and helpers offered on the case form: an organization's, bounded


def _case_queryset(user):
    return HelpCase.objects.visible_to(user).select_related("beneficiary", "org")


@capability_required(OUTREACH_VIEW)
@require_GET
def case_list(request):
    filterset, rows = filtered(HelpCaseFilter, request.user, request.GET, _case_queryset(request.user))
    return render(request, "outreach/case_list.html", {
        "page": paginate(request, rows), "filter_form": filterset.form, "chosen_org": chosen_org(filterset),
        "can_edit": request.user.has_capability(CASE_EDIT),
    })


def _offered(user, org):
    """Beneficiaries and helpers the case form offers for `org`: those of its subtree, by name, bounded."""
    beneficiaries = Beneficiary.objects.visible_to(user).filter(org.ancestry_q()).order_by("name", "pk")
    helpers = Person.objects.visible_to(user).filter(org.ancestry_q(), status__in=MemberStatus.CURRENT)
    return (Beneficiary.objects.filter(pk__in=list(beneficiaries.values_list("pk", flat=True)[:CHOICES_LIMIT])),
            Person.objects.filter(pk__in=list(helpers.values_list("pk", flat=True)[:CHOICES_LIMIT])))


@capability_required(CASE_EDIT)
@require_http_methods(["GET", "POST"])
def case_create(request):
    """`?visit=` (the visit's organization) or `?beneficiary=` (theirs) or `?org=`; the user's own otherwise."""
    user = request.user
    visit = beneficiary = None
    if request.GET.get("visit"):
        visit = get_visible_or_404(Visit.objects.visible_to(user).select_related("org"), pk=request.GET["visit"])
    if request.GET.get("beneficiary"):
        beneficiary = get_visible_or_404(Beneficiary.objects.visible_to(user).select_related("org"),
                                         pk=request.GET["beneficiary"])
    if request.GET.get("org"):
        org = get_visible_or_404(Org.objects.visible_to(user), pk=request.GET["org"])
    else:
        org = beneficiary.org if beneficiary else visit.org if visit else user.org
    beneficiaries, helpers = _offered(user, org)
    initial = {"beneficiary": beneficiary.pk if beneficiary else None}
    if visit:
        initial["kind"] = {"village": "hardship", "community": "worry", "enterprise": "business"}[visit.kind]
    form = CaseForm(request.POST or None, beneficiaries=beneficiaries, helpers=helpers, initial=initial)
    new = NewBeneficiaryForm(request.POST or None, prefix="new",
                             initial={"kind": "enterprise" if visit and visit.kind == "enterprise" else "person",
                                      "name": visit.whom if visit else ""})
    existing = None
    if request.method == "POST" and form.is_valid():
        chosen = form.cleaned_data["beneficiary"]
        try:
            if chosen is None:
                # Registered first, in its own transaction, so that a refused ID number stays audited; should
                # the case then be refused, the form comes back with the new beneficiary chosen.
                chosen = _new_beneficiary(user, org, new)
                form.data = form.data.copy()
                form.data["beneficiary"] = chosen.pk
                form.fields["beneficiary"].queryset = Beneficiary.objects.filter(
                    pk__in=[chosen.pk, *beneficiaries.values_list("pk", flat=True)])
            case = services.case_open(actor=user, beneficiary=chosen, visit=visit, kind=form.cleaned_data["kind"],
                                      problem=form.cleaned_data["problem"], helpers=form.cleaned_data["helpers"])
        except services.DuplicateBeneficiary as exc:
            existing = exc.existing
            add_service_errors(new, exc)
        except NewBeneficiaryInvalid:
            pass
        except ValidationError as exc:
            target = new if chosen is None and hasattr(exc, "error_dict") and set(exc.error_dict) & set(new.fields) \
                else form
            add_service_errors(target, exc)
        else:
            messages.success(request, _("The help case has been opened."))
            return redirect("outreach:case_detail", pk=case.pk)
    return render(request, "outreach/case_form.html", {
        "form": form, "new": new, "visit": visit, "org": org, "existing": existing,
        "beneficiary": beneficiary,
    })


class NewBeneficiaryInvalid(Exception):
    pass


def _new_beneficiary(user, org, new):
    if not new.is_valid() or not new.cleaned_data.get("name"):
        if new.is_valid():
            new.add_error("name", _("Choose a beneficiary or enter the new one's name."))
        raise NewBeneficiaryInvalid
    return services.beneficiary_create(actor=user, org=org, **new.cleaned_data)


def _case(request, pk):
    return get_visible_or_404(_case_queryset(request.user).select_related("visit"), pk=pk)


@login_required
@require_GET
def case_detail(request, pk):
    case = _case(request, pk)
    helpers = list(case.helpers.all())
    can_edit = request.user.has_capability(CASE_EDIT)
    assign_form = None
    if can_edit:
        assign_form = AssignForm(prefix="assign", helpers=_offered(request.user, case.org)[1],
                                 initial={"helpers": [p.pk for p in helpers]})
    return render(request, "outreach/case_detail.html", {
        "case": case, "helpers": helpers, "progress": list(case.progress.all()),
        "can_edit": can_edit, "assign_form": assign_form,
        "resolve_form": ResolveForm(prefix="resolve"), "return_form": ReturnVisitForm(prefix="return"),
        "reopen_form": ReopenForm(prefix="reopen"), "progress_form": ProgressForm(prefix="progress"),
    })


def _step(request, pk, form_class, prefix, service, done):
    """A step of a case (POST from the case page): the service's refusal is shown as a message, nothing changes."""
    case = _case(request, pk)
    require_capability(request.user, CASE_EDIT)
    form = form_class(request.POST, prefix=prefix)
    if not form.is_valid():
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
        return redirect("outreach:case_detail", pk=case.pk)
    try:
        service(actor=request.user, case=case, **form.cleaned_data)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, done)
    return redirect("outreach:case_detail", pk=case.pk)


@login_required
@require_POST
def case_resolve(request, pk):
    return _step(request, pk, ResolveForm, "resolve", services.case_resolve, _("The case has been resolved."))


@login_required
@require_POST
def case_return_visit(request, pk):
    return _step(request, pk, ReturnVisitForm, "return", services.case_return_visit,
                 _("The return visit has been recorded."))


@login_required
@require_POST
def case_reopen(request, pk):
    return _step(request, pk, ReopenForm, "reopen", services.case_reopen, _("The case has been reopened."))


@login_required
@require_POST
def case_assign(request, pk):
    """Set the helpers of a case: members of the case's organization the user can see."""
    case = _case(request, pk)
    require_capability(request.user, CASE_EDIT)
    __, helpers = _offered(request.user, case.org)
    form = AssignForm(request.POST, prefix="assign", helpers=helpers)
    if form.is_valid():
        services.case_assign(actor=request.user, case=case, helpers=form.cleaned_data["helpers"])
        messages.success(request, _("The helpers have been saved."))
    else:
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
    return redirect("outreach:case_detail", pk=case.pk)


@login_required
@require_POST
def case_progress(request, pk):
    return _step(request, pk, ProgressForm, "progress", services.case_progress, _("The progress has been recorded."))


@tabular.exporter
def case_exporter(user, params):
    require_capability(user, OUTREACH_VIEW)
    __, rows = filtered(HelpCaseFilter, user, params, _case_queryset(user))
    return tabular.Export(
        queryset=rows, title=_("Help cases"), filename=_("help-cases"), action="case.export",
        object_type="outreach.helpcase",
        headers=[_("Opened on"), _("Kind of help"), _("Beneficiary"), _("Organization"), _("Problem"), _("Status"),
                 _("What was done"), _("Resolved on"), _("Satisfaction")],
        rows=lambda qs: ([c.opened_on, c.get_kind_display(), c.beneficiary.name, c.org.name, c.problem,
                          c.get_status_display(), c.resolution, c.resolved_on, c.get_satisfaction_display()]
                         for c in qs.iterator(chunk_size=2000)),
    )


@capability_required(OUTREACH_VIEW)
@require_GET
def case_export(request):
    return tabular.export_list(request, case_exporter)
