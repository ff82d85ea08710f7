"""The demo's 抓示范 records: built through the services, at every level, and counted by the platform."""

import io

import pytest
from django.core.management import call_command

from dangjian.core import metrics
from dangjian.core.testing import assert_summary_matches_facts
from dangjian.orgs.models import Org
from dangjian.showcase.metrics import HONOURS, MEETINGS, POSTS, SERVICES, SITES
from dangjian.showcase.models import DemoSite, HonorCampaign, Meeting, ModelPost, Nomination


@pytest.mark.django_db(transaction=True)
def test_the_demo_tells_the_story():
    call_command("demo", "--scale", "small", stdout=io.StringIO())
    wujiatai = DemoSite.objects.get(org__name__contains="伍家台", level="prefecture")
    assert wujiatai.mentored.exists() and Meeting.objects.filter(sites=wujiatai).count() == 2
    assert set(DemoSite.objects.values_list("level", flat=True)) == {"prefecture", "county", "township"}
    assert DemoSite.objects.filter(status="revoked").count() == 1
    laifeng = Org.objects.get(name__contains="来凤县", level=3)
    published = ModelPost.objects.filter(county=laifeng, status="published")
    assert published.count() >= 3 and all(p.services.exists() for p in published)
    assert ModelPost.objects.filter(status="withdrawn").count() == 1
    campaign = HonorCampaign.objects.get(name="2012年利川市五好基层党组织创建")
    assert campaign.criteria[0] == "领导班子好"
    named = Nomination.objects.filter(campaign=campaign, status="named").count()
    assert named == campaign.nominations.count() - 2  # one not passed, one revoked
    assert Nomination.objects.filter(campaign=campaign, status="rejected").count() == 1
    prefecture = Org.objects.get(level=2)
    values = metrics.values([*SITES.values(), MEETINGS, POSTS, SERVICES, HONOURS], prefecture,
                            metrics.Period.year(2012))
    assert values[SITES["prefecture"]] == 1 and values[POSTS] == published.count()
    assert values[HONOURS] == Nomination.objects.filter(status="named", named_on__year=2012).count()
    assert values[MEETINGS] == Meeting.objects.filter(held_on__year=2012).count()
    assert_summary_matches_facts()
