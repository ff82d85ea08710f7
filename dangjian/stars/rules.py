"""The rules of star rating as pure functions (no database): thresholds, tables, clipping, veto and promotion.

Scores and points are Decimals with one decimal place. A thresholds table is [{stars, min_score}] (Badong 2010:
≥ 95 five stars, 90–95 four, 85–90 three, 80–85 two, below 80 none); a points table turns a metric's value into
points, [{at_least, points}]: the row with the greatest `at_least` not above the value wins, none → 0 points.
"""

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from itertools import pairwise

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

MAX_STARS = 5
THREE = 3  # "three stars and above": named publicly; below it two years running: rectification
MIN_NOTICE_DAYS = 5
BADONG_THRESHOLDS = [{"stars": 5, "min_score": 95}, {"stars": 4, "min_score": 90}, {"stars": 3, "min_score": 85},
                     {"stars": 2, "min_score": 80}]
BADONG_TARGETS = [{"year_offset": 0, "share": 30}, {"year_offset": 1, "share": 60}, {"year_offset": 2, "share": 100}]
ONE = Decimal("0.1")


def dec(value):
    """A Decimal with one decimal place from a number or a numeric string; ValidationError otherwise."""
    if isinstance(value, bool):
        raise ValidationError(_("Enter a number."))
    try:
        result = Decimal(str(value)).quantize(ONE, rounding=ROUND_HALF_UP)
    except (InvalidOperation, ValueError, TypeError):
        raise ValidationError(_("Enter a number.")) from None
    if not result.is_finite():
        raise ValidationError(_("Enter a number."))
    return result


def clean_thresholds(rows):
    """[{stars, min_score}] sorted from five stars down, or ValidationError: stars 1–5 at most once each,
    scores between 0 and 1000, and strictly decreasing with the stars."""
    if not isinstance(rows, list) or not rows:
        raise ValidationError(_("Give at least one star threshold."))
    cleaned = []
    for row in rows:
        if not isinstance(row, dict) or "stars" not in row or "min_score" not in row:
            raise ValidationError(_("Each threshold needs a number of stars and a minimum score."))
        stars = row["stars"]
        if isinstance(stars, bool) or not isinstance(stars, int) or not 1 <= stars <= MAX_STARS:
            raise ValidationError(_("Stars must be a whole number from 1 to 5."))
        score = dec(row["min_score"])
        if not Decimal(0) <= score <= Decimal(1000):
            raise ValidationError(_("A minimum score must be between 0 and 1000."))
        cleaned.append({"stars": stars, "min_score": score})
    cleaned.sort(key=lambda r: -r["stars"])
    if len({r["stars"] for r in cleaned}) != len(cleaned):
        raise ValidationError(_("Each number of stars may have only one threshold."))
    for higher, lower in pairwise(cleaned):
        if not higher["min_score"] > lower["min_score"]:
            raise ValidationError(_("Thresholds must decrease with the stars: %(high)s stars need a higher score "
                                    "than %(low)s stars.") % {"high": higher["stars"], "low": lower["stars"]})
    return cleaned


def as_json_thresholds(rows):
    return [{"stars": r["stars"], "min_score": float(r["min_score"])} for r in rows]


def stars_for(score, thresholds):
    """Stars earned by `score` under a cleaned thresholds table (0 below every threshold)."""
    score = dec(score)
    earned = [r["stars"] for r in thresholds if score >= dec(r["min_score"])]
    return max(earned, default=0)


def final_stars(score, thresholds, *, vetoed=False, previous=None, max_promotion=1):
    """Stars after the veto (any veto item: none) and the promotion rule (at most `max_promotion` above last year's
    award; no limit down; no limit when there was no award last year or `max_promotion` is None)."""
    if vetoed:
        return 0
    stars = stars_for(score, thresholds)
    if previous is not None and max_promotion is not None:
        stars = min(stars, previous + max_promotion)
    return stars


def clean_table(rows, max_points):
    """A points table [{at_least, points}] sorted by `at_least`, or ValidationError: each value at most once,
    points within 0 … the indicator's maximum."""
    if not isinstance(rows, list) or not rows:
        raise ValidationError(_("An automatic indicator needs a points table."))
    cleaned = []
    for row in rows:
        if not isinstance(row, dict) or "at_least" not in row or "points" not in row:
            raise ValidationError(_("Each row of the points table needs a value and points."))
        at_least, points = dec(row["at_least"]), dec(row["points"])
        check_points(points, max_points)
        cleaned.append({"at_least": at_least, "points": points})
    cleaned.sort(key=lambda r: r["at_least"])
    if len({r["at_least"] for r in cleaned}) != len(cleaned):
        raise ValidationError(_("Each value may appear only once in the points table."))
    return cleaned


def as_json_table(rows):
    return [{"at_least": float(r["at_least"]), "points": float(r["points"])} for r in rows]


def table_points(value, table):
    """Points of a metric value under a points table (the row with the greatest at_least ≤ value)."""
    value = dec(value or 0)
    points = Decimal(0)
    for row in sorted(table, key=lambda r: dec(r["at_least"])):
        if value >= dec(row["at_least"]):
            points = dec(row["points"])
    return points


def check_points(points, max_points):
    """ValidationError for points below zero or above the indicator's maximum."""
    points, max_points = dec(points), dec(max_points)
    if points < 0:
        raise ValidationError(_("Points cannot be below zero."))
    if points > max_points:
        raise ValidationError(_("Points cannot exceed the indicator's maximum of %(max)s.") % {"max": max_points})
    return points


def clip(points, max_points):
    """`points` kept within 0 … `max_points`."""
    return min(max(dec(points), Decimal(0)), dec(max_points))


def clip_event(current, delta, max_points):
    """The part of a score event `delta` that keeps an indicator's running points `current` within its bounds:
    (applied delta, clipped?)."""
    current, delta = dec(current), dec(delta)
    applied = clip(current + delta, max_points) - clip(current, max_points)
    return applied, applied != delta


def clean_notice_days(days):
    if isinstance(days, bool) or not isinstance(days, int) or days < MIN_NOTICE_DAYS:
        raise ValidationError(_("The public notice lasts at least %(days)s days.") % {"days": MIN_NOTICE_DAYS})
    if days > 60:
        raise ValidationError(_("The public notice lasts at most 60 days."))
    return days


def clean_targets(rows):
    """[{year, share}]: the share (percent) of organizations at three stars or more aimed at by each year."""
    if not isinstance(rows, list):
        raise ValidationError(_("Targets must be a list of years and shares."))
    cleaned = []
    for row in rows:
        if not isinstance(row, dict) or "year" not in row or "share" not in row:
            raise ValidationError(_("Each target needs a year and a share."))
        year, share = row["year"], row["share"]
        if isinstance(year, bool) or not isinstance(year, int) or not 1900 <= year <= 2100:
            raise ValidationError(_("A target's year must be between 1900 and 2100."))
        share = dec(share)
        if not Decimal(0) <= share <= Decimal(100):
            raise ValidationError(_("A target's share must be between 0 and 100 percent."))
        cleaned.append({"year": year, "share": float(share)})
    cleaned.sort(key=lambda r: r["year"])
    if len({r["year"] for r in cleaned}) != len(cleaned):
        raise ValidationError(_("Each year may have only one target."))
    return cleaned


def target_for(targets, year):
    """The share aimed at in `year`: that year's target, else the latest one before it, else None."""
    before = [r for r in targets if r["year"] <= year]
    return before[-1]["share"] if before else None


def badong_targets(year):
    return [{"year": year + r["year_offset"], "share": r["share"]} for r in BADONG_TARGETS]
