"""FilterSets of the star-rating lists (bounded filters of core.filters), shared by the API."""

import django_filters
from django.utils.translation import gettext_lazy as _

from dangjian.core import filters

from . import selectors
from .models import Assessment, Indicator, ScoreEvent, StarAward


class IndicatorFilter(filters.FilterSet):
    scheme = filters.IdFilter()

    class Meta:
        model = Indicator
        fields = ["scheme"]


class AssessmentFilter(filters.FilterSet):
    scheme = filters.IdFilter()
    year = filters.YearFilter()
    org = filters.IdFilter()
    status = django_filters.ChoiceFilter(choices=Assessment.Status.choices)
    awaiting = django_filters.BooleanFilter(method="filter_awaiting",
                                                    label=_("Waiting for a step of yours"))
    min_stars = django_filters.NumberFilter(method="filter_min_stars", min_value=0, max_value=5)

    class Meta:
        model = Assessment
        fields = ["scheme", "year", "org", "status"]

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def filter_awaiting(self, queryset, name, value):
        return selectors.awaiting(self.user, queryset) if value else queryset

    def filter_min_stars(self, queryset, name, value):
        return selectors.with_min_stars(queryset, int(value))


class ScoreEventFilter(filters.FilterSet):
    assessment = filters.IdFilter()

    class Meta:
        model = ScoreEvent
        fields = ["assessment"]


class StarAwardFilter(filters.FilterSet):
    year = filters.YearFilter()
    org = filters.IdFilter()
    stars = django_filters.NumberFilter(min_value=1, max_value=5)

    class Meta:
        model = StarAward
        fields = ["year", "org", "stars"]
