"""Computing points: automatic indicators from the metric registry, and every assessment's score, veto and
projected stars. One code path serves one assessment (at each step, on demand) and all the assessments of a
scheme (the yearly scoring job): each metric is computed once for all the organizations given, never per
organization, and the writes are bulk (the history of the changes, then each assessment's automatic points and
totals in one row), a chunk at a time so that a progress bar can follow.
"""

import json
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
ZERO = Decimal("0.0")  # one decimal place, like every stored points value


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
    they are). Returns the number of assessments whose automatic points were written (first computed or
    changed)."""
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
    typed = defaultdict(dict)
    for assessment_id, indicator_id, points in AssessmentItem.objects.filter(assessment_id__in=ids).values_list(
            "assessment_id", "indicator_id", "points"):
        typed[assessment_id][indicator_id] = points
    events = defaultdict(dict)
    for assessment_id, indicator_id, points in ScoreEvent.objects.filter(assessment_id__in=ids).values_list(
            "assessment_id", "indicator_id").annotate(p=Sum("applied")).order_by():
        events[assessment_id][indicator_id] = points or ZERO
    history, totals = [], []
    written = 0
    now = timezone.now()
    for assessment in chunk:
        stored = assessment.automatic or {}
        computed, base = {}, dict(typed[assessment.pk])
        for indicator in automatic:
            value = values[indicator.metric].get(assessment.org_id, ZERO)
            points = _points(value, tables[indicator.pk], maxima[indicator.pk])
            key, text = str(indicator.pk), str(points)
            computed[key] = [text, str(value)]
            base[indicator.pk] = points
            old = stored.get(key)
            # Both sides are the strings of one-decimal Decimals: equal strings, equal points. A first computation
            # is not a change.
            if old is not None and old[0] != text:
                history.append((assessment.pk, indicator.pk, "metric", Decimal(old[0]), points, "", now))
        written += computed != stored
        score, vetoed = ZERO, False
        for indicator in indicators:
            points = base.get(indicator.pk, ZERO)
            if indicator.veto:
                vetoed = vetoed or points > 0
            else:
                score += min(max(points + events[assessment.pk].get(indicator.pk, ZERO), ZERO), maxima[indicator.pk])
        stars = rules.final_stars(score, thresholds, vetoed=vetoed, previous=assessment.previous_stars,
                                  max_promotion=scheme.max_promotion)
        assessment.score, assessment.vetoed, assessment.projected_stars, assessment.computed_at = (
            score, vetoed, stars, now)
        assessment.automatic = computed
        totals.append((score, stars, vetoed, now, json.dumps(computed), assessment.pk))
    _write(history, totals)
    return written


ROWS_PER_STATEMENT = 500  # multi-row VALUES: 3,500 parameters at most, far below SQLite's 32,766


def _insert(cursor, head, rows):
    """`head VALUES (…), (…) …` for `rows`, a few hundred rows per statement (one statement per row would cost a
    round trip each on PostgreSQL)."""
    if not rows:
        return
    one = "(" + ", ".join(["%s"] * len(rows[0])) + ")"
    for start in range(0, len(rows), ROWS_PER_STATEMENT):
        batch = rows[start:start + ROWS_PER_STATEMENT]
        cursor.execute(f"{head} VALUES {', '.join([one] * len(batch))}", [value for row in batch for value in row])


def _write(history, totals):
    """Raw SQL (the ORM's bulk_create and bulk_update prepare every value of every row in Python, most of the time
    of a prefecture's scoring): the history rows, then one UPDATE by primary key per assessment (executemany,
    pipelined by psycopg)."""
    change, assessment = ScoreChange._meta.db_table, Assessment._meta.db_table
    with connection.cursor() as cursor:
        _insert(cursor, f"INSERT INTO {change} (assessment_id, indicator_id, step, old_points, new_points, reason, "
                "at)", history)
        if totals:
            cursor.executemany(f"UPDATE {assessment} SET score = %s, projected_stars = %s, vetoed = %s, "  # noqa: S608
                               "computed_at = %s, automatic = %s WHERE id = %s", totals)


def refresh(assessment):
    """Recompute one assessment (automatic points and totals) and return it re-read."""
    score(assessment.scheme, [assessment])
    assessment.refresh_from_db()
    return assessment
