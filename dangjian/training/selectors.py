"""抓培训's reads: the statistics (the same numbers on the page, in the export and at /api/v1/training/summary/),
plan progress, and the attendance behind every number (the drill-down)."""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import F, Q, Sum, Value
from django.utils import timezone

from dangjian.core import metrics as metrics_core
from dangjian.core.metrics import Period
from dangjian.orgs.choices import Status as PersonStatus
from dangjian.orgs.choices import Title
from dangjian.orgs.models import ANCESTRY_COLUMNS, Org, Person, Position
from dangjian.orgs.models import Level as OrgLevel

from . import metrics as m
from .models import Attendance, CourseProgress, Enrollment, Level, Method, Topic, TrainingPlan


def default_period(today=None):
    today = today or timezone.localdate()
    return Period(datetime.date(today.year, 1, 1), datetime.date(today.year, 12, 31))


def summary(org, period):
    """{person_times, trainees, hours, completion_rate, by_method, by_level} of `org`'s subtree in the period.
    by_method counts attendances per teaching method; by_level person-times per class level."""
    keys = [m.CLASS_PERSON_TIMES, m.COURSE_COMPLETIONS, m.CLASS_HOURS, m.COURSE_HOURS, m.COMPLETED, m.FINISHED,
            m.ATTENDANCES, *(m.method_key(v) for v in Method.values), *(m.level_key(v) for v in Level.values)]
    values = m.read(keys, org, period)
    finished = values[m.FINISHED]
    return {
        "person_times": values[m.CLASS_PERSON_TIMES] + values[m.COURSE_COMPLETIONS],
        "class_person_times": values[m.CLASS_PERSON_TIMES],
        "course_completions": values[m.COURSE_COMPLETIONS],
        "trainees": m.trainees(org, period),
        "hours": values[m.CLASS_HOURS] + values[m.COURSE_HOURS],
        "attendances": values[m.ATTENDANCES],
        "completion_rate": round(100 * values[m.COMPLETED] / finished, 1) if finished else None,
        "by_method": {v: values[m.method_key(v)] for v in Method.values},
        "by_level": {v: values[m.level_key(v)] for v in Level.values},
    }


def children_summary(org, period):
    """Person-times per child organization: the summary table for children it keeps (a county's), one bulk
    count per part for the others (townships and below)."""
    children = [c for c in Org.objects.filter(parent=org, is_active=True).order_by("path") if c.level == org.level + 1]
    parts = (m.CLASS_PERSON_TIMES, m.COURSE_COMPLETIONS)
    covered = [c for c in children if metrics_core.covered(c)]
    rest = [c.pk for c in children if not metrics_core.covered(c)]
    values = {c.pk: sum(m.read(parts, c, period).values()) for c in covered}
    for key in parts:
        for pk, n in metrics_core.get(key).compute(rest, period).items():
            values[pk] = values.get(pk, 0) + n
    return [{"org": child, "person_times": values.get(child.pk, 0)} for child in children]


def attendance_rows(user, params):
    """The attendance behind a number: scoped, filtered by org, period, method, level, class, base, organizer."""
    rows = _scoped_period(Attendance.objects.visible_to(user), user, params, "on")
    for name in ("method", "level", "way"):
        if params.get(name):
            rows = rows.filter(**{name: params[name]})
    for name in ("training_class", "base", "organizer", "lesson"):
        if params.get(name):
            rows = rows.filter(**{f"{name}_id": params[name]})
    return rows.select_related("person", "training_class", "lesson", "org")


# --- plans ---------------------------------------------------------------------------------------------------

@dataclass
class PlanProgress:
    plan: object
    required: dict  # topic -> hours
    total: int = 0
    done: int = 0
    by_org: list = field(default_factory=list)  # [{org, total, done}]
    behind: list = field(default_factory=list)  # [{person, hours: {topic: h}, short: {topic: h}}]

    @property
    def rate(self):
        return round(100 * self.done / self.total, 1) if self.total else None


def target_people(plan, org):
    """The plan's target group inside both the plan's and `org`'s subtrees (current members)."""
    people = Person.objects.filter(plan.org.ancestry_q(), org.ancestry_q(), status__in=PersonStatus.CURRENT)
    if plan.group == TrainingPlan.Group.MEMBERS:
        return people
    levels = [OrgLevel.VILLAGE] if plan.group == TrainingPlan.Group.VILLAGE_SECRETARIES else [
        OrgLevel.VILLAGE, OrgLevel.BRANCH]
    secretaries = Position.objects.filter(title=Title.SECRETARY, end_date__isnull=True,
                                          org__level__in=levels).values("person_id")
    return people.filter(pk__in=secretaries)


def credited_hours(person_ids, year):
    """{person_id: {topic: hours}} credited in `year` by completed classes and courses (two GROUP BYs)."""
    hours = defaultdict(lambda: defaultdict(int))
    span = (datetime.date(year, 1, 1), datetime.date(year, 12, 31))
    for pid, topic, h in (Enrollment.objects.filter(person_id__in=person_ids, status=Enrollment.Status.COMPLETED,
                                                    completed_on__range=span)
                          .values_list("person_id", "class_topic").annotate(h=Sum("hours")).order_by()):
        hours[pid][topic] += h or 0
    for pid, topic, h in (CourseProgress.objects.filter(person_id__in=person_ids, completed_on__range=span)
                          .values_list("person_id", "topic").annotate(h=Sum("hours")).order_by()):
        hours[pid][topic] += h or 0
    return hours


def plan_progress(plan, org, with_people=False, limit=500):
    """Who in `org`'s part of the plan met every required hour, per organization below `org`; with_people also
    lists who is behind (for their administrators only, ordered by organization and name — never a ranking)."""
    required = {r.topic: r.hours for r in plan.requirements.all()}
    progress = PlanProgress(plan, required)
    column = ANCESTRY_COLUMNS.get(org.level + 1)
    group_field = f"{column}_id" if column else "org_id"
    people = list(target_people(plan, org).values_list("pk", group_field))
    hours = credited_hours([pk for pk, _g in people], plan.year)
    per_org = defaultdict(lambda: [0, 0])
    behind_ids = []
    for pk, group in people:
        got = hours.get(pk, {})
        met = all(got.get(topic, 0) >= need for topic, need in required.items())
        per_org[group][0] += 1
        per_org[group][1] += met
        progress.total += 1
        progress.done += met
        if not met:
            behind_ids.append(pk)
    orgs = Org.objects.in_bulk([g for g in per_org if g])
    progress.by_org = sorted(({"org": orgs.get(g), "total": t, "done": d} for g, (t, d) in per_org.items()
                              if orgs.get(g)), key=lambda row: row["org"].path)
    if with_people and behind_ids:
        for person in (Person.objects.filter(pk__in=behind_ids[: limit * 4]).select_related("org")
                       .order_by("org__path", "pinyin", "pk")[:limit]):
            got = hours.get(person.pk, {})
            progress.behind.append({"person": person, "hours": dict(got), "short": {
                Topic(topic).label: need - got.get(topic, 0)
                for topic, need in required.items() if got.get(topic, 0) < need}})
    return progress


def person_record(person_id, year):
    """A member's own training in a year: classes and courses with the hours credited (their 学习档案)."""
    span = (datetime.date(year, 1, 1), datetime.date(year, 12, 31))
    enrollments = (Enrollment.objects.filter(person_id=person_id).filter(
        Q(class_end__range=span) | Q(completed_on__range=span)).select_related("training_class"))
    courses = CourseProgress.objects.filter(person_id=person_id).select_related("course")
    return enrollments, courses


def _scoped_period(rows, user, params, date_field):
    org_id, first, last = params.get("org"), params.get("from"), params.get("to")
    if org_id:
        org = Org.objects.visible_to(user).filter(pk=org_id).first()
        rows = rows.filter(org.ancestry_q()) if org else rows.none()
    if first:
        rows = rows.filter(**{f"{date_field}__gte": first})
    if last:
        rows = rows.filter(**{f"{date_field}__lte": last})
    return rows


def person_time_rows(user, params):
    """The person-times behind the number, as one list: each (person, class) with a first attendance, and each
    completed online course — (kind, id, on, person name, organization name, title), newest first."""
    classes = _scoped_period(Enrollment.objects.visible_to(user).filter(m.ATTENDED), user, params,
                             "first_attended_on")
    if params.get("level"):
        classes = classes.filter(class_level=params["level"])
    classes = classes.annotate(kind=Value("class"), on=F("first_attended_on"), title=F("training_class__title"))
    courses = _scoped_period(CourseProgress.objects.visible_to(user).filter(completed_on__isnull=False), user,
                             params, "completed_on")
    courses = courses.annotate(kind=Value("course"), on=F("completed_on"), title=F("course__title"))
    if params.get("level"):
        courses = courses.none()
    fields = ("kind", "id", "on", "person__name", "org__name", "title")
    return classes.values_list(*fields).order_by().union(courses.values_list(*fields).order_by(),
                                                         all=True).order_by("-on", "-id")
