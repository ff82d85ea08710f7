"""Writes of 抓书记. The topic workflow lives in topics.py (re-exported here: other apps and the pages call
`dangjian.secretaries.services`); sessions, contact points and visits, secretary reviews, and a visit's problem
passed on as a supervised task (through supervision's own service) are below.

Each function scopes, locks, validates, writes and audits in one transaction; refusals are core.exceptions
(NotInScope → 404, PermissionDenied → 403, ValidationError → 400) with messages in the user's language.
"""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from dangjian.core import audit, metrics
from dangjian.core.exceptions import PermissionDenied, ValidationError
from dangjian.core.scoping import require
from dangjian.orgs.models import Org, Person
from dangjian.supervision import services as supervision_services

from . import actors, rules
from .capabilities import REVIEW_REPORT, VISIT_LOG
from .models import CommitteeSession, ContactPoint, ContactVisit, SecretaryReview
from .topics import (  # noqa: F401 -- the topic workflow's services, re-exported
    may_return,
    topic_claim,
    topic_complete,
    topic_propose,
    topic_return,
    topic_select,
    topic_undertake,
    undertaking_report,
)


def _not_future(field, day):
    if day and day > timezone.localdate():
        raise ValidationError({field: _("The date cannot be in the future.")})


# --- committee sessions ----------------------------------------------------------------------------------


@transaction.atomic
def session_record(*, actor, org, kind, held_on, agenda, attendance="", decisions=""):
    """A standing-committee session that studied party building, or a report to the plenary committee."""
    require(Org.objects.visible_to(actor), org)
    if not actors.is_committee(org):
        raise ValidationError({"org": _("Sessions are held by a party committee (prefecture, county or township).")})
    if not actors.is_committee_staff(actor, org):
        raise PermissionDenied(_("Only the committee's own organization department records its sessions."))
    _not_future("held_on", held_on)
    session = CommitteeSession(kind=kind, held_on=held_on, agenda=(agenda or "").strip(),
                               attendance=(attendance or "").strip(), decisions=(decisions or "").strip())
    session.set_org(org)
    session.full_clean()
    with metrics.track(session):
        session.save()
    audit.record("session.record", actor=actor, obj=session, after=audit.snapshot(session))
    return session


# --- contact points and visits -----------------------------------------------------------------------------


@transaction.atomic
def point_assign(*, actor, leader, org, year):
    """A leading cadre of a committee gets grassroots organization `org` of its subtree as a contact point for
    `year`; at most SECRETARIES_POINTS_PER_LEADER (two) a year."""
    require(Org.objects.visible_to(actor), org)
    require(Person.objects.visible_to(actor), leader)
    leader = Person.objects.select_for_update().get(pk=leader.pk)  # serialises two assignments of one leader
    if org.level not in actors.GRASSROOTS_LEVELS:
        raise ValidationError({"org": _("A contact point is a village, community or branch organization.")})
    committee = actors.committee_of_leader(leader.pk, org)
    if committee is None:
        raise ValidationError({"leader": _("%(name)s holds no current post in a committee above this "
                                           "organization.") % {"name": leader.name}})
    if not actors.is_committee_staff(actor, committee):
        raise PermissionDenied(_("Only the leader's committee assigns contact points."))
    today = timezone.localdate()
    if not year or not (today.year - 1 <= year <= today.year + 1):
        raise ValidationError({"year": _("Contact points are assigned for last year, this year or next year.")})
    points = ContactPoint.objects.filter(leader=leader, year=year)
    if points.filter(org=org).exists():
        raise ValidationError({"org": _("This organization is already a contact point of this leader.")})
    limit = rules.setting("SECRETARIES_POINTS_PER_LEADER")
    if points.count() >= limit:
        raise ValidationError({"leader": _("%(name)s already has %(n)d contact points in %(year)d: no more.")
                               % {"name": leader.name, "n": limit, "year": year}})
    point = ContactPoint(leader=leader, committee=committee, year=year)
    point.set_org(org)
    point.full_clean()
    point.save()
    audit.record("point.assign", actor=actor, obj=point, after=audit.snapshot(point))
    return point


def may_log_visit(user, point):
    """The point's leader, or whoever edits the visited organization's records (its secretary, staff above)."""
    return user.has_capability(VISIT_LOG) and (
        actors.is_person(user, point.leader_id)
        or ContactPoint.objects.editable_by(user).filter(pk=point.pk).exists()
        or actors.acts_for(user, point.org))


@transaction.atomic
def visit_log(*, actor, point, visited_on, content, problems="", help=""):
    """A visit to a contact point: within the point's year and not in the future."""
    require(ContactPoint.objects.visible_to(actor), point)
    point = ContactPoint.objects.select_related("org").get(pk=point.pk)
    if not may_log_visit(actor, point):
        raise PermissionDenied(_("Only the leader or the visited organization records a visit."))
    _not_future("visited_on", visited_on)
    if visited_on and visited_on.year != point.year:
        raise ValidationError({"visited_on": _("The visit must fall in the contact point's year (%(year)d).")
                               % {"year": point.year}})
    if not (content or "").strip():
        raise ValidationError({"content": _("This field is required.")})
    visit = ContactVisit(point=point, visited_on=visited_on, content=content.strip(),
                         problems=(problems or "").strip(), help=(help or "").strip())
    visit.set_org(point.org)
    visit.full_clean()
    with metrics.track(visit):
        visit.save()
    audit.record("visit.log", actor=actor, obj=visit, after=audit.snapshot(visit))
    return visit


# --- secretary reviews -----------------------------------------------------------------------------------------


def _review_locked(actor, review):
    require(SecretaryReview.objects.visible_to(actor), review)
    return SecretaryReview.objects.select_for_update(of=("self",)).select_related("org").get(pk=review.pk)


def _may_write_report(user, review_org, person_id):
    return user.has_capability(REVIEW_REPORT) and (
        actors.is_person(user, person_id) or actors.is_staff_above(user, review_org))


@transaction.atomic
def review_create(*, actor, org, year, report=""):
    """述职: the secretary of a county, township or village organization reports to the committee above (the
    secretary writes it, or the staff above record it). The secretary is the current holder of the post."""
    require(Org.objects.visible_to(actor), org)
    if org.level not in actors.REVIEWED_LEVELS:
        raise ValidationError({"org": _("Secretaries of counties, townships, villages and communities report.")})
    person_id = actors.secretary_of(org)
    if person_id is None:
        raise ValidationError({"org": _("%(org)s has no current secretary.") % {"org": org.name}})
    if not _may_write_report(actor, org, person_id):
        raise PermissionDenied(_("Only the secretary or the committee above records this report."))
    if not year or year > timezone.localdate().year:
        raise ValidationError({"year": _("A review reports on this year or an earlier one.")})
    if SecretaryReview.objects.filter(org=org, year=year).exists():
        raise ValidationError({"year": _("%(org)s already has a review for %(year)d.")
                               % {"org": org.name, "year": year}})
    review = SecretaryReview(person_id=person_id, year=year, report=(report or "").strip())
    review.set_org(org)
    review.full_clean()
    review.save()
    audit.record("review.create", actor=actor, obj=review, after={"year": year, "person": person_id})
    return review


@transaction.atomic
def review_submit(*, actor, review, report=None):
    """The report goes to the committee above (a draft only; the text may be given now)."""
    review = _review_locked(actor, review)
    if not _may_write_report(actor, review.org, review.person_id):
        raise PermissionDenied(_("Only the secretary or the committee above submits this report."))
    if review.status != SecretaryReview.Status.DRAFT:
        raise ValidationError(_("This report has already been submitted."))
    if report is not None:
        review.report = report.strip()
    if not review.report:
        raise ValidationError({"report": _("Write the report before submitting it.")})
    review.status = SecretaryReview.Status.SUBMITTED
    review.full_clean()
    review.save()
    audit.record("review.submit", actor=actor, obj=review, after={"status": review.status})
    return review


@transaction.atomic
def review_grade(*, actor, review, ballots, comment="", reviewed_on=None):
    """The committee above records the ballots and its comment; the grade is computed (rules.review_grade), never
    typed. A submitted or graded review may be graded (again); a published one may not."""
    review = _review_locked(actor, review)
    if not actors.is_committee_above(actor, review.org):
        raise PermissionDenied(_("Only the committee above grades this review."))
    if review.status == SecretaryReview.Status.PUBLISHED:
        raise ValidationError(_("This review has been published: its grade can no longer change."))
    if review.status == SecretaryReview.Status.DRAFT:
        raise ValidationError(_("The secretary has not submitted the report yet."))
    grade = rules.review_grade(ballots)
    reviewed_on = reviewed_on or review.reviewed_on or timezone.localdate()
    _not_future("reviewed_on", reviewed_on)
    before = {"grade": review.grade, "ballots": review.ballots}
    with metrics.track(review):
        for key in rules.GRADES:
            setattr(review, f"ballots_{key}", ballots.get(key) or 0)
        review.grade, review.comment, review.reviewed_on = grade, (comment or "").strip(), reviewed_on
        review.status = SecretaryReview.Status.GRADED
        review.full_clean()
        review.save()
    audit.record("review.grade", actor=actor, obj=review, before=before,
                 after={"grade": grade, "ballots": review.ballots})
    return review


@transaction.atomic
def review_publish(*, actor, review):
    """The grade is published to the secretary."""
    review = _review_locked(actor, review)
    if not actors.is_committee_above(actor, review.org):
        raise PermissionDenied(_("Only the committee above publishes this review."))
    if review.status != SecretaryReview.Status.GRADED:
        raise ValidationError(_("Only a graded, unpublished review can be published."))
    review.status = SecretaryReview.Status.PUBLISHED
    review.save(update_fields=["status"])
    audit.record("review.publish", actor=actor, obj=review, after={"grade": review.grade})
    return review




# --- a visit's problem passed on as a supervised task ----------------------------------------------------------------


def may_pass_on(user, visit):
    """The leader's committee (its organization department, a township's staff) passes a visit's problem on as a
    supervised task: it is the issuer, and issuing is its staff's work (supervision's TASK_MANAGE)."""
    return bool(visit.problems) and not visit.task_ref and actors.is_committee_staff(user, visit.point.committee)


@transaction.atomic
def visit_pass_on(*, actor, visit, deadline):
    """A problem found on a visit becomes a supervised task issued by the leader's committee to the visited
    organization (supervision.services.task_issue, source `visit`); the visit keeps the task's reference, once."""
    require(ContactVisit.objects.visible_to(actor), visit)
    visit = (ContactVisit.objects.select_for_update(of=("self",))
             .select_related("point", "point__org", "point__committee").get(pk=visit.pk))
    if not actors.is_committee_staff(actor, visit.point.committee):
        raise PermissionDenied(_("Only the leader's committee passes a visit's problem on."))
    if not visit.problems:
        raise ValidationError({"problems": _("This visit found no problem to pass on.")})
    if visit.task_ref:
        raise ValidationError(_("This problem has already been passed on as a supervised task."))
    point = visit.point
    task = supervision_services.task_issue(
        actor=actor, issuer_org=point.committee, title=_("Contact visit to %(org)s: %(problem)s") % {
            "org": point.org.name, "problem": visit.problems[:40]},
        requirement=visit.problems, source="visit", deadline=deadline, orgs=[point.org],
        source_ref=f"secretaries.visit:{visit.pk}")
    visit.task_ref = str(task.pk)
    visit.save(update_fields=["task_ref"])
    audit.record("visit.pass_on", actor=actor, obj=visit, after={"task": task.pk, "deadline": deadline})
    return task
