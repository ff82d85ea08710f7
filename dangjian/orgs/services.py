"""Writes to the organization tree, people, positions and transfers.

Each function validates, checks scope and role (objects outside the actor's editable scope raise Http404),
writes, and records its audit entry in the same transaction.
"""

from django.apps import apps
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F, Value
from django.db.models.functions import Concat, Substr
from django.utils import timezone
from django.utils.translation import gettext as _

from dangjian.core import audit
from dangjian.core import summary as summary_table
from dangjian.core.models import AuditEntry
from dangjian.core.pinyin import pinyin_keys
from dangjian.core.scoping import require, require_editable

from . import summary
from .choices import Status, Title
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
    "joined_on", "full_member_on", "status",
)
REVEALABLE = ("id_number", "phone")


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
    org.pinyin, org.pinyin_initials = pinyin_keys(org.name or "")
    org.path = f"~{timezone.now().timestamp()}"  # placeholder until the id is known
    _check_level(org.level, parent)
    org.full_clean(exclude=["path"])
    org.save()
    _set_tree_fields(org)
    org.save(update_fields=["path", "depth", *[f"{c}_id" for c in ANCESTRY_COLUMNS.values()]])
    summary_table.add(summary.org_counts(org, secretary=False))
    audit.record("org.create", actor=actor, obj=org, after=audit.snapshot(org))
    return org


@transaction.atomic
def org_update(*, actor, org, **fields):
    require_editable(actor, org)
    org = Org.objects.select_for_update().get(pk=org.pk)
    before = audit.snapshot(org)
    secretary = summary.has_secretary(org)
    counted_before = summary.org_counts(org, secretary)
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
    org.pinyin, org.pinyin_initials = pinyin_keys(org.name or "")
    org.full_clean()
    _set_tree_fields(org)
    org.save()
    summary_table.add(summary_table.merge(summary.negate(counted_before), summary.org_counts(org, secretary)))
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
    summary_table.add(summary.move(org, old_place=org, new_parent=new_parent))
    old_path = org.path
    new_path = new_parent.path + path_segment(org.pk)
    upper_columns = {
        f"{column}_id": getattr(new_parent, f"{column}_id")
        for level, column in ANCESTRY_COLUMNS.items() if level < org.level
    }
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
    summary_table.add(summary.negate(summary.org_counts(org, summary.has_secretary(org))))
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
    was_active = org.is_active
    org.is_active = True
    org.save(update_fields=["is_active", "updated_at"])
    if not was_active:
        summary_table.add(summary.org_counts(org, summary.has_secretary(org)))
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
    summary_table.add(summary.negate(summary.org_counts(org, secretary=False)))  # no history: no secretary
    audit.record("org.delete", actor=actor, obj=org, before=before)
    # An org above branch level is its own ancestor at its level (e.g. village_id = its id): clear that
    # self-reference first, or the PROTECT on the ancestry columns refuses the delete.
    Org.objects.filter(pk=org.pk).update(**{f"{c}_id": None for c in ANCESTRY_COLUMNS.values()})
    org.delete()


# --- people ----------------------------------------------------------------------------------------------


def _require_org_for_people(actor, org):
    """An org the actor may file people under: visible to them, and their role edits member records.

    Returns the org as it is now, locked until commit: its ancestry is copied onto the fact rows, so a stale
    object (or a move running at the same time) must not leave them pointing at the old ancestors."""
    require(Org.objects.visible_to(actor), org)
    if not actor.has_capability("person.edit"):
        raise PermissionDenied
    return Org.objects.select_for_update().get(pk=org.pk)


def _set_person_pinyin(person):
    person.pinyin, person.pinyin_initials = pinyin_keys(person.name or "")


def _refuse_duplicate_id(person):
    from dangjian.core.crypto import blind_index

    if not person.id_number:
        return
    clash = Person.objects.filter(id_number_index=blind_index(person.id_number)).exclude(pk=person.pk)
    if clash.exists():
        raise ValidationError(
            {"id_number": _("A member record with this ID number already exists; "
                            "use a transfer to move it here.")}
        )


@transaction.atomic
def person_create(*, actor, org, **fields):
    org = _require_org_for_people(actor, org)
    if not org.is_active:
        raise ValidationError({"org": _("The organization has been deactivated.")})
    person = Person(**{k: v for k, v in fields.items() if k in PERSON_FIELDS})
    person.set_org(org)
    _set_person_pinyin(person)
    person.full_clean()
    _refuse_duplicate_id(person)
    person.save()
    summary_table.add(summary.person_counts(person))
    audit.record("person.create", actor=actor, obj=person, after=audit.snapshot(person))
    return person


@transaction.atomic
def person_update(*, actor, person, **fields):
    require_editable(actor, person)
    person = Person.objects.select_for_update().get(pk=person.pk)
    before = audit.snapshot(person)
    counted_before = summary.person_counts(person)
    if fields.get("status", person.status) != person.status:
        refuse_status_change_while_pending(person, fields["status"])
    for name in PERSON_FIELDS:
        if name in fields:
            setattr(person, name, fields[name])
    _set_person_pinyin(person)
    person.full_clean()
    _refuse_duplicate_id(person)
    person.save()
    summary_table.add(summary_table.merge(summary.negate(counted_before), summary.person_counts(person)))
    audit.record("person.update", actor=actor, obj=person, before=before, after=audit.snapshot(person))
    return person


def person_reveal(*, actor, person, field):
    """The clear value of one protected field, for a role allowed to see it; every reveal is audited."""
    person = require(Person.objects.visible_to(actor), person)
    if field not in REVEALABLE:
        raise ValidationError({"field": _("This field cannot be revealed.")})
    if not actor.has_capability("person.reveal"):
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
    position.save()
    if title == Title.SECRETARY:
        summary_table.add(summary.secretary_change(org, -1))
    audit.record("position.appoint", actor=actor, obj=position, after=audit.snapshot(position))
    return position


@transaction.atomic
def position_end(*, actor, position, end_date):
    require_editable(actor, position)
    position = Position.objects.select_for_update().get(pk=position.pk)
    if position.end_date is not None:
        raise ValidationError({"end_date": _("This post has already ended.")})
    if end_date < position.start_date:
        raise ValidationError({"end_date": _("The end date cannot be before the start date.")})
    if end_date > timezone.localdate():
        raise ValidationError({"end_date": _("The end date cannot be in the future.")})
    position.end_date = end_date
    position.save(update_fields=["end_date"])
    if position.title == Title.SECRETARY:
        summary_table.add(summary.secretary_change(position.org, +1))
    audit.record("position.end", actor=actor, obj=position, before={"end_date": None},
                 after={"end_date": end_date.isoformat()})
    return position

