"""One FilterSet per model, shared by the list pages and the API (bounded filters: core.filters)."""

import django_filters
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from dangjian.core import filters as bounded
from dangjian.core.forms import FilterForm

from . import selectors
from .metrics import stalled_q
from .models import CommitteeSession, ContactPoint, ContactVisit, Grade, SecretaryReview, Topic, Undertaking


class TopicFilter(bounded.FilterSet):
    year = bounded.YearFilter(label=_("Year"))
    status = django_filters.ChoiceFilter(choices=Topic.Status.choices, label=_("Step"))
    org = bounded.IdFilter(field_name="org_id", label=_("Organization"))
    stalled = django_filters.BooleanFilter(method="filter_stalled", label=_("Stalled"))

    class Meta:
        model = Topic
        form = FilterForm
        fields = ["year", "status", "org", "stalled"]

    def filter_stalled(self, queryset, name, value):
        return queryset.filter(stalled_q()) if value else queryset.exclude(stalled_q())


class UndertakingFilter(bounded.FilterSet):
    topic = bounded.IdFilter(field_name="topic_id", label=pgettext_lazy("party building topic", "Topic"))
    status = django_filters.ChoiceFilter(choices=Undertaking.Status.choices, label=_("Status"))

    class Meta:
        model = Undertaking
        form = FilterForm
        fields = ["topic", "status"]


class SessionFilter(bounded.FilterSet):
    year = bounded.YearFilter(field_name="held_on", lookup_expr="year", label=_("Year"))
    kind = django_filters.ChoiceFilter(choices=CommitteeSession.Kind.choices, label=_("Kind"))
    org = bounded.IdFilter(field_name="org_id", label=_("Committee"))

    class Meta:
        model = CommitteeSession
        form = FilterForm
        fields = ["year", "kind", "org"]


class PointFilter(bounded.FilterSet):
    year = bounded.YearFilter(label=_("Year"))
    org = bounded.IdFilter(field_name="org_id", label=_("Organization"))
    committee = bounded.IdFilter(field_name="committee_id", label=_("Committee"))
    leader = bounded.IdFilter(field_name="leader_id", label=_("Leading cadre"))
    behind = django_filters.BooleanFilter(method="filter_behind", label=_("Visits behind"))

    class Meta:
        model = ContactPoint
        form = FilterForm
        fields = ["year", "org", "committee", "leader", "behind"]

    def filter_behind(self, queryset, name, value):
        """Points of the year (this year unless `year` is given) with fewer visits than due so far."""
        if not value:
            return queryset
        year = self.form.cleaned_data.get("year") or timezone.localdate().year
        return selectors.points_behind(queryset, year)


class VisitFilter(bounded.FilterSet):
    point = bounded.IdFilter(field_name="point_id", label=_("Contact point"))
    year = bounded.YearFilter(field_name="visited_on", lookup_expr="year", label=_("Year"))

    class Meta:
        model = ContactVisit
        form = FilterForm
        fields = ["point", "year"]


class ReviewFilter(bounded.FilterSet):
    year = bounded.YearFilter(label=_("Year"))
    status = django_filters.ChoiceFilter(choices=SecretaryReview.Status.choices, label=_("Status"))
    grade = django_filters.ChoiceFilter(choices=Grade.choices, label=_("Grade"))
    org = bounded.IdFilter(field_name="org_id", label=_("Organization"))

    class Meta:
        model = SecretaryReview
        form = FilterForm
        fields = ["year", "status", "grade", "org"]
