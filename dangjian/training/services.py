"""抓培训's writes: bases, classes, lessons, enrolment, completion. Each is scope + lock + validate + write +
audit in one transaction (check-in and courses: checkin.py, courses.py; the roster import: roster.py)."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from dangjian.core import audit, metrics
from dangjian.core.scoping import require, require_editable
from dangjian.orgs.models import Org, Person

from .capabilities import TRAINING_MANAGE
from .models import Enrollment, Lesson, TrainingBase, TrainingClass

OCCUPYING = (Enrollment.Status.ENROLLED, Enrollment.Status.COMPLETED)  # statuses that take a seat


def _require_manager(actor):
    if actor is not None and not actor.has_capability(TRAINING_MANAGE):
        raise PermissionDenied


def _editable_org(actor, org):
    """The organization a base, class, plan or course will belong to: inside the actor's subtree (else not
    found), and the actor's role runs training (else 403)."""
    if actor is not None:
        require(Org.objects.visible_to(actor), org)
        _require_manager(actor)
    return org


@transaction.atomic
def base_create(*, actor, org, name, place, capacity, description=""):
    _editable_org(actor, org)
    base = TrainingBase(name=name, place=place, capacity=capacity, description=description)
    base.set_org(org)
    base.full_clean()
    base.save()
    audit.record("training.base.create", actor=actor, obj=base, after={"name": name, "capacity": capacity})
    return base


CLASS_FIELDS = ("level", "title", "audience", "topic", "start_date", "end_date", "base", "place", "capacity",
                "hours", "completion_share")


@transaction.atomic
def class_create(*, actor, org, level, title, audience, topic, start_date, end_date, capacity, hours,
                 base=None, place="", completion_share=80, status=TrainingClass.Status.PLANNED):
    """A class organized by `org` (a party school's branch, a township committee), inside the actor's subtree."""
    _editable_org(actor, org)
    if base is not None and actor is not None:
        require(TrainingBase.objects.visible_to(actor), base)
    klass = TrainingClass(level=level, title=title, audience=audience, topic=topic, start_date=start_date,
                          end_date=end_date, capacity=capacity, hours=hours, base=base, place=place or "",
                          completion_share=completion_share, status=status, created_by=actor)
    klass.set_org(org)
    klass.full_clean()
    klass.save()
    audit.record("training.class.create", actor=actor, obj=klass,
                 after={"title": title, "level": level, "start": str(start_date), "end": str(end_date)})
    return klass


def _locked_class(actor, training_class):
    """The class, locked, if the actor may run it (outside scope: not found; a read-only role: 403)."""
    if actor is not None:
        require_editable(actor, training_class)
    return TrainingClass.objects.select_for_update().get(pk=training_class.pk)


def _not_finished(klass):
    if klass.status == TrainingClass.Status.FINISHED:
        raise ValidationError(_("The class %(title)s has finished.") % {"title": klass.title}, code="finished")


@transaction.atomic
def class_open(*, actor, training_class):
    """Open the class for enrolment: members of the organizer's subtree may then enrol themselves."""
    klass = _locked_class(actor, training_class)
    if klass.status != TrainingClass.Status.PLANNED:
        raise ValidationError(_("Only a planned class can be opened for enrolment."), code="status")
    klass.status = TrainingClass.Status.OPEN
    klass.save(update_fields=["status"])
    audit.record("training.class.open", actor=actor, obj=klass)
    return klass


@transaction.atomic
def lesson_create(*, actor, training_class, starts_at, ends_at, topic, lecturer, method):
    klass = _locked_class(actor, training_class)
    _not_finished(klass)
    lesson = Lesson(training_class=klass, starts_at=starts_at, ends_at=ends_at, topic=topic, lecturer=lecturer,
                    method=method)
    lesson.full_clean()
    lesson.save()
    audit.record("training.lesson.create", actor=actor, obj=lesson, org=klass.org_id,
                 after={"class": klass.pk, "starts_at": starts_at.isoformat(), "method": method})
    return lesson


# --- enrolment -------------------------------------------------------------------------------------------------

def _clashes(klass, person_ids):
    """{person_id: title of a class of theirs whose dates overlap this one's} (enrolled, not this class)."""
    rows = (Enrollment.objects.filter(person_id__in=person_ids, status=Enrollment.Status.ENROLLED,
                                      class_end__gte=klass.start_date,
                                      training_class__start_date__lte=klass.end_date)
            .exclude(training_class=klass).values_list("person_id", "training_class__title"))
    return dict(rows)


def enrollment_problems(klass, people, *, taken=None):
    """[(person, message)] for everyone of `people` who cannot be enrolled (already on it, a clash of dates), and
    a class-wide message when the seats do not suffice. Used by the pick, the roster and self-enrolment."""
    ids = [p.pk for p in people]
    already = set(Enrollment.objects.filter(training_class=klass, person_id__in=ids).exclude(
        status=Enrollment.Status.DROPPED).values_list("person_id", flat=True))
    clashes = _clashes(klass, ids)
    problems, seen = [], set()
    for person in people:
        if person.pk in seen:
            problems.append((person, _("%(name)s is listed twice.") % {"name": person.name}))
        elif person.pk in already:
            problems.append((person, _("%(name)s is already enrolled in this class.") % {"name": person.name}))
        elif person.pk in clashes:
            problems.append((person, _("%(name)s is enrolled in %(other)s at the same time.")
                             % {"name": person.name, "other": clashes[person.pk]}))
        seen.add(person.pk)
    taken = klass.enrollments.filter(status__in=OCCUPYING).count() if taken is None else taken
    free = klass.capacity - taken
    if len(set(ids)) > free:
        problems.append((None, _("The class has %(free)d free places of %(capacity)d; %(n)d people cannot all be "
                                 "enrolled.") % {"free": max(free, 0), "capacity": klass.capacity,
                                                 "n": len(set(ids))}))
    return problems


def _write_enrollments(actor, klass, people, source):
    dropped = {e.person_id: e for e in Enrollment.objects.filter(training_class=klass, person__in=people,
                                                                  status=Enrollment.Status.DROPPED)}
    created = []
    for person in people:
        enrollment = dropped.get(person.pk) or Enrollment(training_class=klass, person=person)
        enrollment.set_org(person.org)
        enrollment.status, enrollment.source = Enrollment.Status.ENROLLED, source
        enrollment.class_level, enrollment.class_topic = klass.level, klass.topic
        enrollment.class_end, enrollment.class_finished = klass.end_date, False
        created.append(enrollment)
    with metrics.track(*created):
        for enrollment in created:
            enrollment.save()
    audit.record("training.enroll", actor=actor, obj=klass, after={"source": source,
                                                                   "people": [p.pk for p in people]})
    return created


def _refuse(problems):
    raise ValidationError([message for _person, message in problems], code="enrol")


@transaction.atomic
def enroll(*, actor, training_class, people, source=Enrollment.Source.PICK):
    """Enrol people chosen by staff: the class must be theirs to run and each person inside their scope (else
    not found); all or nothing, with every problem listed."""
    klass = _locked_class(actor, training_class)
    _not_finished(klass)
    people = list(people)
    if not people:
        raise ValidationError(_("Choose at least one person."), code="empty")
    visible = set(Person.objects.visible_to(actor).filter(pk__in=[p.pk for p in people]).values_list("pk",
                                                                                                      flat=True))
    if any(p.pk not in visible for p in people):
        require(None, None)
    problems = enrollment_problems(klass, people)
    if problems:
        _refuse(problems)
    return _write_enrollments(actor, klass, people, source)


@transaction.atomic
def enroll_self(*, actor, training_class):
    """A member enrols in an open class offered to them (the organizer's subtree holds their organization)."""
    require(TrainingClass.objects.visible_to(actor), training_class)
    if actor.person_id is None:
        raise ValidationError(_("Your account is not linked to a member record."), code="no_person")
    klass = TrainingClass.objects.select_for_update().get(pk=training_class.pk)
    if klass.status != TrainingClass.Status.OPEN:
        raise ValidationError(_("This class is not open for enrolment."), code="closed")
    person = Person.objects.get(pk=actor.person_id)
    if not person.org.path.startswith(klass.offered_to.path):  # a staff member may see classes not offered to them
        require(None, None)
    problems = enrollment_problems(klass, [person])
    if problems:
        _refuse(problems)
    return _write_enrollments(actor, klass, [person], Enrollment.Source.SELF)[0]


@transaction.atomic
def enrollment_drop(*, actor, enrollment):
    require_editable(actor, enrollment.training_class)
    enrollment = Enrollment.objects.select_for_update().get(pk=enrollment.pk)
    if enrollment.status != Enrollment.Status.ENROLLED:
        raise ValidationError(_("Only an enrolled trainee can be dropped."), code="status")
    with metrics.track(enrollment):
        enrollment.status = Enrollment.Status.DROPPED
        enrollment.save(update_fields=["status"])
    audit.record("training.drop", actor=actor, obj=enrollment)
    return enrollment


# --- completion ---------------------------------------------------------------------------------------------

def completes(klass, attended, lesson_count):
    """The completion rule: attended at least `completion_share` % of the lessons (80 % unless set)."""
    return lesson_count > 0 and attended * 100 >= klass.completion_share * lesson_count


@transaction.atomic
def class_finish(*, actor, training_class, on=None):
    """Close the class: each enrolled trainee who meets the completion rule completes it and is credited its
    hours (on `on`, the class's last day by default); the others stay enrolled, uncredited."""
    klass = _locked_class(actor, training_class)
    _not_finished(klass)
    on = on or min(klass.end_date, timezone.localdate())
    lessons = klass.lessons.count()
    if lessons == 0:
        raise ValidationError(_("A class without lessons cannot be finished."), code="no_lessons")
    enrollments = list(Enrollment.objects.select_for_update().filter(training_class=klass)
                       .exclude(status=Enrollment.Status.DROPPED))
    completed = 0
    with metrics.track(*enrollments):
        for enrollment in enrollments:
            enrollment.class_finished = True
            if completes(klass, enrollment.attended, lessons):
                enrollment.status, enrollment.completed_on, enrollment.hours = (
                    Enrollment.Status.COMPLETED, on, klass.hours)
                completed += 1
        Enrollment.objects.bulk_update(enrollments, ["class_finished", "status", "completed_on", "hours"])
    klass.status = TrainingClass.Status.FINISHED
    klass.save(update_fields=["status"])
    audit.record("training.class.finish", actor=actor, obj=klass,
                 after={"trainees": len(enrollments), "completed": completed, "lessons": lessons})
    return klass
