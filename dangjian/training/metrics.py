"""抓培训's figures (core.metrics). 人次 (person-times) = (person, class) pairs with at least one attendance — an
enrolment with a first attendance, dated by it — plus completed online courses. The parts that add up are kept in
the summary table (the upper levels read them in a millisecond); distinct trainees cannot be added up, so they
are counted from the facts (one covering index per level).
"""

from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from dangjian.core import metrics
from dangjian.core.metrics import Metric, register
from dangjian.orgs.models import Org, Position

from .models import Attendance, CourseProgress, Enrollment, Level, Method, TraineeYear, TrainingPlan

PERSON_TIMES = "training.person_times"
TRAINEES = "training.trainees"
HOURS = "training.hours"
PLAN_COMPLETION = "training.plan_completion"
SECRETARIES_TRAINED = "training.secretaries_trained"

CLASS_PERSON_TIMES = "training.person_times.classes"
COURSE_COMPLETIONS = "training.person_times.courses"
CLASS_HOURS = "training.hours.classes"
COURSE_HOURS = "training.hours.courses"
ATTENDANCES = "training.attendances"
COMPLETED = "training.enrollments.completed"
FINISHED = "training.enrollments.finished"  # enrolments of finished classes: the completion rate's denominator
TRAINEES_BY_YEAR = "training.trainees.by_year"  # distinct trainees of whole calendar years (TraineeYear)


def method_key(method):
    return f"training.attendances.{method}"


def level_key(level):
    return f"training.person_times.{level}"


ATTENDED = Q(first_attended_on__isnull=False)
register(Metric(CLASS_PERSON_TIMES, _("Person-times in classes"), _("person-times"), model=Enrollment,
                where=ATTENDED, date_field="first_attended_on", kept=True))
register(Metric(COURSE_COMPLETIONS, _("Online courses completed"), _("person-times"), model=CourseProgress,
                where=Q(completed_on__isnull=False), date_field="completed_on", kept=True))
register(Metric(CLASS_HOURS, _("Hours credited by classes"), _("hours"), model=Enrollment,
                where=Q(status=Enrollment.Status.COMPLETED), date_field="completed_on", value_field="hours",
                kept=True))
register(Metric(COURSE_HOURS, _("Hours credited by online courses"), _("hours"), model=CourseProgress,
                where=Q(completed_on__isnull=False), date_field="completed_on", value_field="hours", kept=True))
register(Metric(ATTENDANCES, _("Attendances"), _("attendances"), model=Attendance, where=Q(pk__isnull=False),
                date_field="on", kept=True))  # a kept metric needs a condition (When() refuses an empty Q)
register(Metric(COMPLETED, _("Trainees who completed a class"), _("people"), model=Enrollment,
                where=Q(status=Enrollment.Status.COMPLETED), date_field="completed_on", kept=True))
register(Metric(FINISHED, _("Trainees of finished classes"), _("people"), model=Enrollment,
                where=Q(class_finished=True) & ~Q(status=Enrollment.Status.DROPPED), date_field="class_end",
                kept=True))
register(Metric(TRAINEES_BY_YEAR, _("Trainees of the year"), _("people"), model=TraineeYear,
                where=Q(pk__isnull=False), date_field="first_on", kept=True))
for _method, _label in Method.choices:
    register(Metric(method_key(_method), _label, _("attendances"), model=Attendance, where=Q(method=_method),
                    date_field="on", kept=True))
for _level, _label in Level.choices:
    register(Metric(level_key(_level), _label, _("person-times"), model=Enrollment,
                    where=ATTENDED & Q(class_level=_level), date_field="first_attended_on", kept=True))


def read(keys, org, period=None):
    """{key: value} for `org`'s subtree: the summary table for the upper levels, the facts below (core.metrics)."""
    return metrics.values(keys, org, period)


def _sum_of(*keys):
    def compute(org_ids, period=None):
        result = {}
        for org in Org.objects.filter(pk__in=list(org_ids)):
            result[org.pk] = sum(read(keys, org, period).values())
        return result
    return compute


register(Metric(PERSON_TIMES, _("Training person-times"), _("person-times"),
                compute_fn=_sum_of(CLASS_PERSON_TIMES, COURSE_COMPLETIONS)))
register(Metric(HOURS, _("Training hours credited"), _("hours"), compute_fn=_sum_of(CLASS_HOURS, COURSE_HOURS)))


def _subtree_rows(model, org, period, date_field):
    rows = model._default_manager.filter(org.ancestry_q())
    if period is not None:
        rows = rows.filter(**{f"{date_field}__range": (period.start, period.end)})
    return rows


def trainee_ids(org, period=None):
    """The people of `org`'s subtree trained in the period: at least one attendance, or a completed course."""
    classes = _subtree_rows(Enrollment, org, period, "first_attended_on").filter(ATTENDED)
    courses = _subtree_rows(CourseProgress, org, period, "completed_on").filter(completed_on__isnull=False)
    return classes.values("person_id").order_by().union(courses.values("person_id").order_by())


def whole_years(period):
    return (period is not None and (period.start.month, period.start.day) == (1, 1)
            and (period.end.month, period.end.day) == (12, 31) and period.start.year <= period.end.year)


def trainees(org, period=None):
    """Distinct people of `org`'s subtree trained in the period. A single calendar year (the pages' default) is the
    kept TraineeYear count; any other period is counted from the facts."""
    if whole_years(period) and period.start.year == period.end.year:
        return read([TRAINEES_BY_YEAR], org, period)[TRAINEES_BY_YEAR]
    return trainee_ids(org, period).count()


def _trainees(org_ids, period=None):
    return {org.pk: trainees(org, period) for org in Org.objects.filter(pk__in=list(org_ids))}


def _secretaries_trained(org_ids, period=None):
    """Current secretaries (书记 of any organization) of the subtree who completed a class or a course."""
    secretary = Position.objects.filter(person_id=OuterRef("person_id"), title="secretary", end_date__isnull=True)
    result = {}
    for org in Org.objects.filter(pk__in=list(org_ids)):
        classes = _subtree_rows(Enrollment, org, period, "completed_on").filter(
            status=Enrollment.Status.COMPLETED).filter(Exists(secretary)).values("person_id").order_by()
        courses = _subtree_rows(CourseProgress, org, period, "completed_on").filter(
            completed_on__isnull=False).filter(Exists(secretary)).values("person_id").order_by()
        result[org.pk] = classes.union(courses).count()
    return result


def _plan_completion(org_ids, period=None):
    """Percentage of the target people of the plans run in each subtree (and that year) who met every required
    hour (selectors.plan_progress)."""
    from .selectors import plan_progress

    result = {}
    for org in Org.objects.filter(pk__in=list(org_ids)):
        plans = TrainingPlan.objects.filter(org.ancestry_q())
        if period is not None:
            plans = plans.filter(year__range=(period.start.year, period.end.year))
        done = total = 0
        for plan in plans.order_by("-year")[:5]:
            progress = plan_progress(plan, org)
            done += progress.done
            total += progress.total
        result[org.pk] = round(100 * done / total) if total else 0
    return result


register(Metric(TRAINEES, _("Distinct trainees"), _("people"), compute_fn=_trainees))
register(Metric(SECRETARIES_TRAINED, _("Secretaries trained"), _("people"), compute_fn=_secretaries_trained))
register(Metric(PLAN_COMPLETION, _("Training plan completion"), "%", compute_fn=_plan_completion))
