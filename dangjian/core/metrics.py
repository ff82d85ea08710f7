"""Metrics: named figures that an app declares once and everybody else reads — home cards, statistics, briefings
and star-rating indicators with an automatic method — so the same number appears everywhere.

An app declares its metrics in its `metrics.py`:

    register(Metric("orgs.members.full", _("Full members"), unit=_("people"), model=Person,
                    where=Q(status__in=Status.CURRENT, category="full"), kept=True))

A *counting* metric counts the rows of `model` (the organization tree itself, or a fact row carrying the ancestry
columns) inside an organization's subtree that match `where`, or sums `value_field`. With `date_field` it is a
*flow* (rows dated within the period: visits of 2012); without, a *stock* (current members). Its
`compute(org_ids, period)` is derived: one GROUP BY per tree level for a whole page of organizations. A metric that
is not a count passes its own `compute`.

`kept=True` keeps the metric in the summary table (core.summary) for the organizations of the summary levels (the
tree's upper levels), whose subtrees are too large to count per page view. One generic tracker feeds it: a
service wraps its write in `with track(obj, ...)`, naming the rows whose contribution may change, or in
`with track_subtree(org)` when an organization moves with everything below it; the tracker reads the
contributions before and after (one query per model) and adds the difference in the same transaction. A stock
changes the current month's row; a flow changes the month of the row's date, so yearly figures of the upper
levels are sums of twelve rows. No service writes deltas by hand, and `rebuild()` recomputes every kept metric.
"""

import datetime
import sys
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.core.exceptions import ImproperlyConfigured
from django.db.models import Case, Count, IntegerField, Q, Sum, Value, When
from django.db.models.functions import TruncMonth

from . import summary
from .scoping import scope_q


@dataclass(frozen=True)
class Period:
    start: datetime.date
    end: datetime.date

    @classmethod
    def year(cls, year):
        return cls(datetime.date(year, 1, 1), datetime.date(year, 12, 31))


@dataclass
class Metric:
    key: str
    label: str
    unit: str = ""
    model: type = None
    where: object = field(default_factory=Q)  # a Q, or a function returning one (evaluated per read)
    date_field: str = ""
    value_field: str = ""
    kept: bool = False
    compute_fn: object = None  # compute(org_ids, period) -> {org_id: value}, for metrics that are not counts

    @property
    def is_flow(self):
        return bool(self.date_field)

    def compute(self, org_ids, period=None):
        """{org_id: value} for each of `org_ids` (its whole subtree), computed from the facts."""
        if self.compute_fn is not None:
            return self.compute_fn(org_ids, period)
        return _count(self, org_ids, period)

    def condition(self):
        """`where`, or what it returns when it is a function (a rule that depends on today's date)."""
        return self.where() if callable(self.where) else self.where

    def rows(self, period=None):
        rows = self.model._default_manager.filter(self.condition())
        if period is not None and self.date_field:
            rows = rows.filter(**{f"{self.date_field}__range": (period.start, period.end)})
        return rows.order_by()

    def aggregate(self):
        return Sum(self.value_field) if self.value_field else Count("pk")


@dataclass(frozen=True)
class Tree:
    """What core knows of the organization tree, told by the app that owns it (orgs): its model, the ancestry
    column of each level, and the levels whose figures the summary table keeps."""

    model: type
    columns: dict
    summary_levels: tuple

    def column(self, level, model):
        """The column holding an organization of `level` on rows of `model`; its lowest level has none, so rows
        are matched on the organization itself."""
        name = self.columns.get(level)
        if name:
            return f"{name}_id"
        return "pk" if model is self.model else "org_id"

    @property
    def summary_columns(self):
        return [f"{self.columns[level]}_id" for level in self.summary_levels]


_METRICS: dict[str, Metric] = {}
_TREE: list[Tree] = []


def configure_tree(model, columns, summary_levels):
    _TREE[:] = [Tree(model, dict(columns), tuple(summary_levels))]


def tree():
    if not _TREE:
        raise ImproperlyConfigured("No organization tree configured (core.metrics.configure_tree).")
    return _TREE[0]


def register(metric):
    if metric.compute_fn is None and metric.model is None:
        raise ImproperlyConfigured(f"Metric {metric.key!r} needs a model to count, or its own compute function.")
    if metric.kept and (metric.model is None or callable(metric.where)):
        raise ImproperlyConfigured(f"Metric {metric.key!r} is kept in the summary table: it needs a model and a "
                                   "fixed condition.")
    known = _METRICS.get(metric.key)
    module = sys._getframe(1).f_globals.get("__name__", "")
    if known is not None and getattr(known, "_module", module) != module:
        raise ImproperlyConfigured(f"Metric {metric.key!r} is registered twice.")
    metric._module = module
    _METRICS[metric.key] = metric
    return metric


def get(key):
    try:
        return _METRICS[key]
    except KeyError:
        raise ImproperlyConfigured(f"Unknown metric {key!r}.") from None


def registered():
    """Every registered metric, by key (what a star-rating indicator may be computed from)."""
    return [_METRICS[key] for key in sorted(_METRICS)]


def kept_metrics(model=None):
    return [m for m in _METRICS.values() if m.kept and (model is None or m.model is model)]


# --- reading --------------------------------------------------------------------------------------------


def _count(metric, org_ids, period, levels=None):
    """One GROUP BY per level present among `org_ids`, combined with UNION ALL: one query for a page (plus one
    for the organizations' levels unless `levels` [(pk, level)] is given)."""
    org_ids = list(org_ids)
    t = tree()
    if levels is None:
        levels = t.model._default_manager.filter(pk__in=org_ids).values_list("pk", "level")
    by_column = defaultdict(list)
    for pk, level in levels:
        by_column[t.column(level, metric.model)].append(pk)
    parts = [
        metric.rows(period).filter(**{f"{column}__in": ids}).values_list(column).annotate(n=metric.aggregate())
        for column, ids in by_column.items()
    ]
    result = dict.fromkeys(org_ids, 0)
    if parts:
        query = parts[0].union(*parts[1:], all=True) if len(parts) > 1 else parts[0]
        result.update({pk: n or 0 for pk, n in query})
    return result


def covered(org):
    """Whether the summary table keeps figures for `org` (an organization of a summary level)."""
    return org.level in tree().summary_levels


def values(keys, org, period=None):
    """{key: value} of the metrics `keys` for `org`'s subtree. Kept metrics of an organization the summary
    covers are read from the table (one query per kind); the others are computed. A stock is its value now,
    whatever the period (the facts keep no history of it); a flow counts the rows dated within the period."""
    metrics = [get(key) for key in keys]
    from_table = [m for m in metrics if m.kept and covered(org)]
    whole = [m.key for m in from_table if not (m.is_flow and period)]
    ranged = [m.key for m in from_table if m.is_flow and period]
    result = dict.fromkeys(whole + ranged, 0)
    if whole:
        result.update(summary.totals(org.pk, whole))
    if ranged:
        result.update(summary.totals(org.pk, ranged, between=(period.start, period.end)))
    for metric in metrics:
        if metric.key not in result:
            result[metric.key] = metric.compute([org.pk], period).get(org.pk, 0)
    return result


def values_by_org(key, orgs, period=None):
    """{org id: value} of one metric for a page of organizations (instances, their level known): the kept
    figures of the organizations the summary covers come from the table (one query), the others are computed
    (one indexed GROUP BY per level, combined in one query) — never a count over a large subtree's facts."""
    metric = get(key)
    orgs = list(orgs)
    from_table = [o.pk for o in orgs if metric.kept and covered(o)]
    result = {o.pk: 0 for o in orgs}
    if from_table:
        between = (period.start, period.end) if metric.is_flow and period else None
        result.update(summary.totals_by_org(from_table, key, between=between))
    rest = [o for o in orgs if o.pk not in set(from_table)]
    if rest and metric.compute_fn is None:
        result.update(_count(metric, [o.pk for o in rest], period, levels=[(o.pk, o.level) for o in rest]))
    elif rest:
        result.update(metric.compute([o.pk for o in rest], period))
    return result


# --- keeping the summary table ---------------------------------------------------------------------------


def _month(metric, row_date):
    if metric.is_flow:
        return row_date.replace(day=1) if row_date else None
    return summary.current_month()


def _row_contributions(model, pks):
    """Counter {(summary org id, metric key, month): value} of the rows `pks` of `model` (one query)."""
    metrics = kept_metrics(model)
    if not metrics or not pks:
        return Counter()
    columns = tree().summary_columns
    annotations, dates = {}, set()
    for i, metric in enumerate(metrics):
        amount = metric.value_field or Value(1)
        # every row counts under an empty condition (When() refuses an empty Q)
        condition = metric.condition() or Q(pk__isnull=False)
        annotations[f"_m{i}"] = Case(When(condition, then=amount), default=Value(0), output_field=IntegerField())
        if metric.date_field:
            dates.add(metric.date_field)
    rows = model._default_manager.filter(pk__in=pks).annotate(**annotations)
    result = Counter()
    for row in rows.values(*columns, *sorted(dates), *annotations):
        targets = [row[c] for c in columns if row[c]]
        for i, metric in enumerate(metrics):
            value = row[f"_m{i}"]
            month = _month(metric, row.get(metric.date_field))
            if value and month:
                for target in targets:
                    result[(target, metric.key, month)] += value
    return result


def _contributions(objs):
    by_model = defaultdict(set)
    for obj in objs:
        if obj is not None and obj.pk is not None:
            by_model[type(obj)].add(obj.pk)
    total = Counter()
    for model, pks in by_model.items():
        total.update(_row_contributions(model, pks))
    return total


def _difference(after, before):
    keys = set(after) | set(before)
    return {key: after.get(key, 0) - before.get(key, 0) for key in keys if after.get(key, 0) != before.get(key, 0)}


class track:
    """`with track(obj, ...):` around a write: the summary table takes the change of the objects' contributions.
    Objects created inside the block are read after it (pass the instance before saving it); deleted ones count
    for nothing after. Call it inside the write's transaction."""

    def __init__(self, *objs):
        self.objs = objs

    def __enter__(self):
        self.before = _contributions(self.objs)
        return self

    def __exit__(self, exc_type, exc, tb):
        if exc_type is None:
            summary.add(_difference(_contributions(self.objs), self.before))
        return False


class track_subtree:
    """`with track_subtree(org):` around moving `org` with its subtree: its totals leave the old upper
    organizations and join the new ones (what stays the same on both sides cancels out)."""

    def __init__(self, org):
        self.org = org

    def _targets(self):
        columns = tree().summary_columns
        row = tree().model._default_manager.filter(pk=self.org.pk).values(*columns).first() or {}
        return [row[c] for c in columns if row.get(c)]

    def __enter__(self):
        self.totals = subtree_totals(self.org)
        self.before = self._targets()
        return self

    def __exit__(self, exc_type, exc, tb):
        if exc_type is None:
            after = self._targets()
            deltas = Counter()
            for (key, month), value in self.totals.items():
                for target in self.before:
                    deltas[(target, key, month)] -= value
                for target in after:
                    deltas[(target, key, month)] += value
            summary.add({k: v for k, v in deltas.items() if v})
        return False


def subtree_totals(org):
    """Counter {(kept metric key, month): value} of `org`'s subtree, from the facts (a query per metric)."""
    totals = Counter()
    for metric in kept_metrics():
        rows = metric.rows().filter(scope_q(metric.model, org))
        if metric.is_flow:
            for month, n in rows.values_list(TruncMonth(metric.date_field)).annotate(n=metric.aggregate()):
                if month and n:
                    totals[(metric.key, _as_date(month))] += n
        else:
            n = rows.aggregate(n=metric.aggregate())["n"]
            if n:
                totals[(metric.key, summary.current_month())] += n
    return totals


def _as_date(value):
    return value.date() if isinstance(value, datetime.datetime) else value


def rebuild():
    """Recompute the whole summary table from the facts: every kept metric, every summary level."""
    values = Counter()
    for metric in kept_metrics():
        for column in tree().summary_columns:
            rows = metric.rows().filter(**{f"{column}__isnull": False})
            if metric.is_flow:
                grouped = rows.values_list(column, TruncMonth(metric.date_field)).annotate(n=metric.aggregate())
                for org_id, month, n in grouped:
                    if month:
                        values[(org_id, metric.key, _as_date(month))] += n or 0
            else:
                for org_id, n in rows.values_list(column).annotate(n=metric.aggregate()):
                    values[(org_id, metric.key, summary.current_month())] += n or 0
    summary.replace_all(values)
