"""The pillar's rules as pure functions: the grade of a review (every tie, the one-third-poor cap), the quarters
due, the compliance status."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from dangjian.secretaries import rules


def grade(good=0, fairly_good=0, fair=0, poor=0):
    return rules.review_grade({"good": good, "fairly_good": fairly_good, "fair": fair, "poor": poor})


@pytest.mark.parametrize(("ballots", "expected"), [
    ((9, 1, 0, 0), "good"),
    ((1, 9, 0, 0), "fairly_good"),
    ((0, 1, 9, 0), "fair"),
    ((0, 0, 1, 9), "poor"),
    # ties go to the lower grade, for every pair
    ((5, 5, 0, 0), "fairly_good"),
    ((5, 0, 5, 0), "fair"),
    ((4, 0, 0, 4), "poor"),
    ((0, 5, 5, 0), "fair"),
    ((0, 4, 0, 4), "poor"),
    ((0, 0, 4, 4), "poor"),
    ((3, 3, 3, 0), "fair"),
    ((3, 3, 3, 3), "poor"),
    ((2, 2, 1, 1), "fairly_good"),
])
def test_the_most_ballots_and_ties_to_the_lower_grade(ballots, expected):
    assert grade(*ballots) == expected


@pytest.mark.parametrize(("ballots", "expected"), [
    ((6, 0, 0, 4), "fair"),  # 4 of 10 poor: more than a third caps 好 at 一般
    ((0, 6, 0, 4), "fair"),  # and 较好
    ((6, 0, 0, 3), "good"),  # 3 of 9: exactly a third is not more than a third
    ((5, 0, 0, 3), "fair"),  # 3 of 8: more than a third
    ((3, 2, 0, 3), "poor"),  # 好 and 差 tie: 差, which the cap leaves as it is
])
def test_more_than_a_third_poor_caps_the_grade_at_fair(ballots, expected):
    assert grade(*ballots) == expected


def test_the_cap_never_raises_a_poor_grade():
    assert grade(1, 0, 0, 5) == "poor"
    assert grade(0, 0, 3, 4) == "poor"


@pytest.mark.parametrize("ballots", [(0, 0, 0, 0), (-1, 3, 0, 0), (1, 0, -2, 0)])
def test_negative_or_all_zero_ballots_are_refused(ballots):
    with pytest.raises(ValidationError) as raised:
        grade(*ballots)
    assert "ballots" in raised.value.message_dict


def test_missing_grades_count_as_zero():
    assert rules.review_grade({"good": 3}) == "good"


@pytest.mark.parametrize(("year", "today", "due"), [
    (2025, datetime.date(2026, 2, 1), 4),
    (2026, datetime.date(2026, 2, 1), 1),
    (2026, datetime.date(2026, 4, 1), 2),
    (2026, datetime.date(2026, 12, 31), 4),
    (2027, datetime.date(2026, 12, 31), 0),
])
def test_quarters_due(year, today, due):
    assert rules.quarters_due(year, today) == due


def status(**kw):
    base = {"study_quarters": 4, "study_quarters_due": 4, "plenary": 1, "plenary_required": 1,
            "visits_counted": 8, "visits_due": 8}
    return rules.compliance_status(**{**base, **kw})


def test_compliance_status():
    assert status() == rules.ON_TRACK
    assert status(study_quarters=3) == rules.BEHIND
    assert status(plenary=0) == rules.BEHIND
    assert status(visits_counted=7) == rules.BEHIND
    assert status(study_quarters=0, plenary=0, visits_counted=0) == rules.MISSING
    assert status(study_quarters=0, study_quarters_due=0, plenary=0, plenary_required=0, visits_counted=0,
                  visits_due=0) == rules.ON_TRACK
