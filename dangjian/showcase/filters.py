"""One FilterSet per list, shared by the pages and the API (bounded filters, core.filters)."""

import django_filters

from dangjian.core.filters import DateFilter, FilterSet, IdFilter, YearFilter
from dangjian.core.forms import FilterForm

from .models import DemoSite, HonorCampaign, Meeting, ModelPost, Nomination, PostService


class SiteFilter(FilterSet):
    level = django_filters.ChoiceFilter(choices=DemoSite.SiteLevel.choices)
    status = django_filters.ChoiceFilter(choices=DemoSite.Status.choices)
    org = IdFilter(field_name="org_id")

    class Meta:
        model = DemoSite
        form = FilterForm
        fields = ["level", "status", "org"]


class MeetingFilter(FilterSet):
    kind = django_filters.ChoiceFilter(choices=Meeting.Kind.choices)
    site = IdFilter(field_name="sites")
    year = YearFilter(field_name="held_on__year")
    held_from = DateFilter(field_name="held_on", lookup_expr="gte")
    held_to = DateFilter(field_name="held_on", lookup_expr="lte")

    class Meta:
        model = Meeting
        form = FilterForm
        fields = ["kind", "site", "year", "held_from", "held_to"]


class PostFilter(FilterSet):
    kind = django_filters.ChoiceFilter(choices=ModelPost.Kind.choices)
    status = django_filters.ChoiceFilter(choices=ModelPost.Status.choices)
    person = IdFilter(field_name="person_id")

    class Meta:
        model = ModelPost
        form = FilterForm
        fields = ["kind", "status", "person"]


class ServiceFilter(FilterSet):
    post = IdFilter(field_name="post_id")
    year = YearFilter(field_name="served_on__year")

    class Meta:
        model = PostService
        form = FilterForm
        fields = ["post", "year"]


class CampaignFilter(FilterSet):
    year = YearFilter()
    target = django_filters.ChoiceFilter(choices=HonorCampaign.Target.choices)

    class Meta:
        model = HonorCampaign
        form = FilterForm
        fields = ["year", "target"]


class NominationFilter(FilterSet):
    campaign = IdFilter(field_name="campaign_id")
    status = django_filters.ChoiceFilter(choices=Nomination.Status.choices)
    year = YearFilter(field_name="named_on__year")

    class Meta:
        model = Nomination
        form = FilterForm
        fields = ["campaign", "status", "year"]
