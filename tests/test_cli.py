"""The ``baozu`` command: names and options relied on by outside tools."""

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from app.accounts.models import User
from app.cli import cli
from app.core.config import get_settings
from tests.conftest import fake_id_number, fake_uscc

runner = CliRunner()


def users(database) -> dict[str, User]:
    with database.sessions() as s:
        return {u.username: u for u in s.scalars(select(User))}


def test_create_developer_with_organization(cli_db) -> None:
    uscc = fake_uscc()
    result = runner.invoke(cli, ["create-user", "dev9", "--password", "dev9-password",
                                 "--role", "developer", "--organization", "九号公司",
                                 "--uscc", uscc])
    assert result.exit_code == 0, result.output
    assert users(cli_db)["dev9"].organization_id is not None
    again = runner.invoke(cli, ["create-user", "dev10", "--password", "dev10-password",
                                "--role", "developer", "--organization", "九号公司", "--uscc", uscc])
    assert again.exit_code == 0, again.output
    u = users(cli_db)
    assert u["dev9"].organization_id == u["dev10"].organization_id


def test_create_department_and_tenant(cli_db) -> None:
    assert runner.invoke(cli, ["create-user", "zj01", "--password", "zj-password-1", "--role",
                               "department", "--department", "市住建局"]).exit_code == 0
    result = runner.invoke(cli, ["create-user", "t001", "--password", "t1-password-1", "--role",
                                 "tenant", "--full-name", "王五", "--id-number", fake_id_number()])
    assert result.exit_code == 0, result.output


@pytest.mark.parametrize(("args", "message"), [
    (["--role", "mayor"], "未知角色"),
    (["--role", "developer", "--organization", "某公司", "--uscc", "91350100M000100Y44"], "校验位"),
    (["--role", "department", "--department", "市不存在局"], "未找到部门"),
    (["--role", "developer"], "必须属于一个已登记的单位"),
    (["--role", "tenant", "--full-name", "赵六", "--id-number", "110105194912310021"], "校验位"),
])
def test_bad_input_exits_2_and_writes_nothing(cli_db, args, message) -> None:
    before = len(users(cli_db))
    result = runner.invoke(cli, ["create-user", "bad", "--password", "bad-password-1", *args])
    assert result.exit_code == 2 and message in result.output
    assert len(users(cli_db)) == before


def test_seed_demo_is_idempotent_and_prints_logins(cli_db, monkeypatch) -> None:
    monkeypatch.setattr(get_settings(), "environment", "development")  # its only environment
    first = runner.invoke(cli, ["seed-demo"])
    assert first.exit_code == 0 and "office1" in first.output and "tenant1" in first.output
    count = len(users(cli_db))
    second = runner.invoke(cli, ["seed-demo"])
    assert second.exit_code == 0 and len(users(cli_db)) == count
    verify = runner.invoke(cli, ["audit", "verify"])
    assert verify.exit_code == 0 and "审计链完整" in verify.output


@pytest.mark.parametrize("environment", ["test", "production"])
def test_seed_demo_is_refused_outside_development(cli_db, monkeypatch, environment) -> None:
    """The demo accounts (an administrator among them) share a published password."""
    monkeypatch.setattr(get_settings(), "environment", environment)
    result = runner.invoke(cli, ["seed-demo"])
    assert result.exit_code == 2 and "演示数据只能载入开发环境" in result.output
    assert "admin" not in users(cli_db)


def test_unusable_settings_stop_every_command_naming_the_variable_only(monkeypatch) -> None:
    secret = "Sup3r-secret-but-short"
    monkeypatch.setenv("BAOZU_ENVIRONMENT", "production")
    monkeypatch.setenv("BAOZU_SECRET_KEY", secret)
    monkeypatch.setattr("app.core.config.get_settings", get_settings.__wrapped__)  # uncached
    for command in (["migrate"], ["audit", "verify"], ["seed-demo"]):
        result = runner.invoke(cli, command)
        assert result.exit_code == 2, result.output
        assert "BAOZU_SECRET_KEY" in result.output and "BAOZU_DATA_KEY" not in result.output
        assert secret not in result.output and secret[:8] not in result.output
