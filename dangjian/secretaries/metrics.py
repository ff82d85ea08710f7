"""Metrics of 抓书记 (core.metrics), read by the home card, statistics, briefings and star indicators by key.

Counts are flows dated by the record (listed, completed, held, visited, reviewed) and kept in the summary table
for the upper levels; the compliance shares and the per-organization grade have their own bulk compute (one
query per tree level for any number of organizations, never one per organization).
"""

from collections import defaultdict

from django.db.models import Count, Q
from django.db.models.functions import ExtractQuarter
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dangjian.core.metrics import Metric, register, tree
from dangjian.orgs.models import Org

from . import actors, rules
from .models import CommitteeSession, ContactPoint, ContactVisit, Grade, SecretaryReview, Topic

TOPICS_LISTED = "secretaries.topics.listed"
TOPICS_COMPLETED = "secretaries.topics.completed"
TOPICS_STALLED = "secretaries.topics.stalled"
STUDY = "secretaries.sessions.study"
STUDY_COMPLIANCE = "secretaries.sessions.study_compliance"
PLENARY = "secretaries.sessions.plenary"
VISITS = "secretaries.visits"
VISITS_COMPLIANCE = "secretaries.visits.compliance"
REVIEW_GRADE = "secretaries.reviews.grade"
GRADED = (SecretaryReview.Status.GRADED, SecretaryReview.Status.PUBLISHED)
OPEN = (Topic.Status.PROPOSED, Topic.Status.SELECTED, Topic.Status.CLAIMED, Topic.Status.UNDERTAKEN)
TOPICS, SESSIONS, VISITS_UNIT, PERCENT = _("topics"), _("sessions"), _("visits"), "%"


def grade_metric(grade):
    return f"secretaries.reviews.{grade}"


def stalled_q(today=None):
    """Open topics whose last step is older than the stall setting: the one spelling of "stalled"."""
    return Q(status__in=OPEN, step_on__lt=rules.stall_cutoff(today or timezone.localdate()))


def _year(period):
    return period.start.year if period else timezone.localdate().year


def _by_column(org_ids):
    """{ancestry column: [org ids]} for the organizations (one query), as core.metrics counts do."""
    t, grouped = tree(), defaultdict(list)
    for pk, level in Org.objects.filter(pk__in=org_ids).values_list("pk", "level"):
        grouped[t.column(level, CommitteeSession)].append(pk)
    return grouped


def _share(done, due):
    return min(100, round(100 * done / due)) if due else 0


def study_compliance(org_ids, period=None):
    """Share (%) of the quarters due in which each committee of the subtree held a study session."""
    year, result = _year(period), dict.fromkeys(org_ids, 0)
    due = rules.quarters_due(year, timezone.localdate())
    for column, ids in _by_column(org_ids).items():
        if column == "org_id":
            continue  # a branch: no committee below it
        committees = dict(Org.objects.filter(**{f"{column}__in": ids}, level__in=actors.COMMITTEE_LEVELS,
                                              is_active=True).values_list(column).annotate(n=Count("pk")).order_by())
        covered = defaultdict(int)
        rows = (CommitteeSession.objects.filter(**{f"{column}__in": ids}, kind=CommitteeSession.Kind.STUDY,
                                                held_on__year=year)
                .annotate(q=ExtractQuarter("held_on")).values_list(column, "org_id", "q").distinct().order_by())
        for key, _org, quarter in rows:
            covered[key] += quarter <= due
        for key, n in committees.items():
            result[key] = _share(covered[key], n * due)
    return result


def visits_due_per_point(year, today):
    """Visits due by `today` at one point: the year's requirement spread over its quarters."""
    per_year = rules.setting("SECRETARIES_VISITS_PER_POINT")
    return -(-per_year * rules.quarters_due(year, today) // 4)


def visits_compliance(org_ids, period=None):
    """Share (%) of the visits due so far that were made, over the contact points in each subtree (visits
    beyond a point's requirement do not make up for another point)."""
    year, result = _year(period), dict.fromkeys(org_ids, 0)
    due = visits_due_per_point(year, timezone.localdate())
    for column, ids in _by_column(org_ids).items():
        made, points = defaultdict(int), defaultdict(int)
        rows = (ContactPoint.objects.filter(**{f"{column}__in": ids}, year=year)
                .annotate(n=Count("visits")).values_list(column, "n").order_by())
        for key, n in rows:
            points[key] += 1
            made[key] += min(n, due)
        for key, n in points.items():
            result[key] = _share(made[key], n * due)
    return result


def review_grade(org_ids, period=None):
    """Per organization (its own secretary's review of the year): 4 good, 3 fairly good, 2 fair, 1 poor, 0 none."""
    result = dict.fromkeys(org_ids, 0)
    rows = SecretaryReview.objects.filter(org_id__in=org_ids, year=_year(period), status__in=GRADED)
    result.update({pk: rules.GRADE_SCORE[grade] for pk, grade in rows.values_list("org_id", "grade")})
    return result


# A kept metric needs a condition the tracker can evaluate per row (core.metrics): "dated" is always true.
register(Metric(TOPICS_LISTED, _("Topics listed"), TOPICS, model=Topic, date_field="listed_on",
                where=Q(listed_on__isnull=False), kept=True))
register(Metric(TOPICS_COMPLETED, _("Topics completed"), TOPICS, model=Topic, date_field="completed_on",
                where=Q(status=Topic.Status.COMPLETED), kept=True))
register(Metric(TOPICS_STALLED, _("Topics stalled"), TOPICS, model=Topic, where=stalled_q))
register(Metric(STUDY, _("Study sessions held"), SESSIONS, model=CommitteeSession, date_field="held_on",
                where=Q(kind=CommitteeSession.Kind.STUDY), kept=True))
register(Metric(STUDY_COMPLIANCE, _("Quarters covered by study sessions"), PERCENT, compute_fn=study_compliance))
register(Metric(PLENARY, _("Reports to the plenary committee"), SESSIONS, model=CommitteeSession,
                date_field="held_on", where=Q(kind=CommitteeSession.Kind.PLENARY_REPORT), kept=True))
register(Metric(VISITS, _("Contact visits made"), VISITS_UNIT, model=ContactVisit, date_field="visited_on",
                where=Q(visited_on__isnull=False), kept=True))
register(Metric(VISITS_COMPLIANCE, _("Contact visits made of those due"), PERCENT, compute_fn=visits_compliance))
register(Metric(REVIEW_GRADE, _("Secretary review grade"), "", compute_fn=review_grade))
for _value, _label in Grade.choices:
    register(Metric(grade_metric(_value), _label, _("secretaries"), model=SecretaryReview, kept=True,
                    date_field="reviewed_on", where=Q(grade=_value, status__in=GRADED)))

