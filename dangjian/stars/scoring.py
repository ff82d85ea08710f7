"""Computing points: automatic indicators from the metric registry, and every assessment's score, veto and
projected stars. One code path serves one assessment (at each step, on demand) and all the assessments of a
scheme (the yearly scoring job): each metric is computed once for all the organizations given, never per
organization, and the writes are bulk (an upsert of the changed items, the history of the changes, an upsert of
the assessments' totals), a chunk at a time so that a progress bar can follow.
"""

from collections import defaultdict
from decimal import Decimal

from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from dangjian.core import metrics as core_metrics

from . import rules
from .models import Assessment, AssessmentItem, Indicator, ScoreChange, ScoreEvent

CHUNK = 2000
TOTAL_FIELDS = ["score", "projected_stars", "vetoed", "computed_at"]


def registered_metric(key):
    try:
        return core_metrics.get(key)
    except ImproperlyConfigured:
        return None


def metric_values(indicators, org_ids, year):
    """{metric key: {org id: value}} for the automatic indicators, one computation per metric."""
    period = core_metrics.Period.year(year)
    keys = {i.metric for i in indicators if i.is_metric}
    result = {}
    for key in sorted(keys):
        metric = registered_metric(key)
        result[key] = metric.compute(org_ids, period) if metric else {}
    return result


def indicator_points(items, events, indicators):
    """(score, vetoed) of one assessment from its item points {indicator id: points} and event points."""
    score, vetoed = Decimal(0), False
    for indicator in indicators:
        base = items.get(indicator.pk, Decimal(0))
        if indicator.veto:
            vetoed = vetoed or base > 0
            continue
        score += rules.clip(base + events.get(indicator.pk, Decimal(0)), indicator.max_points)
    return score, vetoed


def score(scheme, assessments, *, progress=None):
    """Recompute the automatic points and the totals of `assessments` (of `scheme`; approved ones are left as
    they are). Returns the number of item points that changed."""
    assessments = [a for a in assessments if a.open]
    indicators = list(Indicator.objects.filter(scheme=scheme))
    automatic = [i for i in indicators if i.is_metric and registered_metric(i.metric)]
    thresholds = rules.clean_thresholds(scheme.thresholds)
    values = metric_values(automatic, [a.org_id for a in assessments], scheme.year)
    changed = 0
    total = len(assessments)
    for start in range(0, total, CHUNK):
        with transaction.atomic():
            changed += _score_chunk(scheme, assessments[start:start + CHUNK], indicators, automatic, values,
                                    thresholds)
        if progress:
            progress(min(start + CHUNK, total), total)
    return changed


def _score_chunk(scheme, chunk, indicators, automatic, values, thresholds):
    ids = [a.pk for a in chunk]
    items = defaultdict(dict)
    for assessment_id, indicator_id, points, value in AssessmentItem.objects.filter(
            assessment_id__in=ids).values_list("assessment_id", "indicator_id", "points", "metric_value"):
        items[assessment_id][indicator_id] = (points, value)
    events = defaultdict(dict)
    for assessment_id, indicator_id, points in ScoreEvent.objects.filter(assessment_id__in=ids).values_list(
            "assessment_id", "indicator_id").annotate(p=Sum("applied")).order_by():
        events[assessment_id][indicator_id] = points or Decimal(0)
    upserts, history, totals = [], [], []
    now = timezone.now()
    for assessment in chunk:
        own = items[assessment.pk]
        for indicator in automatic:
            value = rules.dec(values[indicator.metric].get(assessment.org_id, 0) or 0)
            points = rules.clip(rules.table_points(value, indicator.table), indicator.max_points)
            old = own.get(indicator.pk)
            if old is None or old[0] != points or old[1] != value:
                upserts.append(AssessmentItem(assessment_id=assessment.pk, indicator_id=indicator.pk, points=points,
                                              metric_value=value, source=AssessmentItem.Source.METRIC))
                if old is None or old[0] != points:
                    history.append(ScoreChange(assessment_id=assessment.pk, indicator_id=indicator.pk,
                                               step="metric", old_points=old[0] if old else None,
                                               new_points=points))
                own[indicator.pk] = (points, value)
        assessment.score, assessment.vetoed = indicator_points(
            {k: v[0] for k, v in own.items()}, events[assessment.pk], indicators)
        assessment.projected_stars = rules.final_stars(assessment.score, thresholds, vetoed=assessment.vetoed,
                                                       previous=assessment.previous_stars,
                                                       max_promotion=scheme.max_promotion)
        assessment.computed_at = now
        totals.append(assessment)
    if upserts:
        AssessmentItem.objects.bulk_create(upserts, batch_size=1000, update_conflicts=True,
                                           unique_fields=["assessment", "indicator"],
                                           update_fields=["points", "metric_value", "source"])
    ScoreChange.objects.bulk_create(history, batch_size=1000)
    # An upsert on the primary key: one statement per batch on both databases, where bulk_update's CASE per row
    # grows with the batch.
    Assessment.objects.bulk_create(totals, batch_size=1000, update_conflicts=True, unique_fields=["id"],
                                   update_fields=TOTAL_FIELDS)
    return len(history)


def refresh(assessment):
    """Recompute one assessment (automatic points and totals) and return it re-read."""
    score(assessment.scheme, [assessment])
    assessment.refresh_from_db()
    return assessment
