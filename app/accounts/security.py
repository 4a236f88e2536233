"""Password policy, hashing (Argon2id) and access tokens (JWT, HS256 only, with audience and expiry).

Password policy (ASVS 5.0 V6.2): at least :data:`PASSWORD_MIN_LENGTH` characters and not one
of the common passwords in ``common_passwords.txt`` (compared case-insensitively). That list
is every entry of at least 8 characters from the 20,000 most common passwords of Royce
Williams' public breach compilation (as shipped by Django's ``CommonPasswordValidator``,
BSD licence), led by the patterns most used in China (12345678, 88888888, woaini1314,
a123456789, qq123456 …, from the public top lists of the 2011 CSDN/Tianya leaks).
"""

from __future__ import annotations

import secrets
import threading
from datetime import UTC, datetime, timedelta
from functools import cache
from pathlib import Path
from typing import Any

import anyio
import jwt
from pwdlib import PasswordHash
from pwdlib.hashers.argon2 import Argon2Hasher

from app.core.config import get_settings
from app.core.db import offload

ALGORITHM = "HS256"
ALLOWED_ALGORITHMS = [ALGORITHM]
PASSWORD_MIN_LENGTH = 8
COMMON_PASSWORDS_FILE = Path(__file__).with_name("common_passwords.txt")


@cache
def common_passwords() -> frozenset[str]:
    text = COMMON_PASSWORDS_FILE.read_text(encoding="utf-8")
    return frozenset(line.strip().casefold() for line in text.splitlines() if line.strip())


def is_common_password(password: str) -> bool:
    """True for a password on the common-password list, whatever its letter case."""
    return password.strip().casefold() in common_passwords()


@cache
def _hasher(time_cost: int, memory_cost: int) -> PasswordHash:
    return PasswordHash((Argon2Hasher(time_cost=time_cost, memory_cost=memory_cost),))


def password_hasher() -> PasswordHash:
    s = get_settings()
    return _hasher(s.argon2_time_cost, s.argon2_memory_cost)


def hash_password(password: str) -> str:
    """Argon2id, on a worker thread when called from a request (it takes tens of ms of CPU)."""
    return offload(password_hasher().hash, password)


_DUMMY_HASH: dict[tuple[int, int], str] = {}
_DUMMY_LOCK = threading.Lock()


def dummy_hash() -> str:
    """The hash a password is checked against when the username is unknown.

    A hash of a random password with the same Argon2 parameters as real hashes, made once per
    process (per cost setting) under a lock: the app's start-up makes it on a worker thread
    (:func:`prepare_password_checks`), so no login ever pays for it and parallel first
    callers never each make one (which made an unknown username twice as slow to refuse).
    """
    s = get_settings()
    key = (s.argon2_time_cost, s.argon2_memory_cost)
    found = _DUMMY_HASH.get(key)
    if found is None:
        with _DUMMY_LOCK:
            found = _DUMMY_HASH.get(key)
            if found is None:
                found = _DUMMY_HASH[key] = password_hasher().hash(secrets.token_urlsafe(24))
    return found


async def prepare_password_checks() -> None:
    """Make :func:`dummy_hash` at start-up, on a worker thread (the loop keeps running)."""
    await anyio.to_thread.run_sync(dummy_hash)


def _verify_unknown(password: str) -> None:
    password_hasher().verify_and_update(password, dummy_hash())


def verify_password(password: str, password_hash: str | None) -> tuple[bool, str | None]:
    """(matches, new hash if the stored one should be upgraded).

    With no stored hash (unknown user) the password is still verified, against
    :func:`dummy_hash`: one Argon2 verification with the same parameters either way, so the
    answer takes the same time whether or not the account exists.
    """
    if password_hash is None:
        offload(_verify_unknown, password)
        return False, None
    return offload(password_hasher().verify_and_update, password, password_hash)


def create_access_token(*, user_id: int, role: str, token_version: int) -> tuple[str, int]:
    """A signed token and its lifetime in seconds."""
    s = get_settings()
    issued = datetime.now(UTC)  # real time: PyJWT checks expiry against the real clock
    lifetime = timedelta(minutes=s.token_minutes)
    claims = {"sub": str(user_id), "role": role, "ver": token_version, "aud": s.token_audience,
              "iss": s.token_issuer, "iat": issued, "exp": issued + lifetime}
    token = jwt.encode(claims, s.secret_key.get_secret_value(), algorithm=ALGORITHM)
    return token, int(lifetime.total_seconds())


def decode_access_token(token: str) -> dict[str, Any]:
    """Verified claims; raises ``jwt.InvalidTokenError`` for any bad, forged or expired token."""
    s = get_settings()
    return jwt.decode(token, s.secret_key.get_secret_value(), algorithms=ALLOWED_ALGORITHMS,
                      audience=s.token_audience, issuer=s.token_issuer,
                      options={"require": ["exp", "iat", "sub", "aud", "iss", "ver"]})
