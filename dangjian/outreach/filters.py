"""One FilterSet per model, shared by the list pages and the API. The parameters are those of the figures'
drill-down links (selectors.drill_down): `org` (a subtree), a period, and the stage or kind the figure counts."""

import django_filters
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from dangjian.core import filters as bounded
from dangjian.core.crypto import blind_indexes
from dangjian.core.forms import FilterForm
from dangjian.orgs.models import Org

from .models import Beneficiary, HelpCase, Visit


class _OrgScopedFilterSet(bounded.FilterSet):
    """`org` selects a whole subtree (the ancestry column of that organization), and only an organization the
    user can see is accepted: its subtree then lies inside the scope and replaces it (one indexed column)."""

    org = django_filters.ModelChoiceFilter(label=_("Organization (with sub-organizations)"),
                                           queryset=Org.objects.none(), method="filter_org")

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["org"].queryset = Org.objects.visible_to(user) if user is not None else Org.objects.none()

    def filter_queryset(self, queryset):
        org = self.form.cleaned_data.get("org")
        if org is not None:
            narrowed = queryset.model._default_manager.filter(org.ancestry_q())
            narrowed.query.select_related = queryset.query.select_related
            narrowed._prefetch_related_lookups = queryset._prefetch_related_lookups
            narrowed.query.order_by = queryset.query.order_by
            queryset = narrowed
        return super().filter_queryset(queryset)

    def filter_org(self, queryset, name, org):
        return queryset  # applied by filter_queryset, in place of the scope


class VisitFilter(_OrgScopedFilterSet):
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=Visit.Kind.choices)
    start = bounded.DateFilter(label=_("From"), field_name="visited_on", lookup_expr="gte")
    end = bounded.DateFilter(label=_("To"), field_name="visited_on", lookup_expr="lte")
    q = django_filters.CharFilter(label=_("Whom or findings"), method="filter_q")

    class Meta:
        model = Visit
        fields = ["q", "kind", "org", "start", "end"]
        form = FilterForm

    def __init__(self, data=None, *args, **kwargs):
        # The drill-down links say from/to; `from` is a Python keyword, so the filters are start/end.
        if data is not None and ("from" in data or "to" in data):
            data = data.copy()
            for old, new in (("from", "start"), ("to", "end")):
                if old in data and new not in data:
                    data[new] = data[old]
        super().__init__(data, *args, **kwargs)

    def filter_q(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(Q(whom__contains=value) | Q(findings__contains=value)) if value else queryset


class BeneficiaryFilter(_OrgScopedFilterSet):
    q = django_filters.CharFilter(label=_("Name"), field_name="name", lookup_expr="contains")
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=Beneficiary.Kind.choices)
    id_number = django_filters.CharFilter(label=_("ID number"), method="filter_id_number")
    helped_from = bounded.DateFilter(label=_("Helped from"), method="filter_helped")
    helped_to = bounded.DateFilter(label=_("Helped to"), method="filter_helped")

    class Meta:
        model = Beneficiary
        fields = ["q", "kind", "id_number", "org", "helped_from", "helped_to"]
        form = FilterForm

    def filter_id_number(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(id_number_index__in=blind_indexes(value)) if value else queryset

    def filter_helped(self, queryset, name, value):
        """With at least one case solved within helped_from … helped_to (either end may be open): the people
        helped of the period are the people of these beneficiaries."""
        if name == "helped_to" and self.form.cleaned_data.get("helped_from"):
            return queryset  # both ends are applied once, by helped_from
        solved = HelpCase.objects.filter(beneficiary=OuterRef("pk"), status__in=HelpCase.SOLVED)
        start, end = self.form.cleaned_data.get("helped_from"), self.form.cleaned_data.get("helped_to")
        if start:
            solved = solved.filter(resolved_on__gte=start)
        if end:
            solved = solved.filter(resolved_on__lte=end)
        return queryset.filter(Exists(solved))


class HelpCaseFilter(_OrgScopedFilterSet):
    STAGES = [("pending", _("Open or reopened")), ("solved", _("Resolved or closed"))]

    q = django_filters.CharFilter(label=_("Problem or beneficiary"), method="filter_q")
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=HelpCase.Kind.choices)
    status = django_filters.ChoiceFilter(label=_("Status"), choices=HelpCase.Status.choices)
    stage = django_filters.ChoiceFilter(label=_("Stage"), choices=STAGES, method="filter_stage")
    beneficiary = bounded.IdFilter(label=_("Beneficiary"), field_name="beneficiary_id")
    visit = bounded.IdFilter(label=_("Visit"), field_name="visit_id")
    resolved_from = bounded.DateFilter(label=_("Resolved from"), field_name="resolved_on", lookup_expr="gte")
    resolved_to = bounded.DateFilter(label=_("Resolved to"), field_name="resolved_on", lookup_expr="lte")
    returned_from = bounded.DateFilter(label=_("Return visit from"), field_name="returned_on", lookup_expr="gte")
    returned_to = bounded.DateFilter(label=_("Return visit to"), field_name="returned_on", lookup_expr="lte")

    class Meta:
        model = HelpCase
        fields = ["q", "kind", "status", "stage", "org", "beneficiary", "visit", "resolved_from", "resolved_to",
                  "returned_from", "returned_to"]
        form = FilterForm

    def filter_q(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(Q(problem__contains=value) | Q(beneficiary__name__contains=value)) if value else queryset

    def filter_queryset(self, queryset):
        """A list of cases resolved in a period (the drill-down of problems solved) is in resolution order, which
        the (ancestor, resolved_on, status) index serves without a sort."""
        queryset = super().filter_queryset(queryset)
        data = self.form.cleaned_data
        if data.get("resolved_from") or data.get("resolved_to"):
            queryset = queryset.order_by("-resolved_on", "-id")
        return queryset

    def filter_stage(self, queryset, name, value):
        return queryset.filter(status__in=HelpCase.SOLVED if value == "solved" else HelpCase.PENDING)
