"""Reads of 星级管理: lists, one assessment's page, and the star map of a subtree. Each costs a fixed number of
queries, whatever the number of rows (stated per function)."""

from collections import defaultdict

from django.db.models import Count, F, Max, Prefetch, Q, Sum, Value
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import timezone

from dangjian.core.scoping import get_visible_or_404
from dangjian.orgs.models import ANCESTRY_COLUMNS, Level, Org, short_name

from . import rules, workflow
from .metrics import effective_stars
from .models import Assessment, AssessmentItem, Indicator, Objection, Scheme, ScoreChange, ScoreEvent, StarAward


def schemes(user):
    """Schemes the user reads (their subtree's and those of the levels above): 1 query with the owner."""
    return Scheme.objects.visible_to(user).select_related("org")


def automatic_share(indicators):
    """Percent of a scheme's points that are computed from a metric (veto items carry none)."""
    scored = [i for i in indicators if not i.veto]
    total = sum(i.max_points for i in scored)
    automatic = sum(i.max_points for i in scored if i.is_metric)
    return round(100 * float(automatic) / float(total), 1) if total else 0.0


def scheme_page(user, scheme):
    """Indicators by category and the figures of a scheme: 3 queries."""
    indicators = list(Indicator.objects.filter(scheme=scheme))
    categories = defaultdict(list)
    for indicator in indicators:
        categories[indicator.category].append(indicator)
    counts = dict(Assessment.objects.visible_to(user).filter(scheme=scheme).values_list("status")
                  .annotate(n=Count("pk")).order_by())
    return {"indicators": indicators, "categories": dict(categories), "automatic_share": automatic_share(indicators),
            "total_points": sum(i.max_points for i in indicators if not i.veto),
            "status_counts": [(label, counts.get(value, 0)) for value, label in Assessment.Status.choices],
            "assessed": sum(counts.values()),
            "target": rules.target_for(scheme.targets, scheme.year)}


def assessments(user):
    return Assessment.objects.visible_to(user).select_related("org", "org__parent", "scheme")


def awaiting(user, queryset=None):
    """Assessments waiting for a step the user takes (self-assessment, review, approval/notice, award)."""
    queryset = queryset if queryset is not None else Assessment.objects.visible_to(user)
    org_id = user.org_id
    condition = Q(pk__in=[])
    if user.has_capability(workflow.ASSESS_SELF):
        condition |= Q(status=Assessment.Status.SELF, org_id=org_id)
    if user.has_capability(workflow.ASSESS_REVIEW):
        condition |= Q(status=Assessment.Status.REVIEW) & (
            Q(township_id=org_id) & ~Q(org_id=org_id) | Q(township__isnull=True, county_id=org_id))
    if user.has_capability(workflow.ASSESS_APPROVE):
        approver = Q(county_id=org_id) & ~Q(org_id=org_id)
        today = timezone.localdate()
        condition |= approver & (Q(status=Assessment.Status.APPROVAL)
                                 | Q(status=Assessment.Status.NOTICE, notice_until__lt=today))
    return queryset.filter(condition)


def assessment_page(user, assessment):
    """Everything one assessment's page shows: indicators with their items, events and history, objections and
    the award — 6 queries."""
    indicators = list(Indicator.objects.filter(scheme_id=assessment.scheme_id))
    items = {i.indicator_id: i for i in AssessmentItem.objects.filter(assessment=assessment)}
    events = list(ScoreEvent.objects.filter(assessment=assessment).select_related("indicator", "recorded_by"))
    event_sums = defaultdict(int)
    for event in events:
        event_sums[event.indicator_id] += event.applied
    automatic = assessment.automatic_points()
    rows = []
    for indicator in indicators:
        item = items.get(indicator.pk)
        base, value = automatic.get(indicator.pk, (0, None)) if indicator.is_metric else (item.points if item else 0,
                                                                                          None)
        total = base if indicator.veto else rules.clip(base + event_sums.get(indicator.pk, 0), indicator.max_points)
        rows.append({"indicator": indicator, "item": item, "base": base, "value": value,
                     "events": event_sums.get(indicator.pk, 0), "total": total})
    steps = workflow.steps_for(user, assessment)
    categories = defaultdict(list)
    for row in rows:
        categories[row["indicator"].category].append(row)
    return {
        "rows": rows, "categories": dict(categories), "events": events,
        "changes": list(ScoreChange.objects.filter(assessment=assessment)
                        .select_related("indicator", "author")[:200]),
        "objections": list(Objection.objects.filter(assessment=assessment).select_related("lodged_by", "answered_by")),
        "award": StarAward.objects.filter(assessment=assessment).first(),
        "steps": steps,
        "editing": bool(steps & {"self", "review"}),
    }


def api_assessments(user):
    """The API list: items and events prefetched (3 queries a page)."""
    return Assessment.objects.visible_to(user).prefetch_related(
        Prefetch("items", AssessmentItem.objects.order_by("indicator_id")),
        Prefetch("events", ScoreEvent.objects.order_by("recorded_on", "id")))


def _child_column(org):
    column = ANCESTRY_COLUMNS.get(org.level + 1)
    return f"{column}_id" if column else "org_id"


def star_map(org, year):
    """Per child organization of `org` (whose assessments are counted in its subtree): counts by stars 0–5, total,
    share at three or more, movement since last year (up, down) and the target of the year. 3 queries."""
    column = _child_column(org)
    effective = effective_stars()
    last = Coalesce(F("previous_stars"), Value(0))  # no award last year: moving up from none
    stars_counts = {f"s{n}": Count("pk", filter=Q(effective=n)) for n in range(rules.MAX_STARS + 1)}
    grouped = (Assessment.objects.filter(org.ancestry_q(), year=year).annotate(effective=effective)
               .values(column).annotate(total=Count("pk"), **stars_counts,
                                        up=Count("pk", filter=Q(effective__gt=last)),
                                        down=Count("pk", filter=Q(previous_stars__isnull=False,
                                                                  effective__lt=last)),
                                        scheme=Max("scheme_id"))
               .order_by())
    found = {row.pop(column): row for row in grouped}
    if org.level + 1 > Level.BRANCH:
        children = []
    else:
        children = list(Org.objects.filter(parent=org, is_active=True).only("pk", "name", "level", "path")
                        .order_by("path"))
    targets = dict(Scheme.objects.filter(pk__in={r["scheme"] for r in found.values()}).values_list("pk", "targets"))
    rows = []
    for child in children:
        row = found.get(child.pk, {"total": 0, "up": 0, "down": 0, "scheme": None,
                                   **{f"s{n}": 0 for n in range(rules.MAX_STARS + 1)}})
        rows.append(_map_row(child, row, targets, year))
    if org.pk in found:  # assessments of the organization itself (an assessed organization with branches)
        rows.insert(0, _map_row(org, found[org.pk], targets, year))
    totals = {"total": sum(r["total"] for r in rows), "up": sum(r["up"] for r in rows),
              "down": sum(r["down"] for r in rows),
              "counts": [sum(r["counts"][n] for r in rows) for n in range(rules.MAX_STARS + 1)]}
    totals["three_plus"] = sum(totals["counts"][rules.THREE:])
    totals["share"] = round(100 * totals["three_plus"] / totals["total"], 1) if totals["total"] else 0.0
    scheme_targets = [t for t in (targets.get(r["scheme"]) for r in found.values()) if t]
    totals["target"] = rules.target_for(scheme_targets[0], year) if scheme_targets else None
    return {"org": org, "year": year, "rows": rows, "totals": totals}


def _map_row(org, row, targets, year):
    counts = [row[f"s{n}"] for n in range(rules.MAX_STARS + 1)]
    three = sum(counts[rules.THREE:])
    share = round(100 * three / row["total"], 1) if row["total"] else 0.0
    target = rules.target_for(targets.get(row["scheme"]) or [], year)
    return {"org": org, "short_name": short_name(org.name), "counts": counts, "total": row["total"],
            "three_plus": three, "share": share, "target": target,
            "reached": target is not None and row["total"] and share >= target, "up": row["up"], "down": row["down"]}


def points_sum(queryset):
    return queryset.aggregate(s=Sum("score"))["s"] or 0


def default_year():
    """The year a page shows first: this year."""
    return timezone.localdate().year


def with_min_stars(queryset, stars):
    """Assessments at `stars` or more (approved stars, projected ones while open)."""
    return queryset.annotate(effective=effective_stars()).filter(effective__gte=stars)


def map_org(user, org_id):
    """The organization whose star map is asked (`org_id`, a string from the query), inside the user's subtree
    (404 outside it); the user's own organization when none is given."""
    own = user.scope_org
    if own is None:
        raise Http404
    if not org_id:
        return own
    if not org_id.isdigit() or len(org_id) > 15:
        raise Http404
    return get_visible_or_404(Org.objects.filter(own.subtree_q()), pk=int(org_id))
