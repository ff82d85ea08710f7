"""Writes of 三进三帮: visits, beneficiaries and help cases. Each service checks scope and role, validates,
writes, keeps the summary table (core.metrics.track) and records the audit entry in one transaction.

"People helped" is kept countable: every write that can change which of a beneficiary's cases is their first
solved case of a calendar year, or how many people they count, recounts that beneficiary's cases
(`_recount_people`) inside the same tracked block (docs/decisions.md, "People helped").
"""

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from dangjian.core import audit, metrics
from dangjian.core.attachments import attachment_add
from dangjian.core.crypto import blind_indexes
from dangjian.core.exceptions import NotInScope, PermissionDenied, ValidationError
from dangjian.core.models import AuditEntry
from dangjian.core.scoping import require, require_editable, scope_q
from dangjian.core.validators import normalize_id_number
from dangjian.orgs.capabilities import PERSON_REVEAL
from dangjian.orgs.models import Org, Person

from .capabilities import CASE_EDIT, VISIT_RECORD
from .models import Beneficiary, CaseProgress, HelpCase, Visit

BENEFICIARY_FIELDS = ("kind", "name", "id_number", "phone", "household_size", "address", "sensitivity",
                      "sensitive_details")
REVEALABLE = ("id_number", "phone")
# Audit snapshots leave the sensitive details out (the audit administrator has no clearance): only whether any.
_SNAPSHOT = ("kind", "name", "id_number", "phone", "household_size", "address", "sensitivity", "org")


def _org_in_reach(actor, org, capability):
    """`org` if it lies in the actor's own subtree and the actor's role holds `capability`; NotInScope outside,
    PermissionDenied for a role that may not."""
    scope_org = getattr(actor, "scope_org", None)
    if org is None or scope_org is None or not Org.objects.filter(scope_q(Org, scope_org), pk=org.pk).exists():
        raise NotInScope
    if not actor.has_capability(capability):
        raise PermissionDenied(_("Your role does not allow this action."))
    org = Org.objects.get(pk=org.pk)
    if not org.is_active:
        raise ValidationError({"org": _("The organization has been deactivated.")})
    return org


def _not_future(day, field):
    if day and day > timezone.localdate():
        raise ValidationError({field: _("The date cannot be in the future.")})


# --- visits ------------------------------------------------------------------------------------------------


def visit_create(*, actor, org, kind, whom, findings, visited_on=None, photo=None):
    """三进: record a visit (the phone form's six fields). The visitor is the actor's member record; a photo is
    stored as the visit's attachment in the same transaction (refused type or size: nothing is written)."""
    with transaction.atomic():
        org = _org_in_reach(actor, org, VISIT_RECORD)
        visit = Visit(kind=kind, whom=(whom or "").strip(), findings=(findings or "").strip(),
                      visited_on=visited_on or timezone.localdate(), visitor_id=getattr(actor, "person_id", None),
                      recorded_by=actor)
        visit.set_org(org)
        visit.full_clean(exclude=["recorded_by"])
        with metrics.track(visit):
            visit.save()
        audit.record("visit.create", actor=actor, obj=visit, after=audit.snapshot(visit))
        if photo is not None:
            attachment_add(actor=actor, owner=visit, file=photo, purpose="photos")
    return visit


# --- beneficiaries -----------------------------------------------------------------------------------------


class DuplicateBeneficiary(ValidationError):
    """A beneficiary refused because the ID number is already registered. `existing` is that beneficiary when
    the actor may see it (the page offers it), None when it lies outside their scope (the message names no one)."""

    def __init__(self, message, *, id_number, existing):
        super().__init__({"id_number": message})
        self.id_number = id_number
        self.existing = existing


def _refuse_duplicate(beneficiary, actor):
    if not beneficiary.id_number:
        return
    # every configured key's index: rows not yet re-indexed by a data key rotation clash too
    clash = Beneficiary.objects.filter(id_number_index__in=blind_indexes(beneficiary.id_number)).exclude(
        pk=beneficiary.pk)
    if not clash.exists():
        return
    existing = Beneficiary.objects.visible_to(actor).filter(pk__in=clash.values("pk")).select_related("org").first()
    if existing is not None:
        message = _("%(name)s (%(org)s) is already registered with this ID number: open a case for that "
                    "beneficiary instead.") % {"name": existing.name, "org": existing.org.name}
    else:
        message = _("This ID number is already registered. Please contact the higher-level organization "
                    "department.")
    raise DuplicateBeneficiary(message, id_number=beneficiary.id_number, existing=existing)


def _probe_count(actor):
    since = timezone.now() - settings.ID_DUPLICATE_PROBE_WINDOW
    return AuditEntry.objects.filter(actor_id=actor.pk, action="beneficiary.duplicate_id", at__gte=since,
                                     outcome=AuditEntry.Outcome.REFUSED, after__outside_scope=True).count()


def _refuse_if_probing(actor, fields):
    """The members' rule against probing ID numbers across scopes, for beneficiaries' numbers too."""
    if actor is None or not (fields.get("id_number") or "").strip():
        return
    if _probe_count(actor) >= settings.ID_DUPLICATE_PROBE_LIMIT:
        raise ValidationError({"id_number": _(
            "You have entered too many ID numbers registered elsewhere within an hour; entering ID numbers is "
            "paused for you for a while. The security administrator has been notified.")})


def _audit_duplicate(actor, attempted, exc, org):
    masked = Beneficiary._meta.get_field("id_number").masked(exc.id_number)
    audit.record("beneficiary.duplicate_id", actor=actor, object_type="outreach.beneficiary",
                 after={"attempted": attempted, "id_number": masked, "org": getattr(org, "pk", None),
                        "outside_scope": exc.existing is None},
                 outcome=AuditEntry.Outcome.REFUSED, org=org)


def _snapshot(beneficiary):
    data = audit.snapshot(beneficiary, fields=_SNAPSHOT)
    data["sensitive_details"] = bool(beneficiary.sensitive_details.strip())
    return data


def beneficiary_create(*, actor, org, **fields):
    """Register a beneficiary. An ID number already registered is refused: inside the actor's scope the error
    carries the existing beneficiary (`exc.existing`) to offer; outside it, nothing. Refusals are audited after
    the rollback, like members' (orgs.services.person_create)."""
    _refuse_if_probing(actor, fields)
    try:
        return _beneficiary_create(actor=actor, org=org, **fields)
    except DuplicateBeneficiary as exc:
        _audit_duplicate(actor, "beneficiary.create", exc, org)
        raise


@transaction.atomic
def _beneficiary_create(*, actor, org, **fields):
    org = _org_in_reach(actor, org, CASE_EDIT)
    beneficiary = Beneficiary(**{k: v for k, v in fields.items() if k in BENEFICIARY_FIELDS})
    beneficiary.set_org(org)
    beneficiary.id_number = normalize_id_number(beneficiary.id_number)
    beneficiary.full_clean()
    _refuse_duplicate(beneficiary, actor)
    beneficiary.save()
    audit.record("beneficiary.create", actor=actor, obj=beneficiary, after=_snapshot(beneficiary))
    return beneficiary


def beneficiary_update(*, actor, beneficiary, **fields):
    """Edit a beneficiary. ID and phone numbers left empty (or sent back masked) keep the recorded value. A new
    kind or household size recounts the people their solved cases count."""
    _refuse_if_probing(actor, fields)
    try:
        return _beneficiary_update(actor=actor, beneficiary=beneficiary, **fields)
    except DuplicateBeneficiary as exc:
        _audit_duplicate(actor, "beneficiary.update", exc, getattr(beneficiary, "org", None))
        raise


@transaction.atomic
def _beneficiary_update(*, actor, beneficiary, **fields):
    require_editable(actor, beneficiary)
    beneficiary = Beneficiary.objects.select_for_update().get(pk=beneficiary.pk)
    before = _snapshot(beneficiary)
    for name in REVEALABLE:
        value = (fields.get(name) or "").strip()
        if name in fields and (not value or value == Beneficiary._meta.get_field(name).masked(
                getattr(beneficiary, name))):
            del fields[name]
    for name in BENEFICIARY_FIELDS:
        if name in fields:
            setattr(beneficiary, name, fields[name])
    beneficiary.full_clean()
    _refuse_duplicate(beneficiary, actor)
    cases = _cases_of(beneficiary)
    with metrics.track(*cases):
        beneficiary.save()
        _recount_people(beneficiary)
    audit.record("beneficiary.update", actor=actor, obj=beneficiary, before=before, after=_snapshot(beneficiary))
    return beneficiary


def beneficiary_reveal(*, actor, beneficiary, field):
    """The clear ID or phone number of a beneficiary, for a role that may reveal members' numbers
    (orgs' person.reveal); every reveal, and every refusal, is audited."""
    beneficiary = require(Beneficiary.objects.visible_to(actor), beneficiary)
    if field not in REVEALABLE:
        raise ValidationError({"field": _("This field cannot be revealed.")})
    if not actor.has_capability(PERSON_REVEAL):
        audit.record("beneficiary.reveal", actor=actor, obj=beneficiary, after={"field": field},
                     outcome=AuditEntry.Outcome.DENIED)
        raise PermissionDenied(_("Your role may not see full ID or phone numbers."))
    beneficiary = Beneficiary.objects.get(pk=beneficiary.pk)
    audit.record("beneficiary.reveal", actor=actor, obj=beneficiary, after={"field": field})
    return getattr(beneficiary, field)


# --- help cases --------------------------------------------------------------------------------------------


def _cases_of(beneficiary):
    return list(HelpCase.objects.select_for_update().filter(beneficiary_id=beneficiary.pk).only("pk"))


def first_solved_per_year(solved):
    """The keys of one beneficiary's solved cases that count their people: the earliest of each calendar year
    (by date, then key). `solved` is [(key, resolved_on)]. The one spelling of the rule (the demo uses it too)."""
    first_of_year = {}
    for key, day in sorted(solved, key=lambda row: (row[1], row[0])):
        first_of_year.setdefault(day.year, key)
    return set(first_of_year.values())


def _recount_people(beneficiary):
    """Put the beneficiary's people on their first solved case of each calendar year and 0 on the others (two
    UPDATEs). Call inside `metrics.track(*cases of the beneficiary)`."""
    solved = HelpCase.objects.filter(beneficiary_id=beneficiary.pk, status__in=HelpCase.SOLVED)
    counted = first_solved_per_year(solved.values_list("pk", "resolved_on"))
    cases = HelpCase.objects.filter(beneficiary_id=beneficiary.pk)
    cases.filter(pk__in=counted).exclude(people_helped=beneficiary.people).update(people_helped=beneficiary.people)
    cases.exclude(pk__in=counted).exclude(people_helped=0).update(people_helped=0)


def _helpers(actor, helpers):
    """Helpers are members the actor can see (outside scope: not found)."""
    ids = {getattr(h, "pk", h) for h in helpers or ()}
    found = list(Person.objects.visible_to(actor).filter(pk__in=ids))
    if len(found) != len(ids):
        raise NotInScope
    return found


@transaction.atomic
def case_open(*, actor, beneficiary, kind, problem, visit=None, helpers=(), opened_on=None):
    """三帮: register a problem of a beneficiary, from a visit or directly. The case is filed under the
    beneficiary's organization."""
    require_editable(actor, beneficiary)
    beneficiary = Beneficiary.objects.get(pk=beneficiary.pk)
    if visit is not None:
        visit = require(Visit.objects.visible_to(actor), visit)
    people = _helpers(actor, helpers)
    opened_on = opened_on or timezone.localdate()
    _not_future(opened_on, "opened_on")
    case = HelpCase(beneficiary=beneficiary, kind=kind, problem=(problem or "").strip(), visit=visit,
                    opened_on=opened_on)
    case.set_org(beneficiary.org)
    case.full_clean()
    with metrics.track(case):
        case.save()
    case.helpers.set(people)
    audit.record("case.open", actor=actor, obj=case,
                 after={**audit.snapshot(case), "helpers": [p.pk for p in people]})
    return case


def _editable_case(actor, case):
    require_editable(actor, case)
    return HelpCase.objects.select_for_update().select_related("beneficiary").get(pk=case.pk)


@transaction.atomic
def case_assign(*, actor, case, helpers):
    """Set the helpers of a case (members the actor can see)."""
    case = _editable_case(actor, case)
    people = _helpers(actor, helpers)
    before = sorted(case.helpers.values_list("pk", flat=True))
    case.helpers.set(people)
    audit.record("case.progress", actor=actor, obj=case, before={"helpers": before},
                 after={"helpers": sorted(p.pk for p in people)})
    return case


@transaction.atomic
def case_progress(*, actor, case, note, noted_on=None):
    case = _editable_case(actor, case)
    note = (note or "").strip()
    if not note:
        raise ValidationError({"note": _("Describe the progress.")})
    if case.status not in HelpCase.PENDING:
        raise ValidationError(_("This case is solved; reopen it to record more progress."))
    noted_on = noted_on or timezone.localdate()
    _not_future(noted_on, "noted_on")
    entry = CaseProgress(case=case, note=note, noted_on=noted_on, author=actor)
    entry.full_clean(exclude=["author"])
    entry.save()
    audit.record("case.progress", actor=actor, obj=case, after={"note": note, "noted_on": noted_on.isoformat()})
    return entry


@transaction.atomic
def case_resolve(*, actor, case, resolution, resolved_on=None):
    """Resolve an open (or reopened) case with what was done. It then counts as a problem solved on
    `resolved_on`, and its beneficiary among the people helped that year."""
    case = _editable_case(actor, case)
    resolution = (resolution or "").strip()
    resolved_on = resolved_on or timezone.localdate()
    if case.status not in HelpCase.PENDING:
        raise ValidationError(_("This case is already resolved."))
    if not resolution:
        raise ValidationError({"resolution": _("Describe what was done to resolve the problem.")})
    _not_future(resolved_on, "resolved_on")
    if resolved_on < case.opened_on:
        raise ValidationError({"resolved_on": _("A case cannot be resolved before it was opened.")})
    cases = _cases_of(case.beneficiary)
    with metrics.track(*cases):
        case.status, case.resolution, case.resolved_on = HelpCase.Status.RESOLVED, resolution, resolved_on
        case.full_clean()
        case.save(update_fields=["status", "resolution", "resolved_on"])
        _recount_people(case.beneficiary)
    audit.record("case.resolve", actor=actor, obj=case,
                 after={"resolution": resolution, "resolved_on": resolved_on.isoformat()})
    return case


@transaction.atomic
def case_return_visit(*, actor, case, satisfaction, note="", returned_on=None):
    """回访: record the beneficiary's satisfaction with a resolved case, which closes it."""
    case = _editable_case(actor, case)
    returned_on = returned_on or timezone.localdate()
    if case.status != HelpCase.Status.RESOLVED:
        raise ValidationError(_("A return visit is recorded after the case is resolved, once."))
    if satisfaction not in HelpCase.Satisfaction.values or not satisfaction:
        raise ValidationError({"satisfaction": _("Choose the beneficiary's satisfaction.")})
    _not_future(returned_on, "returned_on")
    if returned_on < case.resolved_on:
        raise ValidationError({"returned_on": _("The return visit cannot be before the resolution.")})
    with metrics.track(case):
        case.status, case.satisfaction = HelpCase.Status.CLOSED, satisfaction
        case.return_note, case.returned_on = (note or "").strip()[:500], returned_on
        case.full_clean()
        case.save(update_fields=["status", "satisfaction", "return_note", "returned_on"])
    audit.record("case.return_visit", actor=actor, obj=case,
                 after={"satisfaction": satisfaction, "note": case.return_note, "returned_on": returned_on.isoformat()})
    return case


@transaction.atomic
def case_reopen(*, actor, case, reason):
    """Reopen a resolved or closed case that was not really solved: it leaves the problems solved (and, if it
    was the one counting them, the beneficiary's people move to their next solved case of that year)."""
    case = _editable_case(actor, case)
    reason = (reason or "").strip()
    if case.status not in HelpCase.SOLVED:
        raise ValidationError(_("Only a resolved or closed case can be reopened."))
    if not reason:
        raise ValidationError({"reason": _("Give the reason for reopening the case.")})
    before = {"status": case.status, "resolved_on": case.resolved_on.isoformat(), "satisfaction": case.satisfaction}
    cases = _cases_of(case.beneficiary)
    with metrics.track(*cases):
        case.status, case.resolved_on, case.reopen_reason = HelpCase.Status.REOPENED, None, reason[:500]
        case.satisfaction, case.returned_on, case.return_note = "", None, ""
        case.save(update_fields=["status", "resolved_on", "reopen_reason", "satisfaction", "returned_on",
                                 "return_note"])
        _recount_people(case.beneficiary)
    CaseProgress.objects.create(case=case, noted_on=timezone.localdate(), author=actor,
                                note=(_("Reopened: %(reason)s") % {"reason": reason})[:500])
    audit.record("case.reopen", actor=actor, obj=case, before=before, after={"reason": reason})
    return case
