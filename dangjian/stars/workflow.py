"""The yearly assessment: self-assessment by the organization → review by the township committee → approval by the
county organization department → public notice (objections answered) → award; and score events (动态考评).

Each step has its actor: the step's capability and the step's level (the organization itself; its township, or
its county where it has none; its county). A step out of order, or by another level, is refused with a message
and changes nothing. Every change of points writes a ScoreChange row with its author. Automatic points are
recomputed (scoring.py) at each step.
"""

import datetime

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from dangjian.core import audit
from dangjian.core.exceptions import PermissionDenied, ValidationError
from dangjian.core.scoping import require

from . import consequences, rules, scoring
from .capabilities import ASSESS_APPROVE, ASSESS_REVIEW, ASSESS_SELF, OBJECTION_LODGE, SCORE_EVENT_RECORD, STARS_VIEW
from .models import Assessment, AssessmentItem, CertificateCounter, Indicator, Objection, ScoreChange, ScoreEvent
from .models import StarAward as Award

Status = Assessment.Status


def reviewer_org_id(assessment):
    """The committee that reviews: the organization's township, or its county where it has no township."""
    return assessment.township_id if assessment.township_id and assessment.township_id != assessment.org_id \
        else assessment.county_id


def approver_org_id(assessment):
    """The organization department that approves, publicizes and awards: the county's (the scheme's owner above
    the county level)."""
    if assessment.county_id and assessment.county_id != assessment.org_id:
        return assessment.county_id
    return assessment.scheme.org_id


def _lock(actor, assessment):
    """The assessment, visible to the actor (else NotInScope), re-read under a row lock."""
    require(Assessment.objects.visible_to(actor), assessment)
    return Assessment.objects.select_for_update().select_related("scheme", "org").get(pk=assessment.pk)


def _require_actor(actor, capability, org_id, message):
    if not acts_as(actor, capability, org_id):
        raise PermissionDenied(message)


def _require_status(assessment, *statuses):
    if assessment.status not in statuses:
        raise ValidationError(_("This step is not possible now: the assessment is at “%(status)s”.")
                              % {"status": assessment.get_status_display()})


def acts_as(user, capability, org_id):
    """Whether `user` holds `capability` at the organization `org_id` (for the pages: which buttons to show)."""
    return bool(org_id) and user.has_capability(capability) and user.org_id == org_id


def steps_for(user, assessment):
    """The steps `user` may take on `assessment` now (names of the services' steps)."""
    steps = set()
    if assessment.status == Status.SELF and acts_as(user, ASSESS_SELF, assessment.org_id):
        steps.add("self")
    if assessment.status == Status.REVIEW and acts_as(user, ASSESS_REVIEW, reviewer_org_id(assessment)):
        steps.add("review")
    approver = acts_as(user, ASSESS_APPROVE, approver_org_id(assessment))
    if approver and assessment.status == Status.APPROVAL:
        steps.add("approve" if assessment.open else "publicize")
    if approver and assessment.status == Status.NOTICE:
        steps.update({"answer", "award"})
    if (assessment.status == Status.NOTICE and user.has_capability(OBJECTION_LODGE)
            and assessment.notice_until and timezone.localdate() <= assessment.notice_until):
        steps.add("object")
    if assessment.open and user.has_capability(SCORE_EVENT_RECORD) and user.org_id != assessment.org_id:
        steps.add("event")
    return steps


def _write_items(actor, assessment, items, step, reasons_required=False):
    """Set the points of manual indicators: [{indicator, points, note}]; automatic ones are refused (computed),
    points outside 0 … maximum are refused. A review's change needs its reason (note)."""
    indicators = {i.pk: i for i in Indicator.objects.filter(scheme_id=assessment.scheme_id)}
    existing = {i.indicator_id: i for i in AssessmentItem.objects.filter(assessment=assessment)}
    seen = set()
    writes = []
    for row in items or []:
        indicator = indicators.get(getattr(row.get("indicator"), "pk", row.get("indicator")))
        if indicator is None:
            raise ValidationError(_("This indicator is not part of the assessment's scheme."))
        if indicator.pk in seen:
            raise ValidationError(_("Each indicator may appear only once."))
        seen.add(indicator.pk)
        if indicator.is_metric:
            raise ValidationError(_("“%(name)s” is computed automatically from the records: its points cannot be "
                                    "typed.") % {"name": indicator.name})
        try:
            points = rules.check_points(row.get("points"), indicator.max_points)
        except ValidationError as error:
            raise ValidationError(f"{indicator.name}：{' '.join(error.messages)}") from None
        note = (row.get("note") or "").strip()[:500]
        old = existing.get(indicator.pk)
        if old is not None and old.points == points and old.note == note:
            continue
        if reasons_required and (old is None or old.points != points) and not note:
            raise ValidationError(_("“%(name)s”: give the reason for changing its points.") % {"name": indicator.name})
        writes.append((indicator, old, points, note))
    for indicator, old, points, note in writes:
        if old is None:
            AssessmentItem.objects.create(assessment=assessment, indicator=indicator, points=points, note=note,
                                          source=AssessmentItem.Source.MANUAL)
        else:
            AssessmentItem.objects.filter(pk=old.pk).update(points=points, note=note)
        if old is None or old.points != points:
            ScoreChange.objects.create(assessment=assessment, indicator=indicator, step=step, author=actor,
                                       old_points=old.points if old else None, new_points=points, reason=note)
    return len(writes)


@transaction.atomic
def assessment_self_assess(*, actor, assessment, items, submit=True):
    """The organization fills its manual indicators (automatic ones are prefilled) and, with `submit`, hands the
    assessment to its township for review."""
    assessment = _lock(actor, assessment)
    _require_actor(actor, ASSESS_SELF, assessment.org_id,
                   _("Only the organization itself self-assesses (its secretary's account)."))
    _require_status(assessment, Status.SELF)
    changed = _write_items(actor, assessment, items, "self")
    if submit:
        assessment.status = Status.REVIEW
        Assessment.objects.filter(pk=assessment.pk).update(status=Status.REVIEW)
    assessment = scoring.refresh(assessment)
    audit.record("stars.assessment.self", actor=actor, obj=assessment,
                 after={"items": changed, "submitted": submit, "score": assessment.score})
    return assessment


@transaction.atomic
def assessment_review(*, actor, assessment, items=(), submit=True):
    """The township committee checks the points, changes manual ones with a reason, and passes it on."""
    assessment = _lock(actor, assessment)
    _require_actor(actor, ASSESS_REVIEW, reviewer_org_id(assessment),
                   _("Only the committee directly above the organization reviews its assessment."))
    _require_status(assessment, Status.REVIEW)
    changed = _write_items(actor, assessment, items, "review", reasons_required=True)
    if submit:
        Assessment.objects.filter(pk=assessment.pk).update(status=Status.APPROVAL)
    assessment = scoring.refresh(assessment)
    audit.record("stars.assessment.review", actor=actor, obj=assessment,
                 after={"items": changed, "submitted": submit, "score": assessment.score})
    return assessment


def _require_approver(actor, assessment):
    _require_actor(actor, ASSESS_APPROVE, approver_org_id(assessment),
                   _("Only the county organization department approves, publicizes and awards star ratings."))


@transaction.atomic
def assessment_approve(*, actor, assessment):
    """The final score (automatic points recomputed one last time) and stars: thresholds, veto, promotion rule."""
    assessment = _lock(actor, assessment)
    _require_approver(actor, assessment)
    _require_status(assessment, Status.APPROVAL)
    if not assessment.open:
        raise ValidationError(_("This assessment is already approved."))
    assessment = scoring.refresh(assessment)
    now = timezone.now()
    Assessment.objects.filter(pk=assessment.pk).update(stars=assessment.projected_stars, approved_at=now)
    assessment.refresh_from_db()
    audit.record("stars.assessment.approve", actor=actor, obj=assessment,
                 after={"score": assessment.score, "stars": assessment.stars, "vetoed": assessment.vetoed})
    return assessment


@transaction.atomic
def assessment_publicize(*, actor, assessment, today=None):
    """Start the public notice (公示): it lasts the scheme's notice days, today included."""
    assessment = _lock(actor, assessment)
    _require_approver(actor, assessment)
    _require_status(assessment, Status.APPROVAL)
    if assessment.open:
        raise ValidationError(_("Approve the assessment before its public notice."))
    today = today or timezone.localdate()
    until = today + datetime.timedelta(days=assessment.scheme.notice_days - 1)
    Assessment.objects.filter(pk=assessment.pk).update(status=Status.NOTICE, notice_from=today, notice_until=until)
    assessment.refresh_from_db()
    audit.record("stars.assessment.publicize", actor=actor, obj=assessment,
                 after={"notice_from": today, "notice_until": until})
    return assessment


@transaction.atomic
def assessment_object(*, actor, assessment, text):
    """An objection lodged during the public notice; it must be answered before the award."""
    assessment = _lock(actor, assessment)
    if not actor.has_capability(OBJECTION_LODGE):
        raise PermissionDenied
    _require_status(assessment, Status.NOTICE)
    if timezone.localdate() > assessment.notice_until:
        raise ValidationError(_("The public notice has ended: objections are no longer received."))
    text = (text or "").strip()
    if len(text) < 4:
        raise ValidationError({"text": _("Say what the objection is (at least 4 characters).")})
    objection = Objection(assessment=assessment, text=text[:1000], lodged_by=actor)
    objection.full_clean()
    objection.save()
    audit.record("stars.assessment.object", actor=actor, obj=assessment, after={"objection": objection.pk})
    return objection


@transaction.atomic
def assessment_answer(*, actor, assessment, objection, text):
    assessment = _lock(actor, assessment)
    _require_approver(actor, assessment)
    objection = Objection.objects.select_for_update().filter(pk=getattr(objection, "pk", objection),
                                                             assessment=assessment).first()
    if objection is None:
        raise ValidationError({"objection": _("This objection is not one of the assessment's.")})
    if objection.answered_at:
        raise ValidationError({"objection": _("This objection has already been answered.")})
    text = (text or "").strip()
    if len(text) < 4:
        raise ValidationError({"text": _("Write the answer (at least 4 characters).")})
    objection.answer, objection.answered_by, objection.answered_at = text[:1000], actor, timezone.now()
    objection.save(update_fields=["answer", "answered_by", "answered_at"])
    audit.record("stars.assessment.answer", actor=actor, obj=assessment, after={"objection": objection.pk})
    return objection


def certificate_number(year):
    """The next certificate number of `year` (a counter row incremented inside the awarding transaction)."""
    CertificateCounter.objects.get_or_create(year=year)
    CertificateCounter.objects.filter(year=year).update(last=F("last") + 1)
    seq = CertificateCounter.objects.get(year=year).last
    prefix = getattr(settings, "STAR_CERTIFICATE_PREFIX", "恩组星")
    return f"{prefix}〔{year}〕第{seq:05d}号"


@transaction.atomic
def assessment_award(*, actor, assessment, today=None):
    """After the notice period with every objection answered: the stars are awarded (a numbered certificate when
    there is at least one star), and the consequences follow (a second year below three stars: rectification)."""
    assessment = _lock(actor, assessment)
    _require_approver(actor, assessment)
    _require_status(assessment, Status.NOTICE)
    today = today or timezone.localdate()
    if today <= assessment.notice_until:
        raise ValidationError(_("The public notice runs until %(date)s: award after it ends.")
                              % {"date": assessment.notice_until.isoformat()})
    if assessment.objections.filter(answered_at__isnull=True).exists():
        raise ValidationError(_("Answer every objection before the award."))
    Assessment.objects.filter(pk=assessment.pk).update(status=Status.AWARDED, awarded_on=today)
    assessment.refresh_from_db()
    award = None
    if assessment.stars:
        award = Award(assessment=assessment, year=assessment.year, stars=assessment.stars, awarded_on=today,
                      certificate_no=certificate_number(assessment.year),
                      issuer_name=f"{assessment.scheme.org.name}组织部")
        award.set_org(assessment.org)
        award.full_clean()
        award.save()
    audit.record("stars.assessment.award", actor=actor, obj=assessment,
                 after={"stars": assessment.stars, "certificate_no": award.certificate_no if award else ""})
    consequences.after_award(assessment)
    return assessment


@transaction.atomic
def assessment_recompute(*, actor, assessment):
    """Recompute the automatic points now (any reader of the assessment may ask; nothing typed changes)."""
    assessment = _lock(actor, assessment)
    if not actor.has_capability(STARS_VIEW):
        raise PermissionDenied
    if not assessment.open:
        raise ValidationError(_("This assessment is approved: its points no longer change."))
    return scoring.refresh(assessment)


@transaction.atomic
def score_event_record(*, actor, assessment, indicator, points, reason, recorded_on=None):
    """加分 / 扣分 on an indicator by a reviewer above the organization. The part that would take the indicator out
    of its bounds is clipped: the event keeps the points asked and the points applied (`clipped`)."""
    assessment = _lock(actor, assessment)
    if not actor.has_capability(SCORE_EVENT_RECORD):
        raise PermissionDenied
    if actor.scope_org is None or actor.scope_org.pk == assessment.org_id:
        raise PermissionDenied(_("Score events are recorded by the levels above the organization."))
    if not assessment.open:
        raise ValidationError(_("This assessment is approved: its points no longer change."))
    indicator = Indicator.objects.filter(pk=getattr(indicator, "pk", indicator), scheme_id=assessment.scheme_id,
                                         veto=False).first()
    if indicator is None:
        raise ValidationError({"indicator": _("This indicator is not a scored indicator of the assessment's "
                                              "scheme.")})
    points = rules.dec(points)
    if points == 0:
        raise ValidationError({"points": _("A score event adds or deducts points: it cannot be zero.")})
    reason = (reason or "").strip()
    if len(reason) < 2:
        raise ValidationError({"reason": _("Give the reason for the score event.")})
    recorded_on = recorded_on or timezone.localdate()
    if indicator.is_metric:
        base = assessment.automatic_points().get(indicator.pk, (0,))[0]
    else:
        item = AssessmentItem.objects.filter(assessment=assessment, indicator=indicator).first()
        base = item.points if item else 0
    current = base + sum(e for e in ScoreEvent.objects.filter(assessment=assessment, indicator=indicator)
                         .values_list("applied", flat=True))
    applied, _clipped = rules.clip_event(current, points, indicator.max_points)
    event = ScoreEvent(assessment=assessment, indicator=indicator, points=points, applied=applied,
                       reason=reason[:500], recorded_on=recorded_on, recorded_by=actor)
    event.set_org(assessment.org)
    event.full_clean()
    event.save()
    ScoreChange.objects.create(assessment=assessment, indicator=indicator, step="event", author=actor,
                               old_points=rules.clip(current, indicator.max_points),
                               new_points=rules.clip(current + applied, indicator.max_points), reason=reason[:500])
    scoring.refresh(assessment)
    audit.record("stars.event.record", actor=actor, obj=event,
                 after={"assessment": assessment.pk, "indicator": indicator.pk, "points": points,
                        "applied": applied})
    return event
