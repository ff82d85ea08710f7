"""The home page figures of an organization, computed from the database in a fixed number of queries.

Every figure reads the subtree through the ancestry columns (`county_id = N`, served by the `(column, level)`
index), grouped in the database: no per-child loop, so the cost does not grow with the number of organizations.
"""

from django.db.models import Count, Exists, OuterRef, Q
from django.utils import timezone

from dangjian.orgs import selectors as org_selectors
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
    Queries: one GROUP BY level for every organization count, one GROUP BY category for members, one short list
    each for the organizations without a secretary and the terms due.
    """
    root = user.org
    today = timezone.localdate()
    soon = today + TERM_WARNING
    active = org_selectors.subtree_orgs(root).filter(is_active=True)
    no_secretary = ~_has_secretary()
    due = Q(term_end__lte=soon)
    rows = list(
        active.order_by().values("level").annotate(
            below=Count("pk", filter=~Q(pk=root.pk)),
            no_secretary=Count("pk", filter=no_secretary),
            ending=Count("pk", filter=Q(term_end__gte=today, term_end__lte=soon)),
            ended=Count("pk", filter=Q(term_end__lt=today)),
        ).order_by("level")
    )
    labels = dict(Level.choices)
    figures = {
        "root": root,
        "by_level": [{"level": r["level"], "label": labels.get(r["level"], r["level"]), "count": r["below"]}
                     for r in rows if r["below"]],
        "sub_total": sum(r["below"] for r in rows),
        "no_secretary": {
            "count": sum(r["no_secretary"] for r in rows),
            "orgs": list(active.filter(no_secretary).order_by("path")[:LIST_SIZE]),
        },
        "term": {
            "ending": sum(r["ending"] for r in rows),
            "ended": sum(r["ended"] for r in rows),
            "orgs": list(active.filter(due).order_by("term_end", "path")[:LIST_SIZE]),
        },
        "members": None,
    }
    figures["term"]["count"] = figures["term"]["ending"] + figures["term"]["ended"]
    for key in ("no_secretary", "term"):
        figures[key]["more"] = figures[key]["count"] - len(figures[key]["orgs"])
    if user.has_capability("person.view"):
        counts = dict(
            org_selectors.current_members(root).order_by().values_list("category").annotate(n=Count("pk"))
        )
        figures["members"] = {
            "by_category": [{"category": value, "label": label, "count": counts.get(value, 0)}
                            for value, label in Category.choices],
            "total": sum(counts.values()),
        }
    return figures
