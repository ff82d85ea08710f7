import datetime

import time_machine

from dangjian.stars import workflow
from dangjian.stars.tests.conftest import ind


def test_the_whole_way(stars):
    a, s = stars["assessment"], stars["scheme"]
    assert s.assessments.count() == 2
    a = workflow.assessment_self_assess(actor=stars["village"], assessment=a, items=[
        {"indicator": ind(s, "班子建设").pk, "points": 55, "note": "见会议记录"},
        {"indicator": ind(s, "为民办事").pk, "points": 18}])
    assert a.status == "review"
    assert a.score == 73  # 55 + 18 + 0 (no secretary: the metric counts 1)
    a = workflow.assessment_review(actor=stars["township"], assessment=a, items=[
        {"indicator": ind(s, "为民办事").pk, "points": 16, "note": "台账不全"}])
    a = workflow.assessment_approve(actor=stars["county"], assessment=a)
    assert a.stars == 0
    with time_machine.travel(datetime.date(2026, 12, 1)):
        a = workflow.assessment_publicize(actor=stars["county"], assessment=a)
    assert a.status == "notice"
