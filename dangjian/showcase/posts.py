"""Model posts (党员示范岗 / 党员先锋岗): a member applies for themselves (self-service, on a phone); the branch
recommends; the level above approves, which opens a public notice of NOTICE_DAYS; once the notice has ended the
level above publishes the post (挂牌, a numbered plate); the holder then records services. A post is withdrawn
with a reason at any step, by the holder or by the organizations above it. One active post per member."""

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from dangjian.core import audit, metrics
from dangjian.core.exceptions import NotInScope, PermissionDenied, ValidationError
from dangjian.core.scoping import require, require_editable
from dangjian.orgs.models import Person

from .capabilities import POST_RECOMMEND
from .models import ModelPost, PostService
from .services import require_reason

# 公示 of five working days: seven calendar days cover them whatever the weekday.
NOTICE_DAYS = 7


def _today():
    return timezone.localdate()


def _locked(post):
    return ModelPost.objects.select_for_update(of=("self",)).select_related("org", "person").get(pk=post.pk)


def _own(actor, post):
    return bool(actor.person_id) and actor.person_id == post.person_id


def _require_approver(actor, post):
    """The level above the post's organization, holding showcase.post.approve there."""
    if not ModelPost.objects.allowed(actor, "approve").filter(pk=post.pk).exists():
        require(ModelPost.objects.visible_to(actor), post)
        raise PermissionDenied
    if _own(actor, post) or actor.scope_org.level >= post.org.level:
        raise ValidationError(_("The post is approved by the level above its organization."))


@transaction.atomic
def post_apply(*, actor, kind, title, duty, person=None, applied_on=None):
    """The signed-in member applies for a post for themselves; or the branch enters a member's paper application
    (`person`, in its scope, by a role that recommends)."""
    if person is not None and person.pk != actor.person_id:
        require(Person.objects.visible_to(actor), person)
        if not actor.has_capability(POST_RECOMMEND):
            raise PermissionDenied
        person_id = person.pk
    elif not actor.person_id:
        raise ValidationError(_("Your account is not linked to a member record, so it cannot apply for a post."))
    else:
        person_id = actor.person_id
    person = Person.objects.select_for_update().get(pk=person_id)  # one active post: serialize per member
    if not person.is_current_member:
        raise ValidationError(_("Only a current member can hold a post."))
    if ModelPost.objects.filter(person=person, status__in=ModelPost.ACTIVE).exists():
        raise ValidationError(_("This member already has an active or pending model post; withdraw it first."))
    post = ModelPost(person=person, kind=kind, title=title, duty=duty, applied_on=applied_on or _today())
    post.set_org(person.org)
    post.full_clean()
    with metrics.track(post):
        post.save()
    audit.record("showcase.post.apply", actor=actor, obj=post, after=audit.snapshot(post))
    return post


@transaction.atomic
def post_recommend(*, actor, post, on=None):
    require_editable(actor, post)
    post = _locked(post)
    if _own(actor, post):
        raise ValidationError(_("Nobody recommends their own application."))
    if post.status != ModelPost.Status.APPLIED:
        raise ValidationError(_("Only an application awaiting recommendation can be recommended."))
    post.status, post.recommended_on, post.recommended_by = ModelPost.Status.RECOMMENDED, on or _today(), actor
    post.save(update_fields=["status", "recommended_on", "recommended_by"])
    audit.record("showcase.post.recommend", actor=actor, obj=post)
    return post


@transaction.atomic
def post_approve(*, actor, post, on=None):
    """Approval by the level above opens the public notice (公示)."""
    _require_approver(actor, post)
    post = _locked(post)
    if post.status != ModelPost.Status.RECOMMENDED:
        raise ValidationError(_("Only a recommended application can be approved."))
    today = on or _today()
    post.status, post.approved_on, post.approved_by = ModelPost.Status.NOTICE, today, actor
    post.notice_until = today + datetime.timedelta(days=NOTICE_DAYS)
    post.save(update_fields=["status", "approved_on", "approved_by", "notice_until"])
    audit.record("showcase.post.approve", actor=actor, obj=post, after={"notice_until": post.notice_until})
    return post


@transaction.atomic
def post_publish(*, actor, post, on=None):
    _require_approver(actor, post)
    post = _locked(post)
    if post.status != ModelPost.Status.NOTICE:
        raise ValidationError(_("Only a post whose public notice has run can be published."))
    today = on or _today()
    if today <= post.notice_until:
        raise ValidationError(_("The public notice runs until %(day)s; publish the post after it.")
                              % {"day": post.notice_until.isoformat()})
    with metrics.track(post):
        post.status, post.published_on = ModelPost.Status.PUBLISHED, today
        post.plate_number = f"{today.year}-{post.pk:05d}"
        post.save(update_fields=["status", "published_on", "plate_number"])
    audit.record("showcase.post.publish", actor=actor, obj=post, after={"plate_number": post.plate_number})
    return post


@transaction.atomic
def post_withdraw(*, actor, post, reason, on=None):
    """The holder withdraws their own post; the organizations above it withdraw any post in their scope."""
    if not _own(actor, post):
        require_editable(actor, post)
    post = _locked(post)
    reason = require_reason(reason)
    if post.status == ModelPost.Status.WITHDRAWN:
        raise ValidationError(_("This post has already been withdrawn."))
    with metrics.track(post):
        post.status, post.withdrawn_on, post.withdraw_reason = ModelPost.Status.WITHDRAWN, on or _today(), reason
        post.save(update_fields=["status", "withdrawn_on", "withdraw_reason"])
    audit.record("showcase.post.withdraw", actor=actor, obj=post, after={"reason": reason})
    return post


@transaction.atomic
def service_record(*, actor, post, served_on, people_served, problems_solved, note):
    """A service of a published post, recorded by its holder (or by an organization above it)."""
    if not ModelPost.objects.visible_to(actor).filter(pk=post.pk).exists():
        raise NotInScope
    if not _own(actor, post):
        require_editable(actor, post)
    post = _locked(post)
    if post.status != ModelPost.Status.PUBLISHED:
        raise ValidationError(_("Services are recorded for a published post only."))
    if served_on and (served_on < post.published_on or served_on > _today()):
        raise ValidationError({"served_on": _("The date must lie between the post's publication and today.")})
    service = PostService(post=post, served_on=served_on, people_served=people_served,
                          problems_solved=problems_solved, note=note)
    service.set_org(post.org)
    service.full_clean()
    with metrics.track(service):
        service.save()
    audit.record("showcase.service.record", actor=actor, obj=service, after=audit.snapshot(service))
    return service
