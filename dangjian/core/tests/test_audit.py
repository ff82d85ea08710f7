"""The audit log: append-only, SM3-chained, verified by `manage.py audit_verify`; masked snapshots; one entry
for every login success, failure, lockout and logout, with IP and request id."""

import itertools
import json
import re
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.urls import reverse
from django.utils import translation

from dangjian.conftest import PASSWORD
from dangjian.core import audit
from dangjian.core.management.commands.audit_verify import Command as AuditVerify
from dangjian.core.models import AuditEntry, AuditHead

TABLE = AuditEntry._meta.db_table


@pytest.fixture
def chain(db):
    return [audit.record("test.event", object_type="test.thing", object_id=str(i), after={"value": i})
            for i in range(1, 6)]


def _verify():
    """(exit status, stdout, stderr) of the command as run from the shell."""
    from io import StringIO

    out, err = StringIO(), StringIO()
    try:
        call_command("audit_verify", stdout=out, stderr=err)
    except CommandError as exc:
        return exc.returncode, out.getvalue(), str(exc)
    return 0, out.getvalue(), err.getvalue()


def _raw(sql, params=()):
    """A write by someone with the database owner's rights: on PostgreSQL they can switch the append-only
    trigger off (inside the test's transaction, so it is back on afterwards); the chain must still tell."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"ALTER TABLE {connection.ops.quote_name(TABLE)} DISABLE TRIGGER USER")
        cursor.execute(sql.replace("{table}", connection.ops.quote_name(TABLE)), params)
        if connection.vendor == "postgresql":
            cursor.execute(f"ALTER TABLE {connection.ops.quote_name(TABLE)} ENABLE TRIGGER USER")


# --- the chain and the command ----------------------------------------------------------------------------


def test_intact_chain_exits_zero_and_counts(chain):
    status, out, _ = _verify()
    assert status == 0
    assert "5" in out and "完整" in out


def test_empty_log_is_intact(db):
    assert _verify()[0] == 0


def test_edited_entry_is_named(chain):
    if connection.vendor == "postgresql":
        sql = "UPDATE {table} SET after = CAST(%s AS jsonb) WHERE seq = %s"
    else:
        sql = "UPDATE {table} SET after = %s WHERE seq = %s"
    _raw(sql, [json.dumps({"value": 999}), 3])
    status, _, message = _verify()
    assert status == 1
    assert "#3" in message and "被篡改" in message


def test_edited_actor_is_named(chain):
    _raw("UPDATE {table} SET actor_name = %s WHERE seq = %s", ["intruder", 2])
    status, _, message = _verify()
    assert status == 1 and "#2" in message


def test_deleted_middle_entry_is_named(chain):
    _raw("DELETE FROM {table} WHERE seq = %s", [3])
    status, _, message = _verify()
    assert status == 1
    assert "#3" in message and "删除" in message


def test_deleted_last_entry_is_detected_through_the_head(chain):
    _raw("DELETE FROM {table} WHERE seq = %s", [5])
    assert AuditHead.objects.get(id=1).seq == 5
    status, _, message = _verify()
    assert status == 1
    assert "#5" in message and "删除" in message


def test_deleted_head_with_entries_is_detected(chain):
    AuditHead.objects.all().delete()
    status, _, message = _verify()
    assert status == 1 and "#5" in message


def test_exit_status_from_the_command_line(chain, capsys):
    """run_from_argv is what `python manage.py audit_verify` runs: status 1 and the reason on stderr."""
    _raw("DELETE FROM {table} WHERE seq = %s", [2])
    with pytest.raises(SystemExit) as exc:
        AuditVerify().run_from_argv(["manage.py", "audit_verify"])
    assert exc.value.code == 1
    assert "#2" in capsys.readouterr().err


# --- append-only ------------------------------------------------------------------------------------------


def test_model_refuses_changes(chain):
    entry = AuditEntry.objects.get(seq=2)
    entry.after = {"value": 0}
    with pytest.raises(PermissionError):
        entry.save()
    with pytest.raises(PermissionError):
        entry.delete()
    with pytest.raises(PermissionError):
        AuditEntry.objects.filter(seq=2).update(after={"value": 0})
    with pytest.raises(PermissionError):
        AuditEntry.objects.filter(seq=2).delete()
    assert AuditEntry.objects.get(seq=2).after == {"value": 2}
    assert _verify()[0] == 0


def test_each_entry_chains_to_its_predecessor(chain):
    entries = list(AuditEntry.objects.order_by("seq"))
    assert entries[0].prev_hash == audit.GENESIS
    for previous, entry in itertools.pairwise(entries):
        assert entry.prev_hash == previous.hash and len(entry.hash) == 64


# --- masking ----------------------------------------------------------------------------------------------


def test_snapshot_masks_encrypted_fields(tree, person_factory):
    person = person_factory(tree["wujiatai"])
    data = audit.snapshot(person)
    assert data["id_number"] == person.id_number[:4] + "*" * 10 + person.id_number[-4:]
    assert data["phone"] == person.phone[:3] + "****" + person.phone[-4:]
    assert "id_number_index" not in data and "phone_index" not in data
    dumped = json.dumps(data, ensure_ascii=False)
    assert person.id_number not in dumped and person.phone not in dumped


def test_snapshot_never_holds_a_password(users):
    data = audit.snapshot(users["wanzhai"])
    assert "password" not in data and users["wanzhai"].password not in json.dumps(data)


# --- login events -----------------------------------------------------------------------------------------


def _last(action):
    return AuditEntry.objects.filter(action=action).order_by("-seq").first()


def test_login_success_failure_lockout_logout_are_audited(client, users):
    url = reverse("accounts:login")
    response = client.post(url, {"username": "wanzhai", "password": "Wrong#2024"},
                           HTTP_X_REQUEST_ID="fail-1", REMOTE_ADDR="10.0.0.7")
    failed = _last("auth.login_failed")
    assert response["X-Request-ID"] == failed.request_id
    assert failed.outcome == "failure" and failed.actor_id is None
    assert (failed.ip, failed.client_request_id) == ("10.0.0.7", "fail-1")
    assert failed.object_repr == "wanzhai" and failed.object_id == str(users["wanzhai"].pk)
    assert "Wrong#2024" not in json.dumps([failed.before, failed.after])

    for i in range(4):
        client.post(url, {"username": "wanzhai", "password": "Wrong#2024"}, HTTP_X_REQUEST_ID=f"fail-{i + 2}")
    lockout = _last("auth.lockout")
    assert lockout is not None and lockout.outcome == "denied" and lockout.client_request_id == "fail-5"
    assert lockout.ip and lockout.object_repr == "wanzhai"

    response = client.post(url, {"username": "xiaohe", "password": PASSWORD}, HTTP_X_REQUEST_ID="ok-1")
    assert response.status_code == 302
    login = _last("auth.login")
    assert response["X-Request-ID"] == login.request_id
    assert login.actor_id == users["xiaohe"].pk and login.actor_name == "xiaohe"
    assert login.ip == "127.0.0.1" and login.client_request_id == "ok-1" and login.outcome == "success"

    client.post(reverse("accounts:logout"), HTTP_X_REQUEST_ID="bye-1")
    logout = _last("auth.logout")
    assert logout.actor_id == users["xiaohe"].pk and logout.client_request_id == "bye-1" and logout.ip
    assert _verify()[0] == 0


def test_request_id_is_generated_when_missing_or_malformed(client, users):
    response = client.get(reverse("accounts:login"))
    assert len(response["X-Request-ID"]) == 32
    response = client.get(reverse("accounts:login"), HTTP_X_REQUEST_ID="bad id <script>")
    assert response["X-Request-ID"] != "bad id <script>"


def test_request_id_is_always_the_servers_own(client, users):
    """Finding 10: a client cannot choose the id the audit log files its request under (nor reuse another
    request's); what it sent is kept apart, sanitised and cut to 64 characters."""
    url = reverse("accounts:login")
    client.post(url, {"username": "wanzhai", "password": "Wrong#2024"}, HTTP_X_REQUEST_ID="abcdef0123456789")
    client.post(url, {"username": "wanzhai", "password": "Wrong#2024"}, HTTP_X_REQUEST_ID="abcdef0123456789")
    first, second = AuditEntry.objects.filter(action="auth.login_failed").order_by("seq")
    assert re.fullmatch(r"[0-9a-f]{32}", first.request_id) and first.request_id != second.request_id
    assert first.client_request_id == second.client_request_id == "abcdef0123456789"

    response = client.post(url, {"username": "wanzhai", "password": "Wrong#2024"},
                           HTTP_X_REQUEST_ID="<script>alert(1)</script>\r\nX: y" + "z" * 200)
    entry = _last("auth.login_failed")
    assert response["X-Request-ID"] == entry.request_id
    assert len(entry.client_request_id) == 64 and re.fullmatch(r"[A-Za-z0-9._:-]+", entry.client_request_id)
    assert "<" not in entry.client_request_id


# --- action labels ---------------------------------------------------------------------------------------------


def test_every_recorded_action_has_a_label():
    """Every code the platform records (audit.record("…") or a list export's action="…") is registered by its
    app, so the audit pages never show a bare code for them."""
    root = Path(__file__).resolve().parents[2]
    codes = set()
    for path in root.rglob("*.py"):
        if "tests" in path.parts:
            continue
        text = path.read_text(encoding="utf-8")
        codes |= set(re.findall(r'audit\.record\(\s*"([a-z_.]+)"', text))
        codes |= set(re.findall(r'\baction="([a-z_]+\.[a-z_]+)"', text))
    assert {"auth.login", "org.export", "person.reveal"} <= codes  # the scan itself works
    assert not codes - set(audit.ACTION_LABELS), sorted(codes - set(audit.ACTION_LABELS))


def test_action_label_is_translated_with_the_code_as_fallback():
    with translation.override("zh-hans"):
        assert audit.action_label("auth.login") == "登录"
        assert audit.action_label("person.reveal") == "查看完整身份证号或手机号码"
        assert audit.action_label("test.unregistered") == "test.unregistered"
    with translation.override("en"):
        assert audit.action_label("auth.login") == "Log in"
