"""Reads of 抓示范: each list is one query for its page (related rows joined, many-to-many prefetched: a fixed
number of queries whatever the page holds)."""

from django.db.models import Prefetch

from dangjian.orgs.models import Org

from .filters import CampaignFilter, MeetingFilter, NominationFilter, PostFilter, ServiceFilter, SiteFilter
from .models import DemoSite, HonorCampaign, Meeting, ModelPost, Nomination, PostService

LISTS = {
    # name: (model, FilterSet, select_related, prefetch_related)
    "sites": (DemoSite, SiteFilter, ("org", "designated_by"), ()),
    "meetings": (Meeting, MeetingFilter, ("org",), ("sites__org",)),
    "posts": (ModelPost, PostFilter, ("org", "person"), ()),
    "services": (PostService, ServiceFilter, ("post__person",), ()),
    "campaigns": (HonorCampaign, CampaignFilter, ("org",), ()),
    "nominations": (Nomination, NominationFilter, ("org", "person", "campaign"), ()),
}


def filtered(user, name, params):
    """(FilterSet, queryset) of the list `name` for `user` (an invalid filter selects nothing)."""
    model, filterset_class, related, prefetch = LISTS[name]
    rows = model.objects.visible_to(user).select_related(*related).prefetch_related(*prefetch)
    filterset = filterset_class(params, queryset=rows)
    return filterset, filterset.qs


def site_page(user, pk):
    """A site, its mentored organizations, the meetings that visited it with who came, and the organization's
    other designations (history): five queries."""
    site = DemoSite.objects.visible_to(user).select_related("org", "designated_by").get(pk=pk)
    mentored = list(site.mentored.order_by("path"))
    meetings = list(Meeting.objects.visible_to(user).filter(sites=site).select_related("org").prefetch_related(
        Prefetch("participants", queryset=Org.objects.order_by("path"))).order_by("-held_on", "-id")[:100])
    history = list(DemoSite.objects.visible_to(user).filter(org_id=site.org_id).exclude(pk=site.pk)
                   .select_related("designated_by").order_by("-designated_on"))
    return {"site": site, "mentored": mentored, "meetings": meetings, "history": history}


def my_posts(user):
    if not user.person_id:
        return []
    return list(ModelPost.objects.filter(person_id=user.person_id).select_related("org").order_by("-applied_on"))
