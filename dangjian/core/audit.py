"""The audit log: every service write, login event, reveal and export appends one hash-chained entry.

`record()` must be called inside the transaction of the write it describes, so both commit or neither does.
Each app registers readable labels for the action codes it records (`register_actions`, from its AppConfig.ready());
the audit pages show the label, and the raw code where none is registered.
"""

import datetime
import json
from decimal import Decimal

from django.db import models, transaction
from django.utils import timezone

from .crypto import EncryptedCharField, sm3_hex
from .middleware import client_ip, current_request
from .models import AuditEntry, AuditHead

# action code -> label (lazy translation), filled by the apps at start-up.
ACTION_LABELS = {}

GENESIS = "0" * 64
_HASHED_FIELDS = (
    "seq", "at", "actor_id", "actor_name", "ip", "request_id", "action", "object_type",
    "object_id", "object_repr", "before", "after", "outcome", "prev_hash",
)


def register_actions(labels):
    """Add {action code: gettext_lazy label} for the codes an app records."""
    ACTION_LABELS.update(labels)


def action_label(code):
    return ACTION_LABELS.get(code, code)


def _plain(value):
    if isinstance(value, (datetime.datetime, datetime.date, Decimal)):
        return value.isoformat() if hasattr(value, "isoformat") else str(value)
    if isinstance(value, models.Model):
        return value.pk
    return value


def snapshot(instance, fields=None):
    """A JSON-safe dict of a model instance's concrete fields; encrypted values appear masked."""
    data = {}
    for field in instance._meta.concrete_fields:
        if fields is not None and field.name not in fields:
            continue
        value = getattr(instance, field.attname)
        if isinstance(field, EncryptedCharField):
            value = field.masked(value)
        elif field.name.endswith("_index") or field.name == "password":
            continue
        data[field.name] = _plain(value)
    return data


def entry_hash(entry: AuditEntry) -> str:
    values = {name: getattr(entry, name) for name in _HASHED_FIELDS}
    values["at"] = entry.at.astimezone(datetime.UTC).isoformat()
    canonical = json.dumps(values, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return sm3_hex(canonical.encode())


def record(action, *, actor=None, obj=None, before=None, after=None, outcome=AuditEntry.Outcome.SUCCESS,
           object_type="", object_id="", object_repr=""):
    request = current_request()
    if actor is None and request is not None and getattr(request, "user", None) is not None:
        actor = request.user if request.user.is_authenticated else None
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(obj.pk)
        object_repr = object_repr or str(obj)[:200]
    with transaction.atomic():
        head, _ = AuditHead.objects.select_for_update().get_or_create(id=1)
        entry = AuditEntry(
            seq=head.seq + 1,
            at=timezone.now(),
            actor_id=getattr(actor, "pk", None),
            actor_name=getattr(actor, "username", "")[:150],
            ip=client_ip(request) if request is not None else "",
            request_id=getattr(request, "request_id", ""),
            action=action,
            object_type=object_type,
            object_id=str(object_id),
            object_repr=str(object_repr)[:200],
            before=_jsonable(before),
            after=_jsonable(after),
            outcome=outcome,
            prev_hash=head.hash,
        )
        entry.hash = entry_hash(entry)
        entry.save()
        AuditHead.objects.filter(id=1).update(seq=entry.seq, hash=entry.hash)
    return entry


def _jsonable(data):
    if data is None:
        return None
    return json.loads(json.dumps(data, default=_plain, ensure_ascii=False))


def verify():
    """Walk the chain. Returns None when intact, else (seq, reason) for the first bad entry."""
    expected_prev, expected_seq = GENESIS, 1
    for entry in AuditEntry.objects.order_by("seq").iterator(chunk_size=2000):
        if entry.seq != expected_seq:
            return expected_seq, "missing entry (deleted)"
        if entry.prev_hash != expected_prev:
            return entry.seq, "predecessor hash does not match (previous entry edited or deleted)"
        if entry_hash(entry) != entry.hash:
            return entry.seq, "content does not match its hash (edited)"
        expected_prev, expected_seq = entry.hash, entry.seq + 1
    head = AuditHead.objects.filter(id=1).first()
    last_seq = expected_seq - 1
    if head is not None and (head.seq != last_seq or head.hash != expected_prev):
        return last_seq + 1, "entries missing at the end of the log (deleted)"
    return None
