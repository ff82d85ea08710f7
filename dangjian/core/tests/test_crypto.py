"""Personal data at rest: SM4-GCM ciphertext in the column, HMAC-SM3 blind index, masking."""

import base64

import pytest
from cryptography.exceptions import InvalidTag
from django.db import connection

from dangjian.conftest import make_person
from dangjian.core import crypto
from dangjian.orgs.models import Person


def _raw(person):
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT id_number, phone, id_number_index FROM {Person._meta.db_table} WHERE id = %s",  # noqa: S608
            [person.pk],
        )
        return cursor.fetchone()


def test_raw_columns_hold_no_plaintext(tree):
    person = make_person(tree["wujiatai"])
    raw_id, raw_phone, raw_index = _raw(person)
    for raw, clear in ((raw_id, person.id_number), (raw_phone, person.phone)):
        assert raw.startswith("v1:")
        assert clear not in raw
        assert clear.encode() not in base64.b64decode(raw.removeprefix("v1:"))
    assert person.id_number not in raw_index and len(raw_index) == 64
    # A second row with the same phone gets a different ciphertext (random nonce).
    other = make_person(tree["wujiatai"], phone=person.phone)
    assert _raw(other)[1] != raw_phone


def test_round_trip_through_the_database(tree):
    person = make_person(tree["wujiatai"])
    loaded = Person.objects.get(pk=person.pk)
    assert loaded.id_number == person.id_number
    assert loaded.phone == person.phone


def test_encrypt_decrypt_and_tampering():
    token = crypto.encrypt("13812345678")
    assert token != crypto.encrypt("13812345678")
    assert crypto.decrypt(token) == "13812345678"
    assert crypto.decrypt(crypto.encrypt("土家族 覃")) == "土家族 覃"
    prefix, body = token.split(":")
    raw = bytearray(base64.b64decode(body))
    raw[-1] ^= 1
    with pytest.raises(InvalidTag):
        crypto.decrypt(prefix + ":" + base64.b64encode(bytes(raw)).decode())
    with pytest.raises(ValueError):
        crypto.decrypt("v0:" + body)


def test_blind_index_finds_the_exact_id_case_insensitive(tree):
    person = make_person(tree["wujiatai"])
    make_person(tree["wujiatai"])
    for query in (person.id_number, person.id_number.lower(), f" {person.id_number} "):
        found = Person.objects.filter(id_number_index=crypto.blind_index(query))
        assert list(found) == [person]
    assert crypto.blind_index("11010519491231002x") == crypto.blind_index("11010519491231002X")
    assert not Person.objects.filter(id_number_index=crypto.blind_index(person.id_number[:-1] + "0")).exclude(
        pk=person.pk).exists()


def test_blind_index_depends_on_the_key(settings):
    value = "11010519491231002X"
    first = crypto.blind_index(value)
    settings.DANGJIAN_DATA_KEY = "ab" * 32
    assert crypto.blind_index(value) != first


def test_masking_formats():
    assert crypto.mask_id_number("422825198001011234") == "4228**********1234"
    assert crypto.mask_phone("13812345678") == "138****5678"
    assert crypto.mask_id_number("") == crypto.mask_phone("") == ""
    field = Person._meta.get_field("id_number")
    assert field.masked("42282519800101123X") == "4228**********123X"
    assert Person._meta.get_field("phone").masked("13812345678") == "138****5678"
