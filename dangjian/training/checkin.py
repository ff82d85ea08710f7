"""签到: the lesson's QR token and the two ways of checking in (the trainee's scan, staff by hand with a reason).

The token is Django's signing of `{lesson id, expiry}` with its own salt: nobody can forge it without the secret
key, it names one lesson, and it expires when the lesson ends. It is valid from EARLY before the lesson starts
(trainees arrive early) until its end; the platform draws the QR code itself (segno), no outside service.
"""

import datetime

from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from dangjian.core import audit, metrics
from dangjian.core.scoping import require, require_editable

from .capabilities import TRAINING_MANAGE
from .models import Attendance, Enrollment, Lesson, TraineeYear, TrainingClass

SALT = "dangjian.training.checkin"
EARLY = datetime.timedelta(minutes=30)


def token_for(lesson):
    return signing.dumps({"l": lesson.pk, "e": int(lesson.ends_at.timestamp())}, salt=SALT, compress=True)


def qr_payload(*, actor, lesson, request=None):
    """{token, url, expires_at} for the lesson's QR code; only for staff who run the class."""
    require_editable(actor, lesson.training_class)
    token = token_for(lesson)
    url = reverse("training:check_in", args=[lesson.pk]) + f"?t={token}"
    if request is not None:
        url = request.build_absolute_uri(url)
    return {"token": token, "url": url, "expires_at": lesson.ends_at}


def qr_svg(url):
    import segno

    return segno.make(url, error="m").svg_inline(scale=6, border=2, dark="#000", light="#fff")


def _read_token(token, lesson, now):
    try:
        payload = signing.loads(token or "", salt=SALT)
    except signing.BadSignature:
        raise ValidationError(_("This check-in code is not valid."), code="forged") from None
    if not isinstance(payload, dict) or payload.get("l") != lesson.pk:
        raise ValidationError(_("This check-in code belongs to another lesson."), code="other_lesson")
    if now.timestamp() > payload.get("e", 0) or now > lesson.ends_at:
        raise ValidationError(_("This check-in code has expired: the lesson is over."), code="expired")
    if now < lesson.starts_at - EARLY:
        raise ValidationError(_("Check-in opens 30 minutes before the lesson starts."), code="early")


def _attend(actor, lesson, enrollment, *, way, reason="", now=None):
    now = now or timezone.now()
    klass = lesson.training_class
    attendance = Attendance(lesson=lesson, enrollment=enrollment, person_id=enrollment.person_id,
                            training_class=klass, on=timezone.localdate(lesson.starts_at), at=now,
                            method=lesson.method,
                            level=klass.level, organizer_id=klass.org_id, base_id=klass.base_id, way=way,
                            reason=reason, recorded_by=actor)
    attendance.set_org(enrollment.org)
    enrollment.attended += 1
    if enrollment.first_attended_on is None:
        enrollment.first_attended_on = attendance.on
    try:
        with transaction.atomic(), metrics.track(attendance, enrollment):
            attendance.save()
            enrollment.save(update_fields=["attended", "first_attended_on"])
        note_trainee(enrollment.person_id, enrollment.org, attendance.on)
    except IntegrityError:  # two scans at once: the unique (lesson, person) index decides
        raise _twice(enrollment) from None
    if klass.status in (TrainingClass.Status.PLANNED, TrainingClass.Status.OPEN):
        TrainingClass.objects.filter(pk=klass.pk).update(status=TrainingClass.Status.RUNNING)
    return attendance


def note_trainee(person_id, org, on):
    """The person's first training of that year (TraineeYear), if this is it: distinct trainees as a count."""
    if TraineeYear.objects.filter(person_id=person_id, year=on.year).exists():
        return
    row = TraineeYear(person_id=person_id, year=on.year, first_on=on)
    row.set_org(org)
    with transaction.atomic(), metrics.track(row):
        row.save()


def _twice(enrollment):
    return ValidationError(_("%(name)s has already checked in to this lesson.") % {"name": enrollment.person.name},
                           code="twice")


def _locked_enrollment(lesson, person_id):
    enrollment = (Enrollment.objects.select_for_update().select_related("person")
                  .filter(training_class_id=lesson.training_class_id, person_id=person_id)
                  .exclude(status=Enrollment.Status.DROPPED).first())
    if enrollment is None:
        raise ValidationError(_("You are not enrolled in this class."), code="not_enrolled")
    if Attendance.objects.filter(lesson=lesson, person_id=person_id).exists():
        raise _twice(enrollment)
    return enrollment


@transaction.atomic
def check_in(*, actor, lesson, token, now=None):
    """The signed-in trainee checks themself in with the lesson's token (from the QR code)."""
    now = now or timezone.now()
    lesson = Lesson.objects.select_related("training_class").get(pk=lesson.pk)
    _read_token(token, lesson, now)
    if actor.person_id is None:
        raise ValidationError(_("Your account is not linked to a member record."), code="no_person")
    if lesson.training_class.status == TrainingClass.Status.FINISHED:
        raise ValidationError(_("The class %(title)s has finished.") % {"title": lesson.training_class.title})
    enrollment = _locked_enrollment(lesson, actor.person_id)
    attendance = _attend(actor, lesson, enrollment, way=Attendance.Way.QR, now=now)
    audit.record("training.checkin", actor=actor, obj=attendance, after={"lesson": lesson.pk})
    return attendance


@transaction.atomic
def check_in_manual(*, actor, lesson, person, reason, at=None):
    """Staff who run the class check a trainee in by hand (a phone without battery, a paper sign-in sheet
    entered later), with the reason; from 30 minutes before the lesson on. The attendance is dated by the
    lesson; `at` (default now) is when it was recorded."""
    at = at or timezone.now()
    lesson = Lesson.objects.select_related("training_class").get(pk=lesson.pk)
    require_editable(actor, lesson.training_class)
    if not actor.has_capability(TRAINING_MANAGE):
        raise PermissionDenied
    reason = (reason or "").strip()
    if len(reason) < 2:
        raise ValidationError({"reason": _("Give the reason for checking the trainee in by hand.")})
    if lesson.training_class.status == TrainingClass.Status.FINISHED:
        raise ValidationError(_("The class %(title)s has finished.") % {"title": lesson.training_class.title})
    if at < lesson.starts_at - EARLY:
        raise ValidationError(_("Check-in opens 30 minutes before the lesson starts."), code="early")
    if person is None:
        require(None, None)
    if not Enrollment.objects.filter(training_class_id=lesson.training_class_id, person_id=person.pk).exclude(
            status=Enrollment.Status.DROPPED).exists():
        raise ValidationError(_("%(name)s is not enrolled in this class.") % {"name": person.name},
                              code="not_enrolled")
    enrollment = _locked_enrollment(lesson, person.pk)
    attendance = _attend(actor, lesson, enrollment, way=Attendance.Way.MANUAL, reason=reason, now=at)
    audit.record("training.checkin.manual", actor=actor, obj=attendance,
                 after={"lesson": lesson.pk, "person": person.pk, "reason": reason})
    return attendance
