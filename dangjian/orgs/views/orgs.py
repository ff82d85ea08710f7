"""Organization pages: list and export, tree, detail, children, and the maintenance forms.

Reads go through Org.objects.visible_to() and orgs.selectors, writes through orgs.services. An organization
outside the user's subtree is 404 on every URL; inside it, a role without org.edit gets 403 on write URLs.
"""

import copy

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from dangjian.core import tabular
from dangjian.core.forms import add_service_errors
from dangjian.core.lists import PAGE_SIZE, paginate, sort_headers
from dangjian.core.scoping import get_visible_or_404
from dangjian.core.views import capability_required, perform_action, require_capability

from .. import services
from ..capabilities import PERSON_EDIT, PERSON_VIEW
from ..forms.orgs import OrgForm, OrgMoveForm, org_filter_form
from ..models import Org
from ..selectors import orgs as selectors


def _visible(request, pk):
    return get_visible_or_404(Org.objects.visible_to(request.user).select_related("parent"), pk=pk)


def _editable(request, pk):
    """The organization for a write page: 404 outside scope, 403 inside it for a read-only role."""
    org = _visible(request, pk)
    require_capability(request.user, Org.edit_capability)
    return org


@capability_required(Org.view_capability)
@require_GET
def org_list(request):
    filterset, queryset = selectors.org_list(request.user, request.GET)
    chosen = filterset.form.cleaned_data if filterset.form.is_valid() else {}
    parent_id, below_id = chosen.get("parent"), chosen.get("below")
    context = {
        "filter_form": org_filter_form(filterset.form),
        "page_obj": paginate(request, queryset),
        "parent": Org.objects.visible_to(request.user).filter(pk=parent_id).first() if parent_id else None,
        "below": Org.objects.visible_to(request.user).filter(pk=below_id).first() if below_id else None,
        "headers": sort_headers(request, [("name", _("Organization name")), ("code", _("Code")), ("level", _("Level")),
                                          ("term_end", _("Term end"))]),
        "can_edit": request.user.has_capability(Org.edit_capability),
    }
    return render(request, "orgs/org_list.html", context)


@tabular.exporter
def org_exporter(user, params):
    """The organization list's export for `user` and the list's query parameters (also run by a job)."""
    require_capability(user, Org.view_capability)
    _filterset, queryset = selectors.org_list(user, params)
    headers = [_("Organization name"), _("Code"), _("Level"), _("Category"), _("Sector"), _("Parent organization"),
               _("Administrative division code"), _("Term start"), _("Term end"), _("Status")]
    return tabular.Export(queryset=queryset, headers=headers, rows=_org_rows, title=_("Organizations"),
                          filename=_("organizations"), action="org.export", object_type="orgs.org")


def _org_rows(queryset):
    """Rows as tuples, labels from one dict per choice field (tabular.choice_labels)."""
    labels = tabular.choice_labels(Org, "level", "kind", "sector")
    level, kind, sector = labels["level"], labels["kind"], labels["sector"]
    active, deactivated = _("Active"), _("Deactivated")
    fields = ("name", "code", "level", "kind", "sector", "parent__name", "division_code", "term_start", "term_end",
              "is_active")
    for name, code, lv, kd, sc, parent, division, start, end, is_active in (
            queryset.values_list(*fields).iterator(chunk_size=2000)):
        yield [name, code, level.get(lv, lv), kind.get(kd, kd), sector.get(sc, sc), parent or "", division, start,
               end, active if is_active else deactivated]


@capability_required(Org.view_capability)
@require_GET
def org_export(request):
    return tabular.export_list(request, org_exporter)


@capability_required(Org.view_capability)
@require_GET
def org_tree(request):
    root = get_visible_or_404(selectors.with_child_count(Org.objects.visible_to(request.user)),
                              pk=request.user.org_id)
    nodes = list(selectors.children(root)[: selectors.TREE_CHILDREN_LIMIT + 1])
    return render(request, "orgs/tree.html", {
        "root": root, "nodes": nodes[: selectors.TREE_CHILDREN_LIMIT],
        "truncated": len(nodes) > selectors.TREE_CHILDREN_LIMIT,
    })


@login_required
@require_GET
def tree_children(request, pk):
    org = _visible(request, pk)
    nodes = list(selectors.children(org)[: selectors.TREE_CHILDREN_LIMIT + 1])
    return render(request, "orgs/_tree_nodes.html", {
        "nodes": nodes[: selectors.TREE_CHILDREN_LIMIT], "parent": org,
        "truncated": len(nodes) > selectors.TREE_CHILDREN_LIMIT,
    })


@login_required
@require_GET
def org_search(request):
    text = request.GET.get("q", "")[:50]
    results = selectors.org_search(Org.objects.visible_to(request.user), text) if text.strip() else []
    return render(request, "orgs/_search_results.html", {"results": results, "q": text})


@capability_required(Org.view_capability)
@require_http_methods(["GET", "POST"])
def org_create(request):
    parent = _editable(request, request.GET.get("parent") or request.user.org_id)
    form = OrgForm(request.POST if request.method == "POST" else None, parent=parent)
    if request.method == "POST" and form.is_valid():
        try:
            org = services.org_create(actor=request.user, parent=parent, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Organization “%(name)s” created.") % {"name": org.name})
            return redirect("orgs:detail", pk=org.pk)
    return render(request, "orgs/org_form.html", {
        "form": form, "parent": parent, "breadcrumbs": [*selectors.breadcrumbs(request.user, parent), parent],
    })


@login_required
@require_GET
def org_detail(request, pk):
    org = _visible(request, pk)
    user = request.user
    children = selectors.annotate_rows(user, selectors.children(org)[:PAGE_SIZE])
    context = {
        "org": org,
        "breadcrumbs": selectors.breadcrumbs(user, org),
        "team": selectors.team(user, org),
        "children": children,
        "children_total": org.children.count() if len(children) >= PAGE_SIZE else len(children),
        "member_count": selectors.member_count(org) if user.has_capability(PERSON_VIEW) else None,
        "can_edit": user.has_capability(Org.edit_capability),
        "can_edit_people": user.has_capability(PERSON_EDIT),
        "is_own_org": org.pk == user.org_id,
    }
    return render(request, "orgs/org_detail.html", context)


@login_required
@require_GET
def org_children(request, pk):
    org = _visible(request, pk)
    page_obj = paginate(request, selectors.children(org))
    page_obj.object_list = selectors.annotate_rows(request.user, page_obj.object_list)
    return render(request, "orgs/org_children.html", {
        "org": org, "page_obj": page_obj, "breadcrumbs": selectors.breadcrumbs(request.user, org),
        "can_edit": request.user.has_capability(Org.edit_capability),
    })


@login_required
@require_http_methods(["GET", "POST"])
def org_update(request, pk):
    org = _editable(request, pk)
    form = OrgForm(request.POST if request.method == "POST" else None, instance=copy.copy(org))
    if request.method == "POST" and form.is_valid():
        try:
            services.org_update(actor=request.user, org=org, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Organization “%(name)s” saved.") % {"name": form.cleaned_data["name"]})
            return redirect("orgs:detail", pk=org.pk)
    return render(request, "orgs/org_form.html", {
        "form": form, "org": org, "breadcrumbs": [*selectors.breadcrumbs(request.user, org), org],
    })


@login_required
@require_http_methods(["GET", "POST"])
def org_move(request, pk):
    org = _editable(request, pk)
    form = OrgMoveForm(request.POST if request.method == "POST" else None, user=request.user, org=org)
    if request.method == "POST" and form.is_valid():
        try:
            moved = services.org_move(actor=request.user, org=org, new_parent=form.cleaned_data["parent"])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("“%(name)s” now belongs to “%(parent)s”.")
                             % {"name": moved.name, "parent": form.cleaned_data["parent"].name})
            return redirect("orgs:detail", pk=org.pk)
    return render(request, "orgs/org_move.html", {
        "form": form, "org": org, "breadcrumbs": [*selectors.breadcrumbs(request.user, org), org],
    })


def _state_change(request, pk, service, done_message):
    org = _editable(request, pk)
    perform_action(request, service, done_message % {"name": org.name}, org=org)
    return redirect("orgs:detail", pk=org.pk)


@login_required
@require_POST
def org_deactivate(request, pk):
    return _state_change(request, pk, services.org_deactivate, _("Organization “%(name)s” deactivated."))


@login_required
@require_POST
def org_reactivate(request, pk):
    return _state_change(request, pk, services.org_reactivate, _("Organization “%(name)s” reactivated."))


@login_required
@require_http_methods(["GET", "POST"])
def org_delete(request, pk):
    org = _editable(request, pk)
    errors = []
    if request.method == "POST":
        try:
            services.org_delete(actor=request.user, org=org)
        except ValidationError as error:
            errors = error.messages
        else:
            messages.success(request, _("Organization “%(name)s” deleted.") % {"name": org.name})
            return redirect("orgs:detail", pk=org.parent_id) if org.parent_id else redirect("orgs:list")
    return render(request, "orgs/org_confirm_delete.html", {
        "org": org, "errors": errors, "breadcrumbs": [*selectors.breadcrumbs(request.user, org), org],
    })
