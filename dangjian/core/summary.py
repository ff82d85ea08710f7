"""The summary table (core.models.Summary): figures of the upper levels of the tree, read in one small query.

Writers pass changes `{(org_id, metric, month): change}` (core.metrics' tracker computes them from the metric
declarations); readers get totals. Which organizations get rows and what the metrics mean is declared by the apps
(core.metrics); this module only stores and adds up.
"""

from django.db import IntegrityError, transaction
from django.db.models import F, Sum
from django.utils import timezone

from .models import Summary


def current_month():
    return timezone.localdate().replace(day=1)


def add(deltas):
    """Add `deltas` to their months' rows; call inside the transaction of the write that causes them."""
    for (org_id, metric, month), change in sorted(deltas.items(), key=lambda item: (item[0][0], item[0][1],
                                                                                    item[0][2])):
        if not change:
            continue
        rows = Summary.objects.filter(org_id=org_id, metric=metric, month=month)
        if rows.update(value=F("value") + change):
            continue
        try:
            with transaction.atomic():
                Summary.objects.create(org_id=org_id, metric=metric, month=month, value=change)
        except IntegrityError:  # another transaction created the row first
            rows.update(value=F("value") + change)


def totals(org_id, metrics, between=None):
    """{metric: total} of one organization over all months, or over the months of `between` (start, end)."""
    rows = Summary.objects.filter(org_id=org_id, metric__in=list(metrics))
    if between is not None:
        start, end = between
        rows = rows.filter(month__gte=start.replace(day=1), month__lte=end)
    rows = rows.values("metric").annotate(v=Sum("value")).order_by()
    return {row["metric"]: row["v"] for row in rows}


def totals_by_org(org_ids, metric, between=None):
    """{org id: total} of one metric for several organizations (a page of them), in one query."""
    rows = Summary.objects.filter(org_id__in=list(org_ids), metric=metric)
    if between is not None:
        start, end = between
        rows = rows.filter(month__gte=start.replace(day=1), month__lte=end)
    return dict(rows.values_list("org_id").annotate(v=Sum("value")).order_by())


def replace_all(values):
    """Rebuild: `values` {(org_id, metric, month): total} becomes the whole table."""
    Summary.objects.all().delete()
    Summary.objects.bulk_create(
        [Summary(org_id=o, metric=m, month=month, value=v) for (o, m, month), v in values.items() if v],
        batch_size=2000,
    )
