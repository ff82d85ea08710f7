"""People pages: list, export, detail, create, edit, transfer, reveal, positions.

Reads go through orgs.selectors.people (scoped by visible_to), writes through orgs.services. An object outside the
user's subtree answers 404; inside it, a role that may only read answers 403 on every write URL.
"""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from dangjian.core import audit, tabular
from dangjian.core.forms import add_service_errors
from dangjian.core.lists import paginate, sort_headers
from dangjian.core.models import AuditEntry
from dangjian.core.scoping import get_visible_or_404
from dangjian.core.views import capability_required, require_capability

from .. import services
from ..capabilities import PERSON_EDIT, PERSON_REVEAL, PERSON_VIEW
from ..forms.fields import picker_context
from ..forms.people import (
    IdSearchForm,
    PersonForm,
    PositionEndForm,
    PositionForm,
    TransferForm,
    person_filter_form,
)
from ..models import Org, Person, Position
from ..selectors import people as selectors
from ..selectors import transfers as transfer_selectors

# The list's sortable columns (people_selectors.SORTS) and their headers.
SORT_COLUMNS = [("name", gettext_lazy("Name")), ("birth_date", gettext_lazy("Birth date")),
                ("org", gettext_lazy("Organization")), ("joined_on", gettext_lazy("Joined"))]


def _params_without(params, *names):
    kept = params.copy()
    for name in names:
        kept.pop(name, None)
    return kept


def _editable_person(request, pk):
    person = get_visible_or_404(Person.objects.visible_to(request.user).select_related("org"), pk=pk)
    require_capability(request.user, PERSON_EDIT)
    return person


def _next_or(request, fallback):
    target = request.POST.get("next") or request.GET.get("next")
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return fallback


@capability_required(PERSON_VIEW)
@require_http_methods(["GET", "POST"])
def person_list(request):
    id_form = IdSearchForm(request.POST or None, prefix="idsearch")
    if request.method == "POST" and id_form.is_valid():
        person = selectors.find_by_id_number(request.user, id_form.cleaned_data["id_number"])
        if person is not None:
            return redirect("orgs:person_detail", pk=person.pk)
        messages.warning(request, _("Not found: no member with this ID number in your scope."))
        return redirect(request.get_full_path())
    filterset, queryset = selectors.filtered_people(request.user, request.GET)
    if not filterset.is_valid():
        queryset = queryset.none()
    page = paginate(request, queryset)
    page.object_list = selectors.with_masks(page.object_list)
    return render(request, "orgs/person_list.html", {
        "page": page,
        "filter_form": person_filter_form(filterset.form),
        "chosen_org": filterset.form.cleaned_data.get("org") if filterset.is_valid() else None,
        "id_form": id_form,
        "sort": request.GET.get("sort", ""),
        "headers": sort_headers(request, SORT_COLUMNS),
        "org_picker": picker_context("visible", dom_id="org-picker-q", target="list",
                                     keep=_params_without(request.GET, "page", "org").urlencode()),
        "can_edit": request.user.has_capability(PERSON_EDIT),
        "can_reveal": request.user.has_capability(PERSON_REVEAL),
        "reveal_form": RevealExportForm(),
    })


class RevealExportForm(forms.Form):
    """The reason asked before an export with clear ID numbers (recorded in the audit log)."""

    reason = forms.CharField(
        label=gettext_lazy("Reason"), max_length=200, min_length=4,
        widget=forms.TextInput(attrs={"class": "form-control", "autocomplete": "off"}), error_messages={
        "required": gettext_lazy("Please give the reason for exporting full ID numbers."),
        "min_length": gettext_lazy("Please give a reason of at least 4 characters."),
    })


def _require_reveal(user, params):
    """403, audited as denied, for a role without person.reveal asking for clear ID numbers."""
    if not user.has_capability(PERSON_REVEAL):
        audit.record("person.export", actor=user, object_type="orgs.person", object_repr=_("Party members"),
                     after={"clear_id_numbers": True, "filter": tabular.filter_params(params)},
                     outcome=AuditEntry.Outcome.DENIED)
        raise PermissionDenied(_("Your role may not see full ID or phone numbers."))


@tabular.exporter
def person_exporter(user, params, *, reveal=False, reason=""):
    """The people list's export for `user` and the list's query parameters; with `reveal` (person.reveal only)
    the ID numbers are in clear and the audit entry records the reason."""
    require_capability(user, PERSON_VIEW)
    if reveal:
        _require_reveal(user, params)
    filterset, queryset = selectors.filtered_people(user, params)
    if not filterset.is_valid():
        queryset = queryset.none()
    return tabular.Export(
        queryset=queryset, headers=selectors.export_headers(),
        rows=selectors.export_rows_with_clear_ids if reveal else selectors.export_rows,
        title=_("Party members"), filename=_("party-members"),
        action="person.export", object_type="orgs.person",
        audit_extra={"clear_id_numbers": True, "reason": reason} if reveal else {},
    )


@capability_required(PERSON_VIEW)
@require_http_methods(["GET", "POST"])
def person_export(request):
    """GET: the masked export of the filtered list. POST (reason): the same with clear ID numbers."""
    if request.method == "GET":
        return tabular.export_list(request, person_exporter)
    _require_reveal(request.user, request.GET)
    form = RevealExportForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(form.errors["reason"]))
        return redirect(reverse("orgs:person_list") + (f"?{request.GET.urlencode()}" if request.GET else ""))
    return tabular.export_list(request, person_exporter, reveal=True, reason=form.cleaned_data["reason"])


@login_required
@require_GET
def person_detail(request, pk):
    person = get_visible_or_404(Person.objects.visible_to(request.user).select_related("org"), pk=pk)
    return render(request, "orgs/person_detail.html", {
        "person": selectors.with_masks([person])[0],
        "age": selectors.age(person.birth_date),
        "positions": selectors.person_positions(person),
        "transfers": selectors.person_transfers(person),
        "pending_transfer": transfer_selectors.pending_transfer(person),
        "can_edit": request.user.has_capability(PERSON_EDIT),
        "can_reveal": request.user.has_capability(PERSON_REVEAL),
        "today": timezone.localdate(),
    })


@login_required
@require_POST
@never_cache
def person_reveal(request, pk, field):
    person = get_visible_or_404(Person.objects.visible_to(request.user), pk=pk)
    if field not in services.REVEALABLE:
        raise Http404
    value = services.person_reveal(actor=request.user, person=person, field=field)
    return render(request, "orgs/person_reveal.html", {"value": value})


@login_required
@require_http_methods(["GET", "POST"])
def person_create(request):
    org_id = request.GET.get("org")
    org = get_visible_or_404(Org.objects.visible_to(request.user), pk=org_id) if org_id else None
    require_capability(request.user, PERSON_EDIT)
    if org is None:
        return render(request, "orgs/person_choose_org.html", {
            "own_orgs": selectors.new_member_orgs(request.user),
            "org_picker": picker_context("new_member", dom_id="org-picker-q", target="create"),
        })
    form = PersonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            person = services.person_create(actor=request.user, org=org, **form.service_fields())
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The member record of %(name)s has been created.") % {"name": person.name})
            return redirect("orgs:person_detail", pk=person.pk)
    return render(request, "orgs/person_form.html", {"form": form, "org": org})


@login_required
@require_http_methods(["GET", "POST"])
def person_update(request, pk):
    person = _editable_person(request, pk)
    form = PersonForm(request.POST or None, instance=person)
    if request.method == "POST" and form.is_valid():
        try:
            services.person_update(actor=request.user, person=person, **form.service_fields())
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The member record has been saved."))
            return redirect("orgs:person_detail", pk=person.pk)
    person.refresh_from_db(fields=["name"])
    return render(request, "orgs/person_form.html", {"form": form, "person": person, "org": person.org})


@login_required
@require_http_methods(["GET", "POST"])
def person_transfer(request, pk):
    person = _editable_person(request, pk)
    form = TransferForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            if data["mode"] == TransferForm.OUTSIDE:
                transfer = services.person_transfer_out(
                    actor=request.user, person=person, to_org_name=data["to_org_name"],
                    dues_paid_until=data["dues_paid_until"], transferred_on=data["transferred_on"],
                    reason=data["reason"])
            else:
                transfer = services.person_transfer(actor=request.user, person=person, to_org=data["to_org"],
                                                    transferred_on=data["transferred_on"], reason=data["reason"])
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            names = {"name": person.name, "org": transfer.destination_name}
            if transfer.status == transfer.Status.PENDING:
                messages.success(request, _("The transfer of %(name)s to %(org)s has been sent; it takes effect "
                                            "when the receiving organization accepts it.") % names)
                return redirect("orgs:transfer_detail", pk=transfer.pk)
            if transfer.is_external:
                messages.success(request, _("%(name)s has been transferred out to %(org)s. Print the "
                                            "introduction letter.") % names)
                return redirect("orgs:transfer_detail", pk=transfer.pk)
            messages.success(request, _("%(name)s has been transferred to %(org)s.") % names)
            return redirect("orgs:person_detail", pk=person.pk)
    return render(request, "orgs/transfer_form.html", {
        "form": form, "person": person,
        "pending": transfer_selectors.pending_transfer(person),
    })


@login_required
@require_GET
def person_picker(request):
    """Search-as-you-type visible current members (htmx), as radio inputs named `person`."""
    people = selectors.person_choices(request.user, request.GET.get("q", ""))
    return render(request, "orgs/person_picker.html", {"people": people})


@login_required
@require_http_methods(["GET", "POST"])
def position_create(request):
    person_id, org_id = request.GET.get("person"), request.GET.get("org")
    person = get_visible_or_404(Person.objects.visible_to(request.user), pk=person_id) if person_id else None
    org = get_visible_or_404(Org.objects.visible_to(request.user), pk=org_id) if org_id else None
    require_capability(request.user, PERSON_EDIT)
    form = PositionForm(request.POST or None, user=request.user, initial={"person": person, "org": org})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            position = services.position_appoint(
                actor=request.user, person=data["person"], org=data["org"], title=data["title"],
                start_date=data["start_date"], note=data["note"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("%(name)s has been appointed %(title)s of %(org)s.") % {
                "name": position.person.name, "title": position.get_title_display(), "org": position.org.name})
            return redirect(_next_or(request, reverse("orgs:person_detail", args=[position.person_id])))
    return render(request, "orgs/position_form.html", {
        "form": form,
        "person": form.chosen("person") or person,
        "org": form.chosen("org") or org,
        "fixed_person": person is not None,
        "fixed_org": org is not None,
        "next": _next_or(request, ""),
    })


@login_required
@require_http_methods(["GET", "POST"])
def position_end(request, pk):
    """免职: a small page of its own (date and reason), reached from the row menu of a current post."""
    position = get_visible_or_404(Position.objects.visible_to(request.user).select_related("person", "org"),
                                  pk=pk)
    require_capability(request.user, PERSON_EDIT)
    back = _next_or(request, reverse("orgs:person_detail", args=[position.person_id]))
    form = PositionEndForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.position_end(actor=request.user, position=position, end_date=form.cleaned_data["end_date"],
                                  reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("%(name)s has been relieved of the post of %(title)s.") % {
                "name": position.person.name, "title": position.get_title_display()})
            return redirect(back)
    return render(request, "orgs/position_end.html", {"form": form, "position": position, "next": back})
