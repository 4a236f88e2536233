"""Migrations build the whole schema, agree with the models and run down and up again."""

import uuid
from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import create_engine, inspect, text

from app.core.health import alembic_config
from app.models import metadata
from tests.conftest import POSTGRES_ADMIN_URL, _require_postgres


def config(url: str):
    cfg = alembic_config()
    cfg.set_main_option("sqlalchemy.url", url)
    cfg.attributes["configure_logging"] = False
    return cfg


def round_trip(url: str) -> None:
    cfg = config(url)
    command.upgrade(cfg, "head")
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            diff = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}),
                                    metadata)
            assert diff == [], diff
            assert set(metadata.tables) <= set(inspect(conn).get_table_names())
            assert conn.execute(text("SELECT count(*) FROM department")).scalar_one() >= 25
        command.downgrade(cfg, "base")
        with engine.connect() as conn:
            assert set(inspect(conn).get_table_names()) <= {"alembic_version"}
        command.upgrade(cfg, "head")
    finally:
        engine.dispose()


def test_sqlite_round_trip(tmp_path) -> None:
    round_trip(f"sqlite:///{tmp_path / 'm.db'}")


@pytest.mark.postgres
def test_postgres_round_trip() -> None:
    admin = _require_postgres()
    name = f"baozu_m_{uuid.uuid4().hex[:12]}"
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        round_trip(POSTGRES_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}")
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def test_no_create_all_outside_migration_tests() -> None:
    root = Path(__file__).resolve().parent.parent
    offenders = [p.name for folder in ("app", "bench") for p in (root / folder).rglob("*.py")
                 if "create_all(" in p.read_text(encoding="utf-8")]
    assert offenders == []


def test_masked_id_numbers_are_backfilled(tmp_path) -> None:
    """Accounts created before the masked column get their masked number on upgrade."""
    from app.core.personal_data import encrypt_id_number
    from tests.conftest import fake_id_number

    url = f"sqlite:///{tmp_path / 'backfill.db'}"
    cfg = config(url)
    command.upgrade(cfg, "b89bbb2c8bd6")  # the revision before the masked column
    number = fake_id_number()
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO user_account (username, password_hash, role, full_name, "
                          "id_number_enc, is_active, token_version, created_at) VALUES ('old', 'x', "
                          "'tenant', '老用户', :enc, 1, 0, '2025-01-01 00:00:00')"),
                     {"enc": encrypt_id_number(number)})
    command.upgrade(cfg, "head")
    with engine.connect() as conn:
        masked = conn.execute(text("SELECT id_number_masked FROM user_account "
                                   "WHERE username = 'old'")).scalar_one()
    engine.dispose()
    assert masked == number[:6] + "********" + number[-4:]
