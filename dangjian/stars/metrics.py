"""Metrics of 星级管理 (core.metrics), read by the home card, statistics, briefings and other apps by key:
score and stars per organization and year, and the share of organizations at three stars or more.

For an assessed organization a value is its own assessment's; for an organization above, the figure of the
assessments of its subtree (average score, average stars, share at three or more). Stars are the approved ones,
the projected ones while the assessment is still open. The period's year is the assessment year (this year when
no period is given). One GROUP BY per tree level present among the organizations asked: a page of them, or
all the organizations of a scheme, costs a few queries.
"""

from collections import defaultdict

from django.db.models import Avg, Count, Q
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dangjian.core import metrics
from dangjian.core.metrics import Metric, register
from dangjian.orgs.models import Org

from . import rules
from .models import Assessment

SCORE, STARS, THREE_PLUS_SHARE = "stars.score", "stars.stars", "stars.three_plus_share"


def effective_stars():
    return Coalesce("stars", "projected_stars")


def _year(period):
    return period.start.year if period else timezone.localdate().year


def per_subtree(org_ids, year, **aggregates):
    """{org id: {name: value}} of `aggregates` over the assessments of each organization's subtree in `year`."""
    org_ids = list(org_ids)
    tree = metrics.tree()
    by_column = defaultdict(list)
    for pk, level in Org.objects.filter(pk__in=org_ids).values_list("pk", "level"):
        by_column[tree.column(level, Assessment)].append(pk)
    rows = Assessment.objects.filter(year=year).annotate(effective=effective_stars())
    result = {}
    for column, ids in by_column.items():
        grouped = rows.filter(**{f"{column}__in": ids}).values(column).annotate(**aggregates).order_by()
        for row in grouped:
            result[row.pop(column)] = row
    return result


def _score(org_ids, period):
    found = per_subtree(org_ids, _year(period), v=Avg("score"))
    return {pk: round(float(found[pk]["v"]), 1) if pk in found and found[pk]["v"] is not None else 0
            for pk in org_ids}


def _stars(org_ids, period):
    found = per_subtree(org_ids, _year(period), v=Avg("effective"))
    return {pk: round(float(found[pk]["v"]), 1) if pk in found and found[pk]["v"] is not None else 0
            for pk in org_ids}


def _three_plus_share(org_ids, period):
    found = per_subtree(org_ids, _year(period), n=Count("pk"),
                        three=Count("pk", filter=Q(effective__gte=rules.THREE)))
    return {pk: round(100 * found[pk]["three"] / found[pk]["n"], 1) if found.get(pk, {}).get("n") else 0
            for pk in org_ids}


register(Metric(SCORE, _("Assessment score"), _("points"), compute_fn=_score))
register(Metric(STARS, _("Stars"), _("stars"), compute_fn=_stars))
register(Metric(THREE_PLUS_SHARE, _("Share at three stars or more"), "%", compute_fn=_three_plus_share))
