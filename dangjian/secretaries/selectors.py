"""Reads of 抓书记: the compliance rows behind the compliance view, the accountability overview, their export
and the API; the lists' querysets. Every read starts from `visible_to(user)` or from an organization the caller
already found in scope.

`compliance(org, year)` costs five queries whatever the size of the subtree: the children, then one GROUP BY per
fact table (sessions, contact points with their visits, topics, reviews) over all children at once.
"""

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Q
from django.db.models.functions import ExtractQuarter
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dangjian.orgs.models import Level, Org

from . import actors, rules
from .metrics import GRADED, stalled_q, visits_due_per_point
from .models import CommitteeSession, ContactPoint, Grade, SecretaryReview, Topic

STATUSES = (rules.ON_TRACK, rules.BEHIND, rules.MISSING)
LAGGING = "lagging"  # behind or missing: what the compliance view and the home card point at
STATUS_FILTERS = (*STATUSES, LAGGING)
STATUS_LABELS = {rules.ON_TRACK: _("Meets the requirements"), rules.BEHIND: _("Behind"), rules.MISSING: _("Missing"),
                 LAGGING: _("Behind or missing")}
STATUS_CHOICES = [(key, STATUS_LABELS[key]) for key in (LAGGING, *STATUSES)]


@dataclass
class ComplianceRow:
    org: Org
    study_sessions: int = 0
    study_quarters: int = 0
    study_required: int = 0
    plenary_reports: int = 0
    plenary_required: int = 0
    points: int = 0
    visits: int = 0
    visits_counted: int = 0  # visits up to each point's requirement
    visits_due: int = 0
    topics: dict = field(default_factory=dict)
    review_grade: str | None = None
    status: str = rules.ON_TRACK

    @property
    def status_label(self):
        return STATUS_LABELS[self.status]

    @property
    def grade_label(self):
        return Grade(self.review_grade).label if self.review_grade else ""

    def topic_count(self, status):
        return self.topics.get(status, 0)

    @property
    def is_committee(self):
        return actors.is_committee(self.org)

    def as_api(self):
        return {
            "org": self.org.pk, "org_name": self.org.name, "level": self.org.level,
            "study_sessions": self.study_sessions, "study_required": self.study_required,
            "plenary_reports": self.plenary_reports, "plenary_required": self.plenary_required,
            "visits": self.visits, "visits_due": self.visits_due, "topics": self.topics,
            "review_grade": self.review_grade, "status": self.status,
        }


def compliance(org, year, today=None):
    """[ComplianceRow] for each active child of `org` in `year` (committees, villages and communities; a village's
    branches when `org` is a village): its own committee's sessions against the
    requirement, its leaders' contact visits against those due so far (for a grassroots child: the visits it
    received), the topics it listed per step, its secretary's review grade, and the status."""
    today = today or timezone.localdate()
    children = Org.objects.filter(parent=org, is_active=True).order_by("path")
    if org.level < Level.VILLAGE:  # the organs' own branches beside the committees and villages answer for nothing
        children = children.filter(level__lte=Level.VILLAGE)
    children = list(children)
    rows = {child.pk: ComplianceRow(child) for child in children}
    if not rows:
        return []
    ids = list(rows)
    quarters_due = rules.quarters_due(year, today)
    per_point = visits_due_per_point(year, today)
    for row in rows.values():
        if row.is_committee:
            row.study_required = rules.study_required(year, today)
            row.plenary_required = rules.plenary_due(year, today)
    sessions = (CommitteeSession.objects.filter(org_id__in=ids, held_on__year=year)
                .annotate(q=ExtractQuarter("held_on")).values_list("org_id", "kind", "q")
                .annotate(n=Count("pk")).order_by())
    quarters = defaultdict(set)
    for org_id, kind, quarter, n in sessions:
        row = rows[org_id]
        if kind == CommitteeSession.Kind.STUDY:
            row.study_sessions += n
            if quarter <= quarters_due:
                quarters[org_id].add(quarter)
        else:
            row.plenary_reports += n
    for org_id, covered in quarters.items():
        rows[org_id].study_quarters = len(covered)
    points = (ContactPoint.objects.filter(Q(committee_id__in=ids) | Q(org_id__in=ids), year=year)
              .values_list("committee_id", "org_id").annotate(n=Count("visits")).order_by())
    for committee_id, org_id, n in points:
        row = rows.get(committee_id) or rows[org_id]  # a committee's leaders; else the grassroots child visited
        row.points += 1
        row.visits += n
        row.visits_counted += min(n, per_point)
        row.visits_due += per_point
    for org_id, status, n in (Topic.objects.filter(org_id__in=ids, year=year)
                              .values_list("org_id", "status").annotate(n=Count("pk")).order_by()):
        rows[org_id].topics[status] = n
    for org_id, grade in SecretaryReview.objects.filter(org_id__in=ids, year=year, status__in=GRADED) \
            .values_list("org_id", "grade"):
        rows[org_id].review_grade = grade
    for row in rows.values():
        row.status = rules.compliance_status(
            study_quarters=row.study_quarters, study_quarters_due=quarters_due if row.is_committee else 0,
            plenary=row.plenary_reports, plenary_required=row.plenary_required,
            visits_counted=row.visits_counted, visits_due=row.visits_due)
    return list(rows.values())


def with_status(rows, status):
    """The rows of one status, or those behind or missing (`lagging`)."""
    if status == LAGGING:
        return [row for row in rows if row.status != rules.ON_TRACK]
    return [row for row in rows if row.status == status]


# --- lists -----------------------------------------------------------------------------------------------------


def topics(user):
    return Topic.objects.visible_to(user).select_related("org", "owner")


def stalled_topics(user):
    return topics(user).filter(stalled_q())


def topics_to_act(user):
    """Topics waiting for the user's own step (to-dos)."""
    return topics(user).filter(actors.topic_step_q(user))


def points_behind(queryset, year, today=None):
    """Contact points of `year` with fewer visits than due so far."""
    due = visits_due_per_point(year, today or timezone.localdate())
    return queryset.filter(year=year).annotate(n=Count("visits")).filter(n__lt=due).order_by("committee_id", "id")


def reviews_to_grade(user):
    """Submitted reviews of the organizations right below the user's own (the committee above grades them)."""
    return (SecretaryReview.objects.visible_to(user).filter(status=SecretaryReview.Status.SUBMITTED,
                                                            org__parent_id=user.org_id)
            .select_related("org", "person"))


def export_table(rows):
    """(headers, lines) of the compliance rows for an Excel or CSV export (core.tabular)."""
    headers = [_("Organization"), _("Study sessions held"), _("Study sessions required"),
               _("Reports to the plenary"), _("Reports required"), _("Contact visits made"), _("Contact visits due"),
               *(label for _value, label in Topic.Status.choices), _("Review grade"), _("Status")]
    lines = [[row.org.name, row.study_sessions, row.study_required, row.plenary_reports, row.plenary_required,
              row.visits, row.visits_due, *(row.topic_count(value) for value in Topic.Status.values),
              str(row.grade_label), str(row.status_label)] for row in rows]
    return [str(h) for h in headers], lines
