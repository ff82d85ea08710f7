"""Writes to the organization tree, people, positions and transfers.

Each function validates, checks scope and role (objects outside the actor's scope raise core.exceptions.NotInScope),
writes, and records its audit entry in the same transaction.
"""

from django.apps import apps
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F, Value
from django.db.models.functions import Concat, Substr
from django.utils import timezone
from django.utils.translation import gettext as _

from dangjian.core import audit, metrics
from dangjian.core.models import AuditEntry
from dangjian.core.pinyin import org_name_keys, person_name_keys
from dangjian.core.scoping import require, require_editable
from dangjian.core.validators import normalize_id_number

from .capabilities import PERSON_EDIT, PERSON_REVEAL
from .choices import Status, Title
from .idcard import id_facts
from .models import ANCESTRY_COLUMNS, Org, OrgFact, Person, Position, Transfer, path_segment
from .transfers import (  # noqa: F401 -- the transfer workflow's services, re-exported
    person_transfer,
    person_transfer_out,
    refuse_status_change_while_pending,
    transfer_accept,
    transfer_letter,
    transfer_return,
    transfer_withdraw,
)

ORG_FIELDS = ("name", "code", "level", "kind", "sector", "division_code", "term_start", "term_end")
PERSON_FIELDS = (
    "name", "gender", "ethnicity", "birth_date", "id_number", "phone", "education", "category",
    "joined_on", "full_member_on", "probation_extended_months", "status",
)
REVEALABLE = ("id_number", "phone")
# Derived from the ID number whenever it carries them (orgs.idcard); typed only for a record without one.
DERIVED_FIELDS = ("birth_date", "gender")


# --- organizations ------------------------------------------------------------------------------------


def _check_level(level, parent):
    if parent is not None and level is not None and int(level) <= parent.level:
        raise ValidationError(
            {"level": _("The level must be below that of the parent organization (%(parent)s).")
             % {"parent": parent.get_level_display()}}
        )


def _set_tree_fields(org):
    """path, depth and ancestry of a saved org from its parent (and itself at its own level)."""
    parent = org.parent
    org.path = (parent.path if parent else "") + path_segment(org.pk)
    org.depth = parent.depth + 1 if parent else 0
    if parent:
        org.copy_ancestry(parent)
    else:
        for column in ANCESTRY_COLUMNS.values():
            setattr(org, f"{column}_id", None)
    own = ANCESTRY_COLUMNS.get(org.level)
    if own:
        setattr(org, f"{own}_id", org.pk)


@transaction.atomic
def org_create(*, actor, parent, **fields):
    """Create an organization under `parent`. `actor=None` is the system itself (demo, bootstrap)."""
    if actor is not None:
        if parent is None:
            raise ValidationError({"parent": _("Choose the parent organization.")})
        require_editable(actor, parent)
    if parent is not None:
        parent = Org.objects.select_for_update().get(pk=parent.pk)  # current state, held until commit
    if parent is not None and not parent.is_active:
        raise ValidationError({"parent": _("The parent organization has been deactivated.")})
    org = Org(parent=parent, **{k: v for k, v in fields.items() if k in ORG_FIELDS})
    set_org_pinyin(org)
    org.path = f"~{timezone.now().timestamp()}"  # placeholder until the id is known
    _check_level(org.level, parent)
    org.full_clean(exclude=["path"])
    with metrics.track(org):
        org.save()
        _set_tree_fields(org)
        org.save(update_fields=["path", "depth", *[f"{c}_id" for c in ANCESTRY_COLUMNS.values()]])
    audit.record("org.create", actor=actor, obj=org, after=audit.snapshot(org))
    return org


@transaction.atomic
def org_update(*, actor, org, **fields):
    require_editable(actor, org)
    org = Org.objects.select_for_update().get(pk=org.pk)
    before = audit.snapshot(org)
    new_level = fields.get("level", org.level)
    if new_level is not None and int(new_level) != org.level:
        if org.children.exists() or _has_facts(org):
            raise ValidationError(
                {"level": _("The level of an organization with sub-organizations or members cannot change.")}
            )
        _check_level(new_level, org.parent)
    for name in ORG_FIELDS:
        if name in fields:
            setattr(org, name, fields[name])
    set_org_pinyin(org)
    org.full_clean()
    _set_tree_fields(org)
    with metrics.track(org):
        org.save()
    audit.record("org.update", actor=actor, obj=org, before=before, after=audit.snapshot(org))
    return org


def _fact_models():
    return [m for m in apps.get_models() if issubclass(m, OrgFact)]


def _has_facts(org):
    return any(model.objects.filter(org=org).exists() for model in _fact_models())


@transaction.atomic
def org_move(*, actor, org, new_parent):
    """Move `org` and its whole subtree under `new_parent`: paths, depths and every copied ancestry column."""
    require_editable(actor, org)
    require_editable(actor, new_parent)
    org = Org.objects.select_for_update().get(pk=org.pk)
    new_parent = Org.objects.get(pk=new_parent.pk)
    if new_parent.pk == org.pk or new_parent.is_descendant_of(org):
        raise ValidationError(
            {"parent": _("An organization cannot be moved under itself or its own sub-organization.")}
        )
    if org.pk == actor.org_id:
        raise ValidationError({"parent": _("You cannot move the organization your account belongs to.")})
    _check_level(org.level, new_parent)
    if not new_parent.is_active:
        raise ValidationError({"parent": _("The parent organization has been deactivated.")})
    if new_parent.pk == org.parent_id:
        return org
    before = {"parent": org.parent_id, "path": org.path}
    old_path = org.path
    new_path = new_parent.path + path_segment(org.pk)
    upper_columns = {
        f"{column}_id": getattr(new_parent, f"{column}_id")
        for level, column in ANCESTRY_COLUMNS.items() if level < org.level
    }
    with metrics.track_subtree(org):
        moved = Org.objects.filter(org.subtree_q()).update(
            path=Concat(Value(new_path), Substr("path", len(old_path) + 1)),
            depth=F("depth") + (new_parent.depth + 1 - org.depth),
            **upper_columns,
        )
        facts = sum(model.objects.filter(org.ancestry_q()).update(**upper_columns) for model in _fact_models())
        Org.objects.filter(pk=org.pk).update(parent=new_parent)
    org.refresh_from_db()
    audit.record(
        "org.move", actor=actor, obj=org, before=before,
        after={"parent": new_parent.pk, "path": org.path, "orgs_moved": moved, "facts_updated": facts},
    )
    return org


@transaction.atomic
def org_deactivate(*, actor, org):
    require_editable(actor, org)
    org = Org.objects.select_for_update().get(pk=org.pk)
    if org.pk == actor.org_id:
        raise ValidationError(_("You cannot deactivate the organization your account belongs to."))
    if org.children.filter(is_active=True).exists():
        raise ValidationError(_("Deactivate or move its active sub-organizations first."))
    if Person.objects.filter(org=org, status__in=Status.CURRENT).exists():
        raise ValidationError(_("The organization still has members; transfer them first."))
    with metrics.track(org):
        org.is_active = False
        org.save(update_fields=["is_active", "updated_at"])
    audit.record("org.deactivate", actor=actor, obj=org, before={"is_active": True}, after={"is_active": False})
    return org


@transaction.atomic
def org_reactivate(*, actor, org):
    require_editable(actor, org)
    org = Org.objects.select_for_update().get(pk=org.pk)
    if org.parent and not org.parent.is_active:
        raise ValidationError(_("Reactivate the parent organization first."))
    with metrics.track(org):
        org.is_active = True
        org.save(update_fields=["is_active", "updated_at"])
    audit.record("org.reactivate", actor=actor, obj=org, before={"is_active": False}, after={"is_active": True})
    return org


@transaction.atomic
def org_delete(*, actor, org):
    """Only an organization created by mistake can be deleted: no children, no members, no history."""
    require_editable(actor, org)
    org = Org.objects.select_for_update().get(pk=org.pk)
    user_model = apps.get_model("accounts", "User")
    if (
        org.children.exists() or _has_facts(org) or Transfer.objects.filter(from_org=org).exists()
        or user_model.objects.filter(org=org).exists()
    ):
        raise ValidationError(
            _("An organization with sub-organizations, members, accounts or history cannot be deleted; "
              "deactivate it instead.")
        )
    before = audit.snapshot(org)
    audit.record("org.delete", actor=actor, obj=org, before=before)
    with metrics.track(org):
        # An org above branch level is its own ancestor at its level (e.g. village_id = its id): clear that
        # self-reference first, or the PROTECT on the ancestry columns refuses the delete.
        Org.objects.filter(pk=org.pk).update(**{f"{c}_id": None for c in ANCESTRY_COLUMNS.values()})
        org.delete()


# --- people ----------------------------------------------------------------------------------------------


def _require_org_for_people(actor, org):
    """An org the actor may file people under: visible to them, and their role edits member records.

    Returns the org as it is now, locked until commit: its ancestry is copied onto the fact rows, so a stale
    object (or a move running at the same time) must not leave them pointing at the old ancestors.
    `actor=None` is the system itself (installation, imports, fixtures)."""
    if actor is not None:
        require(Org.objects.visible_to(actor), org)
        if not actor.has_capability(PERSON_EDIT):
            raise PermissionDenied
    return Org.objects.select_for_update().get(pk=org.pk)


def set_org_pinyin(org):
    keys = org_name_keys(org.name or "")
    org.pinyin, org.pinyin_initials, org.pinyin_alt = keys.full, keys.initials, keys.alt


def _set_person_pinyin(person):
    keys = person_name_keys(person.name or "")
    person.pinyin, person.pinyin_initials, person.pinyin_alt = keys.full, keys.initials, keys.alt


def _derive_from_id_number(person, fields):
    """Birth date and gender come from the ID number when it carries them (entered once). A value sent as well
    must agree with it; without an ID number (an old record) the typed values stay. Returns whether derived."""
    facts = id_facts(person.id_number) if person.id_number else None
    if facts is None:
        return False
    errors = {}
    for name, value in zip(DERIVED_FIELDS, facts, strict=True):
        given = fields.get(name)
        if given not in (None, "") and given != value:
            errors[name] = _("The birth date does not match the ID number.") if name == "birth_date" else _(
                "The gender does not match the ID number.")
        setattr(person, name, value)
    if errors:
        raise ValidationError(errors)
    return True


def _full_clean_person(person, derived):
    """full_clean(), with the errors about derived values shown on the ID number (the form does not ask for
    them), and no "required" noise about them while the ID number itself is wrong."""
    try:
        person.full_clean()
    except ValidationError as exc:
        errors = dict(exc.error_dict)
        if "id_number" in errors:
            for name in DERIVED_FIELDS:
                if not getattr(person, name):
                    errors.pop(name, None)
        elif derived:
            moved = [e for name in DERIVED_FIELDS for e in errors.pop(name, [])]
            if moved:
                errors["id_number"] = moved
        raise ValidationError(errors) from None


def _keep_protected_values(person, fields, clear_phone=False):
    """THE rule for the encrypted fields on an update, for the edit page and the API alike: left empty (or sent
    back masked, as a read shows it), the recorded number is kept; `clear_phone` removes the phone number."""
    for name in REVEALABLE:
        if name not in fields:
            continue
        value = (fields[name] or "").strip()
        if not value or value == Person._meta.get_field(name).masked(getattr(person, name)):
            del fields[name]
    if clear_phone:
        if fields.get("phone"):
            raise ValidationError({"phone": _("Either enter a new phone number or remove it, not both.")})
        fields["phone"] = ""
    return fields


class DuplicateIdNumber(ValidationError):
    """A write refused because the ID number is already registered; `outside_scope` when the record it belongs
    to is outside the actor's scope (the message then names nothing)."""

    def __init__(self, message, *, id_number, outside_scope):
        super().__init__({"id_number": message})
        self.id_number = id_number
        self.outside_scope = outside_scope


def _refuse_duplicate_id(person, actor):
    """Refuse an ID number another member record holds. Inside the actor's scope the answer says so (the page
    links the record); outside it, the answer names no one and no organization, whatever the record: the
    ID-number oracle across scopes (docs/security.md)."""
    from dangjian.core.crypto import blind_indexes

    if not person.id_number:
        return
    clash = Person.objects.filter(id_number_index__in=blind_indexes(person.id_number)).exclude(pk=person.pk)
    if not clash.exists():
        return
    visible = actor is None or clash.filter(pk__in=Person.objects.visible_to(actor).values("pk")).exists()
    if visible:
        message = _("A member record with this ID number already exists; use a transfer to move it here.")
    else:
        message = _("This ID number is already registered. Please contact the higher-level organization "
                    "department to transfer the member's organizational relationship.")
    raise DuplicateIdNumber(message, id_number=person.id_number, outside_scope=not visible)


def _id_probe_count(actor):
    """Writes of `actor` refused within the probe window for an ID number registered outside their scope."""
    since = timezone.now() - settings.ID_DUPLICATE_PROBE_WINDOW
    return AuditEntry.objects.filter(
        actor_id=actor.pk, action="person.duplicate_id", outcome=AuditEntry.Outcome.REFUSED, at__gte=since,
        after__outside_scope=True,
    ).count()


def _refuse_if_probing(actor, action, fields):
    """A user who met more than ID_DUPLICATE_PROBE_LIMIT outside-scope ID numbers within the window writes no
    ID number until the window has passed; each refused attempt is audited (the security page lists them)."""
    if actor is None or not (fields.get("id_number") or "").strip():
        return
    if _id_probe_count(actor) < settings.ID_DUPLICATE_PROBE_LIMIT:
        return
    audit.record("person.id_probe_throttled", actor=actor, object_type="orgs.person",
                 after={"attempted": action}, outcome=AuditEntry.Outcome.REFUSED)
    raise ValidationError({"id_number": _(
        "You have entered too many ID numbers registered elsewhere within an hour; entering ID numbers is paused "
        "for you for a while. The security administrator has been notified.")})


def _audit_duplicate(actor, action, exc, org):
    """Audit a write refused for a duplicate ID number, after its transaction rolled back (so the entry stays);
    names no record when the clash is outside the actor's scope. The refusal that reaches the probe limit
    also flags the user (person.id_probe_throttled), which the security administrator's page lists."""
    masked = Person._meta.get_field("id_number").masked(exc.id_number)
    audit.record("person.duplicate_id", actor=actor, object_type="orgs.person",
                 after={"attempted": action, "id_number": masked, "org": getattr(org, "pk", None),
                        "outside_scope": exc.outside_scope},
                 outcome=AuditEntry.Outcome.REFUSED)
    if actor is not None and exc.outside_scope and _id_probe_count(actor) == settings.ID_DUPLICATE_PROBE_LIMIT:
        audit.record("person.id_probe_throttled", actor=actor, object_type="orgs.person",
                     after={"attempted": action, "limit_reached": True}, outcome=AuditEntry.Outcome.REFUSED)


def person_create(*, actor, org, **fields):
    """Create a member record. An ID number already registered is refused, and the refusal is audited in a
    transaction of its own, after the write's rollback (outside any caller's transaction, it is kept)."""
    _refuse_if_probing(actor, "person.create", fields)
    try:
        return _person_create(actor=actor, org=org, **fields)
    except DuplicateIdNumber as exc:
        _audit_duplicate(actor, "person.create", exc, org)
        raise


@transaction.atomic
def _person_create(*, actor, org, **fields):
    org = _require_org_for_people(actor, org)
    if not org.is_active:
        raise ValidationError({"org": _("The organization has been deactivated.")})
    person = Person(**{k: v for k, v in fields.items() if k in PERSON_FIELDS})
    person.set_org(org)
    _set_person_pinyin(person)
    person.id_number = normalize_id_number(person.id_number)
    _full_clean_person(person, _derive_from_id_number(person, fields))
    _refuse_duplicate_id(person, actor)
    with metrics.track(person):
        person.save()
    audit.record("person.create", actor=actor, obj=person, after=audit.snapshot(person))
    return person


def person_update(*, actor, person, clear_phone=False, **fields):
    """Update a member record. ID and phone numbers left empty (or sent back masked) keep the recorded value;
    `clear_phone=True` removes the phone number. Birth date and gender follow the ID number. A duplicate ID
    number is refused and audited as in person_create."""
    _refuse_if_probing(actor, "person.update", fields)
    try:
        return _person_update(actor=actor, person=person, clear_phone=clear_phone, **fields)
    except DuplicateIdNumber as exc:
        _audit_duplicate(actor, "person.update", exc, getattr(person, "org", None))
        raise


@transaction.atomic
def _person_update(*, actor, person, clear_phone=False, **fields):
    require_editable(actor, person)
    person = Person.objects.select_for_update().get(pk=person.pk)
    before = audit.snapshot(person)
    fields = _keep_protected_values(person, dict(fields), clear_phone)
    if fields.get("status", person.status) != person.status:
        refuse_status_change_while_pending(person, fields["status"])
    for name in PERSON_FIELDS:
        if name in fields:
            setattr(person, name, fields[name])
    _set_person_pinyin(person)
    person.id_number = normalize_id_number(person.id_number)
    _full_clean_person(person, _derive_from_id_number(person, fields))
    _refuse_duplicate_id(person, actor)
    with metrics.track(person):
        person.save()
    audit.record("person.update", actor=actor, obj=person, before=before, after=audit.snapshot(person))
    return person


def person_reveal(*, actor, person, field):
    """The clear value of one protected field, for a role allowed to see it; every reveal is audited."""
    person = require(Person.objects.visible_to(actor), person)
    if field not in REVEALABLE:
        raise ValidationError({"field": _("This field cannot be revealed.")})
    if not actor.has_capability(PERSON_REVEAL):
        audit.record("person.reveal", actor=actor, obj=person, after={"field": field},
                     outcome=AuditEntry.Outcome.DENIED)
        raise PermissionDenied(_("Your role may not see full ID or phone numbers."))
    person = Person.objects.get(pk=person.pk)
    audit.record("person.reveal", actor=actor, obj=person, after={"field": field})
    return getattr(person, field)


# --- positions ------------------------------------------------------------------------------------------


@transaction.atomic
def position_appoint(*, actor, person, org, title, start_date, note=""):
    require_editable(actor, person)
    org = _require_org_for_people(actor, org)
    person = Person.objects.get(pk=person.pk)
    errors = {}
    if person.status not in Status.CURRENT:
        errors["person"] = _("Only a current member can be appointed.")
    if start_date and start_date > timezone.localdate():
        errors["start_date"] = _("The start date cannot be in the future.")
    if not org.is_active:
        errors["org"] = _("The organization has been deactivated.")
    current = Position.objects.select_for_update().filter(org=org, title=title, end_date__isnull=True)
    if title == Title.SECRETARY:
        holder = current.select_related("person").first()
        if holder:
            errors["title"] = _(
                "%(org)s already has a current secretary (%(name)s); end that post first."
            ) % {"org": org.name, "name": holder.person.name}
    elif current.filter(person=person).exists():
        errors["title"] = _("This person already holds this post in this organization.")
    if errors:
        raise ValidationError(errors)
    position = Position(person=person, title=title, start_date=start_date, note=note)
    position.set_org(org)
    position.full_clean()
    with metrics.track(org):
        position.save()
    audit.record("position.appoint", actor=actor, obj=position, after=audit.snapshot(position))
    return position


@transaction.atomic
def position_end(*, actor, position, end_date, reason=""):
    """免职: end a current post on `end_date`, with the reason. Nobody ends their own post (a secretary is
    relieved by the organization above, not by themself)."""
    require_editable(actor, position)
    position = Position.objects.select_for_update().select_related("person").get(pk=position.pk)
    if getattr(actor, "person_id", None) and actor.person_id == position.person_id:
        raise ValidationError(
            _("You cannot dismiss yourself from your own post; the organization above records it."))
    if position.end_date is not None:
        raise ValidationError({"end_date": _("This post has already ended.")})
    if end_date < position.start_date:
        raise ValidationError({"end_date": _("The end date cannot be before the start date.")})
    if end_date > timezone.localdate():
        raise ValidationError({"end_date": _("The end date cannot be in the future.")})
    with metrics.track(position.org):
        position.end_date = end_date
        position.end_reason = (reason or "").strip()
        position.full_clean()
        position.save(update_fields=["end_date", "end_reason"])
    audit.record("position.end", actor=actor, obj=position, before={"end_date": None},
                 after={"end_date": end_date.isoformat(), "end_reason": position.end_reason})
    return position
