"""Committee sessions, contact points and visits, secretary reviews: each rule's refusal (nothing changes) and
success."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from dangjian.core.exceptions import NotInScope
from dangjian.secretaries import services
from dangjian.secretaries.models import CommitteeSession, ContactPoint, ContactVisit, SecretaryReview

TODAY = datetime.date.today()
YEAR = TODAY.year


def unchanged(model, call, exception=ValidationError):
    before = list(model.objects.values())
    with pytest.raises(exception) as raised:
        call()
    assert list(model.objects.values()) == before
    return raised.value


# --- sessions ----------------------------------------------------------------------------------------------------


def test_a_session_is_recorded_by_the_committee_itself(cast, tree):
    session = services.session_record(actor=cast["badong"], org=tree["badong"], kind="study", held_on=TODAY,
                                      agenda="研究村党组织书记队伍建设", attendance="应到11人，实到10人")
    assert session.county_id == tree["badong"].pk and session.prefecture_id == tree["zhou"].pk
    unchanged(CommitteeSession, lambda: services.session_record(
        actor=cast["badong"], org=tree["badong"], kind="study", held_on=TODAY + datetime.timedelta(days=1),
        agenda="x"))
    unchanged(CommitteeSession, lambda: services.session_record(
        actor=cast["badong"], org=tree["yunlong"], kind="study", held_on=TODAY, agenda="x"))
    unchanged(CommitteeSession, lambda: services.session_record(
        actor=cast["shuji"], org=tree["badong"], kind="study", held_on=TODAY, agenda="x"), PermissionDenied)
    unchanged(CommitteeSession, lambda: services.session_record(
        actor=cast["xuanen"], org=tree["badong"], kind="study", held_on=TODAY, agenda="x"), NotInScope)
    error = unchanged(CommitteeSession, lambda: services.session_record(
        actor=cast["badong"], org=tree["badong"], kind="weekly", held_on=TODAY, agenda="x"))
    assert "kind" in error.message_dict


# --- contact points and visits ------------------------------------------------------------------------------------


def test_a_leader_has_at_most_two_contact_points_a_year(cast, tree, users):
    from dangjian.conftest import make_org
    from dangjian.orgs.models import Level, Org

    shuji = cast["people"]["shuji"]
    third = make_org(tree["xinling"], "中共桃花村支部委员会", "t-3", Level.VILLAGE, kind=Org.Kind.BRANCH)
    second = make_org(tree["xinling"], "中共长江村支部委员会", "t-2", Level.VILLAGE, kind=Org.Kind.BRANCH)
    point = services.point_assign(actor=cast["badong"], leader=shuji, org=tree["yunlong"], year=YEAR)
    assert point.committee == tree["badong"]
    unchanged(ContactPoint, lambda: services.point_assign(
        actor=cast["badong"], leader=shuji, org=tree["yunlong"], year=YEAR))  # the same one again
    services.point_assign(actor=cast["badong"], leader=shuji, org=second, year=YEAR)
    error = unchanged(ContactPoint, lambda: services.point_assign(
        actor=cast["badong"], leader=shuji, org=third, year=YEAR))
    assert "leader" in error.message_dict
    services.point_assign(actor=cast["badong"], leader=shuji, org=third, year=YEAR - 1)  # another year


def test_a_contact_point_is_grassroots_and_assigned_by_the_leaders_committee(cast, tree):
    shuji = cast["people"]["shuji"]
    unchanged(ContactPoint, lambda: services.point_assign(
        actor=cast["badong"], leader=shuji, org=tree["xinling"], year=YEAR))
    unchanged(ContactPoint, lambda: services.point_assign(  # 李村书记 holds no post in a committee
        actor=cast["badong"], leader=cast["people"]["cun_shuji"], org=tree["yunlong"], year=YEAR))
    unchanged(ContactPoint, lambda: services.point_assign(  # the county's leader is outside a township's scope
        actor=cast["xinling"], leader=shuji, org=tree["yunlong"], year=YEAR), NotInScope)
    unchanged(ContactPoint, lambda: services.point_assign(  # the prefecture is not the leader's committee
        actor=cast["zhou"], leader=shuji, org=tree["yunlong"], year=YEAR), PermissionDenied)
    unchanged(ContactPoint, lambda: services.point_assign(
        actor=cast["xuanen"], leader=shuji, org=tree["yunlong"], year=YEAR), NotInScope)


@pytest.fixture
def point(cast, tree):
    return services.point_assign(actor=cast["badong"], leader=cast["people"]["shuji"], org=tree["yunlong"],
                                 year=YEAR)


def test_visits_by_the_leader_or_the_visited_village(cast, point):
    day = TODAY.replace(day=1)
    services.visit_log(actor=cast["shuji"], point=point, visited_on=day, content="调研产业", problems="缺技术")
    services.visit_log(actor=cast["cun"], point=point, visited_on=TODAY, content="座谈", help="协调资金")
    assert point.visits.count() == 2
    unchanged(ContactVisit, lambda: services.visit_log(
        actor=cast["cun"], point=point, visited_on=TODAY + datetime.timedelta(days=1), content="x"))
    error = unchanged(ContactVisit, lambda: services.visit_log(
        actor=cast["cun"], point=point, visited_on=datetime.date(YEAR - 1, 12, 31), content="x"))
    assert "visited_on" in error.message_dict
    unchanged(ContactVisit, lambda: services.visit_log(
        actor=cast["changwei"], point=point, visited_on=TODAY, content="x"), PermissionDenied)
    unchanged(ContactVisit, lambda: services.visit_log(
        actor=cast["wanzhai"], point=point, visited_on=TODAY, content="x"), NotInScope)
    unchanged(ContactVisit, lambda: services.visit_log(
        actor=cast["cun"], point=point, visited_on=TODAY, content=" "))


# --- secretary reviews ----------------------------------------------------------------------------------------------

BALLOTS = {"good": 8, "fairly_good": 3, "fair": 1, "poor": 0}


@pytest.fixture
def review(cast, tree):
    return services.review_create(actor=cast["cun"], org=tree["yunlong"], year=YEAR - 1, report="述职报告正文")


def test_the_review_workflow(cast, tree, review):
    assert review.person == cast["people"]["cun_shuji"] and review.status == "draft"
    services.review_submit(actor=cast["cun"], review=review)
    review = services.review_grade(actor=cast["xinling"], review=review, ballots=BALLOTS, comment="较好地履行职责")
    assert review.grade == "good" and review.status == "graded" and review.reviewed_on == TODAY
    review = services.review_grade(actor=cast["xinling"], review=review,
                                   ballots={"good": 2, "fairly_good": 2, "fair": 0, "poor": 0})
    assert review.grade == "fairly_good"  # regraded before publication; ties go down
    review = services.review_publish(actor=cast["xinling"], review=review)
    assert review.status == "published"


def test_review_refusals(cast, tree, review):
    unchanged(SecretaryReview, lambda: services.review_grade(actor=cast["xinling"], review=review,
                                                             ballots=BALLOTS))  # not submitted yet
    unchanged(SecretaryReview, lambda: services.review_submit(actor=cast["shuji"], review=review),
              PermissionDenied)
    services.review_submit(actor=cast["cun"], review=review)
    unchanged(SecretaryReview, lambda: services.review_grade(actor=cast["cun"], review=review, ballots=BALLOTS),
              PermissionDenied)  # nobody grades themselves
    unchanged(SecretaryReview, lambda: services.review_grade(actor=cast["badong"], review=review, ballots=BALLOTS),
              PermissionDenied)  # a village reports to its township, not to the county
    for ballots in ({"good": -1, "fairly_good": 5, "fair": 0, "poor": 0}, dict.fromkeys(BALLOTS, 0)):
        error = unchanged(SecretaryReview, lambda b=ballots: services.review_grade(
            actor=cast["xinling"], review=review, ballots=b))
        assert "ballots" in error.message_dict
    unchanged(SecretaryReview, lambda: services.review_publish(actor=cast["xinling"], review=review))
    services.review_grade(actor=cast["xinling"], review=review, ballots=BALLOTS)
    services.review_publish(actor=cast["xinling"], review=review)
    unchanged(SecretaryReview, lambda: services.review_grade(actor=cast["xinling"], review=review,
                                                             ballots=BALLOTS))  # published
    unchanged(SecretaryReview, lambda: services.review_create(
        actor=cast["cun"], org=tree["yunlong"], year=YEAR - 1))  # one a year
    unchanged(SecretaryReview, lambda: services.review_create(
        actor=cast["wanzhai"], org=tree["yunlong"], year=YEAR - 1), NotInScope)


def test_a_township_secretary_reports_to_the_county(cast, tree):
    review = services.review_create(actor=cast["zhen_shuji"], org=tree["xinling"], year=YEAR, report="镇党委书记述职")
    services.review_submit(actor=cast["zhen_shuji"], review=review)
    with pytest.raises(PermissionDenied):  # the township's own staff are not the committee above
        services.review_grade(actor=cast["xinling"], review=review, ballots=BALLOTS)
    assert services.review_grade(actor=cast["badong"], review=review, ballots=BALLOTS).grade == "good"


# --- a visit's problem passed on as a supervised task ------------------------------------------------------------


def test_a_visit_problem_becomes_a_supervised_task(cast, tree, point):
    from dangjian.supervision.models import SupervisedTask

    deadline = TODAY + datetime.timedelta(days=30)
    quiet = services.visit_log(actor=cast["shuji"], point=point, visited_on=TODAY, content="座谈")
    visit = services.visit_log(actor=cast["shuji"], point=point, visited_on=TODAY, content="调研",
                               problems="村卫生室无人值守")
    for actor, call_visit, exception in [
        (cast["shuji"], visit, PermissionDenied),  # the leader asks the committee; issuing is its staff's work
        (cast["xinling"], visit, PermissionDenied),  # a township is not the leader's committee
        (cast["xuanen"], visit, NotInScope),
        (cast["badong"], quiet, ValidationError),  # no problem to pass on
    ]:
        unchanged(SupervisedTask, lambda a=actor, v=call_visit, e=deadline: services.visit_pass_on(
            actor=a, visit=v, deadline=e), exception)
    unchanged(SupervisedTask, lambda: services.visit_pass_on(  # supervision's own rule: no deadline in the past
        actor=cast["badong"], visit=visit, deadline=TODAY - datetime.timedelta(days=1)))
    assert ContactVisit.objects.get(pk=visit.pk).task_ref == ""
    task = services.visit_pass_on(actor=cast["badong"], visit=visit, deadline=deadline)
    assert (task.source, task.source_ref, task.org_id) == ("visit", f"secretaries.visit:{visit.pk}",
                                                           tree["badong"].pk)
    assert list(task.assignments.values_list("org_id", flat=True)) == [tree["yunlong"].pk]
    assert ContactVisit.objects.get(pk=visit.pk).task_ref == str(task.pk)
    unchanged(SupervisedTask, lambda: services.visit_pass_on(actor=cast["badong"], visit=visit, deadline=deadline))
