"""The keyed audit chain (HMAC-SM3 under a key outside the database), the append-only trigger on PostgreSQL,
signed checkpoints and retention archives (issue 6, finding 3 and the audit retention item)."""

import datetime
import json
from io import StringIO

import pytest
from django.core import checks
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction

from dangjian.core import audit
from dangjian.core.crypto import hmac_sm3_hex, sm3_hex
from dangjian.core.models import AuditEntry, AuditHead

TABLE = AuditEntry._meta.db_table
OTHER_KEY = "ab" * 32


@pytest.fixture
def chain(db):
    return [audit.record("test.event", object_type="test.thing", object_id=str(i), after={"value": i})
            for i in range(1, 6)]


def _verify(*args):
    out = StringIO()
    try:
        call_command("audit_verify", *args, stdout=out, stderr=StringIO())
    except CommandError as exc:
        return exc.returncode, str(exc)
    return 0, out.getvalue()


def _owner(sql, params=()):
    """SQL run by someone holding the database owner's rights (who may switch the triggers off)."""
    quoted = connection.ops.quote_name(TABLE)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"ALTER TABLE {quoted} DISABLE TRIGGER USER")
        cursor.execute(sql.replace("{table}", quoted), params)
        if connection.vendor == "postgresql":
            cursor.execute(f"ALTER TABLE {quoted} ENABLE TRIGGER USER")


def _plain_sm3(entry):
    """Today's unkeyed hash: what an intruder without the key can compute."""
    values = {name: getattr(entry, name) for name in audit._HASHED_FIELDS}
    values["at"] = entry.at.astimezone(datetime.UTC).isoformat()
    return sm3_hex(json.dumps(values, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode())


def _rewrite_from(seq, new_hash, *, version=None):
    """Edit entry `seq` and recompute every hash after it and the head, with `new_hash(entry)`."""
    after = json.dumps({"value": 999})
    cast = "CAST(%s AS jsonb)" if connection.vendor == "postgresql" else "%s"
    _owner(f"UPDATE {{table}} SET after = {cast} WHERE seq = %s", [after, seq])  # noqa: S608
    prev = AuditEntry.objects.get(seq=seq - 1).hash if seq > 1 else audit.GENESIS
    for entry in AuditEntry.objects.filter(seq__gte=seq).order_by("seq"):
        entry.prev_hash = prev
        if version is not None:
            entry.version = version
        entry.hash = new_hash(entry)
        _owner("UPDATE {table} SET prev_hash = %s, hash = %s, version = %s WHERE seq = %s",
               [entry.prev_hash, entry.hash, entry.version, entry.seq])
        prev = entry.hash
    AuditHead.objects.filter(id=1).update(hash=prev)


# --- the key ------------------------------------------------------------------------------------------------


def test_new_entries_are_keyed(chain):
    entry = chain[-1]
    assert entry.version == audit.KEYED and entry.key_id == audit.current_key()[0]
    assert entry.hash != _plain_sm3(entry)
    assert _verify()[0] == 0


def test_chain_recomputed_with_plain_sm3_is_detected(chain):
    """The landed attack: edit an entry, recompute every later hash and the head without the key."""
    _rewrite_from(3, _plain_sm3)
    status, message = _verify()
    assert status == 1 and "#3" in message


def test_chain_downgraded_to_unkeyed_entries_is_detected(chain):
    _rewrite_from(3, _plain_sm3, version=audit.LEGACY)
    status, message = _verify()
    assert status == 1 and "#3" in message


def test_chain_recomputed_with_a_wrong_key_is_detected(chain):
    _rewrite_from(2, lambda entry: audit.entry_hash(entry, bytes.fromhex(OTHER_KEY)))
    status, message = _verify()
    assert status == 1 and "#2" in message


def test_chain_recomputed_with_the_key_verifies(chain):
    """The control: the same rewrite with the real key passes, so the tests above fail for the key alone."""
    _rewrite_from(2, audit.entry_hash)
    assert _verify()[0] == 0


def test_entries_signed_with_an_earlier_key_verify_after_a_rotation(chain, settings):
    old = settings.DANGJIAN_AUDIT_KEY
    settings.DANGJIAN_AUDIT_KEY, settings.DANGJIAN_AUDIT_OLD_KEYS = OTHER_KEY, [old]
    audit.record("test.event", object_type="test.thing", object_id="6")
    assert AuditEntry.objects.get(seq=6).key_id != chain[0].key_id
    assert _verify()[0] == 0
    settings.DANGJIAN_AUDIT_OLD_KEYS = []  # the old key lost: its entries can no longer be vouched for
    assert _verify()[0] == 1


def test_a_moved_anchor_is_detected(chain):
    AuditHead.objects.filter(id=1).update(legacy_seq=5)
    assert _verify()[0] == 1


# --- unkeyed entries written before the key ----------------------------------------------------------------


def _legacy_log(count):
    """Entries as the landed code wrote them (version 1, plain SM3), and the head the migration sealed."""
    prev = audit.GENESIS
    for seq in range(1, count + 1):
        entry = AuditEntry(seq=seq, at=datetime.datetime(2026, 1, seq, tzinfo=datetime.UTC), action="old.event",
                           object_type="test.thing", object_id=str(seq), prev_hash=prev, version=audit.LEGACY)
        entry.hash = _plain_sm3(entry)
        entry.save()
        prev = entry.hash
    head = AuditHead(id=1, seq=count, hash=prev, legacy_seq=count, legacy_hash=prev)
    audit.seal_head(head).save()


def test_an_unkeyed_log_continues_keyed(db):
    _legacy_log(3)
    entry = audit.record("test.event")
    assert entry.seq == 4 and entry.version == audit.KEYED
    assert entry.prev_hash == AuditEntry.objects.get(seq=3).hash
    assert _verify()[0] == 0


def test_recomputing_the_unkeyed_part_is_detected(db):
    _legacy_log(3)
    audit.record("test.event")
    _owner("UPDATE {table} SET action = %s WHERE seq = %s", ["forged", 2])
    for seq in (2, 3):
        entry = AuditEntry.objects.get(seq=seq)
        entry.prev_hash = AuditEntry.objects.get(seq=seq - 1).hash
        _owner("UPDATE {table} SET prev_hash = %s, hash = %s WHERE seq = %s",
               [entry.prev_hash, _plain_sm3(entry), seq])
    status, message = _verify()
    assert status == 1 and "#3" in message


# --- the database refuses changes (PostgreSQL) ---------------------------------------------------------------


@pytest.mark.skipif("connection.vendor != 'postgresql'")
@pytest.mark.parametrize("sql", [
    "UPDATE {table} SET actor_name = 'x' WHERE seq = 2",
    "DELETE FROM {table} WHERE seq = 5",
    "TRUNCATE {table}",
])
def test_postgresql_refuses_update_delete_and_truncate(chain, sql):
    quoted = connection.ops.quote_name(TABLE)
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL dangjian.audit_allow_truncate = 'off'")
        cursor.execute(sql.replace("{table}", quoted))
    assert AuditEntry.objects.count() == 5 and _verify()[0] == 0


def test_the_demo_wipe_keeps_the_log(chain):
    from dangjian.demo.builder import wipe

    wipe()
    assert AuditEntry.objects.count() == 5 and _verify()[0] == 0


# --- checkpoints ---------------------------------------------------------------------------------------------


def test_checkpoint_is_signed_and_verified(chain, tmp_path):
    path = tmp_path / "audit.checkpoints"
    call_command("audit_checkpoint", output=str(path), stdout=StringIO())
    audit.record("test.event")
    call_command("audit_checkpoint", output=str(path), stdout=StringIO())
    lines = path.read_text().splitlines()
    assert len(lines) == 2 and json.loads(lines[1])["seq"] == 6
    assert (path.stat().st_mode & 0o777) == 0o600
    assert _verify("--checkpoint", str(path)) == (0, _verify()[1])


def test_cutting_the_tail_with_the_head_is_caught_by_the_checkpoint(chain, tmp_path):
    path = tmp_path / "audit.checkpoints"
    call_command("audit_checkpoint", output=str(path), stdout=StringIO())
    _owner("DELETE FROM {table} WHERE seq >= %s", [4])
    AuditHead.objects.filter(id=1).update(seq=3, hash=AuditEntry.objects.get(seq=3).hash)
    assert _verify()[0] == 0  # the log alone cannot tell
    status, message = _verify("--checkpoint", str(path))
    assert status == 1 and "#5" in message


def test_a_forged_checkpoint_is_refused(chain, tmp_path):
    data = audit.checkpoint()
    data["seq"], data["hash"] = 3, chain[2].hash
    path = tmp_path / "forged"
    path.write_text(json.dumps(data))
    assert _verify("--checkpoint", str(path))[0] == 1
    data["signature"] = data["signature"].split(":")[0] + ":" + hmac_sm3_hex(b"x" * 32, b"{}")
    path.write_text(json.dumps(data))
    assert _verify("--checkpoint", str(path))[0] == 1


# --- retention --------------------------------------------------------------------------------------------------


def test_retention_under_six_months_is_refused_at_start_up(settings):
    settings.AUDIT_RETENTION_DAYS = 182
    assert [e.id for e in audit.check_retention()] == ["core.E010"]
    assert any(e.id == "core.E010" for e in checks.run_checks(tags=[checks.Tags.security]))
    settings.AUDIT_RETENTION_DAYS = 183
    assert audit.check_retention() == []


def test_default_retention_is_three_years():
    from django.conf import settings

    assert settings.AUDIT_RETENTION_DAYS == 3 * 365


def _age(seqs, days):
    at = datetime.datetime.now(datetime.UTC) - datetime.timedelta(days=days)
    for seq in seqs:
        entry = AuditEntry.objects.get(seq=seq)
        entry.at = at
        _owner("UPDATE {table} SET at = %s, hash = %s WHERE seq = %s", [at, "x", seq])
    # re-sign the aged entries as if written then (the key is available to the test)
    prev = audit.GENESIS
    for entry in AuditEntry.objects.order_by("seq"):
        entry.prev_hash = prev
        entry.hash = audit.entry_hash(entry)
        _owner("UPDATE {table} SET prev_hash = %s, hash = %s WHERE seq = %s", [prev, entry.hash, entry.seq])
        prev = entry.hash
    AuditHead.objects.filter(id=1).update(hash=prev)


def test_archive_moves_old_entries_to_a_signed_file_and_the_log_still_verifies(chain, tmp_path):
    _age([1, 2, 3], days=4 * 365)
    assert _verify()[0] == 0
    path = tmp_path / "audit-2023.jsonl"
    out = StringIO()
    call_command("audit_archive", output=str(path), stdout=out)
    assert "3" in out.getvalue()
    assert list(AuditEntry.objects.order_by("seq").values_list("seq", flat=True)) == [4, 5, 6]
    assert AuditEntry.objects.get(seq=6).action == "audit.archive"
    lines = path.read_text().splitlines()
    assert len(lines) == 4 and [json.loads(line)["entry"]["seq"] for line in lines[:3]] == [1, 2, 3]
    assert (path.stat().st_mode & 0o777) == 0o600
    assert _verify()[0] == 0
    assert _verify("--archive", str(path))[0] == 0
    call_command("audit_archive", check=str(path), stdout=StringIO())

    # the archive cannot be overwritten, and an edited archive is refused
    with pytest.raises(CommandError):
        call_command("audit_archive", output=str(path), days=183, stdout=StringIO())
    path.write_text(path.read_text().replace('"test.event"', '"forged.event"', 1))
    with pytest.raises(CommandError):
        call_command("audit_archive", check=str(path), stdout=StringIO())
    assert _verify("--archive", str(path))[0] == 1


def test_the_anchor_cannot_be_moved_to_hide_deleted_entries(chain, tmp_path):
    """Deleting the oldest entries and pointing the anchor past them, without the key, is detected."""
    _owner("DELETE FROM {table} WHERE seq <= %s", [2])
    AuditHead.objects.filter(id=1).update(base_seq=2, base_hash=chain[1].hash)
    status, _ = _verify()
    assert status == 1


def test_archive_keeps_recent_entries_and_refuses_a_short_retention(chain, tmp_path):
    call_command("audit_archive", output=str(tmp_path / "a.jsonl"), stdout=StringIO())
    assert AuditEntry.objects.count() == 5 and not (tmp_path / "a.jsonl").exists()
    with pytest.raises(CommandError):
        call_command("audit_archive", output=str(tmp_path / "b.jsonl"), days=30, stdout=StringIO())
    assert AuditEntry.objects.count() == 5


def test_archive_refuses_a_broken_log(chain, tmp_path):
    _age([1, 2], days=4 * 365)
    _owner("UPDATE {table} SET actor_name = %s WHERE seq = %s", ["intruder", 2])
    with pytest.raises(CommandError):
        call_command("audit_archive", output=str(tmp_path / "a.jsonl"), days=183, stdout=StringIO())
    assert AuditEntry.objects.count() == 5
