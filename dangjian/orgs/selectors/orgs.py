"""Reads of the organization tree for pages and exports: every query is scoped and none walks the tree in Python.

Counts per organization use the ancestry columns (one GROUP BY), ancestors come off `Org.path` (one query),
so each function costs a fixed number of queries whatever the size of the tree.
"""


from django.db.models import Count

from dangjian.core import metrics
from dangjian.core.lists import sort_queryset

from .. import metrics as org_metrics
from ..capabilities import PERSON_VIEW
from ..choices import Title
from ..filters import OrgFilter, org_search_q, search_rank
from ..models import ANCESTRY_COLUMNS, Org, Position

SEARCH_LIMIT = 20
TREE_CHILDREN_LIMIT = 200

# ?sort= values of the organization list → ORDER BY (names sort by pinyin, ties by tree order).
ORG_SORTS = {
    "name": ("pinyin", "path"),
    "code": ("code",),
    "level": ("level", "path"),
    "term_end": ("term_end", "path"),
}


def ancestry_column(org):
    """The column holding `org` on rows of its subtree, or None for a branch (the lowest level)."""
    column = ANCESTRY_COLUMNS.get(org.level)
    return f"{column}_id" if column else None


def subtree_orgs(org):
    """`org` and every organization below it, selected by one equality test on its ancestry column."""
    column = ancestry_column(org)
    return Org.objects.filter(**{column: org.pk}) if column else Org.objects.filter(pk=org.pk)


def org_list(user, params):
    """(FilterSet, ordered queryset) for the organization list and its export: the same filters and sort."""
    base = Org.objects.visible_to(user).select_related("parent")
    filterset = OrgFilter(params, queryset=base)
    queryset = filterset.qs if filterset.is_valid() else base.none()
    return filterset, sort_queryset(queryset, params.get("sort", ""), ORG_SORTS, default=("path",))


def breadcrumbs(user, org):
    """The ancestors of `org` the user can see, root first: one query off the path."""
    ids = org.ancestor_ids()
    if not ids:
        return []
    return list(Org.objects.visible_to(user).filter(pk__in=ids).order_by("depth").only("id", "name", "depth"))


def with_child_count(queryset):
    return queryset.annotate(child_count=Count("children"))


def children(org):
    """Direct children with their own number of children (one query), in code order."""
    return with_child_count(org.children.all()).order_by("code")


def member_counts(orgs):
    """{org id: current members in its subtree} for a page of organizations: counties and above from the summary
    table, the others by one indexed GROUP BY per level (UNION ALL: one query) — see core.metrics.values_by_org."""
    return metrics.values_by_org(org_metrics.MEMBERS, orgs)


def member_count(org):
    """Current members of `org`'s subtree: the summary table's figure for the upper levels, else one indexed
    count (the (ancestry column, status) index) — never a count over a county's or the prefecture's people."""
    return member_counts([org])[org.pk]


def current_secretaries(user, orgs):
    """{org id: Person} of the current 书记 of each organization the user may see people of (one query)."""
    if not orgs or not user.has_capability(Position.view_capability):
        return {}
    # The organizations are the user's (visible) ones, so their posts are in scope: the user's own scope
    # predicate (prefecture_id = …) would only tempt the planner away from position_org_title.
    positions = secretary_positions([o.pk for o in orgs]).select_related("person")
    return {p.org_id: p.person for p in positions}


def secretary_positions(org_ids):
    """Current 书记 posts of the organizations `org_ids` (unscoped: the caller passes visible organizations).
    Served by the index position_org_title (org, title, end_date); core tests assert the planner's choice."""
    return Position.objects.filter(org_id__in=list(org_ids), title=Title.SECRETARY, end_date__isnull=True).order_by()


def annotate_rows(user, orgs):
    """Attach `member_count` and `secretary` to each organization of a page: two queries for the whole page."""
    orgs = list(orgs)
    can_see_people = user.has_capability(PERSON_VIEW)
    counts = member_counts(orgs) if can_see_people else {}
    secretaries = current_secretaries(user, orgs) if can_see_people else {}
    for org in orgs:
        org.member_count = counts.get(org.pk, 0) if can_see_people else None
        org.secretary = secretaries.get(org.pk)
    return orgs


def team(user, org):
    """Current positions of the organization's team, secretary first (empty for roles that may not see people)."""
    order = [value for value, _label in Title.choices]
    positions = list(
        Position.objects.visible_to(user).filter(org=org, end_date__isnull=True).select_related("person")
    )
    positions.sort(key=lambda p: (order.index(p.title) if p.title in order else len(order), p.start_date))
    return positions


def org_search(queryset, text, limit=SEARCH_LIMIT, names_from=None):
    """Up to `limit` organizations of `queryset` matching `text`, each with `ancestor_names` (root first).

    Ordered by relevance (exact name or code, name prefix, pinyin prefix, contains), then tree order.
    The ancestors of all results are read in one extra query (ids off Org.ancestor_ids()); only ancestors in
    `names_from` (by default the queryset itself) are named, so a search never reveals an organization outside
    the user's scope.
    """
    results = list(
        queryset.filter(org_search_q(text)).annotate(rank=search_rank(text, code=True))
        .order_by("rank", "path")[:limit]
    )
    wanted = {pk for org in results for pk in org.ancestor_ids()}
    names_from = queryset if names_from is None else names_from
    names = dict(names_from.filter(pk__in=wanted).values_list("pk", "name")) if wanted else {}
    for org in results:
        org.ancestor_names = [names[pk] for pk in org.ancestor_ids() if pk in names]
    return results


def move_targets(user, org):
    """Organizations `org` may be moved under: editable, active, above its level, outside its own subtree."""
    return (
        Org.objects.editable_by(user)
        .filter(is_active=True, level__lt=org.level)
        .exclude(org.subtree_q())
        .exclude(pk=org.parent_id)
    )
