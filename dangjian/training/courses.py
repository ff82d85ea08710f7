"""远程教育 and 学习培训计划 writes: courses with their courseware, a member's progress, yearly plans.

Progress is where the member has got to (seconds of video, pages of a PDF): it only moves forward and never past
the course's length; reaching 90 % completes the course and credits its hours. What is credited is completion,
never time spent online (no timer, no quota)."""

import math

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from dangjian.core import attachments, audit, metrics
from dangjian.core.scoping import require
from dangjian.orgs.models import Person

from .checkin import note_trainee
from .models import COMPLETION_SHARE, Course, CourseProgress, PlanRequirement, Topic, TrainingPlan
from .services import _editable_org

COURSEWARE = "courseware"
COURSEWARE_TYPES = {Course.Kind.VIDEO: "mp4", Course.Kind.PDF: "pdf"}


@transaction.atomic
def course_create(*, actor, org, title, topic, kind, length, hours, description="", series="", file=None):
    _editable_org(actor, org)
    course = Course(title=title, topic=topic, kind=kind, length=length, hours=hours, description=description,
                    series=series, created_by=actor)
    course.set_org(org)
    course.full_clean()
    course.save()
    if file is not None:
        attachment = attachments.attachment_add(actor=actor, owner=course, file=file, purpose=COURSEWARE)
        if attachment.kind != COURSEWARE_TYPES[kind]:
            raise ValidationError({"file": _("The courseware of a %(kind)s course must be a %(type)s file.") % {
                "kind": course.get_kind_display(), "type": COURSEWARE_TYPES[kind].upper()}})
    audit.record("training.course.create", actor=actor, obj=course, after={"title": title, "kind": kind})
    return course


def completion_point(course):
    return math.ceil(course.length * COMPLETION_SHARE)


@transaction.atomic
def progress_record(*, actor, course, position, on=None):
    """The member's own progress in a course they can see: forward only, at most the length."""
    require(Course.objects.visible_to(actor), course)
    if actor.person_id is None:
        raise ValidationError(_("Your account is not linked to a member record."), code="no_person")
    person = Person.objects.select_related("org").get(pk=actor.person_id)
    progress = record_progress(person, course, position, on=on)
    audit.record("training.course.progress", actor=actor, obj=progress,
                 after={"course": course.pk, "position": progress.position,
                        "completed": progress.completed_on is not None})
    return progress


def record_progress(person, course, position, on=None):
    """The write behind progress_record, for a person the caller has checked (the demo's records use it too)."""
    try:
        position = int(position)
    except (TypeError, ValueError):
        raise ValidationError({"position": _("Enter a whole number.")}) from None
    if position < 0 or position > course.length:
        raise ValidationError({"position": _("The position must be between 0 and %(length)d.")
                               % {"length": course.length}})
    progress = CourseProgress.objects.select_for_update().filter(course=course, person=person).first()
    if progress is None:
        progress = CourseProgress(course=course, person=person, topic=course.topic)
        progress.set_org(person.org)
    if position < progress.position:
        raise ValidationError({"position": _("Progress only moves forward: you are already at %(at)d.")
                               % {"at": progress.position}})
    with metrics.track(progress):
        progress.position = position
        if progress.completed_on is None and position >= completion_point(course):
            progress.completed_on, progress.hours = on or timezone.localdate(), course.hours
        progress.save()
    if progress.completed_on is not None and progress.completed_on == (on or timezone.localdate()):
        note_trainee(person.pk, person.org, progress.completed_on)
    return progress


@transaction.atomic
def plan_create(*, actor, org, year, title, group, requirements):
    """A yearly plan for `org`'s subtree: required hours per topic ({topic: hours}) for the target group."""
    _editable_org(actor, org)
    requirements = {topic: int(hours) for topic, hours in (requirements or {}).items() if int(hours or 0) > 0}
    if not requirements:
        raise ValidationError(_("Give the required hours of at least one topic."), code="empty")
    unknown = set(requirements) - set(Topic.values)
    if unknown:
        raise ValidationError(_("Unknown topic: %(topics)s.") % {"topics": ", ".join(sorted(unknown))})
    plan = TrainingPlan(year=year, title=title, group=group, created_by=actor)
    plan.set_org(org)
    plan.full_clean()
    plan.save()
    PlanRequirement.objects.bulk_create(PlanRequirement(plan=plan, topic=t, hours=h) for t, h in requirements.items())
    audit.record("training.plan.create", actor=actor, obj=plan, after={"year": year, "requirements": requirements})
    return plan
