"""Personal data at rest: SM4-GCM encryption, HMAC-SM3 blind index, and masking for display.

Each data key (32 bytes hex) is split by HMAC-SM3 into an encryption key and an index key, so that a leaked blind
index never helps decrypt. Keys are versioned (core.datakeys): a ciphertext reads "v<version>:<base64 of nonce,
tag, ciphertext>", the version naming the key it was made with. New values always use the current key
(DANGJIAN_DATA_KEY, version DANGJIAN_DATA_KEY_VERSION); values made with a retired key (DANGJIAN_DATA_OLD_KEYS)
keep decrypting until `manage.py data_key_rotate` re-encrypts them. The blind index is keyed by the same key, so
a rotation recomputes it too; until it has, an exact search looks a value up under every configured key's index
(`blind_indexes`). See docs/security.md, "The data key".
"""

import base64
import os
from functools import lru_cache

from cryptography.hazmat.primitives import hashes, hmac
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import models

from . import datakeys


class UnknownDataKeyVersion(ValueError):
    """A stored value names a data key version that is neither the current key nor a retired one."""


def sm3_hex(data: bytes) -> str:
    digest = hashes.Hash(hashes.SM3())
    digest.update(data)
    return digest.finalize().hex()


def _hmac_sm3(key: bytes, data: bytes) -> bytes:
    mac = hmac.HMAC(key, hashes.SM3())
    mac.update(data)
    return mac.finalize()


def hmac_sm3_hex(key: bytes, data: bytes) -> str:
    """HMAC-SM3 of `data` under `key`, in hex (the keyed audit chain, core.audit)."""
    return _hmac_sm3(key, data).hex()


@lru_cache(maxsize=8)
def _keys(master_hex: str, name: str = "DANGJIAN_DATA_KEY"):
    """(SM4 key, blind-index key) derived from one data key."""
    try:
        master = datakeys.key_bytes(master_hex, name)
    except ValueError as exc:
        raise ImproperlyConfigured(str(exc)) from None
    enc = _hmac_sm3(master, b"dangjian/sm4-gcm")[:16]
    idx = _hmac_sm3(master, b"dangjian/blind-index")
    return enc, idx


@lru_cache(maxsize=8)
def _ring(current_hex: str, version: int, old_items: tuple):
    """{version: (SM4 key, index key)}, the current version first (cached per configuration)."""
    old = dict(old_items)
    problems = datakeys.ring_problems(current_hex, version, old)
    if problems:
        raise ImproperlyConfigured("; ".join(problems))
    ring = {version: _keys(current_hex)}
    for number, value in old_items:
        ring[number] = _keys(value, f"DANGJIAN_DATA_OLD_KEYS (version {number})")
    return ring


def key_ring():
    """{version: (SM4 key, index key)} of the configured data keys, the current one first."""
    old = getattr(settings, "DANGJIAN_DATA_OLD_KEYS", {}) or {}
    return _ring(settings.DANGJIAN_DATA_KEY, current_version(), tuple(sorted(old.items())))


def current_version() -> int:
    """The version of DANGJIAN_DATA_KEY, the key every new value is encrypted with."""
    return getattr(settings, "DANGJIAN_DATA_KEY_VERSION", 1)


def prefix(version: int) -> str:
    """What a ciphertext made with key `version` starts with."""
    return f"v{version}:"


def version_of(token: str) -> int:
    """The data key version a stored value names; ValueError when it is not a ciphertext of this platform."""
    label, sep, _ = token.partition(":")
    if not sep or not label.startswith("v") or not label[1:].isdigit():
        raise ValueError("not an encrypted value of this platform (expected v<version>:…)")
    return int(label[1:])


def _key_for(version: int):
    keys = key_ring().get(version)
    if keys is None:
        raise UnknownDataKeyVersion(
            f"this value was encrypted with data key version {version}, which is configured neither as "
            f"DANGJIAN_DATA_KEY (version {current_version()}) nor in DANGJIAN_DATA_OLD_KEYS: "
            f"list the retired key as {version}:<hex> (docs/security.md, The data key)")
    return keys


def encrypt(plaintext: str) -> str:
    version = current_version()
    enc_key, _ = _key_for(version)
    nonce = os.urandom(12)
    encryptor = Cipher(algorithms.SM4(enc_key), modes.GCM(nonce)).encryptor()
    ciphertext = encryptor.update(plaintext.encode()) + encryptor.finalize()
    return prefix(version) + base64.b64encode(nonce + encryptor.tag + ciphertext).decode()


def decrypt(token: str) -> str:
    """The plaintext of a stored value, under the key its version names (cryptography's InvalidTag when the value
    was altered or that version's key is not the one it was made with)."""
    version = version_of(token)
    enc_key, _ = _key_for(version)
    raw = base64.b64decode(token.partition(":")[2])
    nonce, tag, ciphertext = raw[:12], raw[12:28], raw[28:]
    decryptor = Cipher(algorithms.SM4(enc_key), modes.GCM(nonce, tag)).decryptor()
    return (decryptor.update(ciphertext) + decryptor.finalize()).decode()


def _normalized(value: str) -> bytes:
    return value.strip().upper().encode()


def blind_index(value: str, version: int | None = None) -> str:
    """Deterministic keyed digest for exact-match search, under the current key (or key `version`); normalised
    so '42280...x' finds '...X'. This is what a write stores."""
    _, idx_key = _key_for(current_version() if version is None else version)
    return _hmac_sm3(idx_key, _normalized(value)).hex()


def blind_indexes(value: str) -> list[str]:
    """The value's blind index under every configured key, the current one first: what a search looks for, so
    that rows not yet re-indexed by a rotation are found too (`field_index__in=blind_indexes(q)`)."""
    return [_hmac_sm3(idx_key, _normalized(value)).hex() for _, idx_key in key_ring().values()]


def mask(value: str, keep_start: int, keep_end: int) -> str:
    if not value:
        return ""
    if len(value) <= keep_start + keep_end:
        return "*" * len(value)
    return value[:keep_start] + "*" * (len(value) - keep_start - keep_end) + value[-keep_end:]


def mask_id_number(value: str) -> str:
    """4228**********1234"""
    return mask(value, 4, 4)


def mask_phone(value: str) -> str:
    """138****5678"""
    return mask(value, 3, 4)


MASKERS = {"id_number": mask_id_number, "phone": mask_phone}


class EncryptedCharField(models.TextField):
    """Stores SM4-GCM ciphertext; Python code sees plaintext.

    `index_field` names a sibling CharField that receives the blind index on save, so exact-match search
    works without decrypting (`Person.objects.filter(id_number_index__in=blind_indexes(q))`).
    `mask` names a function in MASKERS used wherever the value is shown to someone who may not reveal it.
    """

    def __init__(self, *args, index_field=None, mask=None, **kwargs):
        self.index_field = index_field
        self.mask_name = mask
        kwargs.setdefault("blank", True)
        kwargs.setdefault("default", "")
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        if self.index_field:
            kwargs["index_field"] = self.index_field
        if self.mask_name:
            kwargs["mask"] = self.mask_name
        return name, path, args, kwargs

    def masked(self, value: str) -> str:
        return MASKERS[self.mask_name](value) if self.mask_name else "******"

    def from_db_value(self, value, expression, connection):
        if not value:
            return ""
        return decrypt(value)

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        if not value:
            return ""
        return encrypt(value)

    def pre_save(self, model_instance, add):
        value = getattr(model_instance, self.attname)
        if self.index_field:
            setattr(model_instance, self.index_field, blind_index(value) if value else "")
        return value

