"""Settings, read once from the environment (prefix ``BAOZU_``) or a ``.env`` file."""

from __future__ import annotations

import math
from datetime import date
from functools import cache
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, ValidationError, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict
from pydantic_settings import SettingsError as SourceError

from app import PROJECT_ROOT

DEFAULT_SECRET = "baozu-development-secret-change-me"
DEFAULT_DATA_KEY = "baozu-development-data-key-change-me"
DEFAULT_AUDIT_KEY = "baozu-development-audit-key-change-me"

# What a secret needs outside development (docs/security.md, "Secrets").
SECRET_MIN_LENGTH = 32
SECRET_MIN_DISTINCT = 12
SECRET_MIN_BITS = 128


def secret_weakness(value: str) -> str | None:
    """Why ``value`` is not good enough for a secret key, or ``None``.

    A secret must have at least 32 characters, no whitespace or control characters, at
    least two character classes (lower case, upper case, digits, others), at least 12
    distinct characters, and an estimated entropy of at least 128 bits, estimated as
    length × log2(distinct characters) (a generous upper bound for a random string, and
    low for repetitive ones). ``secrets.token_urlsafe(48)`` and ``openssl rand -hex 32``
    always pass; 32 hex digits mostly fail (16 symbols at most, and all 16 are needed to
    reach the 128 bits): use 64.
    """
    if len(value) < SECRET_MIN_LENGTH:
        return f"少于 {SECRET_MIN_LENGTH} 个字符"
    if any(c.isspace() or not c.isprintable() for c in value):
        return "含有空白或控制字符"
    classes = {"lower" if c.islower() else "upper" if c.isupper() else "digit" if c.isdigit()
               else "other" for c in value}
    distinct = len(set(value))
    if len(classes) < 2 or distinct < SECRET_MIN_DISTINCT:
        return "字符种类太少（须至少两类字符、12 个不同字符）"
    if len(value) * math.log2(distinct) < SECRET_MIN_BITS:
        return f"估计熵不足 {SECRET_MIN_BITS} 位"
    return None


class SettingsError(RuntimeError):
    """The settings cannot be used. The message names the variables and never their values
    (pydantic's own message quotes the input, which would print a secret)."""


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="BAOZU_", env_file=".env", extra="ignore")

    environment: Literal["development", "test", "production"] = "development"
    database_url: str = f"sqlite:///{PROJECT_ROOT / 'baozu.db'}"
    database_read_url: str | None = None
    secret_key: SecretStr = SecretStr(DEFAULT_SECRET)
    # Key for personal data at rest (身份证 numbers): encryption and the keyed lookup hash.
    data_key: SecretStr = SecretStr(DEFAULT_DATA_KEY)
    # Key of the audit chain's HMAC and of its checkpoints (kept apart from the database), its
    # version (recorded on each event), and retired versions still needed to verify older
    # events ({"1": "…"}): docs/security.md, "The audit chain".
    audit_key: SecretStr = SecretStr(DEFAULT_AUDIT_KEY)
    audit_key_version: int = Field(default=1, ge=1, le=32767)
    audit_retired_keys: dict[int, SecretStr] = Field(default_factory=dict)
    today: date | None = Field(default=None, description="固定“今天”（演示与测试用）")
    timezone: str = "Asia/Shanghai"
    # How often (seconds) a process re-reads whether an administrator changed the calendar.
    calendar_recheck_seconds: float = Field(default=5.0, ge=0)
    # How often (seconds) a process re-reads the city's dated parameter changes.
    parameters_recheck_seconds: float = Field(default=5.0, ge=0)
    # Where people reach the service: the QR codes on certificates and notices point here.
    public_base_url: str = "http://127.0.0.1:8000"

    token_audience: str = "baozu-api"
    token_issuer: str = "baozu"
    token_minutes: int = Field(default=120, ge=1, le=24 * 60)
    # Argon2id cost; the defaults are pwdlib's recommendation. Tests lower them for speed.
    argon2_time_cost: int = Field(default=3, ge=1)
    argon2_memory_cost: int = Field(default=65536, ge=8)
    # TrueType CJK font embedded in generated PDFs; unset: discover a system font (app/documents/fonts.py).
    pdf_font: str | None = None

    # Brute-force protection (ASVS V6.3): failed logins counted in the database over a sliding
    # window, per account and per client address; more answer 429 until the window passes.
    login_max_failures_per_account: int = Field(default=5, ge=1)
    login_max_failures_per_address: int = Field(default=20, ge=1)
    login_failure_window_minutes: int = Field(default=15, ge=1)
    # Self-registrations (each a 身份证 lookup) per client address in a sliding hour.
    registrations_per_address_per_hour: int = Field(default=10, ge=1)
    # Browser origins allowed to call the API cross-origin (JSON list). Empty: no CORS at all.
    cors_origins: list[str] = Field(default_factory=list)
    # The Swagger UI (/api/docs) and the OpenAPI document (/api/v1/openapi.json). Unset: served
    # in development and test, not in production (404); see ``api_docs_served``.
    api_docs: bool | None = None
    # The request path's database pool, per process (docs/concurrency.md has the formula across
    # workers and hosts): connections kept open, extra ones allowed under a burst, and how long
    # a request waits for one before it is answered 503 (seconds).
    db_pool_size: int = Field(default=10, ge=1, le=1000)
    db_max_overflow: int = Field(default=0, ge=0, le=1000)
    db_pool_timeout: float = Field(default=30.0, gt=0)
    # SQLite: how long a writer waits for another process's write lock (milliseconds).
    sqlite_busy_timeout_ms: int = Field(default=30_000, ge=0)
    # Worker threads for CPU-heavy work inside requests (Argon2, PDF); each Argon2 hash uses
    # argon2_memory_cost KiB, so this also bounds that memory.
    cpu_threads: int = Field(default=4, ge=1, le=64)
    # Largest request body accepted (bytes); larger ones answer 413 without being read.
    # 20 MiB leaves room for the bulk endpoints (unit lists, attachments); most bodies are < 100 KiB.
    max_request_bytes: int = Field(default=20 * 1024 * 1024, ge=1024)
    # Where uploaded files live (repair and inspection photos, emergency plans): outside the
    # database, which keeps only each file's path (relative to this folder) and SHA-256. Unset:
    # ``baozu-media`` beside the SQLite file, or ``media/`` in the project folder on PostgreSQL
    # (see ``media_path``). Several hosts must share it (a network volume); back it up with the
    # database.
    media_dir: Path | None = None

    # The job runner (`baozu worker`, docs/jobs.md): on start, the latest missed occurrence of
    # each job is caught up if it fell within this many hours, older ones are skipped; how often
    # (seconds) a worker looks for runs an administrator asked for.
    job_catch_up_hours: float = Field(default=24.0, ge=0)
    job_poll_seconds: float = Field(default=10.0, gt=0)
    # E-mail to staff and organisations (app/notices): SMTP with STARTTLS unless switched off.
    # Unset host: e-mail deliveries wait (and are retried) until one is configured.
    smtp_host: str | None = None
    smtp_port: int = Field(default=587, ge=1, le=65535)
    smtp_username: str | None = None
    smtp_password: SecretStr | None = None
    smtp_from: str = "保租通 <noreply@baozu.local>"
    smtp_starttls: bool = True
    smtp_ca_file: Path | None = None  # a private CA that signed the SMTP server's certificate
    smtp_timeout_seconds: float = Field(default=15.0, gt=0)
    # A delivery that fails is retried after retry × 2^(attempt-1) seconds, and marked failed
    # (shown to the administrator) after this many attempts.
    notice_max_attempts: int = Field(default=6, ge=1, le=50)
    notice_retry_seconds: float = Field(default=60.0, ge=0)

    @model_validator(mode="after")
    def _refuse_default_secrets(self) -> Settings:
        if self.environment == "development":
            return self
        secrets = [("SECRET_KEY", self.secret_key, DEFAULT_SECRET),
                   ("DATA_KEY", self.data_key, DEFAULT_DATA_KEY),
                   ("AUDIT_KEY", self.audit_key, DEFAULT_AUDIT_KEY)]
        secrets += [(f"AUDIT_RETIRED_KEYS[{version}]", key, DEFAULT_AUDIT_KEY)
                    for version, key in sorted(self.audit_retired_keys.items())]
        problems = []
        for name, secret, default in secrets:
            value = secret.get_secret_value()
            weakness = "仍是开发用的默认值" if value == default else secret_weakness(value)
            if weakness:
                problems.append(f"BAOZU_{name}：{weakness}")
        if problems:
            raise ValueError(
                f"{self.environment} 环境中的密钥须是随机生成的值（例如 python3 -c 'import secrets; "
                f"print(secrets.token_urlsafe(48))'）：" + "；".join(problems))
        return self

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")

    @property
    def media_path(self) -> Path:
        """The folder of uploaded files (``BAOZU_MEDIA_DIR``, or its default beside the database)."""
        if self.media_dir is not None:
            return self.media_dir
        prefix = "sqlite:///"
        if self.database_url.startswith(prefix) and ":memory:" not in self.database_url:
            return Path(self.database_url.removeprefix(prefix).split("?", 1)[0]).parent / "baozu-media"
        return PROJECT_ROOT / "media"

    @property
    def api_docs_served(self) -> bool:
        """Whether ``/api/docs`` and the OpenAPI document are served (``BAOZU_API_DOCS``, by
        default only outside production)."""
        return self.api_docs if self.api_docs is not None else self.environment != "production"


@cache
def get_settings() -> Settings:
    """The settings; :class:`SettingsError` (naming the variables, never a value) if unusable."""
    try:
        return Settings()
    except ValidationError as exc:
        raise SettingsError(settings_problems(exc)) from None
    except SourceError as exc:  # a value that is not even JSON; the message names the field
        raise SettingsError(f"设置有误：{exc}") from None


def settings_problems(exc: ValidationError) -> str:
    """The problems of ``exc``, each with its variable, without the input values."""
    problems = []
    for error in exc.errors(include_url=False, include_input=False, include_context=False):
        message = error["msg"].removeprefix("Value error, ")
        names = [str(part) for part in error["loc"]]
        problems.append(f"BAOZU_{names[0].upper()}：{message}" if names else message)
    return "设置有误：" + "；".join(problems)
