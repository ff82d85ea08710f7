"""Writes of 抓示范: demonstration sites and meetings (each call: scope, lock, validate, write, audit, in one
transaction). Model posts are in posts.py and 五好 campaigns in honours.py; they follow the same shape."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from dangjian.core import audit, metrics
from dangjian.core.exceptions import NotInScope, PermissionDenied, ValidationError
from dangjian.core.scoping import require, require_editable
from dangjian.orgs.models import Level, Org

from .capabilities import MEETING_EDIT, SITE_MANAGE
from .models import DemoSite, Meeting

# The designating organization's level for each site level: a 州级 site is named by the prefecture, a 县级 one by
# a county (or the prefecture), a 乡镇级 one by a township (or above).
DESIGNATOR_LEVEL = {
    DemoSite.SiteLevel.PREFECTURE: Level.PREFECTURE,
    DemoSite.SiteLevel.COUNTY: Level.COUNTY,
    DemoSite.SiteLevel.TOWNSHIP: Level.TOWNSHIP,
}


def require_reason(reason):
    reason = (reason or "").strip()
    if len(reason) < 2:
        raise ValidationError({"reason": _("Give a reason (at least 2 characters).")})
    return reason


def _orgs_in_scope(actor, orgs):
    """The organizations of `orgs` (ids or rows), each visible to the actor, else NotInScope (404)."""
    ids = {getattr(org, "pk", org) for org in orgs}
    found = list(Org.objects.visible_to(actor).filter(pk__in=ids))
    if len(found) != len(ids):
        raise NotInScope
    return found


@transaction.atomic
def site_designate(*, actor, org, level, theme, lessons, mentored=(), designated_on=None):
    if not actor.has_capability(SITE_MANAGE):
        raise PermissionDenied
    require(Org.objects.visible_to(actor), org)
    mentored = _orgs_in_scope(actor, mentored)
    own = actor.scope_org
    if level not in DESIGNATOR_LEVEL:
        raise ValidationError({"level": _("Choose the site's level.")})
    if own.level > DESIGNATOR_LEVEL[level]:
        raise ValidationError({"level": _("Your organization cannot designate a site at this level.")})
    if org.level < DESIGNATOR_LEVEL[level]:
        raise ValidationError({"org": _("A site is an organization below the level that designates it.")})
    org = Org.objects.select_for_update().get(pk=org.pk)  # one active designation per level: serialize
    if DemoSite.objects.filter(org=org, level=level, status=DemoSite.Status.ACTIVE).exists():
        raise ValidationError({"org": _("This organization is already an active site at this level.")})
    if org in mentored:
        raise ValidationError({"mentored": _("A site does not mentor itself.")})
    site = DemoSite(level=level, theme=theme, lessons=lessons, designated_by=own,
                    designated_on=designated_on or timezone.localdate())
    site.set_org(org)
    site.full_clean()
    with metrics.track(site):
        site.save()
    site.mentored.set(mentored)
    audit.record("showcase.site.designate", actor=actor, obj=site,
                 after={**audit.snapshot(site), "mentored": sorted(o.pk for o in mentored)})
    return site


@transaction.atomic
def site_revoke(*, actor, site, reason, revoked_on=None):
    require_editable(actor, site)
    site = DemoSite.objects.select_for_update().get(pk=site.pk)
    reason = require_reason(reason)
    if site.status != DemoSite.Status.ACTIVE:
        raise ValidationError(_("This site has already been revoked."))
    if actor.scope_org.level > DESIGNATOR_LEVEL[site.level]:
        raise ValidationError(_("Only the level that designated the site, or one above it, may revoke it."))
    with metrics.track(site):
        site.status, site.revoke_reason = DemoSite.Status.REVOKED, reason
        site.revoked_on = revoked_on or timezone.localdate()
        site.full_clean()
        site.save(update_fields=["status", "revoke_reason", "revoked_on"])
    audit.record("showcase.site.revoke", actor=actor, obj=site, after={"reason": reason})
    return site


@transaction.atomic
def meeting_record(*, actor, org, kind, held_on, place, headcount, summary, lessons="", sites=(),
                   participants=()):
    """A meeting hosted by `org`; the sites visited and the participating organizations must be in scope."""
    if not actor.has_capability(MEETING_EDIT):
        raise PermissionDenied
    require(Org.objects.visible_to(actor), org)
    participants = _orgs_in_scope(actor, participants)
    site_ids = {getattr(s, "pk", s) for s in sites}
    sites = list(DemoSite.objects.visible_to(actor).filter(pk__in=site_ids))
    if len(sites) != len(site_ids):
        raise NotInScope
    if held_on and held_on > timezone.localdate():
        raise ValidationError({"held_on": _("A meeting is recorded once it has been held.")})
    if headcount is not None and participants and headcount < len(participants):
        raise ValidationError({"headcount": _("The headcount is lower than the number of participating "
                                              "organizations.")})
    meeting = Meeting(kind=kind, held_on=held_on, place=place, headcount=headcount, summary=summary,
                      lessons=lessons)
    meeting.set_org(org)
    meeting.full_clean()
    with metrics.track(meeting):
        meeting.save()
    meeting.sites.set(sites)
    meeting.participants.set(participants)
    audit.record("showcase.meeting.record", actor=actor, obj=meeting,
                 after={**audit.snapshot(meeting), "sites": sorted(s.pk for s in sites),
                        "participants": sorted(o.pk for o in participants)})
    return meeting
