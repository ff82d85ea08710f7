"""Home-page figures of the upper levels (province, prefecture, county), kept in the summary table.

A county or prefecture counts hundreds of thousands of people; counting them on every page view would cost
hundreds of milliseconds, so the services add each write's effect to core.summary in the same transaction, and
the home page reads the totals in one query. Township and village figures are small and computed live.

Metrics: `members.<category>` (current members, choices.Status.CURRENT), `orgs.level.<n>` (active organizations
of level n, the organization itself included) and `orgs.no_secretary` (active organizations without a current
书记).
"""

from collections import Counter

from django.db.models import Count, Exists, OuterRef

from dangjian.core import summary

from .choices import Status, Title
from .models import ANCESTRY_COLUMNS, Level, Org, Person, Position

LEVELS = (Level.PROVINCE, Level.PREFECTURE, Level.COUNTY)
NO_SECRETARY = "orgs.no_secretary"


def member_metric(category):
    return f"members.{category}"


def level_metric(level):
    return f"orgs.level.{level}"


def covers(org):
    return org.level in LEVELS


def _targets(row, above=None):
    """The row's ancestors-or-self at the summary levels (only those above level `above`, if given)."""
    return [
        getattr(row, f"{ANCESTRY_COLUMNS[level]}_id") for level in LEVELS
        if (above is None or level < above) and getattr(row, f"{ANCESTRY_COLUMNS[level]}_id")
    ]


def person_counts(person):
    if person.status not in Status.CURRENT:
        return {}
    return {(target, member_metric(person.category)): 1 for target in _targets(person)}


def has_secretary(org):
    return Position.objects.filter(org=org, title=Title.SECRETARY, end_date__isnull=True).exists()


def org_counts(org, secretary):
    """What one organization contributes; `secretary`: whether it has a current 书记."""
    if not org.is_active:
        return {}
    counts = {(target, level_metric(org.level)): 1 for target in _targets(org)}
    if not secretary:
        counts.update({(target, NO_SECRETARY): 1 for target in _targets(org)})
    return counts


def secretary_change(org, change):
    """A 书记 post of `org` began (change=-1 to 'without secretary') or ended (+1)."""
    if not org.is_active:
        return {}
    return {(target, NO_SECRETARY): change for target in _targets(org)}


def negate(counts):
    return {key: -value for key, value in counts.items()}


def move(org, old_place, new_parent):
    """Deltas for moving `org`'s subtree from below `old_place` (an Org with the old ancestry) to `new_parent`."""
    totals = subtree_totals(org)
    old = {(t, metric): -n for t in _targets(old_place, above=org.level) for metric, n in totals.items()}
    new = {(t, metric): n for t in _targets(new_parent, above=org.level) for metric, n in totals.items()}
    return summary.merge(old, new)


def _without_secretary(orgs):
    current = Position.objects.filter(org=OuterRef("pk"), title=Title.SECRETARY, end_date__isnull=True)
    return orgs.filter(is_active=True).exclude(Exists(current))


def subtree_totals(org):
    """{metric: value} of `org`'s subtree computed from the facts (three GROUP BY queries)."""
    orgs = Org.objects.filter(org.subtree_q())
    totals = Counter()
    for category, n in Person.objects.filter(org.ancestry_q(), status__in=Status.CURRENT).order_by() \
            .values_list("category").annotate(n=Count("pk")):
        totals[member_metric(category)] = n
    for level, n in orgs.filter(is_active=True).order_by().values_list("level").annotate(n=Count("pk")):
        totals[level_metric(level)] = n
    totals[NO_SECRETARY] = _without_secretary(orgs).count()
    return dict(totals)


def rebuild():
    """Recompute the whole summary table from the facts (after bulk loads, or to repair it)."""
    values = Counter()
    for level in LEVELS:
        column = f"{ANCESTRY_COLUMNS[level]}_id"
        people = Person.objects.filter(**{f"{column}__isnull": False}, status__in=Status.CURRENT).order_by()
        for org_id, category, n in people.values_list(column, "category").annotate(n=Count("pk")):
            values[(org_id, member_metric(category))] += n
        orgs = Org.objects.filter(**{f"{column}__isnull": False}, is_active=True).order_by()
        for org_id, org_level, n in orgs.values_list(column, "level").annotate(n=Count("pk")):
            values[(org_id, level_metric(org_level))] += n
        lacking = _without_secretary(Org.objects.filter(**{f"{column}__isnull": False})).order_by()
        for org_id, n in lacking.values_list(column).annotate(n=Count("pk")):
            values[(org_id, NO_SECRETARY)] += n
    summary.replace_all(values)


def figures(org):
    """{metric: value} of `org` from the summary table (one query); only for organizations it covers."""
    return summary.totals(org.pk)
