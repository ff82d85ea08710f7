"""Computing points: automatic indicators from the metric registry, and every assessment's score, veto and
projected stars. One code path serves one assessment (at each step, on demand) and all the assessments of a
scheme (the yearly scoring job): each metric is computed once for all the organizations given, never per
organization, and the writes are bulk (an upsert of the changed items, the history of the changes, the
assessments' totals), a chunk at a time so that a progress bar can follow.
"""

from collections import defaultdict
from decimal import Decimal

from django.core.exceptions import ImproperlyConfigured
from django.db import connection, transaction
from django.db.models import Sum
from django.utils import timezone

from dangjian.core import metrics as core_metrics

from . import rules
from .models import Assessment, AssessmentItem, Indicator, ScoreChange, ScoreEvent

CHUNK = 2000
ZERO = Decimal(0)


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


def score(scheme, assessments, *, progress=None):
    """Recompute the automatic points and the totals of `assessments` (of `scheme`; approved ones are left as
    they are). Returns the number of item points that changed."""
    assessments = [a for a in assessments if a.open]
    indicators = list(Indicator.objects.filter(scheme=scheme))
    automatic = [i for i in indicators if i.is_metric and registered_metric(i.metric)]
    # Decimals made once: a table per indicator, a value per metric and organization.
    tables = {i.pk: [(rules.dec(r["at_least"]), rules.dec(r["points"])) for r in i.table] for i in automatic}
    for table in tables.values():
        table.sort()
    values = {key: {org: rules.dec(v or 0) for org, v in found.items()}
              for key, found in metric_values(automatic, [a.org_id for a in assessments], scheme.year).items()}
    context = {"scheme": scheme, "indicators": indicators, "automatic": automatic, "tables": tables,
               "values": values, "thresholds": rules.clean_thresholds(scheme.thresholds),
               "maxima": {i.pk: rules.dec(i.max_points) for i in indicators}}
    changed = 0
    total = len(assessments)
    for start in range(0, total, CHUNK):
        with transaction.atomic():
            changed += _score_chunk(assessments[start:start + CHUNK], **context)
        if progress:
            progress(min(start + CHUNK, total), total)
    return changed


def _points(value, table, maximum):
    points = ZERO
    for at_least, row_points in table:
        if value >= at_least:
            points = row_points
        else:
            break
    return min(max(points, ZERO), maximum)


def _score_chunk(chunk, *, scheme, indicators, automatic, tables, values, thresholds, maxima):
    ids = [a.pk for a in chunk]
    items = defaultdict(dict)
    for assessment_id, indicator_id, points, value in AssessmentItem.objects.filter(
            assessment_id__in=ids).values_list("assessment_id", "indicator_id", "points", "metric_value"):
        items[assessment_id][indicator_id] = (points, value)
    events = defaultdict(dict)
    for assessment_id, indicator_id, points in ScoreEvent.objects.filter(assessment_id__in=ids).values_list(
            "assessment_id", "indicator_id").annotate(p=Sum("applied")).order_by():
        events[assessment_id][indicator_id] = points or ZERO
    upserts, history, totals = [], [], []
    now = timezone.now()
    for assessment in chunk:
        own = items[assessment.pk]
        for indicator in automatic:
            value = values[indicator.metric].get(assessment.org_id, ZERO)
            points = _points(value, tables[indicator.pk], maxima[indicator.pk])
            old = own.get(indicator.pk)
            if old is None or old[0] != points or old[1] != value:
                upserts.append((assessment.pk, indicator.pk, points, value, AssessmentItem.Source.METRIC, ""))
                if old is None or old[0] != points:
                    history.append((assessment.pk, indicator.pk, "metric", old[0] if old else None, points, "",
                                    now))
                own[indicator.pk] = (points, value)
        score, vetoed = ZERO, False
        for indicator in indicators:
            base = own.get(indicator.pk, (ZERO,))[0]
            if indicator.veto:
                vetoed = vetoed or base > 0
            else:
                score += min(max(base + events[assessment.pk].get(indicator.pk, ZERO), ZERO), maxima[indicator.pk])
        stars = rules.final_stars(score, thresholds, vetoed=vetoed, previous=assessment.previous_stars,
                                  max_promotion=scheme.max_promotion)
        assessment.score, assessment.vetoed, assessment.projected_stars, assessment.computed_at = (
            score, vetoed, stars, now)
        totals.append((score, stars, vetoed, now, assessment.pk))
    _write(upserts, history, totals)
    return len(history)


def _write(upserts, history, totals):
    """Raw executemany statements: the ORM's bulk_create prepares every value of every row in Python (most of
    the time of a prefecture's scoring); an upsert on (assessment, indicator) is the same SQL on SQLite (≥ 3.24)
    and PostgreSQL."""
    item, change, assessment = (AssessmentItem._meta.db_table, ScoreChange._meta.db_table,
                                Assessment._meta.db_table)
    with connection.cursor() as cursor:
        if upserts:
            cursor.executemany(
                f"INSERT INTO {item} (assessment_id, indicator_id, points, metric_value, source, note) "  # noqa: S608
                "VALUES (%s, %s, %s, %s, %s, %s) ON CONFLICT (assessment_id, indicator_id) DO UPDATE SET "
                "points = excluded.points, metric_value = excluded.metric_value, source = excluded.source",
                upserts)
        if history:
            cursor.executemany(
                f"INSERT INTO {change} (assessment_id, indicator_id, step, old_points, new_points, reason, at) "  # noqa: S608
                "VALUES (%s, %s, %s, %s, %s, %s, %s)", history)
        if totals:
            cursor.executemany(f"UPDATE {assessment} SET score = %s, projected_stars = %s, vetoed = %s, "  # noqa: S608
                               "computed_at = %s WHERE id = %s", totals)


def refresh(assessment):
    """Recompute one assessment (automatic points and totals) and return it re-read."""
    score(assessment.scheme, [assessment])
    assessment.refresh_from_db()
    return assessment
