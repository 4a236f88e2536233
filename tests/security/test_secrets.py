"""Production footguns (issue 14, point 9): secrets need real entropy, a refusal never echoes
a secret, and the demo city stays out of production."""

from __future__ import annotations

import base64
import os
import secrets
import subprocess
import sys

import pytest
from pydantic import ValidationError

from app import PROJECT_ROOT
from app.core.config import DEFAULT_AUDIT_KEY, Settings, SettingsError, get_settings, secret_weakness
from app.seed import seed_demo

STRONG = {"secret_key": secrets.token_urlsafe(48), "data_key": secrets.token_hex(32),
          "audit_key": base64.b64encode(os.urandom(32)).decode()}


@pytest.mark.parametrize("value", [
    " " * 32,  # the probe's 32 spaces
    " " * 64, "\t" * 40,
    "a" * 40,
    "ab" * 20, "0123456789" * 4,  # too few distinct characters
    "abcdefghijklmnopqrstuvwxyzabcdef",  # one class
    "abcdefghijklmnopqrstuvwxyzABCDEF0123456789"[:31],  # short
    "9f86d081884c7d659a2feaa0c55ad015",  # 32 hex digits: 14 symbols here, under 128 bits
    "correct horse battery staple jingdezhen 2026",  # whitespace
    "baozu-production-secret-change-me-\x00-0123456789",  # control character
])
def test_weak_secrets_are_refused(value) -> None:
    assert secret_weakness(value) is not None
    with pytest.raises(ValidationError, match="BAOZU_SECRET_KEY"):
        Settings(environment="production", **(STRONG | {"secret_key": value}))


@pytest.mark.parametrize("make", [lambda: secrets.token_urlsafe(48), lambda: secrets.token_urlsafe(24),
                                  lambda: secrets.token_hex(32),
                                  lambda: base64.b64encode(os.urandom(32)).decode()])
def test_generated_secrets_pass(make) -> None:
    for _ in range(500):
        value = make()
        assert secret_weakness(value) is None, value


def test_every_secret_is_checked_including_the_audit_key() -> None:
    assert Settings(environment="production", **STRONG).environment == "production"
    for name in STRONG:
        with pytest.raises(ValidationError, match=f"BAOZU_{name.upper()}"):
            Settings(environment="production", **(STRONG | {name: "k" * 40}))
    with pytest.raises(ValidationError, match="BAOZU_AUDIT_KEY"):
        Settings(environment="production", **(STRONG | {"audit_key": DEFAULT_AUDIT_KEY}))
    with pytest.raises(ValidationError, match=r"BAOZU_AUDIT_RETIRED_KEYS\[1\]"):
        Settings(environment="production", **STRONG, audit_retired_keys={1: " " * 32})
    assert Settings(environment="development", secret_key=" ", audit_key=DEFAULT_AUDIT_KEY)


def test_a_settings_error_names_the_variable_and_never_the_value(monkeypatch) -> None:
    value = "0123456789abcdef" * 2 + "   "  # long enough, but with whitespace
    monkeypatch.setenv("BAOZU_ENVIRONMENT", "production")
    monkeypatch.setenv("BAOZU_DATA_KEY", value)
    for name, key in STRONG.items():
        if name != "data_key":
            monkeypatch.setenv(f"BAOZU_{name.upper()}", key)
    with pytest.raises(ValidationError, match="input_value"):
        Settings()  # pydantic's own message quotes the input (here, all of it: a dict)
    with pytest.raises(SettingsError) as clean:
        get_settings.__wrapped__()  # type: ignore[attr-defined]
    message = str(clean.value)
    assert "BAOZU_DATA_KEY" in message and "含有空白" in message and "input_value" not in message
    assert "0123456789abcdef" not in message and "012345" not in message
    assert clean.value.__cause__ is None and clean.value.__suppress_context__
    monkeypatch.setenv("BAOZU_DB_POOL_SIZE", "lots")  # any variable, not only the secrets
    with pytest.raises(SettingsError) as clean:
        get_settings.__wrapped__()  # type: ignore[attr-defined]
    assert "BAOZU_DB_POOL_SIZE" in str(clean.value) and "lots" not in str(clean.value)


def test_the_app_refuses_to_start_without_echoing_the_secret() -> None:
    """As uvicorn or gunicorn would load it: the log line and the error name the variable."""
    secret = "Pr0d-Secr3t-Th4t-M4y-N0t-B3-Pr1nt3d"[:31]
    env = {k: v for k, v in os.environ.items() if not k.startswith("BAOZU_")} | {
        "BAOZU_ENVIRONMENT": "production", "BAOZU_SECRET_KEY": secret,
        "BAOZU_DATA_KEY": STRONG["data_key"], "BAOZU_AUDIT_KEY": STRONG["audit_key"]}
    done = subprocess.run([sys.executable, "-c", "import app.main"], cwd=PROJECT_ROOT, env=env,
                          capture_output=True, text=True, timeout=120)
    output = done.stdout + done.stderr
    assert done.returncode != 0
    assert "保租通无法启动" in output and "BAOZU_SECRET_KEY" in output
    assert secret not in output and secret[:10] not in output and "input_value" not in output


def test_the_demo_city_is_never_loaded_in_production(session, monkeypatch) -> None:
    monkeypatch.setattr(get_settings(), "environment", "production")
    with pytest.raises(RuntimeError, match="never loaded in production"):
        seed_demo(session)
