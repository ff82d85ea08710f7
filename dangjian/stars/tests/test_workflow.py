"""The assessment workflow through the services: every step by its actor, and every refusal the issue lists
("bad input gets a clear Chinese error and changes nothing": state compared before and after)."""

import datetime

import pytest
from django.utils import translation

from dangjian.core.exceptions import NotInScope, PermissionDenied, ValidationError
from dangjian.core.models import AuditEntry
from dangjian.stars import workflow
from dangjian.stars.models import Assessment, AssessmentItem, Objection, ScoreChange, ScoreEvent, StarAward
from dangjian.stars.tests.conftest import ind

TODAY = datetime.date.today()


def state():
    """Everything a refused step could have changed."""
    return (list(Assessment.objects.values().order_by("pk")), list(AssessmentItem.objects.values().order_by("pk")),
            list(ScoreEvent.objects.values().order_by("pk")), list(Objection.objects.values().order_by("pk")),
            list(StarAward.objects.values().order_by("pk")), ScoreChange.objects.count(),
            AuditEntry.objects.count())


def refused(exception, call, match=None):
    before = state()
    with translation.override("zh-hans"), pytest.raises(exception) as info:
        call()
    assert state() == before
    if match:
        assert match in " ".join(getattr(info.value, "messages", [str(info.value)]))
    return info.value


def self_assess(s, a, **points):
    defaults = {"班子建设": 55, "为民办事": 18}
    defaults.update(points)
    items = [{"indicator": ind(s["scheme"], name).pk, "points": p, "note": "见台账"} for name, p in defaults.items()]
    return workflow.assessment_self_assess(actor=s["village"], assessment=a, items=items)


def to_notice(s, a, **points):
    a = self_assess(s, a, **points)
    a = workflow.assessment_review(actor=s["township"], assessment=a)
    a = workflow.assessment_approve(actor=s["county"], assessment=a)
    return workflow.assessment_publicize(actor=s["county"], assessment=a, today=TODAY - datetime.timedelta(days=10))


def test_the_whole_way_with_history_and_authors(stars):
    s, a = stars, stars["assessment"]
    scheme = s["scheme"]
    assert a.status == "self"
    a = self_assess(s, a)
    assert a.status == "review" and a.score == 73  # 55 + 18 + 0: 云龙河村 has no secretary (metric)
    assert a.projected_stars == 0
    a = workflow.assessment_review(actor=s["township"], assessment=a, items=[
        {"indicator": ind(scheme, "为民办事").pk, "points": 20, "note": "核实后调整"},
        {"indicator": ind(scheme, "班子建设").pk, "points": 60, "note": "材料齐全"}])
    assert a.status == "approval" and a.score == 80 and a.projected_stars == 2
    a = workflow.assessment_approve(actor=s["county"], assessment=a)
    assert a.stars == 2 and a.approved_at
    a = workflow.assessment_publicize(actor=s["county"], assessment=a, today=TODAY - datetime.timedelta(days=5))
    assert a.status == "notice" and a.notice_until == TODAY - datetime.timedelta(days=1)
    a = workflow.assessment_award(actor=s["county"], assessment=a)
    assert a.status == "awarded" and a.award.stars == 2 and a.award.certificate_no.endswith("第00001号")
    history = list(ScoreChange.objects.filter(assessment=a).order_by("pk").values_list("step", "author__username",
                                                                                         "new_points"))
    assert ("self", "yunlong", 55) in history and ("review", "xinling", 60) in history
    assert AuditEntry.objects.filter(action="stars.assessment.award", object_id=str(a.pk)).exists()


def test_steps_out_of_order_or_by_the_wrong_level_are_refused(stars):
    s, a = stars, stars["assessment"]
    refused(ValidationError, lambda: workflow.assessment_review(actor=s["township"], assessment=a), "不能进行")
    refused(PermissionDenied, lambda: workflow.assessment_self_assess(actor=s["county"], assessment=a, items=[]))
    refused(PermissionDenied, lambda: workflow.assessment_self_assess(actor=s["township"], assessment=a, items=[]))
    a = self_assess(s, a)
    refused(PermissionDenied, lambda: workflow.assessment_review(actor=s["county"], assessment=a))
    refused(PermissionDenied, lambda: workflow.assessment_review(actor=s["village"], assessment=a))
    refused(ValidationError, lambda: workflow.assessment_approve(actor=s["county"], assessment=a))
    refused(NotInScope, lambda: workflow.assessment_review(actor=s["users"]["wanzhai"], assessment=a))
    a = workflow.assessment_review(actor=s["township"], assessment=a)
    refused(PermissionDenied, lambda: workflow.assessment_approve(actor=s["township"], assessment=a))
    refused(ValidationError, lambda: workflow.assessment_publicize(actor=s["county"], assessment=a), "审定")
    refused(ValidationError, lambda: workflow.assessment_award(actor=s["county"], assessment=a))


def test_points_outside_the_bounds_or_typed_on_automatic_indicators_are_refused(stars):
    s, a = stars, stars["assessment"]
    scheme = s["scheme"]

    def items(name, points, note="说明"):
        return lambda: workflow.assessment_self_assess(actor=s["village"], assessment=a, items=[
            {"indicator": ind(scheme, name).pk, "points": points, "note": note}])

    refused(ValidationError, items("班子建设", 61), "不能超过")
    refused(ValidationError, items("班子建设", -1), "不能低于")
    refused(ValidationError, items("书记在岗", 20), "自动")
    a = self_assess(s, a)
    refused(ValidationError, lambda: workflow.assessment_review(actor=s["township"], assessment=a, items=[
        {"indicator": ind(scheme, "班子建设").pk, "points": 40, "note": ""}]), "理由")


def test_award_waits_for_the_notice_and_every_answer(stars):
    s, a = stars, stars["assessment"]
    a = self_assess(s, a, 班子建设=60, 为民办事=20)
    a = workflow.assessment_review(actor=s["township"], assessment=a)
    a = workflow.assessment_approve(actor=s["county"], assessment=a)
    a = workflow.assessment_publicize(actor=s["county"], assessment=a)
    assert a.notice_until == TODAY + datetime.timedelta(days=4)  # five days, today included
    refused(ValidationError, lambda: workflow.assessment_award(actor=s["county"], assessment=a), "公示期")
    objection = workflow.assessment_object(actor=s["member"], assessment=a, text="该村台账有补做的情况")
    later = TODAY + datetime.timedelta(days=5)
    refused(ValidationError, lambda: workflow.assessment_award(actor=s["county"], assessment=a, today=later), "异议")
    refused(PermissionDenied, lambda: workflow.assessment_answer(actor=s["township"], assessment=a,
                                                                  objection=objection, text="已核实"))
    workflow.assessment_answer(actor=s["county"], assessment=a, objection=objection, text="经核实，台账真实")
    a = workflow.assessment_award(actor=s["county"], assessment=a, today=later)
    assert a.status == "awarded" and a.awarded_on == later


def test_objections_only_during_the_notice(stars):
    s, a = stars, stars["assessment"]
    refused(ValidationError, lambda: workflow.assessment_object(actor=s["member"], assessment=a, text="有意见的"))
    a = to_notice(s, a)
    refused(ValidationError, lambda: workflow.assessment_object(actor=s["member"], assessment=a, text="有意见的"),
            "公示期已结束")


def test_veto_means_no_star(stars):
    s, a = stars, stars["assessment"]
    a = self_assess(s, a, 班子建设=60, 为民办事=20, 发生严重违纪=1)
    assert a.vetoed and a.score == 80 and a.projected_stars == 0


def test_promotion_rule_against_last_years_award(stars):
    s, a = stars, stars["assessment"]
    Assessment.objects.filter(pk=a.pk).update(previous_stars=0)
    a = self_assess(s, a, 班子建设=60, 为民办事=20)
    assert a.score == 80 and a.projected_stars == 1  # two stars earned, one at most above last year's none


def test_score_events_are_clipped_and_say_so(stars):
    s, a = stars, stars["assessment"]
    scheme = s["scheme"]
    a = self_assess(s, a, 班子建设=58)
    event = workflow.score_event_record(actor=s["township"], assessment=a, indicator=ind(scheme, "班子建设"),
                                        points=5, reason="获县级表彰")
    assert event.clipped and event.applied == 2 and event.points == 5
    a.refresh_from_db()
    assert a.score == 78
    down = workflow.score_event_record(actor=s["county"], assessment=a, indicator=ind(scheme, "为民办事"),
                                       points=-30, reason="群众反映问题未办结")
    assert down.applied == -18
    a.refresh_from_db()
    assert a.score == 60
    assert ScoreChange.objects.filter(assessment=a, step="event", author=s["county"]).exists()


def test_score_events_refused_outside_scope_or_by_the_organization_itself(stars):
    s, a = stars, stars["assessment"]
    indicator = ind(s["scheme"], "班子建设")
    refused(NotInScope, lambda: workflow.score_event_record(actor=s["users"]["xuanen_admin"], assessment=a,
                                                            indicator=indicator, points=2, reason="越权加分"))
    refused(NotInScope, lambda: workflow.score_event_record(actor=s["users"]["wanzhai"], assessment=a,
                                                            indicator=indicator, points=2, reason="越权加分"))
    refused(PermissionDenied, lambda: workflow.score_event_record(actor=s["village"], assessment=a,
                                                                  indicator=indicator, points=2, reason="自己加分"))
    refused(ValidationError, lambda: workflow.score_event_record(actor=s["township"], assessment=a,
                                                                 indicator=indicator, points=0, reason="零分"))


def test_second_year_below_three_stars_flags_rectification(stars):
    s, a = stars, stars["assessment"]
    other = Assessment.objects.get(org=s["other_village"], year=a.year)
    # Last year: awarded with one star; this year again below three.
    Assessment.objects.filter(pk=other.pk).update(year=a.year - 1, status="awarded", stars=1, approved_at=a.scheme.
                                                  published_at)
    Assessment.objects.filter(pk=other.pk).update(org=a.org)
    a = to_notice(s, a)
    a = workflow.assessment_award(actor=s["county"], assessment=a)
    assert a.stars < 3 and a.rectification
    from dangjian.supervision.models import SupervisedTask

    task = SupervisedTask.objects.get(source="rectification", source_ref=f"stars.assessment:{a.pk}")
    assert task.org_id == s["badong"].pk and task.issued_by is None
    assert task.deadline == datetime.date.today() + datetime.timedelta(days=90)
    assert list(task.assignments.values_list("org_id", flat=True)) == [s["yunlong"].pk]
    assert "连续两年低于三星" in task.title


def test_one_year_below_three_stars_is_no_rectification(stars):
    a = to_notice(stars, stars["assessment"])
    a = workflow.assessment_award(actor=stars["county"], assessment=a)
    assert a.stars < 3 and not a.rectification
    from dangjian.supervision.models import SupervisedTask

    assert not SupervisedTask.objects.filter(source="rectification").exists()


def test_automatic_points_follow_the_records_and_keep_their_history(stars):
    from dangjian.conftest import make_person
    from dangjian.orgs import services as org_services
    from dangjian.orgs.choices import Title

    a = workflow.assessment_recompute(actor=stars["village"], assessment=stars["assessment"])
    indicator = ind(a.scheme, "书记在岗")
    assert a.automatic_points()[indicator.pk] == (0, 1)  # no secretary yet: 1 organization without one
    person = make_person(stars["yunlong"])
    org_services.position_appoint(actor=stars["county"], person=person, org=stars["yunlong"], title=Title.SECRETARY,
                                  start_date=datetime.date(2012, 3, 1))
    a = workflow.assessment_recompute(actor=stars["village"], assessment=a)
    assert a.automatic_points()[indicator.pk] == (20, 0) and a.score == 20
    change = ScoreChange.objects.get(assessment=a, step="metric")
    assert (change.old_points, change.new_points, change.author) == (0, 20, None)
