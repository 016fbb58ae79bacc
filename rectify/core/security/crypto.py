"""Field encryption for personal data at rest: SM4-CBC with HMAC-SM3, encrypt-then-MAC.

GB/T national algorithms because the platform is a government system (等保/密评 expect SM2/3/4).
`cryptography` has SM4 but no SM4-GCM, so authenticity comes from an HMAC-SM3 over the version,
IV and ciphertext, checked (in constant time) before decrypting.

The master key comes from the environment (`RECTIFY_FIELD_KEY`, hex, at least 16 bytes) or from
`<DATA_DIR>/field_key`, generated once on first use and kept outside the database, so a copy of
the database alone does not reveal the data. Separate encryption and MAC keys are derived from
the master key with HMAC-SM3, so one secret can be rotated as a unit.

Stored form: ``sm4:`` + base64(iv[16] || ciphertext || tag[32]).
"""
from __future__ import annotations

import base64
import functools
import hashlib
import hmac
import secrets
from typing import Any

from cryptography.hazmat.primitives import padding
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from django.db import models

from rectify.core.security.keys import key_text

PREFIX = "sm4:"
_BLOCK = 16
_TAG = 32  # SM3 digest size


class DecryptionError(ValueError):
    """The stored value was tampered with or was written under another key."""


def _sm3() -> Any:
    return hashlib.new("sm3")


def _load_master_key() -> bytes:
    key = bytes.fromhex(key_text("RECTIFY_FIELD_KEY", "field_key"))
    if len(key) < 16:
        raise ValueError("RECTIFY_FIELD_KEY must be at least 16 bytes (32 hex digits)")
    return key


@functools.cache
def _keys() -> tuple[bytes, bytes]:
    master = _load_master_key()
    enc = hmac.new(master, b"rectify-field-enc", _sm3).digest()[:16]
    mac = hmac.new(master, b"rectify-field-mac", _sm3).digest()
    return enc, mac


def encrypt(plaintext: str) -> str:
    enc_key, mac_key = _keys()
    iv = secrets.token_bytes(_BLOCK)
    padder = padding.PKCS7(128).padder()
    data = padder.update(plaintext.encode("utf-8")) + padder.finalize()
    encryptor = Cipher(algorithms.SM4(enc_key), modes.CBC(iv)).encryptor()
    ct = encryptor.update(data) + encryptor.finalize()
    tag = hmac.new(mac_key, PREFIX.encode() + iv + ct, _sm3).digest()
    return PREFIX + base64.b64encode(iv + ct + tag).decode("ascii")


def decrypt(token: str) -> str:
    if not token.startswith(PREFIX):
        raise DecryptionError("not an encrypted value")
    enc_key, mac_key = _keys()
    try:
        raw = base64.b64decode(token[len(PREFIX):], validate=True)
    except ValueError as exc:
        raise DecryptionError("malformed ciphertext") from exc
    if len(raw) < 2 * _BLOCK + _TAG or (len(raw) - _TAG) % _BLOCK:
        raise DecryptionError("malformed ciphertext")
    iv, ct, tag = raw[:_BLOCK], raw[_BLOCK:-_TAG], raw[-_TAG:]
    expected = hmac.new(mac_key, PREFIX.encode() + iv + ct, _sm3).digest()
    if not hmac.compare_digest(tag, expected):
        raise DecryptionError("authentication failed")
    decryptor = Cipher(algorithms.SM4(enc_key), modes.CBC(iv)).decryptor()
    data = decryptor.update(ct) + decryptor.finalize()
    unpadder = padding.PKCS7(128).unpadder()
    return (unpadder.update(data) + unpadder.finalize()).decode("utf-8")


class EncryptedTextField(models.TextField):
    """A text field stored as SM4 ciphertext; Python code sees plaintext.

    Lookups other than isnull cannot work on ciphertext (each write uses a fresh IV), so keep
    such fields out of search and filter lists. Empty strings are stored empty, not encrypted,
    so "no value" stays cheap to query (an anonymous tip has no reporter).
    """

    description = "SM4-encrypted text"

    def formfield(self, **kwargs: Any) -> Any:
        # A short value (a name, a phone or ID number: max_length bounds the plaintext) is one line.
        if self.max_length and self.max_length <= 200 and not self.choices:
            return models.Field.formfield(self, **{"max_length": self.max_length, **kwargs})
        return super().formfield(**kwargs)

    def from_db_value(self, value: str | None, expression, connection) -> str | None:
        if value is None or value == "":
            return value
        return decrypt(value)

    def to_python(self, value: Any) -> Any:
        if isinstance(value, str) and value.startswith(PREFIX):
            return decrypt(value)
        return super().to_python(value)

    def get_prep_value(self, value: Any) -> Any:
        value = super().get_prep_value(value)
        if value is None or value == "":
            return value
        return encrypt(str(value))
