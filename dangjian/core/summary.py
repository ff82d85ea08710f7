"""The summary table (core.models.Summary): figures of the upper levels of the tree, read in one small query.

Writers pass deltas `{(org_id, metric): change}`; readers get totals. Which organizations get rows and what the
metrics mean is the domain's business (orgs.summary); this module only stores and adds up.
"""

from collections import Counter

from django.db import IntegrityError, transaction
from django.db.models import F, Sum
from django.utils import timezone

from .models import Summary


def current_month():
    return timezone.localdate().replace(day=1)


def add(deltas):
    """Add `deltas` to this month's rows; call inside the transaction of the write that causes them."""
    month = current_month()
    for (org_id, metric), change in deltas.items():
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


def totals(org_id, prefix=""):
    """{metric: value now} of one organization (metrics starting with `prefix`)."""
    rows = Summary.objects.filter(org_id=org_id)
    if prefix:
        rows = rows.filter(metric__startswith=prefix)
    rows = rows.values("metric").annotate(v=Sum("value"))
    return {row["metric"]: row["v"] for row in rows}


def replace_all(values):
    """Rebuild: `values` {(org_id, metric): total} becomes the whole table, as this month's rows."""
    month = current_month()
    Summary.objects.all().delete()
    Summary.objects.bulk_create(
        [Summary(org_id=o, metric=m, month=month, value=v) for (o, m), v in values.items() if v],
        batch_size=2000,
    )


def merge(*deltas):
    total = Counter()
    for delta in deltas:
        total.update(delta)
    return dict(total)
