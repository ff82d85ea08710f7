"""Model posts: apply (self-service) → recommend (branch) → approve (level above; public notice) → publish after
the notice → services; withdrawal; one active post per member. Refusals change nothing."""

import datetime

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from dangjian.core import metrics
from dangjian.core.exceptions import NotInScope, PermissionDenied, ValidationError
from dangjian.core.testing import assert_summary_matches_facts
from dangjian.showcase import posts
from dangjian.showcase.metrics import POSTS, SERVICES
from dangjian.showcase.models import ModelPost, PostService
from dangjian.showcase.posts import NOTICE_DAYS

from . import factories as f
from .snapshots import state


def _at(day):
    return time_machine.travel(datetime.datetime.combine(day, datetime.time(9)).astimezone(), tick=False)


def test_the_steps_in_order_with_the_notice(world):
    member, secretary, township = f.applicant(world), world["users"]["wujiatai"], world["users"]["wanzhai"]
    day = datetime.date(2026, 3, 2)
    with _at(day):
        post = posts.post_apply(actor=member, kind="vanguard", title="产业先锋岗", duty="带头发展产业")
        assert post.status == "applied" and post.org == world["wujiatai"]
        before = state()
        with pytest.raises(ValidationError):  # approval comes after the recommendation
            posts.post_approve(actor=township, post=post)
        assert state() == before
        post = posts.post_recommend(actor=secretary, post=post)
        before = state()
        with pytest.raises(PermissionDenied):  # the branch secretary recommends; she does not approve
            posts.post_approve(actor=secretary, post=post)
        with pytest.raises(NotInScope):  # another county
            posts.post_approve(actor=world["users"]["badong_admin"], post=post)
        assert state() == before
        post = posts.post_approve(actor=township, post=post)
        assert post.status == "notice" and post.notice_until == day + datetime.timedelta(days=NOTICE_DAYS)
        before = state()
        with pytest.raises(ValidationError, match=str(post.notice_until)):  # the notice is running
            posts.post_publish(actor=township, post=post)
        assert state() == before
    with _at(day + datetime.timedelta(days=NOTICE_DAYS)):
        with pytest.raises(ValidationError):  # its last day
            posts.post_publish(actor=township, post=post)
    with _at(day + datetime.timedelta(days=NOTICE_DAYS + 1)):
        post = posts.post_publish(actor=township, post=post)
    assert post.status == "published" and post.plate_number == f"2026-{post.pk:05d}"
    assert metrics.values([POSTS], world["xuanen"])[POSTS] == 1
    assert_summary_matches_facts()


def test_nobody_recommends_or_approves_their_own(world, person_factory):
    from dangjian.conftest import make_user
    from dangjian.core.permissions import Role

    secretary = world["users"]["wujiatai"]
    own_person = person_factory(world["wujiatai"], name="书记本人")
    secretary_self = make_user(world["wujiatai"], Role.SECRETARY, "shuji_self", person=own_person)
    post = posts.post_apply(actor=secretary_self, kind="model", title="示范岗", duty="带头")
    before = state()
    with pytest.raises(ValidationError):
        posts.post_recommend(actor=secretary_self, post=post)
    assert state() == before
    assert posts.post_recommend(actor=secretary, post=post).status == "recommended"


def test_one_active_post_per_member(world):
    member = f.applicant(world)
    f.post(world, "published")
    before = state()
    with pytest.raises(ValidationError, match="已有"):
        posts.post_apply(actor=member, kind="model", title="第二个岗", duty="再来一个")
    assert state() == before
    posts.post_withdraw(actor=member, post=f.post(world, "published"), reason="岗位调整")
    assert posts.post_apply(actor=member, kind="model", title="新岗", duty="新职责").status == "applied"
    assert_summary_matches_facts()


def test_an_account_without_a_member_record_cannot_apply(world):
    with pytest.raises(ValidationError):
        posts.post_apply(actor=world["users"]["member"], kind="model", title="岗", duty="职责")
    assert state()["ModelPost"] == []


def test_withdraw_needs_a_reason_and_the_right_person(world):
    post = f.post(world, "applied")
    before = state()
    with pytest.raises(ValidationError):
        posts.post_withdraw(actor=f.applicant(world), post=post, reason="")
    with pytest.raises(NotInScope):  # another member of the same village sees nothing of it
        posts.post_withdraw(actor=f.applicant(world, "别的党员"), post=post, reason="不想要了")
    with pytest.raises(PermissionDenied):  # a leading cadre reads, never withdraws
        posts.post_withdraw(actor=world["users"]["leader"], post=post, reason="不合适")
    assert state() == before
    post = posts.post_withdraw(actor=world["users"]["wujiatai"], post=post, reason="不符合条件")
    assert post.status == "withdrawn" and post.withdraw_reason == "不符合条件"


def test_services_are_the_holders_and_count(world):
    holder, applied = f.applicant(world), f.post(world, "applied")
    before = state()
    with pytest.raises(ValidationError):  # not published yet
        posts.service_record(actor=holder, post=applied, served_on=timezone.localdate(),
                             people_served=1, problems_solved=1, note="服务")
    assert state() == before
    posts.post_withdraw(actor=holder, post=f.post(world, "applied"), reason="重新申请")
    published, other = f.post(world, "published"), f.applicant(world, "别的党员")
    before = state()
    with pytest.raises(ValidationError):  # before the post was published
        posts.service_record(actor=holder, post=published, served_on=published.published_on
                             - datetime.timedelta(days=1), people_served=1, problems_solved=0, note="服务")
    with pytest.raises(NotInScope):
        posts.service_record(actor=other, post=published, served_on=timezone.localdate(),
                             people_served=1, problems_solved=0, note="冒名")
    assert state() == before
    f.service(world)
    assert PostService.objects.get().org == world["wujiatai"]
    year = metrics.Period.year(timezone.localdate().year)
    assert metrics.values([SERVICES], world["xuanen"], year)[SERVICES] == 1
    assert_summary_matches_facts()


def test_a_member_sees_only_their_own_posts(client, world):
    mine = f.post(world, "applied")
    other = f.post(world, "applied", name="别的党员")
    member = f.applicant(world)
    assert list(ModelPost.objects.visible_to(member)) == [mine]
    client.force_login(member)
    assert client.get(reverse("showcase:post_detail", args=[mine.pk])).status_code == 200
    assert client.get(reverse("showcase:post_detail", args=[other.pk])).status_code == 404
    assert client.get(reverse("showcase:post_list")).status_code == 403
    page = client.get(reverse("showcase:post_apply")).content.decode()
    assert "茶叶产业先锋岗" in page


def test_plate_pdf_only_for_published_posts(client, world):
    client.force_login(world["users"]["xuanen_admin"])
    assert client.get(reverse("showcase:post_plate", args=[f.post(world, "recommended").pk])).status_code == 404
    posts.post_withdraw(actor=world["users"]["xuanen_admin"], post=f.post(world, "recommended"), reason="测试")
    response = client.get(reverse("showcase:post_plate", args=[f.post(world, "published").pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    from .pdftext import pdf_text

    text = pdf_text(response.content)
    assert "党员先锋岗" in text and "茶叶产业先锋岗" in text and "矩阵先锋" in text
