"""The pure rules: thresholds, tables, clipping; and the property the issue asks for — for any valid thresholds
table and any scores, the stars are monotone in the score and respect the veto and the promotion rule."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given, settings
from hypothesis import strategies as st

from dangjian.stars import rules


@st.composite
def thresholds(draw):
    stars = sorted(draw(st.sets(st.integers(1, 5), min_size=1, max_size=5)), reverse=True)
    scores = sorted(draw(st.sets(st.integers(0, 10000), min_size=len(stars), max_size=len(stars))), reverse=True)
    return rules.clean_thresholds([{"stars": s, "min_score": Decimal(v) / 10} for s, v in zip(stars, scores,
                                                                                               strict=True)])


scores = st.integers(0, 10000).map(lambda v: Decimal(v) / 10)


@settings(deadline=None)  # a loaded machine must not fail a rule test on time
@given(thresholds(), scores, scores, st.booleans(), st.none() | st.integers(0, 5), st.none() | st.integers(0, 5))
def test_stars_are_monotone_and_respect_veto_and_promotion(table, a, b, vetoed, previous, promotion):
    low, high = min(a, b), max(a, b)
    assert rules.stars_for(low, table) <= rules.stars_for(high, table)
    final_low = rules.final_stars(low, table, vetoed=vetoed, previous=previous, max_promotion=promotion)
    final_high = rules.final_stars(high, table, vetoed=vetoed, previous=previous, max_promotion=promotion)
    assert final_low <= final_high
    assert 0 <= final_high <= 5
    if vetoed:
        assert final_high == 0
    if previous is not None and promotion is not None:
        assert final_high <= previous + promotion
    assert final_high <= rules.stars_for(high, table)


def test_badong_thresholds():
    table = rules.clean_thresholds(rules.BADONG_THRESHOLDS)
    assert [rules.stars_for(s, table) for s in (100, 95, 94.9, 90, 85, 84.9, 80, 79.9, 0)] == [5, 5, 4, 4, 3, 2, 2,
                                                                                                0, 0]


@pytest.mark.parametrize("rows", [
    [{"stars": 5, "min_score": 80}, {"stars": 4, "min_score": 90}],  # not decreasing with the stars
    [{"stars": 5, "min_score": 90}, {"stars": 4, "min_score": 90}],  # equal
    [{"stars": 6, "min_score": 90}],
    [{"stars": 3, "min_score": -1}],
    [{"stars": 3, "min_score": 80}, {"stars": 3, "min_score": 70}],
    [],
])
def test_bad_thresholds_are_refused(rows):
    with pytest.raises(ValidationError):
        rules.clean_thresholds(rows)


def test_a_table_turns_a_value_into_points():
    table = rules.clean_table([{"at_least": 4, "points": 10}, {"at_least": 1, "points": 4}], 10)
    assert [rules.table_points(v, table) for v in (0, 1, 3.9, 4, 12)] == [0, 4, 4, 10, 10]
    with pytest.raises(ValidationError):
        rules.clean_table([{"at_least": 1, "points": 11}], 10)


def test_events_are_clipped_to_the_bounds():
    assert rules.clip_event(8, 5, 10) == (Decimal(2), True)
    assert rules.clip_event(3, -5, 10) == (Decimal(-3), True)
    assert rules.clip_event(3, 2, 10) == (Decimal(2), False)


def test_notice_never_shorter_than_five_days():
    with pytest.raises(ValidationError):
        rules.clean_notice_days(4)
    assert rules.clean_notice_days(5) == 5
