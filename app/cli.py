"""``baozu``: migrate, create-user, serve, seed-demo, import-properties, import-public-rental,
audit verify, audit checkpoint.

The command names and options are relied on by tools outside the project; keep them.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

import typer
from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.core.errors import ProblemError, _field_errors

cli = typer.Typer(help="保租通命令行工具", no_args_is_help=True, add_completion=False)
audit_cli = typer.Typer(help="审计日志", no_args_is_help=True)
cli.add_typer(audit_cli, name="audit")


def fail(message: str, code: int = 2) -> None:
    typer.echo(f"错误：{message}", err=True)
    raise typer.Exit(code)


@cli.callback()
def settings_first() -> None:
    """Read the settings before any command, so that unusable ones end it with a message that
    names the variables (never their values, which may be secrets) and status 2."""
    from app.core.config import SettingsError, get_settings

    try:
        get_settings()
    except SettingsError as exc:
        fail(str(exc))


@contextmanager
def transaction() -> Iterator[Session]:
    """One transaction: committed when the block succeeds, rolled back on any error."""
    from app.core.db import database

    with database().write_sessions.begin() as session:
        yield session


@contextmanager
def snapshot() -> Iterator[Session]:
    """One read-only transaction seeing one snapshot (PostgreSQL: REPEATABLE READ), so the
    audit chain is checked as it stood at one instant while the service keeps writing."""
    from app.core.db import database

    db = database()
    engine = db.engine if db.is_sqlite else db.engine.execution_options(
        isolation_level="REPEATABLE READ")
    with Session(engine) as session, session.begin():
        yield session


@cli.command()
def migrate() -> None:
    """把数据库结构升级到最新版本（alembic upgrade head）。"""
    from alembic import command

    from app.core.health import alembic_config

    cfg = alembic_config()
    cfg.attributes["configure_logging"] = False
    command.upgrade(cfg, "head")
    typer.echo("数据库已升级到最新版本")


@cli.command("create-user")
def create_user(
    username: Annotated[str, typer.Argument(help="用户名")],
    password: Annotated[str, typer.Option("--password", help="密码（至少 8 位）")],
    role: Annotated[str, typer.Option("--role", help="角色：developer、office、department、"
                                      "leader、tenant、employer、auditor、admin")],
    organization: Annotated[str | None, typer.Option("--organization", help="单位名称")] = None,
    uscc: Annotated[str | None, typer.Option("--uscc", help="单位统一社会信用代码")] = None,
    department: Annotated[str | None, typer.Option("--department", help="部门名称或代码")] = None,
    full_name: Annotated[str | None, typer.Option("--full-name", help="姓名")] = None,
    id_number: Annotated[str | None, typer.Option("--id-number", help="身份证号码")] = None,
) -> None:
    """创建账号（单位不存在时按名称和统一社会信用代码登记）。"""
    from app.accounts import service
    from app.accounts.enums import Role
    from app.accounts.models import Organization
    from app.accounts.schemas import OrganizationCreate, UserCreate
    from app.audit.service import SYSTEM

    if role not in {r.value for r in Role}:
        fail(f"未知角色 {role}；可选：{'、'.join(r.value for r in Role)}")
    if (organization is None) != (uscc is None):
        fail("--organization 与 --uscc 需要同时提供")
    try:
        with transaction() as session:
            org_id = dept_id = None
            if organization and uscc:
                org = session.scalar(select(Organization).where(Organization.uscc == uscc.upper()))
                if org is None:
                    org = service.create_organization(
                        session, actor=SYSTEM, data=OrganizationCreate(name=organization, uscc=uscc))
                elif org.name != organization:
                    fail(f"统一社会信用代码 {uscc} 已登记为“{org.name}”，与 --organization 不一致")
                org_id = org.id
            if department:
                dept = service.find_department(session, department)
                if dept is None:
                    fail(f"未找到部门“{department}”（可用 GET /api/v1/departments 查看）")
                dept_id = dept.id  # type: ignore[union-attr]
            user = service.create_user(session, actor=SYSTEM, data=UserCreate(
                username=username, password=password, role=Role(role), full_name=full_name,
                id_number=id_number, organization_id=org_id, department_id=dept_id))
            typer.echo(f"已创建账号 {user.username}（{Role(user.role).label}）")
    except ValidationError as exc:
        fail("；".join(f"{e['field']}：{e['message']}" for e in _field_errors(exc.errors())))
    except ProblemError as exc:
        fail(exc.detail)


@cli.command()
def serve(
    host: Annotated[str, typer.Option(help="监听地址")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="端口")] = 8000,
    reload: Annotated[bool, typer.Option(help="代码改动时自动重启（开发用）")] = False,
    workers: Annotated[int, typer.Option(
        min=1, max=64, envvar="WEB_CONCURRENCY",
        help="工作进程数（每个进程各有数据库连接池，见 docs/concurrency.md）")] = 1,
) -> None:
    """启动 Web 服务（uvloop + httptools）。"""
    import uvicorn

    from app.core.server import SERVER_OPTIONS

    if reload and workers > 1:
        fail("--reload 只能与单个工作进程一起使用")
    uvicorn.run("app.main:app", host=host, port=port, reload=reload, workers=workers,
                proxy_headers=True, loop="uvloop", http="httptools", **SERVER_OPTIONS)


@cli.command()
def worker(
    once: Annotated[bool, typer.Option(
        help="只补跑一次（各任务最近一次错过的执行与排队中的手动任务）后退出")] = False,
) -> None:
    """启动定时任务进程（APScheduler）：期限提醒、邮件短信发送等。可与 Web 服务同时运行多个，
    每次计划执行只运行一次（docs/jobs.md）。"""
    import logging

    from app.core.db import database
    from app.jobs import service
    from app.jobs import worker as runner

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    sessions = database().write_sessions
    if once:
        caught = service.catch_up(sessions)
        queued = service.run_queued(sessions)
        typer.echo(f"补跑 {len(caught)} 个任务，执行 {len(queued)} 个手动任务")
        return
    runner.run(sessions)


@cli.command("simulate-access")
def simulate_access(
    operator: Annotated[str, typer.Option("--operator", help="运营单位账号（登记模拟设备和凭证）")] = "dev1",
    project: Annotated[int | None, typer.Option(
        "--project", help="项目编号（默认：该单位的第一个项目）")] = None,
    elsewhere: Annotated[int | None, typer.Option(
        "--elsewhere", help="承租人凭证另在此项目通行（默认：该单位的第二个项目）")] = None,
    days: Annotated[int, typer.Option("--days", min=1, max=180, help="回放的天数")] = 30,
) -> None:
    """回放一个月的门禁通行记录（经设备接口的同一路径），含闲置、转借与在其他项目通行的房源，然后重算门禁提示。"""
    from app.access import signals, simulator
    from app.accounts.repository import find_user
    from app.approval.models import Project
    from app.audit.service import SYSTEM

    with transaction() as session:
        try:
            user = find_user(session, operator)
        except ProblemError:
            user = None
        if user is None or user.organization_id is None:
            fail(f"没有运营单位账号 {operator}")
        assert user is not None
        ids = list(session.scalars(select(Project.id).where(
            Project.organization_id == user.organization_id).order_by(Project.id)))
        target = project or (ids[0] if ids else None)
        if target is None:
            fail("该单位没有项目")
        other = elsewhere or next((i for i in ids if i != target), None)
        try:
            done = simulator.replay_month(session, user, target, elsewhere_project_id=other, days=days)
            result = signals.compute(session, SYSTEM)
        except ProblemError as exc:
            fail(exc.detail)
    typer.echo(f"已回放 {done.events} 条事件：接收 {done.accepted}，重复 {done.duplicates}；"
               f"新增提示 {result['raised']} 条，更新 {result['updated']} 条")
    for story, leases in done.stories.items():
        if leases and story != "normal":
            typer.echo(f"  {story}：合同 {', '.join(map(str, leases))}")


@cli.command("seed-demo")
def seed_demo() -> None:
    """载入演示数据（仅在数据库中尚无演示数据时），并打印演示账号。"""
    from app.core.config import get_settings
    from app.seed import DEMO_PASSWORD
    from app.seed import seed_demo as load

    environment = get_settings().environment
    if environment != "development":
        fail(f"演示数据只能载入开发环境（当前 BAOZU_ENVIRONMENT={environment}）：演示账号的密码是公开的")
    with transaction() as session:
        logins = load(session)
    typer.echo(f"演示账号（密码均为 {DEMO_PASSWORD}）：")
    for login in logins:
        typer.echo(f"  {login.username:<14} {login.role:<8} {login.who}")


def _import(kind: str, file: Path) -> None:
    """Parse the whole file with a progress bar, then write it in one transaction."""
    from rich.progress import Progress

    from app.audit.service import SYSTEM
    from app.leases.flows import import_registry
    from app.tenants import registry

    content = file.read_bytes()
    lines = max(content.count(b"\n") - 1, 1)
    parse = registry.parse_properties if kind == "properties" else registry.parse_public_rental
    try:
        with Progress(transient=False) as progress:
            task = progress.add_task(f"校验 {file.name}", total=lines)
            rows = parse(content, lambda n: progress.advance(task, n))
            progress.update(task, completed=lines, description=f"写入 {len(rows)} 行")
            with transaction() as session:
                batch, started = import_registry(session, SYSTEM, kind, file.name, content, rows)
    except ProblemError as exc:
        fail(exc.detail)
    typer.echo(f"已导入 {batch.rows} 行（导入批次 {batch.id}）"
               + (f"，{started} 份合同进入过渡期" if started else ""))


@cli.command("import-properties")
def import_properties(file: Annotated[Path, typer.Argument(
        exists=True, dir_okay=False, help="CSV：id_number,address,district,acquired_on")]) -> None:
    """导入不动产登记的房产记录（任一行有误则整个文件不导入）。"""
    _import("properties", file)


@cli.command("import-public-rental")
def import_public_rental(file: Annotated[Path, typer.Argument(
        exists=True, dir_okay=False, help="CSV：id_number,qualified,receiving")]) -> None:
    """导入住房保障部门的公租房资格及保障记录（任一行有误则整个文件不导入）。"""
    _import("public_rental", file)


@audit_cli.command("verify")
def audit_verify(
    against: Annotated[Path | None, typer.Option(
        "--against", exists=True, dir_okay=False,
        help="与之核对的检查点文件（baozu audit checkpoint 签发）：发现末尾事件被删除")] = None,
) -> None:
    """逐条校验审计日志（带密钥的哈希链）；链条断裂时以状态 1 退出，检查点无效时以状态 2 退出。"""
    from app.audit.checkpoints import Checkpoint, CheckpointError
    from app.audit.service import verify

    try:
        checkpoint = Checkpoint.from_json(against.read_text(encoding="utf-8")) if against else None
        with snapshot() as session:
            result = verify(session, against=checkpoint)
    except (CheckpointError, UnicodeDecodeError) as exc:
        fail(f"检查点无法使用：{exc}" if isinstance(exc, CheckpointError) else "检查点文件不是文本")
        return
    if result.ok:
        typer.echo(f"审计链完整：共 {result.events_checked} 条事件，末尾哈希 {result.last_hash}"
                   + (f"；与检查点（{checkpoint.taken_at}，第 {checkpoint.sequence} 号事件）一致"
                      if checkpoint else ""))
        return
    typer.echo(f"审计链断裂：第 {result.broken_id} 号事件，{result.reason}", err=True)
    raise typer.Exit(1)


@audit_cli.command("checkpoint")
def audit_checkpoint(
    output: Annotated[Path | None, typer.Option(
        "--output", dir_okay=False, help="另写入此文件（不覆盖已有文件）")] = None,
) -> None:
    """校验审计链，并打印签名的链尾检查点（时间、序号、哈希、签名），供保存在数据库之外。"""
    from app.audit.service import checkpoint

    if output is not None and output.exists():
        fail(f"文件 {output} 已存在；检查点不覆盖已有文件")
    with snapshot() as session:
        result, signed = checkpoint(session)
    if signed is None:
        typer.echo(f"审计链断裂，不签发检查点：第 {result.broken_id} 号事件，{result.reason}", err=True)
        raise typer.Exit(1)
    text = signed.to_json()
    if output is not None:
        with output.open("x", encoding="utf-8") as file:
            file.write(text + "\n")
    typer.echo(text)


def main() -> None:
    cli()
