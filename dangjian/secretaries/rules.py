"""The pillar's rules as pure functions and settings: the grade of a review, the requirements per year, what
"stalled" means. Everything here is computed from its arguments (no database), so each rule is tested alone."""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from .models import Grade

GRADES = Grade.values  # best first: good, fairly_good, fair, poor


def setting(name):
    """The pillar's settings, with their defaults: override any in settings.py."""
    defaults = {
        "SECRETARIES_TOPIC_STALL_DAYS": 30,  # a topic with no step for this long is stalled
        "SECRETARIES_STUDY_PER_QUARTER": 1,  # study sessions required per quarter
        "SECRETARIES_PLENARY_PER_YEAR": 1,  # plenary reports required per year
        "SECRETARIES_VISITS_PER_POINT": 4,  # visits required per contact point per year
        "SECRETARIES_POINTS_PER_LEADER": 2,  # contact points a leader may have in a year
    }
    return getattr(settings, name, defaults[name])


def review_grade(ballots):
    """The grade of a review from its ballots {good, fairly_good, fair, poor}: the grade with the most ballots; a
    tie goes to the lower grade; when 差 ballots are more than a third of all ballots the grade is at most 一般.
    Raises ValidationError for negative or all-zero ballots."""
    counts = {grade: ballots.get(grade) or 0 for grade in GRADES}
    if any(not isinstance(n, int) or n < 0 for n in counts.values()):
        raise ValidationError({"ballots": _("Ballot counts must be whole numbers of zero or more.")})
    total = sum(counts.values())
    if total == 0:
        raise ValidationError({"ballots": _("Enter the ballots: at least one reviewer must have voted.")})
    most = max(counts.values())
    grade = [g for g in GRADES if counts[g] == most][-1]  # the lowest of the tied grades
    if counts[Grade.POOR] * 3 > total and GRADES.index(grade) < GRADES.index(Grade.FAIR):
        grade = Grade.FAIR
    return grade


GRADE_SCORE = {Grade.GOOD: 4, Grade.FAIRLY_GOOD: 3, Grade.FAIR: 2, Grade.POOR: 1}  # the per-org metric; 0 = none


def quarters_due(year, today):
    """Quarters of `year` whose study session is due by `today`: all four of a past year, the quarters begun so
    far in the current one (the current quarter counts: its session is expected within it), none ahead."""
    if year < today.year:
        return 4
    if year > today.year:
        return 0
    return (today.month - 1) // 3 + 1


def plenary_due(year, today):
    return setting("SECRETARIES_PLENARY_PER_YEAR") if year <= today.year else 0


def study_required(year, today):
    return quarters_due(year, today) * setting("SECRETARIES_STUDY_PER_QUARTER")


def stall_cutoff(today):
    """Topics whose last step is before this day are stalled."""
    return today - datetime.timedelta(days=setting("SECRETARIES_TOPIC_STALL_DAYS"))


ON_TRACK, BEHIND, MISSING = "on_track", "behind", "missing"


def compliance_status(*, study_quarters, study_quarters_due, plenary, plenary_required, visits_counted,
                      visits_due):
    """on_track / behind / missing for one committee: `missing` when something is required and nothing at all was
    recorded (no study session, no plenary report, no visit); `behind` when any figure is below its requirement."""
    required = study_quarters_due + plenary_required + visits_due
    if required and not (study_quarters or plenary or visits_counted):
        return MISSING
    if study_quarters < study_quarters_due or plenary < plenary_required or visits_counted < visits_due:
        return BEHIND
    return ON_TRACK
