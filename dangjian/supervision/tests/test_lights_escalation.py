"""Status lights (computed from the deadline and today, never stored), escalation of overdue assignments, the
metrics, and who sees which task."""

import datetime

import pytest
import time_machine
from django.utils import timezone

from dangjian.core import metrics
from dangjian.core.metrics import Period
from dangjian.core.models import AuditEntry
from dangjian.core.testing import assert_summary_matches_facts
from dangjian.supervision import services
from dangjian.supervision.metrics import CLOSED_ON_TIME, ISSUED, OVERDUE
from dangjian.supervision.models import Escalation, Light, SupervisedTask, TaskAssignment, light_of, light_q

from .conftest import TODAY, assignment_of, issue


def later(days):
    """Travel to `days` after today, noon in Shanghai."""
    day = TODAY + datetime.timedelta(days=days)
    return time_machine.travel(timezone.make_aware(datetime.datetime.combine(day, datetime.time(12))), tick=False)


@pytest.mark.parametrize("days_left, light", [(10, "green"), (4, "green"), (3, "yellow"), (0, "yellow"),
                                              (-1, "red")])
def test_light_of_an_open_assignment(days_left, light):
    deadline = TODAY + datetime.timedelta(days=days_left)
    assert light_of("pending", deadline, TODAY) == light
    assert light_of("closed", deadline, TODAY) == Light.GREEN


def test_lights_follow_the_calendar_in_python_and_sql(tree, users):
    task = issue(users["xuanen_admin"], tree["xuanen"], [tree["wujiatai"], tree["xiaohe"]],
                 deadline=TODAY + datetime.timedelta(days=5))
    for days, expected in ((0, "green"), (2, "yellow"), (5, "yellow"), (6, "red")):
        with later(days):
            for assignment in task.assignments.all():
                assert assignment.light == expected
            by_sql = {light: set(TaskAssignment.objects.filter(light_q(light)).values_list("pk", flat=True))
                      for light in Light.values}
            assert by_sql[expected] == set(task.assignments.values_list("pk", flat=True))
            assert sum(map(len, by_sql.values())) == 2  # each assignment in exactly one light


def _escalations():
    return sorted(Escalation.objects.values_list("assignment__org_id", "step", "org_id"))


def test_escalation_one_level_up_then_one_more(tree, users, settings):
    settings.SUPERVISION_ESCALATE_AFTER_DAYS, settings.SUPERVISION_ESCALATE_AGAIN_DAYS = 1, 7
    task = issue(users["xuanen_admin"], tree["xuanen"], [tree["wujiatai"], tree["xiaohe"]],
                 deadline=TODAY + datetime.timedelta(days=2))
    with later(2):
        assert services.escalate_overdue() == 0  # on the deadline: not overdue
    with later(3):
        assert services.escalate_overdue() == 2
        assert services.escalate_overdue() == 0  # idempotent
    assert _escalations() == sorted([(tree["wujiatai"].pk, 1, tree["wanzhai"].pk),
                                     (tree["xiaohe"].pk, 1, tree["xuanen"].pk)])
    village = assignment_of(task, tree["wujiatai"])
    services.assignment_report(actor=users["xiaohe"], assignment=assignment_of(task, tree["xiaohe"]),
                               content="已整改")
    services.assignment_close(actor=users["xuanen_admin"], assignment=assignment_of(task, tree["xiaohe"]))
    with later(9):
        assert services.escalate_overdue() == 0  # 6 days after the first step
    with later(10):
        assert services.escalate_overdue() == 1  # only the open one goes further up
    assert (village.pk, 2) in {(e.assignment_id, e.step) for e in Escalation.objects.filter(org=tree["xuanen"])}
    assert TaskAssignment.objects.get(pk=village.pk).escalation_step == 2
    with later(30):
        assert services.escalate_overdue() == 0  # two steps at most
    entry = AuditEntry.objects.filter(action="supervision.escalate").latest("seq")
    assert entry.actor_id is None and entry.after["step"] == 2


def test_metrics_count_assignments(tree, users):
    task = issue(users["xuanen_admin"], tree["xuanen"], [tree["wujiatai"], tree["xiaohe"]],
                 deadline=TODAY + datetime.timedelta(days=1))
    issue(users["badong_admin"], tree["badong"], [tree["yunlong"]])
    year = Period.year(TODAY.year)
    assert metrics.values([ISSUED], tree["xuanen"], year)[ISSUED] == 2
    assert metrics.values([ISSUED], tree["zhou"], year)[ISSUED] == 3
    assert metrics.values([ISSUED], tree["wanzhai"], year)[ISSUED] == 1
    services.assignment_report(actor=users["wujiatai"], assignment=assignment_of(task, tree["wujiatai"]),
                               content="完成")
    services.assignment_close(actor=users["xuanen_admin"], assignment=assignment_of(task, tree["wujiatai"]))
    assert metrics.values([CLOSED_ON_TIME], tree["xuanen"], year)[CLOSED_ON_TIME] == 1
    assert metrics.values([CLOSED_ON_TIME], tree["wujiatai"], year)[CLOSED_ON_TIME] == 1
    assert_summary_matches_facts()
    assert metrics.values([OVERDUE], tree["xuanen"])[OVERDUE] == 0
    with later(2):
        assert metrics.values([OVERDUE], tree["xuanen"])[OVERDUE] == 1  # 晓关 is overdue, 伍家台 was closed
        assert metrics.values([OVERDUE], tree["zhou"])[OVERDUE] == 1
        assert metrics.values([OVERDUE], tree["wanzhai"])[OVERDUE] == 0


def test_closed_late_is_not_on_time(tree, users):
    task = issue(users["xuanen_admin"], tree["xuanen"], [tree["wujiatai"]], deadline=TODAY)
    assignment = task.assignments.get()
    services.assignment_report(actor=users["wujiatai"], assignment=assignment, content="完成")
    with later(1):
        services.assignment_close(actor=users["xuanen_admin"], assignment=assignment)
    assignment.refresh_from_db()
    assert not assignment.closed_on_time
    assert metrics.values([CLOSED_ON_TIME], assignment.org)[CLOSED_ON_TIME] == 0
    assert_summary_matches_facts()


def test_who_sees_and_verifies_a_task(tree, users, task):
    def seen(user):
        return set(SupervisedTask.objects.visible_to(user).values_list("pk", flat=True)) == {task.pk}

    def verifies(user):
        return SupervisedTask.objects.editable_by(user).filter(pk=task.pk).exists()

    for who in ("xuanen_admin", "zhou_admin"):  # the issuer and above: see and verify
        assert seen(users[who]) and verifies(users[who])
    for who in ("wanzhai", "wujiatai", "xiaohe", "leader"):  # assignees' side, read-only roles: see only
        assert seen(users[who]) and not verifies(users[who])
    for who in ("badong_admin", "member", "sysadmin", "auditor"):
        assert not seen(users[who])
    # an assignee sees its own assignment only, not the others'
    assert set(TaskAssignment.objects.visible_to(users["xiaohe"]).values_list("org_id", flat=True)) == {
        tree["xiaohe"].pk}
