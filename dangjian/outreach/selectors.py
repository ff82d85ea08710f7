"""Reads of 三进三帮: the figures (summary page, API, home card) and the lists behind them.

Every figure comes with the list whose count equals it (`drill_down`): problems solved → the cases solved in the
period; people helped → the beneficiaries helped in the period, whose `people` add up to it; visits of a kind →
those visits; open cases → the open and reopened cases; satisfaction → the return visits of the period.

Figures of an organization the summary table covers (province, prefecture, county) are read from it when the
period covers whole months (or ends today or later: nothing is dated in the future); otherwise they are counted
from the facts with one GROUP BY on the ancestry column per metric.
"""

import datetime
from collections import defaultdict

from django.db.models import Count, Exists, OuterRef, Sum
from django.urls import reverse
from django.utils import timezone

from dangjian.core import metrics, summary
from dangjian.core.metrics import Period
from dangjian.core.scoping import scope_q
from dangjian.orgs.models import Org

from . import metrics as keys
from .models import Beneficiary, HelpCase, Visit

COUNTED = [keys.PROBLEMS_SOLVED, keys.CASES_OPEN, keys.VISITS, *(keys.visits_metric(k) for k in Visit.Kind.values),
           keys.RETURN_VISITS, keys.RETURN_CONTENT]


def default_period(today=None):
    """This calendar year, 1 January to 31 December."""
    return Period.year((today or timezone.localdate()).year)


def table_serves(period):
    """Whether the summary table (months) answers exactly for `period`."""
    if period is None:
        return True
    ends_month = (period.end + datetime.timedelta(days=1)).day == 1
    return period.start.day == 1 and (ends_month or period.end >= timezone.localdate())


def year_aligned(period):
    """A period from 1 January to a day of the same year: the first solved case of each beneficiary in the
    calendar year is then exactly their first in the period (HelpCase.people_helped)."""
    return (period is not None and period.start.month == 1 and period.start.day == 1
            and period.end.year == period.start.year)


def _values(metric_keys, orgs, period):
    """{org_id: {key: value}} for counting metrics: from the summary table for covered organizations when it
    serves the period (one query each), else counted (one query per metric for all the others)."""
    result = {org.pk: {} for org in orgs}
    live = []
    for org in orgs:
        if metrics.covered(org) and table_serves(period):
            flows = [k for k in metric_keys if metrics.get(k).is_flow and period]
            stocks = [k for k in metric_keys if k not in flows]  # a stock is its value now, whatever the period
            totals = summary.totals(org.pk, flows, between=(period.start, period.end)) if flows else {}
            totals.update(summary.totals(org.pk, stocks) if stocks else {})
            result[org.pk] = {key: totals.get(key) or 0 for key in metric_keys}
        else:
            live.append(org.pk)
    if live:
        for key in metric_keys:
            for org_id, value in metrics.get(key).compute(live, period).items():
                result[org_id][key] = value or 0
    return result


def _orgs(org_ids):
    return list(Org.objects.filter(pk__in=list(org_ids)))


def people_helped_of(org_ids, period):
    """{org_id: people helped in `period`}: the kept yearly sum when the period allows, else each beneficiary
    with a solved case in the period counted once (people: 1, a household's size, an enterprise 0)."""
    orgs = _orgs(org_ids)
    if year_aligned(period):
        return {pk: v[keys.PEOPLE_BY_YEAR] for pk, v in _values([keys.PEOPLE_BY_YEAR], orgs, period).items()}
    return {org.pk: helped_beneficiaries(org, period).aggregate(n=Sum("people"))["n"] or 0 for org in orgs}


def satisfaction_rate(total, content):
    return round(100 * content / total, 1) if total else None


def satisfaction_of(org_ids, period):
    values = _values([keys.RETURN_VISITS, keys.RETURN_CONTENT], _orgs(org_ids), period)
    return {pk: satisfaction_rate(v[keys.RETURN_VISITS], v[keys.RETURN_CONTENT]) for pk, v in values.items()}


def figures(org, period):
    """The outreach figures of `org`'s subtree for `period`: what the summary page, the API and the home card
    show. Two to four queries for a covered organization, about a dozen counted live."""
    return figures_of([org], period)[org.pk]


def figures_of(orgs, period):
    """{org_id: figures} for several organizations (a parent's children): each metric one query for all."""
    values = _values(COUNTED, orgs, period)
    people = people_helped_of([o.pk for o in orgs], period)
    result = {}
    for org in orgs:
        v = values[org.pk]
        result[org.pk] = {
            "people_helped": people.get(org.pk, 0),
            "problems_solved": v[keys.PROBLEMS_SOLVED],
            "cases_open": v[keys.CASES_OPEN],
            "visits": {kind: v[keys.visits_metric(kind)] for kind in Visit.Kind.values},
            "visits_total": v[keys.VISITS],
            "return_visits": v[keys.RETURN_VISITS],
            "satisfaction_rate": satisfaction_rate(v[keys.RETURN_VISITS], v[keys.RETURN_CONTENT]),
        }
    return result


def children_of(org):
    """The active organizations directly under `org` (the breakdown rows of the summary page)."""
    return list(Org.objects.filter(parent=org, is_active=True).order_by("path"))


# --- the lists behind the figures --------------------------------------------------------------------------


def in_subtree(queryset, org):
    return queryset.filter(scope_q(queryset.model, org))


def helped_beneficiaries(org, period, queryset=None):
    """Beneficiaries of `org`'s subtree with at least one case solved in `period` (None: ever)."""
    solved = HelpCase.objects.filter(beneficiary=OuterRef("pk"), status__in=HelpCase.SOLVED)
    if period is not None:
        solved = solved.filter(resolved_on__range=(period.start, period.end))
    queryset = Beneficiary.objects.all() if queryset is None else queryset
    return in_subtree(queryset, org).filter(Exists(solved))


def drill_down(org, period, *, api=False):
    """{figure: URL of the list whose count equals it} for `org` and `period` (the pages, or the API lists)."""
    start, end = period.start.isoformat(), period.end.isoformat()
    name = (lambda n: f"{n}-list") if api else (lambda n: f"outreach:{n}_list")
    cases, visits = reverse(name("help-case" if api else "case")), reverse(name("visit"))
    beneficiaries = reverse(name("beneficiary"))
    org_q = f"org={org.pk}"
    links = {
        "people_helped": f"{beneficiaries}?{org_q}&helped_from={start}&helped_to={end}",
        "problems_solved": f"{cases}?{org_q}&stage=solved&resolved_from={start}&resolved_to={end}",
        "cases_open": f"{cases}?{org_q}&stage=pending",
        "return_visits": f"{cases}?{org_q}&returned_from={start}&returned_to={end}",
        "visits_total": f"{visits}?{org_q}&from={start}&to={end}",
    }
    links["visits"] = {kind: f"{visits}?{org_q}&kind={kind}&from={start}&to={end}" for kind in Visit.Kind.values}
    return links


def people_total(queryset):
    """The people the beneficiaries of a list count (its figure, next to the number of rows)."""
    return queryset.order_by().aggregate(n=Sum("people"))["n"] or 0


def case_counts_by_beneficiary(beneficiary_ids):
    """{beneficiary_id: {"total": n, "solved": n}} for a page of beneficiaries (one query)."""
    counts = defaultdict(lambda: {"total": 0, "solved": 0})
    rows = (HelpCase.objects.filter(beneficiary_id__in=list(beneficiary_ids)).order_by()
            .values_list("beneficiary_id", "status").annotate(n=Count("pk")))
    for beneficiary_id, status, n in rows:
        counts[beneficiary_id]["total"] += n
        counts[beneficiary_id]["solved"] += n if status in HelpCase.SOLVED else 0
    return counts
