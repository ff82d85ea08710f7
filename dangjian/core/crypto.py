"""Personal data at rest: SM4-GCM encryption, HMAC-SM3 blind index, and masking for display.

One master key (DANGJIAN_DATA_KEY, 32 bytes hex) is split by HMAC-SM3 into an encryption key and an index key,
so that a leaked blind index never helps decrypt.
"""

import base64
import os
from functools import lru_cache

from cryptography.hazmat.primitives import hashes, hmac
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import models

_VERSION = "v1"


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


@lru_cache(maxsize=4)
def _keys(master_hex: str):
    try:
        master = bytes.fromhex(master_hex)
    except ValueError as exc:
        raise ImproperlyConfigured("DANGJIAN_DATA_KEY must be hex") from exc
    if len(master) < 16:
        raise ImproperlyConfigured("DANGJIAN_DATA_KEY must hold at least 16 bytes")
    enc = _hmac_sm3(master, b"dangjian/sm4-gcm")[:16]
    idx = _hmac_sm3(master, b"dangjian/blind-index")
    return enc, idx


def encrypt(plaintext: str) -> str:
    enc_key, _ = _keys(settings.DANGJIAN_DATA_KEY)
    nonce = os.urandom(12)
    encryptor = Cipher(algorithms.SM4(enc_key), modes.GCM(nonce)).encryptor()
    ciphertext = encryptor.update(plaintext.encode()) + encryptor.finalize()
    return f"{_VERSION}:" + base64.b64encode(nonce + encryptor.tag + ciphertext).decode()


def decrypt(token: str) -> str:
    version, _, body = token.partition(":")
    if version != _VERSION:
        raise ValueError("unknown ciphertext version")
    raw = base64.b64decode(body)
    nonce, tag, ciphertext = raw[:12], raw[12:28], raw[28:]
    enc_key, _ = _keys(settings.DANGJIAN_DATA_KEY)
    decryptor = Cipher(algorithms.SM4(enc_key), modes.GCM(nonce, tag)).decryptor()
    return (decryptor.update(ciphertext) + decryptor.finalize()).decode()


def blind_index(value: str) -> str:
    """Deterministic keyed digest for exact-match search; normalised so '42280...x' finds '...X'."""
    _, idx_key = _keys(settings.DANGJIAN_DATA_KEY)
    return _hmac_sm3(idx_key, value.strip().upper().encode()).hex()


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
    works without decrypting (`Person.objects.filter(id_number_index=blind_index(q))`).
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

