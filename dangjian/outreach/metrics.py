"""Metrics of 三进三帮 (core.metrics), the agreed keys of the pillar brief.

Counts are flows dated by the day that makes them count (visited_on, resolved_on, returned_on) and kept in the
summary table for the upper levels; `cases_open` is a stock. Two figures are not plain counts:
- `outreach.people_helped`: people in beneficiaries with at least one case solved in the period, each beneficiary
  once. Each case carries `people_helped` (the beneficiary's people on their first solved case of its calendar
  year, else 0), so for a period starting on 1 January and ending in the same year it is a sum the summary table
  keeps (`outreach.people_helped.by_year`); any other period is counted live (one query per organization).
- `outreach.satisfaction_rate`: satisfied or basically satisfied return visits over all return visits of the
  period, in percent (one decimal), None when there were none.
Both read through `selectors.figures`, which also decides when the summary table may answer (core.metrics
keeps months: the period must cover whole months, or end today or later).
"""

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from dangjian.core.metrics import Metric, register

from .models import HelpCase, Visit

VISITS = "outreach.visits"
PEOPLE_HELPED = "outreach.people_helped"
PEOPLE_BY_YEAR = "outreach.people_helped.by_year"
PROBLEMS_SOLVED = "outreach.problems_solved"
CASES_OPEN = "outreach.cases_open"
SATISFACTION_RATE = "outreach.satisfaction_rate"
RETURN_VISITS = "outreach.return_visits"
RETURN_CONTENT = "outreach.return_visits.content"


def visits_metric(kind):
    return f"{VISITS}.{kind}"


# (core.metrics cannot keep an empty condition: When(Q()) is refused; every visit has a date.)
register(Metric(VISITS, _("Visits"), _("visits"), model=Visit, where=Q(visited_on__isnull=False),
                date_field="visited_on", kept=True))
for _kind, _label in Visit.Kind.choices:
    register(Metric(visits_metric(_kind), _label, _("visits"), model=Visit, where=Q(kind=_kind),
                    date_field="visited_on", kept=True))
register(Metric(PROBLEMS_SOLVED, _("Problems solved"), _("problems"), model=HelpCase,
                where=Q(status__in=HelpCase.SOLVED), date_field="resolved_on", kept=True))
register(Metric(PEOPLE_BY_YEAR, _("People helped (by calendar year)"), _("people"), model=HelpCase,
                where=Q(status__in=HelpCase.SOLVED), date_field="resolved_on", value_field="people_helped",
                kept=True))
register(Metric(CASES_OPEN, _("Open help cases"), _("cases"), model=HelpCase, where=Q(status__in=HelpCase.PENDING),
                kept=True))
register(Metric(RETURN_VISITS, _("Return visits"), _("cases"), model=HelpCase,
                where=Q(status=HelpCase.Status.CLOSED), date_field="returned_on", kept=True))
register(Metric(RETURN_CONTENT, _("Satisfied return visits"), _("cases"), model=HelpCase,
                where=Q(status=HelpCase.Status.CLOSED, satisfaction__in=HelpCase.CONTENT), date_field="returned_on",
                kept=True))


def _people_helped(org_ids, period):
    from . import selectors

    return selectors.people_helped_of(org_ids, period)


def _satisfaction_rate(org_ids, period):
    from . import selectors

    return selectors.satisfaction_of(org_ids, period)


register(Metric(PEOPLE_HELPED, _("People helped"), _("people"), compute_fn=_people_helped))
register(Metric(SATISFACTION_RATE, _("Satisfaction rate"), "%", compute_fn=_satisfaction_rate))
