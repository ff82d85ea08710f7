"""Demonstration sites and meetings: every rule, its refusal (nothing changes) and its success."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from dangjian.core import metrics
from dangjian.core.exceptions import NotInScope, PermissionDenied, ValidationError
from dangjian.core.testing import assert_summary_matches_facts
from dangjian.showcase import services
from dangjian.showcase.metrics import MEETINGS, PARTICIPANTS, SITES
from dangjian.showcase.models import DemoSite, Meeting

from . import factories as f
from .snapshots import state


def test_designate_counts_up_the_tree_and_matches_the_summary(world):
    site = f.site(world, mentor=True)
    assert site.status == "active" and list(site.mentored.all()) == [world["wanzhai"]]
    assert metrics.values([SITES["county"]], world["xuanen"])[SITES["county"]] == 1
    assert metrics.values([SITES["county"]], world["badong"])[SITES["county"]] == 0
    assert_summary_matches_facts()


@pytest.mark.parametrize(("who", "level", "error"), [
    ("wanzhai", "county", ValidationError),  # a township names township-level sites only
    ("wujiatai", "township", PermissionDenied),  # a secretary designates nothing
    ("badong_admin", "county", NotInScope),  # another county's village does not exist for them
])
def test_who_may_designate_what(world, who, level, error):
    before = state()
    with pytest.raises(error):
        services.site_designate(actor=world["users"][who], org=world["wujiatai"], level=level, theme="主题",
                                lessons="经验")
    assert state() == before


def test_one_active_site_per_level_and_history_after_revocation(world):
    site = f.site(world)
    before = state()
    with pytest.raises(ValidationError):
        services.site_designate(actor=world["users"]["xuanen_admin"], org=world["wujiatai"], level="county",
                                theme="再次", lessons="经验")
    with pytest.raises(ValidationError):  # a reason is required
        services.site_revoke(actor=world["users"]["xuanen_admin"], site=site, reason=" ")
    with pytest.raises(ValidationError):  # a township cannot revoke what the county designated
        services.site_revoke(actor=world["users"]["wanzhai"], site=site, reason="不再示范")
    assert state() == before
    services.site_revoke(actor=world["users"]["xuanen_admin"], site=site, reason="整改期间暂停")
    again = services.site_designate(actor=world["users"]["xuanen_admin"], org=world["wujiatai"], level="county",
                                    theme="新主题", lessons="经验")
    assert DemoSite.objects.filter(org=world["wujiatai"]).count() == 2 and again.status == "active"
    assert metrics.values([SITES["county"]], world["xuanen"])[SITES["county"]] == 1
    assert_summary_matches_facts()


def test_meeting_rules(world):
    site = f.site(world)
    admin = world["users"]["xuanen_admin"]
    kw = dict(org=world["wanzhai"], kind="tour", place="伍家台", summary="观摩", sites=[site])
    before = state()
    with pytest.raises(ValidationError):  # not held yet
        services.meeting_record(actor=admin, held_on=timezone.localdate() + datetime.timedelta(days=1),
                                headcount=10, **kw)
    with pytest.raises(ValidationError):  # fewer people than organizations
        services.meeting_record(actor=admin, held_on=timezone.localdate(), headcount=1,
                                participants=[world["wanzhai"], world["xiaohe"]], **kw)
    with pytest.raises(NotInScope):  # another county's organization as a participant
        services.meeting_record(actor=admin, held_on=timezone.localdate(), headcount=10,
                                participants=[world["yunlong"]], **kw)
    with pytest.raises(PermissionDenied):
        services.meeting_record(actor=world["users"]["leader"], held_on=timezone.localdate(), headcount=10, **kw)
    assert state() == before
    meeting = f.meeting(world)
    assert Meeting.objects.get(pk=meeting.pk).headcount == 40
    year = metrics.Period.year(timezone.localdate().year)
    values = metrics.values([MEETINGS, PARTICIPANTS], world["xuanen"], year)
    assert values == {MEETINGS: 1, PARTICIPANTS: 40}
    assert_summary_matches_facts()


def test_site_page_shows_its_meetings_and_who_came(client, world):
    meeting = f.meeting(world)
    client.force_login(world["users"]["wanzhai"])
    text = client.get(reverse("showcase:site_detail", args=[f.site(world).pk])).content.decode()
    assert meeting.get_kind_display() in text and world["xiaohe"].name in text and "40" in text


def test_lists_cost_a_fixed_number_of_queries(client, world, django_assert_max_num_queries):
    for index in range(3):
        services.meeting_record(actor=world["users"]["xuanen_admin"], org=world["wanzhai"], kind="symposium",
                                held_on=timezone.localdate(), place=f"会场{index}", headcount=5, summary="座谈",
                                sites=[f.site(world)], participants=[world["wanzhai"]])
    client.force_login(world["users"]["xuanen_admin"])
    for name in ("showcase:site_list", "showcase:meeting_list"):
        with django_assert_max_num_queries(14):
            assert client.get(reverse(name)).status_code == 200
    with django_assert_max_num_queries(14):
        assert client.get(reverse("showcase:site_detail", args=[f.site(world).pk])).status_code == 200
    with django_assert_max_num_queries(10):
        assert client.get(reverse("meeting-list")).json()["count"] == 3
