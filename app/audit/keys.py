"""The audit key: HMAC-SHA256 for the chain's events and for its checkpoints.

``BAOZU_AUDIT_KEY`` is kept apart from the database (whoever can write the database must not
be able to recompute the chain), with its version ``BAOZU_AUDIT_KEY_VERSION``; each event
records the version that keyed it, and retired versions stay in
``BAOZU_AUDIT_RETIRED_KEYS`` for as long as their events must be verified (docs/security.md,
"The audit chain"). Events and checkpoints use two keys derived from it, so that a MAC of
one can never stand for the other.
"""

from __future__ import annotations

import hashlib
import hmac
from functools import lru_cache

from app.core.config import get_settings

CHAIN = b"baozu audit chain v1"
CHECKPOINT = b"baozu audit checkpoint v1"


class MissingKey(LookupError):
    """No key of this version is configured (a retired key was not kept)."""

    def __init__(self, version: int) -> None:
        super().__init__(f"audit key version {version} is not configured")
        self.version = version


def current_version() -> int:
    """The version new events and checkpoints are keyed with."""
    return get_settings().audit_key_version


def _secret(version: int) -> str | None:
    s = get_settings()
    if version == s.audit_key_version:
        return s.audit_key.get_secret_value()
    retired = s.audit_retired_keys.get(version)
    return retired.get_secret_value() if retired is not None else None


@lru_cache(maxsize=32)
def _derived(secret: str, purpose: bytes) -> bytes:
    return hmac.new(secret.encode(), purpose, hashlib.sha256).digest()


def mac(version: int, purpose: bytes, message: bytes) -> str:
    """HMAC-SHA256 (hex) of ``message`` with key ``version``, for ``purpose`` (:data:`CHAIN`
    or :data:`CHECKPOINT`); :class:`MissingKey` if that version is not configured."""
    secret = _secret(version)
    if secret is None:
        raise MissingKey(version)
    return hmac.new(_derived(secret, purpose), message, hashlib.sha256).hexdigest()
