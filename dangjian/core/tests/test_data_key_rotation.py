"""Data key rotation: versioned ciphertexts, retired keys, `manage.py data_key_rotate` (resumable, batched, audited),
exact search by ID number during and after a rotation, and the settings that refuse a malformed key ring."""

import io
import random

import pytest
from cryptography.exceptions import InvalidTag
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.core.management import CommandError, call_command
from django.db import connection

from dangjian.conftest import make_person, person_data
from dangjian.core import crypto, data_key_rotation, datakeys
from dangjian.core.models import AuditEntry
from dangjian.orgs import services
from dangjian.orgs.models import Person
from dangjian.orgs.selectors.people import by_id_number

from .test_production_settings import manage, secrets_file  # noqa: F401  (fixture)

NEW_KEY = "c3" * 32


def _raw(person):
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT id_number, phone, id_number_index, phone_index FROM {Person._meta.db_table} "  # noqa: S608
            "WHERE id = %s", [person.pk])
        return cursor.fetchone()


def _versions(people):
    return sorted(_raw(p)[0].split(":")[0] for p in people)


def _rotation_entries():
    return list(AuditEntry.objects.filter(action=data_key_rotation.ACTION).order_by("seq"))


def _new_key(settings):
    """The operator's first step: the new key becomes current (version 2), the old one is retired as version 1."""
    old = settings.DANGJIAN_DATA_KEY
    settings.DANGJIAN_DATA_KEY, settings.DANGJIAN_DATA_KEY_VERSION = NEW_KEY, 2
    settings.DANGJIAN_DATA_OLD_KEYS = {1: old}
    return old


def _rotate(*args):
    out = io.StringIO()
    call_command("data_key_rotate", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def people(tree):
    return [make_person(tree["wujiatai"]) for _ in range(5)]


def test_every_protected_field_is_found_in_the_app_registry():
    found = {model._meta.label: [f.name for f in fields] for model, fields in data_key_rotation.encrypted_models()}
    assert found["orgs.Person"] == ["id_number", "phone"]


def test_rotation_reencrypts_everything_and_search_works_during_and_after(tree, people, settings):
    assert _versions(people) == ["v1"] * 5
    _new_key(settings)
    # Before the command: old values read with the retired key, found under the retired key's index.
    for person in people:
        assert Person.objects.get(pk=person.pk).phone == person.phone
        assert by_id_number(Person.objects.all(), person.id_number) == person
    newcomer = make_person(tree["wujiatai"])  # new writes use the new key
    assert _raw(newcomer)[0].startswith("v2:") and _raw(newcomer)[2] == crypto.blind_index(newcomer.id_number)
    with pytest.raises(ValidationError):  # a duplicate of a row still under the old index is refused
        services.person_create(actor=None, org=tree["wujiatai_b1"], **person_data(
            random.Random(1), id_number=people[0].id_number, birth_date=people[0].birth_date,
            male=people[0].gender == "M"))

    output = _rotate("--batch-size", "2", "--limit", "3")  # stops part-way, as an operator may
    assert "orgs.Person.id_number: v1: 5, v2: 1" in output
    assert _versions(people) == ["v1", "v1", "v2", "v2", "v2"]
    for person in [*people, newcomer]:  # during: each row under one key or the other, all found
        assert by_id_number(Person.objects.all(), person.id_number) == person
        assert Person.objects.get(pk=person.pk).id_number == person.id_number
    with pytest.raises(CommandError) as excinfo:
        _rotate("--check")
    assert excinfo.value.returncode == 1

    _rotate("--batch-size", "2")  # carries on with the rows left
    assert _versions(people) == ["v2"] * 5
    for person in people:
        _, raw_phone, id_index, phone_index = _raw(person)
        assert raw_phone.startswith("v2:")
        assert (id_index, phone_index) == (crypto.blind_index(person.id_number), crypto.blind_index(person.phone))
    assert "v2: 6" in _rotate("--check")

    settings.DANGJIAN_DATA_OLD_KEYS = {}  # after: the retired key is removed from the configuration
    for person in [*people, newcomer]:
        loaded = Person.objects.get(pk=person.pk)
        assert (loaded.id_number, loaded.phone) == (person.id_number, person.phone)
        assert by_id_number(Person.objects.all(), person.id_number.lower()) == person
    entries = _rotation_entries()
    assert [(e.after["total"], e.after["remaining"], e.after["interrupted"]) for e in entries] == [
        (3, 2, False), (2, 0, False)]
    assert entries[0].after["updated"] == {"orgs.Person": 3} and entries[0].org_id is None


class PowerCut(Exception):
    """The process dies in the middle of a batch."""


def test_an_interrupted_run_leaves_whole_batches_and_resumes(people, settings, monkeypatch):
    _new_key(settings)
    encrypt, calls = crypto.encrypt, []

    def failing_encrypt(plaintext):
        calls.append(plaintext)
        if len(calls) == 6:  # batch 1 = 2 rows x 2 fields; the third row's phone is in batch 2
            raise PowerCut
        return encrypt(plaintext)

    monkeypatch.setattr(crypto, "encrypt", failing_encrypt)
    with pytest.raises(PowerCut):
        _rotate("--batch-size", "2")
    monkeypatch.setattr(crypto, "encrypt", encrypt)
    assert _versions(people) == ["v1", "v1", "v1", "v2", "v2"]  # batch 2 rolled back as a whole
    for person in people:
        raw_id, raw_phone, id_index, _ = _raw(person)
        assert raw_id[:3] == raw_phone[:3]  # never one field rotated without the other
        assert id_index == crypto.blind_index(person.id_number, version=int(raw_id[1]))
    interrupted = _rotation_entries()[-1]
    assert interrupted.after == {"version": 2, "updated": {"orgs.Person": 2}, "total": 2, "remaining": 3,
                                 "interrupted": True}

    _rotate("--batch-size", "2")
    assert _versions(people) == ["v2"] * 5
    assert _rotation_entries()[-1].after["total"] == 3


def test_the_command_refuses_without_a_new_key(people):
    before = [_raw(p) for p in people]
    with pytest.raises(CommandError, match="DANGJIAN_DATA_OLD_KEYS"):
        _rotate()
    assert [_raw(p) for p in people] == before
    assert _rotation_entries() == []


def test_the_command_refuses_a_wrong_retired_key(people, settings):
    _new_key(settings)
    settings.DANGJIAN_DATA_OLD_KEYS = {1: "e5" * 32}  # not the key version 1 values were made with
    before = [_raw(p) for p in people]
    with pytest.raises(CommandError, match="v1"):
        _rotate()
    assert [_raw(p) for p in people] == before


def test_a_value_under_an_unknown_version_raises_a_clear_error(people, settings):
    token = crypto.encrypt("13812345678")
    with pytest.raises(crypto.UnknownDataKeyVersion, match=r"version 7.*DANGJIAN_DATA_OLD_KEYS"):
        crypto.decrypt("v7:" + token.split(":", 1)[1])
    with pytest.raises(ValueError, match="not an encrypted value"):
        crypto.decrypt("13812345678")
    # The old key forgotten: the rows say which version they need, and the command will not start.
    settings.DANGJIAN_DATA_KEY, settings.DANGJIAN_DATA_KEY_VERSION = NEW_KEY, 3
    settings.DANGJIAN_DATA_OLD_KEYS = {2: "d4" * 32}
    with pytest.raises(crypto.UnknownDataKeyVersion, match="version 1"):
        Person.objects.get(pk=people[0].pk)
    with pytest.raises(CommandError, match="v1"):
        _rotate()


def test_a_value_made_with_another_key_under_the_same_version_is_refused(settings):
    token = crypto.encrypt("13812345678")
    settings.DANGJIAN_DATA_KEY = NEW_KEY  # same version number, another key: an operator's mistake
    with pytest.raises(InvalidTag):
        crypto.decrypt(token)


def test_new_writes_always_use_the_current_key(settings):
    _new_key(settings)
    assert crypto.encrypt("x").startswith("v2:")
    assert crypto.blind_index("x") == crypto.blind_index("x", version=2) != crypto.blind_index("x", version=1)
    assert crypto.blind_indexes("x") == [crypto.blind_index("x", version=2), crypto.blind_index("x", version=1)]


@pytest.mark.parametrize(("parse", "text", "message"), [
    (datakeys.parse_old_keys, "1:zz", "must be hex"),
    (datakeys.parse_old_keys, "one:" + "ab" * 32, "expected <version>:<hex key>"),
    (datakeys.parse_old_keys, f"1:{'ab' * 32},1:{'cd' * 32}", "lists version 1 twice"),
    (datakeys.parse_version, "0", "whole number from 1"),
])
def test_a_malformed_key_ring_is_refused(parse, text, message):
    with pytest.raises(ValueError, match=message):
        parse(text)
    assert datakeys.parse_old_keys(f" 1:{'ab' * 32} , 3:{'cd' * 32} ") == {1: "ab" * 32, 3: "cd" * 32}


def test_ring_problems(settings):
    key = "ab" * 32
    assert datakeys.ring_problems(key, 2, {1: "cd" * 32}) == []
    assert "the current key's version" in datakeys.ring_problems(key, 1, {1: "cd" * 32})[0]
    assert "same key as version" in datakeys.ring_problems(key, 2, {1: key})[0]
    assert "must be 32 bytes" in datakeys.ring_problems(key, 2, {1: "cd" * 16}, key_length=32)[0]
    settings.DANGJIAN_DATA_KEY_VERSION, settings.DANGJIAN_DATA_OLD_KEYS = 1, {1: "cd" * 32}
    with pytest.raises(ImproperlyConfigured, match="the current key's version"):
        crypto.encrypt("x")


@pytest.mark.parametrize(("env", "production", "message"), [
    ({"DANGJIAN_DATA_KEY_VERSION": "2", "DANGJIAN_DATA_OLD_KEYS": "1:" + "00" * 16}, True, "must be 32 bytes"),
    ({"DANGJIAN_DATA_KEY_VERSION": "2", "DANGJIAN_DATA_OLD_KEYS": "1:not-hex"}, True, "must be hex"),
    ({"DANGJIAN_DATA_OLD_KEYS": "1:" + "ab" * 32}, False, "the current key's version"),
    ({"DANGJIAN_DATA_KEY_VERSION": "two"}, False, "whole number from 1"),
])
def test_a_malformed_key_ring_stops_the_server(secrets_file, tmp_path, env, production, message):  # noqa: F811
    mode = {"DANGJIAN_ENV": "production", "DANGJIAN_HTTPS": "1"} if production else {}
    result = manage("check", tmp_path=tmp_path, DANGJIAN_SECRETS_FILE=str(secrets_file), **mode, **env)
    assert result.returncode != 0
    assert message in result.stderr
