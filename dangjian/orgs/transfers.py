"""组织关系转接: the transfer workflow's writes (re-exported by orgs.services).

- Inside the sender's scope a transfer completes at once (status `completed`): the person moves.
- To any other organization of the installation it is `pending`: the person stays with the sender until the
  receiving side (a user whose scope contains the destination and whose role edits member records) accepts it
  (`accepted`: the person moves) or returns it with a reason (`returned`: nothing moves). The sender may withdraw
  a pending transfer; the withdrawal is recorded as `returned` with the reason "撤回".
- Out of the installation: the person becomes 已转出 at once and the 介绍信 gets its number.
The move itself (posts in the old organization end, summary figures follow the person) is `_complete`, the same
code at whichever moment the transfer completes.
"""

import datetime

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from dangjian.core import audit, metrics
from dangjian.core.scoping import require, require_editable

from .capabilities import PERSON_EDIT, PERSON_REVEAL
from .choices import Status
from .models import Org, Person, Position, Transfer, TransferLetterCounter

WITHDRAWN = "撤回"  # the return reason of a transfer its sender withdrew
LETTER_VALID_DAYS = 30
DEFAULT_LETTER_PREFIX = "鄂恩组转"


def has_pending(person):
    return Transfer.objects.filter(person=person, status=Transfer.Status.PENDING).exists()


def refuse_status_change_while_pending(person, status):
    """A member with a pending transfer stays a current member until it is decided."""
    if status is not None and status not in Status.CURRENT and has_pending(person):
        raise ValidationError({"status": _("This member has a pending transfer; wait until it is accepted or "
                                           "returned, or withdraw it first.")})


def _check_common(person, transferred_on):
    errors = {}
    if transferred_on > timezone.localdate():
        errors["transferred_on"] = _("The transfer date cannot be in the future.")
    elif transferred_on < person.joined_on:
        errors["transferred_on"] = _("The transfer date cannot be before the date joined the party.")
    last = person.transfers.exclude(status=Transfer.Status.RETURNED).order_by("-transferred_on").first()
    if last and transferred_on < last.transferred_on:
        errors["transferred_on"] = _("The transfer date cannot be before the previous transfer (%(date)s).") % {
            "date": last.transferred_on.isoformat()}
    if person.status not in Status.CURRENT:
        errors["person"] = _("Only a current member can be transferred.")
    elif has_pending(person):
        errors["person"] = _("This member already has a pending transfer.")
    return errors


def _lock_sender_side(actor, person):
    require_editable(actor, person)
    return Person.objects.select_for_update().select_related("org").get(pk=person.pk)


@transaction.atomic
def person_transfer(*, actor, person, to_org, transferred_on, reason=""):
    """Transfer to any active organization of the installation: completed at once inside the actor's scope,
    otherwise pending until the receiving side decides."""
    person = _lock_sender_side(actor, person)
    to_org = Org.objects.select_for_update().get(pk=to_org.pk)
    errors = _check_common(person, transferred_on)
    if to_org.pk == person.org_id:
        errors["to_org"] = _("The person already belongs to this organization.")
    elif not to_org.is_active:
        errors["to_org"] = _("The organization has been deactivated.")
    if errors:
        raise ValidationError(errors)
    inside = Org.objects.visible_to(actor).filter(pk=to_org.pk).exists()
    transfer = Transfer(person=person, from_org=person.org, transferred_on=transferred_on, reason=reason,
                        issued_by=actor, status=Transfer.Status.COMPLETED if inside else Transfer.Status.PENDING)
    transfer.set_org(to_org)
    transfer.full_clean()
    transfer.save()
    if inside:
        _complete(actor, person, transfer, "person.transfer")
    else:
        audit.record("transfer.issue", actor=actor, obj=transfer, after=_summary(transfer))
    return transfer


@transaction.atomic
def person_transfer_out(*, actor, person, to_org_name, transferred_on, dues_paid_until, reason=""):
    """Transfer out of the installation: the person becomes 已转出 at once and the 介绍信 is numbered."""
    person = _lock_sender_side(actor, person)
    to_org_name = (to_org_name or "").strip()
    errors = _check_common(person, transferred_on)
    if not to_org_name:
        errors["to_org_name"] = _("Enter the name of the destination organization.")
    if dues_paid_until is None:
        errors["dues_paid_until"] = _("Enter the month up to which party dues are paid.")
    elif dues_paid_until > timezone.localdate() + datetime.timedelta(days=366):
        errors["dues_paid_until"] = _("Party dues can be paid at most a year ahead.")
    if errors:
        raise ValidationError(errors)
    transfer = Transfer(person=person, from_org=person.org, transferred_on=transferred_on, reason=reason,
                        issued_by=actor, status=Transfer.Status.COMPLETED, external_org_name=to_org_name,
                        dues_paid_until=dues_paid_until.replace(day=1))
    transfer.set_org(person.org)
    transfer.full_clean()
    _number_letter(transfer)
    transfer.save()
    _end_posts(person, person.org, transferred_on, new_status=Status.TRANSFERRED_OUT)
    audit.record("transfer.out", actor=actor, obj=transfer, after=_summary(transfer))
    return transfer


def _receiving_side(actor, transfer):
    """The transfer as the receiving side sees it, locked; 404 for anyone else, 403 for a read-only role."""
    require(Transfer.objects.incoming_for(actor), transfer)
    if not actor.has_capability(PERSON_EDIT):
        raise PermissionDenied
    return Transfer.objects.select_for_update().select_related("person", "from_org", "org").get(pk=transfer.pk)


def _require_pending(transfer):
    if transfer.status != Transfer.Status.PENDING:
        raise ValidationError(_("This transfer has already been decided (%(status)s).")
                              % {"status": transfer.get_status_display()})


@transaction.atomic
def transfer_accept(*, actor, transfer):
    transfer = _receiving_side(actor, transfer)
    _require_pending(transfer)
    person = Person.objects.select_for_update().get(pk=transfer.person_id)
    to_org = Org.objects.select_for_update().get(pk=transfer.org_id)
    if not to_org.is_active:
        raise ValidationError(_("The organization has been deactivated."))
    transfer.status = Transfer.Status.ACCEPTED
    transfer.decided_by, transfer.decided_at = actor, timezone.now()
    transfer.set_org(to_org)  # the destination's ancestry as it is now
    transfer.save()
    _complete(actor, person, transfer, "transfer.accept")
    return transfer


@transaction.atomic
def transfer_return(*, actor, transfer, reason):
    transfer = _receiving_side(actor, transfer)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the transfer is returned.")})
    _require_pending(transfer)
    return _close(actor, transfer, reason, "transfer.return")


@transaction.atomic
def transfer_withdraw(*, actor, transfer):
    """The sender takes back a pending transfer: recorded as returned, with the reason "撤回"."""
    require(Transfer.objects.outgoing_for(actor), transfer)
    if not actor.has_capability(PERSON_EDIT):
        raise PermissionDenied
    transfer = Transfer.objects.select_for_update().get(pk=transfer.pk)
    _require_pending(transfer)
    return _close(actor, transfer, WITHDRAWN, "transfer.withdraw")


def _close(actor, transfer, reason, action):
    transfer.status = Transfer.Status.RETURNED
    transfer.return_reason = reason[:200]
    transfer.decided_by, transfer.decided_at = actor, timezone.now()
    transfer.full_clean()
    transfer.save()
    audit.record(action, actor=actor, obj=transfer, before={"status": Transfer.Status.PENDING},
                 after={"status": transfer.status, "reason": transfer.return_reason})
    return transfer


def _complete(actor, person, transfer, action):
    """The person moves to the destination: posts in the old organization end, the figures follow."""
    from_org = Org.objects.get(pk=transfer.from_org_id)
    with metrics.track(person, from_org):
        ended = _end_posts_only(person, from_org, transfer.transferred_on)
        person.set_org(transfer.org)
        person.save()
    audit.record(
        action, actor=actor, obj=person,
        before={"org": from_org.pk},
        after={"org": transfer.org_id, "transfer": transfer.pk, "positions_ended": ended},
    )


def _end_posts_only(person, from_org, transferred_on):
    held = Position.objects.filter(person=person, org=from_org, end_date__isnull=True)
    return held.update(end_date=max(transferred_on, _latest_start(person, from_org)))


def _end_posts(person, from_org, transferred_on, new_status):
    with metrics.track(person, from_org):
        ended = _end_posts_only(person, from_org, transferred_on)
        person.status = new_status
        person.save(update_fields=["status", "updated_at"])
    return ended


def _latest_start(person, org):
    latest = Position.objects.filter(person=person, org=org, end_date__isnull=True).order_by("-start_date").first()
    return latest.start_date if latest else timezone.localdate()


def _summary(transfer):
    return {"person": transfer.person_id, "from_org": transfer.from_org_id, "to_org": transfer.org_id,
            "to_org_name": transfer.external_org_name, "status": transfer.status,
            "transferred_on": transfer.transferred_on.isoformat(), "letter_number": transfer.letter_number}


# --- 介绍信 numbers -------------------------------------------------------------------------------------


def letter_prefix():
    return getattr(settings, "TRANSFER_LETTER_PREFIX", DEFAULT_LETTER_PREFIX)


def format_letter_number(year, seq):
    return f"{letter_prefix()}〔{year}〕第{seq:04d}号"


def next_letter_seq(year):
    """The next number of `year`, taken inside the caller's transaction: the UPDATE holds the counter row until
    commit, so concurrent issues wait for each other instead of reading the same value."""
    if not TransferLetterCounter.objects.filter(year=year).update(last=F("last") + 1):
        try:
            with transaction.atomic():
                TransferLetterCounter.objects.create(year=year, last=1)
                return 1
        except IntegrityError:  # created by a concurrent issue in the meantime
            TransferLetterCounter.objects.filter(year=year).update(last=F("last") + 1)
    return TransferLetterCounter.objects.get(year=year).last


def _number_letter(transfer):
    year = timezone.localdate().year
    transfer.letter_year, transfer.letter_seq = year, next_letter_seq(year)
    transfer.letter_number = format_letter_number(year, transfer.letter_seq)


def letter_valid_until(transfer):
    return timezone.localtime(transfer.created_at).date() + datetime.timedelta(days=LETTER_VALID_DAYS)


def transfer_letter(*, actor, transfer):
    """What the 介绍信 of a transfer out of the installation shows, for the sending side (404 for anyone else,
    403 for a read-only role). The letter goes to the receiving organization, so it carries the full ID number
    when the printing role may reveal it (audited as a reveal too); otherwise the number is masked."""
    require(Transfer.objects.outgoing_for(actor).filter(external_org_name__gt=""), transfer)
    if not actor.has_capability(PERSON_EDIT):
        raise PermissionDenied
    transfer = Transfer.objects.select_related("person", "from_org").get(pk=transfer.pk)
    person = transfer.person
    full = actor.has_capability(PERSON_REVEAL)
    id_field = Person._meta.get_field("id_number")
    audit.record("transfer.letter", actor=actor, obj=transfer,
                 after={"letter_number": transfer.letter_number, "id_number": "full" if full else "masked"})
    if full:
        audit.record("person.reveal", actor=actor, obj=person, after={"field": "id_number",
                                                                       "via": "transfer.letter"})
    issued = timezone.localtime(transfer.created_at).date()
    return {
        "transfer": transfer,
        "person": person,
        "id_number": person.id_number if full else id_field.masked(person.id_number),
        "age": _age(person.birth_date, issued),
        "issued_on": issued,
        "valid_days": LETTER_VALID_DAYS,
        "valid_until": letter_valid_until(transfer),
    }


def _age(birth, on):
    return on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))
