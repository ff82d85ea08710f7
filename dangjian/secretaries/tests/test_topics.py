"""The topic workflow: four steps by four actors found from the records, in order, each refusal changing
nothing (a snapshot of the topic and its undertakings before and after)."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from dangjian.core.exceptions import NotInScope
from dangjian.core.models import AuditEntry
from dangjian.secretaries import services
from dangjian.secretaries.models import Topic, Undertaking

YEAR = datetime.date.today().year


def propose(cast, tree, **kw):
    data = {"year": YEAR, "title": "抓党建促乡村振兴", "weakness": "村级集体经济薄弱", "goal": "集体经济破十万"}
    return services.topic_propose(actor=cast["badong"], org=tree["badong"], **{**data, **kw})


def snapshot(topic):
    return (list(Topic.objects.filter(pk=topic.pk).values()), list(Undertaking.objects.values()),
            AuditEntry.objects.filter(action__startswith="topic.").count())


def refused(exception, topic, call):
    before = snapshot(topic)
    with pytest.raises(exception) as raised:
        call()
    assert snapshot(topic) == before
    return raised.value


@pytest.fixture
def topic(cast, tree):
    return propose(cast, tree)


def claimed(cast, topic):
    services.topic_select(actor=cast["shuji"], topic=topic, difficulty="村干部能力不足")
    return services.topic_claim(actor=cast["buzhang"], topic=topic, key_point="能人回引", plan="每村一策")


def test_the_four_steps_by_four_actors(cast, tree, topic):
    assert topic.status == Topic.Status.PROPOSED and topic.org == tree["badong"]
    topic = services.topic_select(actor=cast["shuji"], topic=topic, difficulty="村干部能力不足")
    assert topic.status == Topic.Status.SELECTED
    assert topic.owner == cast["people"]["buzhang"]  # the committee's 组织部长, found from the posts
    topic = services.topic_claim(actor=cast["buzhang"], topic=topic, key_point="能人回引", plan="每村一策")
    assert topic.status == Topic.Status.CLAIMED
    undertaking = services.topic_undertake(actor=cast["cun"], topic=topic, org=tree["yunlong"])
    assert Topic.objects.get(pk=topic.pk).status == Topic.Status.UNDERTAKEN
    services.undertaking_report(actor=cast["cun"], undertaking=undertaking, content="召开院坝会")
    services.undertaking_report(actor=cast["cun"], undertaking=undertaking, content="引进茶叶合作社",
                                highlight="茶旅融合", done=True)
    undertaking.refresh_from_db()
    assert undertaking.status == Undertaking.Status.DONE and undertaking.highlight == "茶旅融合"
    assert undertaking.reports.count() == 2
    topic = services.topic_complete(actor=cast["badong"], topic=topic, evaluation="成效明显")
    assert topic.status == Topic.Status.COMPLETED and topic.completed_on == datetime.date.today()
    actions = list(AuditEntry.objects.filter(action__startswith="topic.").order_by("seq")
                   .values_list("action", flat=True))
    assert actions == ["topic.propose", "topic.select", "topic.claim", "topic.undertake", "topic.undertaken",
                       "topic.complete"]


def test_the_secretary_may_name_another_cadre_of_the_committee(cast, topic):
    services.topic_select(actor=cast["shuji"], topic=topic, difficulty="难", owner=cast["people"]["changwei"])
    refused(PermissionDenied, topic, lambda: services.topic_claim(
        actor=cast["buzhang"], topic=topic, key_point="k", plan="p"))
    assert services.topic_claim(actor=cast["changwei"], topic=topic, key_point="k", plan="p").status == "claimed"


def test_a_named_cadre_must_hold_a_post_in_the_committee(cast, topic):
    error = refused(ValidationError, topic, lambda: services.topic_select(
        actor=cast["shuji"], topic=topic, difficulty="难", owner=cast["people"]["cun_shuji"]))
    assert "owner" in error.message_dict


def test_only_the_committee_staff_list_topics(cast, tree):
    with pytest.raises(PermissionDenied):
        services.topic_propose(actor=cast["shuji"], org=tree["badong"], year=YEAR, title="t", weakness="w")
    with pytest.raises(PermissionDenied):  # the prefecture is not 巴东县委's own organization department
        services.topic_propose(actor=cast["zhou"], org=tree["badong"], year=YEAR, title="t", weakness="w")
    with pytest.raises(NotInScope):
        services.topic_propose(actor=cast["xuanen"], org=tree["badong"], year=YEAR, title="t", weakness="w")
    with pytest.raises(ValidationError):  # a village is not a committee
        services.topic_propose(actor=cast["cun"], org=tree["yunlong"], year=YEAR, title="t", weakness="w")
    with pytest.raises(ValidationError) as raised:
        propose(cast, tree, weakness=" ")
    assert "weakness" in raised.value.message_dict
    assert not Topic.objects.exists()


def test_a_minister_selecting_is_refused(cast, topic):
    error = refused(PermissionDenied, topic, lambda: services.topic_select(
        actor=cast["buzhang"], topic=topic, difficulty="难"))
    assert "书记" in str(error) or "secretary" in str(error)


def test_steps_cannot_be_skipped(cast, tree, topic):
    refused(PermissionDenied, topic, lambda: services.topic_claim(
        actor=cast["buzhang"], topic=topic, key_point="k", plan="p"))  # nobody named yet
    refused(ValidationError, topic, lambda: services.topic_undertake(
        actor=cast["cun"], topic=topic, org=tree["yunlong"]))
    services.topic_select(actor=cast["shuji"], topic=topic, difficulty="难")
    refused(ValidationError, topic, lambda: services.topic_select(actor=cast["shuji"], topic=topic, difficulty="x"))


def test_a_village_claiming_is_refused(cast, topic):
    services.topic_select(actor=cast["shuji"], topic=topic, difficulty="难")
    refused(PermissionDenied, topic, lambda: services.topic_claim(
        actor=cast["cun"], topic=topic, key_point="k", plan="p"))


def test_completing_a_topic_nobody_undertook_is_refused(cast, topic):
    claimed(cast, topic)
    error = refused(ValidationError, topic, lambda: services.topic_complete(
        actor=cast["badong"], topic=topic, evaluation="好"))
    assert error.messages


def test_undertakings_come_from_the_subtree_once_each(cast, tree, topic):
    claimed(cast, topic)
    # 伍家台村 is under 宣恩县: outside the topic's subtree (and the actor's scope) — not found.
    refused(NotInScope, topic, lambda: services.topic_undertake(
        actor=cast["zhou"], topic=topic, org=tree["wujiatai"]))
    refused(NotInScope, topic, lambda: services.topic_undertake(
        actor=cast["cun"], topic=topic, org=tree["wujiatai"]))
    # a township is not grassroots; the county's own staff do not take up their own topic
    refused(ValidationError, topic, lambda: services.topic_undertake(
        actor=cast["xinling"], topic=topic, org=tree["xinling"]))
    services.topic_undertake(actor=cast["xinling"], topic=topic, org=tree["yunlong"])
    error = refused(ValidationError, topic, lambda: services.topic_undertake(
        actor=cast["cun"], topic=topic, org=tree["yunlong"]))
    assert "org" in error.message_dict


def test_a_topic_goes_back_one_step_with_a_reason(cast, topic):
    services.topic_select(actor=cast["shuji"], topic=topic, difficulty="难")
    refused(ValidationError, topic, lambda: services.topic_return(actor=cast["buzhang"], topic=topic, reason=" "))
    refused(PermissionDenied, topic, lambda: services.topic_return(actor=cast["cun"], topic=topic, reason="x"))
    topic = services.topic_return(actor=cast["buzhang"], topic=topic, reason="难点不准")
    assert topic.status == Topic.Status.PROPOSED and topic.return_reason == "难点不准"
    refused(ValidationError, topic, lambda: services.topic_return(actor=cast["badong"], topic=topic, reason="x"))
    topic = services.topic_select(actor=cast["shuji"], topic=topic, difficulty="重新选")
    assert topic.return_reason == ""


def test_an_undertaking_reports_through_its_secretary_or_the_staff_above(cast, tree, topic):
    claimed(cast, topic)
    undertaking = services.topic_undertake(actor=cast["cun"], topic=topic, org=tree["yunlong"])
    with pytest.raises(NotInScope):
        services.undertaking_report(actor=cast["wanzhai"], undertaking=undertaking, content="x")
    with pytest.raises(PermissionDenied):
        services.undertaking_report(actor=cast["shuji"], undertaking=undertaking, content="x")
    with pytest.raises(ValidationError) as raised:
        services.undertaking_report(actor=cast["cun"], undertaking=undertaking, content="完成", done=True)
    assert "highlight" in raised.value.message_dict
    services.undertaking_report(actor=cast["xinling"], undertaking=undertaking, content="镇里督导")
    assert undertaking.reports.count() == 1


def test_a_village_sees_the_topics_above_it_and_only_its_own_undertakings(cast, tree, topic):
    claimed(cast, topic)
    services.topic_undertake(actor=cast["cun"], topic=topic, org=tree["yunlong"])
    assert list(Topic.objects.visible_to(cast["cun"])) == [topic]
    assert not Topic.objects.visible_to(cast["wanzhai"]).exists()
    assert Undertaking.objects.visible_to(cast["cun"]).count() == 1
    assert not Undertaking.objects.visible_to(cast["wanzhai"]).exists()
