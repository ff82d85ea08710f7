"""五好 campaigns: criteria, nominations with evidence per criterion, review, public notice, naming, revocation."""

import datetime

import pytest
import time_machine
from django.utils import timezone

from dangjian.core import metrics
from dangjian.core.exceptions import NotInScope, PermissionDenied, ValidationError
from dangjian.core.testing import assert_summary_matches_facts
from dangjian.showcase import honours
from dangjian.showcase.metrics import HONOURS
from dangjian.showcase.models import ORG_CRITERIA, HonorCampaign

from . import factories as f
from .snapshots import state


def test_default_criteria_for_organizations_and_five_for_members(world):
    assert f.campaign(world).criteria == ORG_CRITERIA == ["领导班子好", "党员队伍好", "工作机制好", "工作业绩好",
                                                            "群众反映好"]
    before = state()
    with pytest.raises(ValidationError):
        honours.campaign_create(actor=world["users"]["xuanen_admin"], name="五好党员", year=2012,
                                target="member", criteria=["好", "好", "好", "好", "好"])
    with pytest.raises(PermissionDenied):
        honours.campaign_create(actor=world["users"]["wujiatai"], name="五好", year=2012, target="org")
    assert state() == before
    assert f.campaign(world, "member").criteria == f.MEMBER_CRITERIA


def test_a_village_sees_its_county_campaign_and_nominates_but_does_not_run_it(world):
    campaign = f.campaign(world)
    assert HonorCampaign.objects.visible_to(world["users"]["wujiatai"]).filter(pk=campaign.pk).exists()
    assert not HonorCampaign.objects.visible_to(world["users"]["badong_admin"]).filter(pk=campaign.pk).exists()
    nomination = f.nomination(world)
    before = state()
    with pytest.raises(PermissionDenied):  # the township sees the county's campaign, and does not review it
        honours.nomination_review(actor=world["users"]["wanzhai"], nomination=nomination, passed=True)
    with pytest.raises(NotInScope):
        honours.nomination_review(actor=world["users"]["badong_admin"], nomination=nomination, passed=True)
    assert state() == before


def test_evidence_for_every_criterion(world):
    campaign = f.campaign(world)
    before = state()
    with pytest.raises(ValidationError, match="工作业绩好"):
        honours.nomination_submit(actor=world["users"]["wujiatai"], campaign=campaign, org=world["wujiatai"],
                                  evidence=["a", "b", "c", " ", "e"])
    with pytest.raises(ValidationError, match="群众反映好"):
        honours.nomination_submit(actor=world["users"]["wujiatai"], campaign=campaign, org=world["wujiatai"],
                                  evidence=["a", "b", "c", "d"])
    with pytest.raises(NotInScope):  # another county's village
        honours.nomination_submit(actor=world["users"]["xuanen_admin"], campaign=campaign, org=world["yunlong"],
                                  evidence=f.EVIDENCE)
    assert state() == before
    f.nomination(world)
    with pytest.raises(ValidationError):  # the same nominee twice
        honours.nomination_submit(actor=world["users"]["wujiatai"], campaign=campaign, org=world["wujiatai"],
                                  evidence=f.EVIDENCE)


def test_member_campaign_nominates_a_member(world):
    campaign = f.campaign(world, "member")
    with pytest.raises(ValidationError):
        honours.nomination_submit(actor=world["users"]["wujiatai"], campaign=campaign, evidence=f.EVIDENCE)
    nomination = honours.nomination_submit(actor=world["users"]["wujiatai"], campaign=campaign,
                                           person=world["person"], evidence=f.EVIDENCE)
    assert nomination.org == world["wujiatai"] and nomination.nominee_name == "矩阵测试员"


def test_review_notice_name_revoke(world):
    admin = world["users"]["xuanen_admin"]
    day = datetime.date(2012, 6, 1)
    with time_machine.travel(datetime.datetime(2012, 6, 1, 9).astimezone(), tick=False):
        nomination = honours.nomination_submit(actor=world["users"]["wujiatai"], campaign=f.campaign(world),
                                               org=world["wujiatai"], evidence=f.EVIDENCE)
        before = state()
        with pytest.raises(ValidationError):  # not reviewed yet
            honours.nomination_name(actor=admin, nomination=nomination)
        nomination = honours.nomination_review(actor=admin, nomination=nomination, passed=True, note="材料齐全")
        assert nomination.status == "notice" and nomination.notice_until > day
        with pytest.raises(ValidationError):  # the notice is running
            honours.nomination_name(actor=admin, nomination=nomination)
    with time_machine.travel(datetime.datetime(2012, 6, 20, 9).astimezone(), tick=False):
        nomination = honours.nomination_name(actor=admin, nomination=nomination)
    assert nomination.named_on == datetime.date(2012, 6, 20)
    assert metrics.values([HONOURS], world["xuanen"], metrics.Period.year(2012))[HONOURS] == 1
    before = state()
    with pytest.raises(ValidationError):
        honours.nomination_revoke(actor=admin, nomination=nomination, reason="")
    assert state() == before
    nomination = honours.nomination_revoke(actor=admin, nomination=nomination, reason="发生违纪问题")
    assert nomination.status == "revoked" and nomination.revoked_on == timezone.localdate()
    assert metrics.values([HONOURS], world["xuanen"], metrics.Period.year(2012))[HONOURS] == 0
    assert_summary_matches_facts()


def test_not_passed_ends_the_nomination(world):
    nomination = honours.nomination_review(actor=world["users"]["xuanen_admin"], nomination=f.nomination(world),
                                           passed=False, note="材料不实")
    assert nomination.status == "rejected" and nomination.notice_until is None
