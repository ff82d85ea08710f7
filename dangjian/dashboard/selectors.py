"""The home page figures of an organization, computed from the database in a fixed number of queries.

Every figure reads the subtree through the ancestry columns (`county_id = N`, served by the `(column, level)`
index), grouped in the database: no per-child loop, so the cost does not grow with the number of organizations.
"""

from django.db.models import Count, Exists, OuterRef, Q
from django.utils import timezone

from dangjian.orgs import selectors as org_selectors
from dangjian.orgs import summary
from dangjian.orgs.choices import Category, Title
from dangjian.orgs.models import TERM_WARNING, Level, Position

LIST_SIZE = 10


def _has_secretary():
    return Exists(Position.objects.filter(org=OuterRef("pk"), title=Title.SECRETARY, end_date__isnull=True))


def home_figures(user):
    """Figures for the home page of `user`'s organization (the root of their scope).

    - `by_level`: active organizations strictly below the root, per level.
    - `members`: current members (choices.Status.CURRENT) of the subtree per category, with the total; only for
      roles that may see people (person.view).
    - `no_secretary`: active organizations of the subtree, the root included, without a current 书记. Every party
      organization (committee, working committee, general branch, branch) has a secretary, and the user's own
      organization is the first one they answer for; deactivated organizations are left out.
    - `term`: active organizations of the subtree, the root included, whose term ended or ends within six months
      (Org.term_status), soonest first.
    Province, prefecture and county roots read the counts from the summary table (orgs.summary, one query);
    smaller subtrees count live (a GROUP BY level for organizations, one for members). Either way the two short
    lists and the term counts are read live, with LIMIT: a fixed number of queries whatever the size of the tree.
    """
    root = user.org
    today = timezone.localdate()
    soon = today + TERM_WARNING
    active = org_selectors.subtree_orgs(root).filter(is_active=True)
    counts = summary.figures(root) if summary.covers(root) else summary.subtree_totals(root)
    if root.is_active:  # the root is counted at its own level, but the figure is "below it"
        counts[summary.level_metric(root.level)] = counts.get(summary.level_metric(root.level), 0) - 1
    labels = dict(Level.choices)
    by_level = [
        {"level": level, "label": labels[level], "count": counts.get(summary.level_metric(level), 0)}
        for level in Level.values if counts.get(summary.level_metric(level), 0) > 0
    ]
    terms = active.filter(term_end__lte=soon).aggregate(
        ending=Count("pk", filter=Q(term_end__gte=today)), ended=Count("pk", filter=Q(term_end__lt=today)),
    )
    figures = {
        "root": root,
        "by_level": by_level,
        "sub_total": sum(row["count"] for row in by_level),
        "no_secretary": {
            "count": counts.get(summary.NO_SECRETARY, 0),
            "orgs": list(active.filter(~_has_secretary()).order_by("path")[:LIST_SIZE]),
        },
        "term": {
            "ending": terms["ending"],
            "ended": terms["ended"],
            "count": terms["ending"] + terms["ended"],
            "orgs": list(active.filter(term_end__lte=soon).order_by("term_end", "path")[:LIST_SIZE]),
        },
        "members": None,
    }
    for key in ("no_secretary", "term"):
        figures[key]["more"] = figures[key]["count"] - len(figures[key]["orgs"])
    if user.has_capability("person.view"):
        by_category = [
            {"category": value, "label": label, "count": counts.get(summary.member_metric(value), 0)}
            for value, label in Category.choices
        ]
        figures["members"] = {"by_category": by_category, "total": sum(row["count"] for row in by_category)}
    return figures

