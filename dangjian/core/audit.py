"""The audit log: every service write, login event, reveal and export appends one hash-chained entry.

The chain is keyed (version 2): each entry's `hash` is HMAC-SM3, under the audit key (DANGJIAN_AUDIT_KEY, kept
outside the database), of its content and its predecessor's hash, so someone who can write the database but
does not hold the key can neither edit an entry nor recompute the chain unnoticed. Entries written before the
key existed (version 1, plain SM3) stay verifiable: the head's signed anchor names the last of them, and no
unkeyed entry may follow it. The anchor also names where the log starts after `audit_archive` moved its oldest
entries to a signed archive file. See docs/security.md.

`record()` must be called inside the transaction of the write it describes, so both commit or neither does.
Each app registers readable labels for the action codes it records (`register_actions`, from its AppConfig.ready());
the audit pages show the label, and the raw code where none is registered.
"""

import datetime
import hmac
import json
import os
from decimal import Decimal
from functools import lru_cache

from cryptography.hazmat.primitives import hashes
from django.conf import settings
from django.core import checks
from django.core.exceptions import ImproperlyConfigured
from django.db import connection, models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .crypto import EncryptedCharField, hmac_sm3_hex, sm3_hex
from .middleware import client_ip, current_request
from .models import AuditEntry, AuditHead

# action code -> label (lazy translation), filled by the apps at start-up.
ACTION_LABELS = {}

GENESIS = "0" * 64
LEGACY, KEYED = 1, 2  # AuditEntry.version
_HASHED_FIELDS = (
    "seq", "at", "actor_id", "actor_name", "ip", "request_id", "action", "object_type",
    "object_id", "object_repr", "before", "after", "outcome", "prev_hash",
)
# Version 2 also covers these (version 1 entries got org_id filled in later, outside their hash).
_KEYED_FIELDS = ("version", "key_id", "org_id", "client_request_id")
ORG_MODEL = "orgs.Org"  # the tree's model: an entry about an Org concerns that Org itself
_UNSET = object()


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


# --- keys ------------------------------------------------------------------------------------------------


def _key_bytes(value):
    try:
        key = bytes.fromhex(value.strip())
    except (AttributeError, ValueError):
        raise ImproperlyConfigured("DANGJIAN_AUDIT_KEY must be hex (32 bytes: 64 hex digits).") from None
    if len(key) < 16:
        raise ImproperlyConfigured("DANGJIAN_AUDIT_KEY must be at least 16 bytes (32 hex digits).")
    return key


def key_id(key: bytes) -> str:
    """A short public name of a key (stored in each entry), so old entries find their key after a rotation."""
    return hmac_sm3_hex(key, b"dangjian/audit-key-id")[:16]


@lru_cache(maxsize=8)
def _key_table(values):
    """{key id: key} of the configured keys, the current one first (cached per configuration)."""
    return {key_id(key): key for key in map(_key_bytes, values)}


def _configured():
    return (settings.DANGJIAN_AUDIT_KEY, *getattr(settings, "DANGJIAN_AUDIT_OLD_KEYS", []))


def current_key():
    """(key id, key) of DANGJIAN_AUDIT_KEY, the key new entries, seals and checkpoints are signed with."""
    return next(iter(_key_table(_configured()).items()))


def key_for(kid):
    """The key named `kid`: the current one or one of DANGJIAN_AUDIT_OLD_KEYS; None when unknown."""
    return _key_table(_configured()).get(kid)


def _canonical(values):
    return json.dumps(values, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str).encode()


def sign(values, kid=None):
    """'<key id>:<HMAC-SM3>' of a dict of plain values (seals, checkpoints, archives)."""
    if kid is None:
        kid, key = current_key()
    else:
        key = key_for(kid)
    return f"{kid}:{hmac_sm3_hex(key, _canonical(values))}"


def signature_ok(values, signature):
    kid, _, mac = (signature or "").partition(":")
    key = key_for(kid)
    return key is not None and hmac.compare_digest(hmac_sm3_hex(key, _canonical(values)), mac)


# --- the chain -----------------------------------------------------------------------------------------------


def entry_hash(entry: AuditEntry, key: bytes | None = None) -> str | None:
    """The entry's chain hash: plain SM3 for version 1 (legacy), HMAC-SM3 under its key for version 2 (None when
    that key is unknown). `key` overrides the entry's own key (tests: a wrong key)."""
    values = {name: getattr(entry, name) for name in _HASHED_FIELDS}
    values["at"] = entry.at.astimezone(datetime.UTC).isoformat()
    if entry.version == LEGACY:
        canonical = json.dumps(values, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
        return sm3_hex(canonical.encode())
    values.update({name: getattr(entry, name) for name in _KEYED_FIELDS})
    key = key or key_for(entry.key_id)
    if key is None:
        return None
    return hmac_sm3_hex(key, _canonical(values))


def _anchor_values(head):
    return {"base_seq": head.base_seq, "base_hash": head.base_hash,
            "legacy_seq": head.legacy_seq, "legacy_hash": head.legacy_hash}


def seal_head(head):
    """Sign the head's anchor (base and legacy end) with the current audit key; the caller saves it."""
    head.seal = sign(_anchor_values(head))
    return head


def org_of(obj, actor):
    """The organization an entry concerns: the object's (an Org itself; otherwise its `org_id`), else the
    actor's (logins, commands, actions without an object)."""
    if obj is not None:
        if obj._meta.label == ORG_MODEL:
            return obj.pk
        if getattr(obj, "org_id", None) is not None:
            return obj.org_id
    return getattr(actor, "org_id", None)


def record(action, *, actor=None, obj=None, before=None, after=None, outcome=AuditEntry.Outcome.SUCCESS,
           object_type="", object_id="", object_repr="", org=_UNSET):
    """Append one entry. `org` (an Org, an id or None) names the organization the entry concerns when the
    object alone does not say (see org_of)."""
    request = current_request()
    if actor is None and request is not None and getattr(request, "user", None) is not None:
        actor = request.user if request.user.is_authenticated else None
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(obj.pk)
        object_repr = object_repr or str(obj)[:200]
    org_id = org_of(obj, actor) if org is _UNSET else getattr(org, "pk", org)
    kid, key = current_key()
    with transaction.atomic():
        head, created = AuditHead.objects.select_for_update().get_or_create(id=1)
        if created:  # an empty log: the chain is keyed from its first entry
            seal_head(head).save(update_fields=["seal"])
        entry = AuditEntry(
            seq=head.seq + 1,
            at=timezone.now(),
            actor_id=getattr(actor, "pk", None),
            actor_name=getattr(actor, "username", "")[:150],
            ip=client_ip(request) if request is not None else "",
            request_id=getattr(request, "request_id", ""),
            client_request_id=getattr(request, "client_request_id", ""),
            action=action,
            object_type=object_type,
            object_id=str(object_id),
            object_repr=str(object_repr)[:200],
            before=_jsonable(before),
            after=_jsonable(after),
            outcome=outcome,
            prev_hash=head.hash,
            version=KEYED,
            key_id=kid,
            org_id=org_id,
        )
        entry.hash = entry_hash(entry, key)
        entry.save()
        AuditHead.objects.filter(id=1).update(seq=entry.seq, hash=entry.hash)
    return entry


def _jsonable(data):
    if data is None:
        return None
    return json.loads(json.dumps(data, default=_plain, ensure_ascii=False))


def verify():
    """Walk the chain from its signed anchor. Returns None when intact, else (seq, reason) for the first bad
    entry (the reasons are listed, for translation, in the audit_verify command)."""
    head = AuditHead.objects.filter(id=1).first()
    last_seq = AuditEntry.objects.order_by("-seq").values_list("seq", flat=True).first()
    if head is None:
        return None if last_seq is None else (last_seq, "the chain head is missing (deleted)")
    if not signature_ok(_anchor_values(head), head.seal):
        return head.base_seq + 1, "the chain's anchor does not match its signature (altered, or unknown key)"
    expected_prev, expected_seq = head.base_hash, head.base_seq + 1
    for entry in AuditEntry.objects.order_by("seq").iterator(chunk_size=2000):
        if entry.seq != expected_seq:
            return expected_seq, "missing entry (deleted)"
        if entry.prev_hash != expected_prev:
            return entry.seq, "predecessor hash does not match (previous entry edited or deleted)"
        if entry.version == LEGACY and entry.seq > head.legacy_seq:
            return entry.seq, "unkeyed entry after the chain was keyed (recomputed without the key)"
        if entry.version not in (LEGACY, KEYED):
            return entry.seq, "content does not match its hash (edited)"
        computed = entry_hash(entry)
        if computed is None:
            return entry.seq, "signed with an unknown audit key"
        if not hmac.compare_digest(computed, entry.hash):
            return entry.seq, "content does not match its hash (edited)"
        if entry.seq == head.legacy_seq and entry.hash != head.legacy_hash:
            return entry.seq, "content does not match its hash (edited)"
        expected_prev, expected_seq = entry.hash, entry.seq + 1
    last_seq = expected_seq - 1
    if head.seq != last_seq or head.hash != expected_prev:
        return last_seq + 1, "entries missing at the end of the log (deleted)"
    return None


# --- checkpoints ---------------------------------------------------------------------------------------------


def checkpoint():
    """The signed head: {seq, hash, at, signature}, to be kept outside the database (a file, syslog)."""
    head = AuditHead.objects.filter(id=1).first()
    values = {"seq": head.seq if head else 0, "hash": head.hash if head else GENESIS,
              "at": timezone.now().astimezone(datetime.UTC).isoformat()}
    return {**values, "signature": sign(values)}


def verify_checkpoint(data):
    """None when the log still holds the checkpoint's head, else (seq, reason)."""
    try:
        values = {"seq": int(data["seq"]), "hash": str(data["hash"]), "at": str(data["at"])}
        signature = data["signature"]
    except (KeyError, TypeError, ValueError):
        return 0, "the checkpoint is not a checkpoint file"
    if not signature_ok(values, signature):
        return values["seq"], "the checkpoint's signature does not match (altered, or unknown key)"
    head = AuditHead.objects.filter(id=1).first()
    seq = values["seq"]
    if seq == 0:
        return None
    if head is not None and seq == head.base_seq:
        ok = head.base_hash == values["hash"]
    elif head is not None and seq < head.base_seq:
        ok = True  # archived: the sealed anchor, checked by verify(), stands for it
    else:
        ok = AuditEntry.objects.filter(seq=seq, hash=values["hash"]).exists()
    return None if ok else (seq, "the log no longer holds the checkpoint's entry (deleted or rewritten)")


# --- retention: archives ---------------------------------------------------------------------------------------

MIN_RETENTION_DAYS = 183  # the Cybersecurity Law (art. 21) asks for at least six months of logs

register_actions({"audit.archive": _("Archive old audit entries")})


@checks.register(checks.Tags.security)
def check_retention(app_configs=None, **kwargs):
    days = getattr(settings, "AUDIT_RETENTION_DAYS", MIN_RETENTION_DAYS)
    if not isinstance(days, int) or days < MIN_RETENTION_DAYS:
        return [checks.Error(
            f"AUDIT_RETENTION_DAYS is {days!r}: audit entries must be kept at least {MIN_RETENTION_DAYS} days.",
            hint="Set DANGJIAN_AUDIT_RETENTION_DAYS to 183 or more (default 1095, three years).",
            id="core.E010",
        )]
    return []


class ArchiveError(Exception):
    pass


def _entry_row(entry):
    row = {f.attname: getattr(entry, f.attname) for f in AuditEntry._meta.concrete_fields if f.attname != "id"}
    row["at"] = entry.at.astimezone(datetime.UTC).isoformat()
    return row


def _entry_from_row(row):
    values = dict(row)
    values["at"] = datetime.datetime.fromisoformat(values["at"])
    return AuditEntry(**values)


def archive(*, cutoff, path):
    """Move the entries older than `cutoff` to a new file at `path`, then remove them from the log.

    The file holds one JSON line per entry, then one line {"archive": {...}} with the archived range, the SM3
    digest of the entry lines and an HMAC-SM3 signature under the audit key. The head's signed anchor then names
    the last archived entry, so the remaining log verifies from it (and only from it). Refuses to run on a log
    that does not verify. Returns the number of entries archived."""
    problem = verify()
    if problem is not None:
        raise ArchiveError(f"the audit log does not verify (entry #{problem[0]}: {problem[1]})")
    with transaction.atomic():
        head = AuditHead.objects.select_for_update().get(id=1)
        last_seq = AuditEntry.objects.filter(at__lt=cutoff).order_by("-seq").values_list("seq", flat=True).first()
        if last_seq is None:
            return 0
        digest = hashes.Hash(hashes.SM3())
        count, last_hash = 0, None
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)  # never overwrite an archive
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            for entry in AuditEntry.objects.filter(seq__lte=last_seq).order_by("seq").iterator(chunk_size=2000):
                line = json.dumps({"entry": _entry_row(entry)}, sort_keys=True, ensure_ascii=False) + "\n"
                digest.update(line.encode())
                handle.write(line)
                count, last_hash = count + 1, entry.hash
            summary = {"first_seq": head.base_seq + 1, "last_seq": last_seq, "last_hash": last_hash,
                       "base_hash": head.base_hash, "count": count, "digest": digest.finalize().hex(),
                       "at": timezone.now().astimezone(datetime.UTC).isoformat()}
            summary["signature"] = sign(summary)
            handle.write(json.dumps({"archive": summary}, sort_keys=True) + "\n")
            handle.flush()
            os.fsync(handle.fileno())
        table = connection.ops.quote_name(AuditEntry._meta.db_table)
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":  # lets the append-only trigger pass these rows only
                cursor.execute("SELECT set_config('dangjian.audit_archive_upto', %s, true)", [str(last_seq)])
            cursor.execute(f"DELETE FROM {table} WHERE seq <= %s", [last_seq])  # noqa: S608 (no user input)
            if connection.vendor == "postgresql":
                cursor.execute("SELECT set_config('dangjian.audit_archive_upto', '0', true)")
        head.base_seq, head.base_hash = last_seq, last_hash
        seal_head(head).save(update_fields=["base_seq", "base_hash", "seal"])
        record("audit.archive", object_type="core.auditentry", object_repr=os.path.basename(path),
               after={k: summary[k] for k in ("first_seq", "last_seq", "count", "digest")}, org=None)
    return count


def verify_archive(path, head=None):
    """None when the archive file is intact (its signature, digest and inner chain hold) and, given the head,
    when the log's anchor is the archive's last entry; else the reason."""
    try:
        with open(path, encoding="utf-8") as handle:
            lines = handle.readlines()
        summary = json.loads(lines[-1])["archive"]
        signature = summary.pop("signature")
    except (OSError, ValueError, KeyError, IndexError, TypeError):
        return "not an audit archive"
    if not signature_ok(summary, signature):
        return "the archive's signature does not match (altered, or unknown key)"
    digest = hashes.Hash(hashes.SM3())
    for line in lines[:-1]:
        digest.update(line.encode())
    if digest.finalize().hex() != summary["digest"]:
        return "the archive's entries do not match its digest (edited)"
    expected_prev, expected_seq = summary["base_hash"], summary["first_seq"]
    for line in lines[:-1]:
        entry = _entry_from_row(json.loads(line)["entry"])
        if entry.seq != expected_seq or entry.prev_hash != expected_prev or entry_hash(entry) != entry.hash:
            return "the archive's chain is broken (edited)"
        expected_prev, expected_seq = entry.hash, entry.seq + 1
    if head is not None and (head.base_seq, head.base_hash) != (summary["last_seq"], summary["last_hash"]):
        return "the log does not start where the archive ends"
    return None
