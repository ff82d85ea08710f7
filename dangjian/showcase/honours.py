"""五好 campaigns (五好党员 / 五好基层党组织): a campaign with five criteria, run by an organization for its subtree;
nominations with evidence for every criterion; review (passed → public notice, or not passed); naming once the
notice has ended; dynamic management — an honour can be revoked with a reason."""

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from dangjian.core import audit, metrics
from dangjian.core.exceptions import NotInScope, PermissionDenied, ValidationError
from dangjian.core.scoping import require
from dangjian.orgs.models import Org, Person

from .capabilities import HONOR_MANAGE, NOMINATE
from .models import ORG_CRITERIA, HonorCampaign, Nomination
from .posts import NOTICE_DAYS
from .services import require_reason

CRITERIA_COUNT = 5


def _in_campaign(campaign, org):
    return org.path.startswith(campaign.org.path)


def _require_runner(actor, campaign):
    """The campaign's own organization or one above it, holding showcase.honor.manage (organizations below see a
    county's campaign to nominate for it, and may not run it)."""
    require(HonorCampaign.objects.visible_to(actor), campaign)
    if not actor.has_capability(HONOR_MANAGE) or not campaign.org.path.startswith(actor.scope_org.path):
        raise PermissionDenied


def clean_criteria(criteria, target):
    if not criteria and target == HonorCampaign.Target.ORG:
        return list(ORG_CRITERIA)
    criteria = [str(c).strip() for c in (criteria or [])]
    if len(criteria) != CRITERIA_COUNT or not all(criteria) or len(set(criteria)) != CRITERIA_COUNT:
        raise ValidationError({"criteria": _("A campaign has five different criteria.")})
    return criteria


@transaction.atomic
def campaign_create(*, actor, name, year, target, criteria=None, description="", on=None):
    if not actor.has_capability(HONOR_MANAGE):
        raise PermissionDenied
    campaign = HonorCampaign(name=name, year=year, target=target, description=description,
                             criteria=clean_criteria(criteria, target), created_on=on or timezone.localdate())
    campaign.set_org(actor.scope_org)
    campaign.full_clean()
    campaign.save()
    audit.record("showcase.campaign.create", actor=actor, obj=campaign, after=audit.snapshot(campaign))
    return campaign


def clean_evidence(campaign, evidence):
    """One text per criterion, in the campaign's order; the first criterion without one is named."""
    evidence = list(evidence or [])
    evidence += [""] * (CRITERIA_COUNT - len(evidence))
    if len(evidence) > CRITERIA_COUNT:
        raise ValidationError({"evidence": _("Give evidence for the five criteria only.")})
    evidence = [str(text).strip() for text in evidence]
    for criterion, text in zip(campaign.criteria, evidence, strict=True):
        if not text:
            raise ValidationError({"evidence": _("Evidence for “%(criterion)s” is missing.")
                                   % {"criterion": criterion}})
    return evidence


@transaction.atomic
def nomination_submit(*, actor, campaign, evidence, person=None, org=None, nominated_on=None):
    """Nominate a member (member campaigns) or an organization (organization campaigns) of the campaign's subtree,
    inside the actor's scope."""
    if not actor.has_capability(NOMINATE):
        raise PermissionDenied
    require(HonorCampaign.objects.visible_to(actor), campaign)
    campaign = HonorCampaign.objects.select_for_update(of=("self",)).select_related("org").get(pk=campaign.pk)
    if campaign.target == HonorCampaign.Target.MEMBER:
        if person is None:
            raise ValidationError({"person": _("Choose the member nominated.")})
        require(Person.objects.visible_to(actor), person)
        org = person.org
        same = Nomination.objects.filter(campaign=campaign, person=person)
    else:
        if org is None:
            raise ValidationError({"org": _("Choose the organization nominated.")})
        require(Org.objects.visible_to(actor), org)
        person = None
        same = Nomination.objects.filter(campaign=campaign, org=org, person__isnull=True)
    if not _in_campaign(campaign, org):
        raise NotInScope  # outside the campaign's subtree: not a nominee it can see
    if same.exclude(status__in=[Nomination.Status.REJECTED, Nomination.Status.REVOKED]).exists():
        raise ValidationError(_("This nominee is already in the campaign."))
    nomination = Nomination(campaign=campaign, person=person, evidence=clean_evidence(campaign, evidence),
                            nominated_on=nominated_on or timezone.localdate())
    nomination.set_org(org)
    nomination.full_clean()
    nomination.save()
    audit.record("showcase.nomination.submit", actor=actor, obj=nomination, after=audit.snapshot(nomination))
    return nomination


def _locked(nomination):
    return Nomination.objects.select_for_update(of=("self",)).select_related("campaign__org", "org", "person").get(
        pk=nomination.pk)


@transaction.atomic
def nomination_review(*, actor, nomination, passed, note="", on=None):
    """Passed: the public notice opens for NOTICE_DAYS; not passed: the nomination ends (with the note)."""
    require(Nomination.objects.visible_to(actor), nomination)
    _require_runner(actor, nomination.campaign)
    nomination = _locked(nomination)
    if nomination.status != Nomination.Status.NOMINATED:
        raise ValidationError(_("Only a nomination awaiting review can be reviewed."))
    today = on or timezone.localdate()
    nomination.reviewed_on, nomination.review_note = today, (note or "").strip()
    if passed:
        nomination.status = Nomination.Status.NOTICE
        nomination.notice_until = today + datetime.timedelta(days=NOTICE_DAYS)
    else:
        nomination.status = Nomination.Status.REJECTED
    nomination.full_clean()
    nomination.save(update_fields=["status", "reviewed_on", "review_note", "notice_until"])
    audit.record("showcase.nomination.review", actor=actor, obj=nomination,
                 after={"passed": bool(passed), "note": nomination.review_note})
    return nomination


@transaction.atomic
def nomination_name(*, actor, nomination, on=None):
    require(Nomination.objects.visible_to(actor), nomination)
    _require_runner(actor, nomination.campaign)
    nomination = _locked(nomination)
    if nomination.status != Nomination.Status.NOTICE:
        raise ValidationError(_("Only a nomination whose public notice has run can be named."))
    today = on or timezone.localdate()
    if today <= nomination.notice_until:
        raise ValidationError(_("The public notice runs until %(day)s; name the nominee after it.")
                              % {"day": nomination.notice_until.isoformat()})
    with metrics.track(nomination):
        nomination.status, nomination.named_on = Nomination.Status.NAMED, today
        nomination.save(update_fields=["status", "named_on"])
    audit.record("showcase.nomination.name", actor=actor, obj=nomination)
    return nomination


@transaction.atomic
def nomination_revoke(*, actor, nomination, reason, on=None):
    require(Nomination.objects.visible_to(actor), nomination)
    _require_runner(actor, nomination.campaign)
    nomination = _locked(nomination)
    reason = require_reason(reason)
    if nomination.status != Nomination.Status.NAMED:
        raise ValidationError(_("Only a named honour can be revoked."))
    with metrics.track(nomination):
        nomination.status, nomination.revoke_reason = Nomination.Status.REVOKED, reason
        nomination.revoked_on = on or timezone.localdate()
        nomination.save(update_fields=["status", "revoke_reason", "revoked_on"])
    audit.record("showcase.nomination.revoke", actor=actor, obj=nomination, after={"reason": reason})
    return nomination
