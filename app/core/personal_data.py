"""Personal data at rest (PIPL): 身份证 numbers are encrypted and found by a keyed hash.

Two keys are derived from ``BAOZU_DATA_KEY`` with HKDF-SHA256: one for AES-256-GCM
encryption of the number, one for the HMAC-SHA256 digest used to look a person up or to
detect a duplicate registration without decrypting anything.
"""

from __future__ import annotations

import hashlib
import hmac
import os
from functools import cache

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from app.core.config import get_settings
from rules.identifiers import mask_id_number, normalize_id_number

_NONCE_BYTES = 12
_AAD = b"baozu:id_number:v1"


@cache
def _keys(secret: str) -> tuple[bytes, bytes]:
    material = HKDF(algorithm=hashes.SHA256(), length=64, salt=b"baozu-personal-data",
                    info=b"id_number encryption + lookup").derive(secret.encode())
    return material[:32], material[32:]


def _current_keys() -> tuple[bytes, bytes]:
    return _keys(get_settings().data_key.get_secret_value())


def encrypt_id_number(id_number: str) -> bytes:
    enc_key, _ = _current_keys()
    nonce = os.urandom(_NONCE_BYTES)
    return nonce + AESGCM(enc_key).encrypt(nonce, normalize_id_number(id_number).encode(), _AAD)


def decrypt_id_number(blob: bytes) -> str:
    enc_key, _ = _current_keys()
    return AESGCM(enc_key).decrypt(blob[:_NONCE_BYTES], blob[_NONCE_BYTES:], _AAD).decode()


def id_number_digest(id_number: str) -> str:
    """Keyed digest for lookups and duplicate detection (hex, 64 characters)."""
    _, mac_key = _current_keys()
    return hmac.new(mac_key, normalize_id_number(id_number).encode(), hashlib.sha256).hexdigest()


__all__ = ["decrypt_id_number", "encrypt_id_number", "id_number_digest", "mask_id_number"]
