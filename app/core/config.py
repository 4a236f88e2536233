"""Settings, read once from the environment (prefix ``BAOZU_``) or a ``.env`` file."""

from __future__ import annotations

from datetime import date
from functools import cache
from typing import Literal

from pydantic import Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from app import PROJECT_ROOT

DEFAULT_SECRET = "baozu-development-secret-change-me"
DEFAULT_DATA_KEY = "baozu-development-data-key-change-me"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="BAOZU_", env_file=".env", extra="ignore")

    environment: Literal["development", "test", "production"] = "development"
    database_url: str = f"sqlite:///{PROJECT_ROOT / 'baozu.db'}"
    database_read_url: str | None = None
    secret_key: SecretStr = SecretStr(DEFAULT_SECRET)
    # Key for personal data at rest (身份证 numbers): encryption and the keyed lookup hash.
    data_key: SecretStr = SecretStr(DEFAULT_DATA_KEY)
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
    # Browser origins allowed to call the API cross-origin (JSON list). Empty: no CORS at all.
    cors_origins: list[str] = Field(default_factory=list)
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

    @model_validator(mode="after")
    def _refuse_default_secrets(self) -> Settings:
        if self.environment != "development":
            for name, default in (("SECRET_KEY", DEFAULT_SECRET), ("DATA_KEY", DEFAULT_DATA_KEY)):
                value = getattr(self, name.lower()).get_secret_value()
                if value == default or len(value) < 32:
                    raise ValueError(
                        f"BAOZU_{name} must be set to a random value of at least 32 characters "
                        f"outside development (environment={self.environment})"
                    )
        return self

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")


@cache
def get_settings() -> Settings:
    return Settings()
