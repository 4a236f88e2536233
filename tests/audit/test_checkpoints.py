"""Checkpoints: the signed head, kept outside the database, finds a chain cut short (issue 14,
point 8): deleting the last events and rewinding the head leaves a valid chain, which only a
checkpoint taken before can tell from the real one."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest
from pydantic import SecretStr
from sqlalchemy import create_engine, delete, select, update
from typer.testing import CliRunner

from app.audit import service as audit
from app.audit.checkpoints import Checkpoint, CheckpointError, check, sign
from app.audit.models import GENESIS_HASH, AuditChainHead, AuditEvent
from app.cli import cli
from app.core.config import get_settings
from tests.audit.test_chain import events, tamper
from tests.conftest import is_postgres

runner = CliRunner()


def cut_short(session, keep: int) -> None:
    """Delete every event after ``keep`` and rewind the head to it, as an attacker would."""
    if is_postgres(session):
        tamper(session, "SELECT 1")  # triggers off for this transaction
    last_hash = session.scalar(select(AuditEvent.hash).where(AuditEvent.id == keep))
    session.execute(delete(AuditEvent).where(AuditEvent.id > keep))
    session.execute(update(AuditChainHead).where(AuditChainHead.id == 1)
                    .values(last_id=keep, last_hash=last_hash))
    session.expire_all()


def taken(session) -> Checkpoint:
    result, checkpoint = audit.checkpoint(session)
    assert result.ok and checkpoint is not None
    return checkpoint


def test_an_untouched_chain_passes_against_its_checkpoints(session) -> None:
    events(session, 3)
    first = taken(session)
    assert audit.verify(session, against=first).ok
    events(session, 2)  # the chain grows after the checkpoint: still the same chain
    second = taken(session)
    assert second.sequence == first.sequence + 2
    for checkpoint in (first, second):
        assert audit.verify(session, against=checkpoint).ok


def test_a_chain_cut_short_fails_against_a_checkpoint_taken_before(session) -> None:
    events(session, 5)
    checkpoint = taken(session)
    cut_short(session, checkpoint.sequence - 2)
    assert audit.verify(session).ok  # alone, a shorter chain is still a chain
    result = audit.verify(session, against=checkpoint)
    assert not result.ok and "比检查点短" in result.reason


def test_a_chain_cut_short_and_regrown_fails_against_the_checkpoint(session) -> None:
    """Cut, then new events appended by the app itself (keyed): the event at the checkpoint's
    sequence now has another hash."""
    events(session, 4)
    checkpoint = taken(session)
    cut_short(session, checkpoint.sequence - 2)
    events(session, 4)
    assert audit.verify(session).ok
    result = audit.verify(session, against=checkpoint)
    assert not result.ok and result.broken_id == checkpoint.sequence
    assert "与检查点" in result.reason


def test_a_checkpoint_is_signed_and_survives_its_file(session) -> None:
    checkpoint = taken(session)
    text = checkpoint.to_json()
    assert json.loads(text)["format"] == "baozu-audit-checkpoint/1"
    assert Checkpoint.from_json(text) == checkpoint
    check(Checkpoint.from_json(text))
    assert checkpoint.key_version == get_settings().audit_key_version


@pytest.mark.parametrize("forge", [
    lambda c: replace(c, sequence=c.sequence - 1),  # an earlier head: hides what came after
    lambda c: replace(c, hash=GENESIS_HASH),
    lambda c: replace(c, taken_at="2020-01-01T00:00:00+00:00"),
    lambda c: replace(c, signature="0" * 64),
])
def test_a_checkpoint_with_a_forged_signature_is_refused(session, forge) -> None:
    events(session, 2)
    forged = forge(taken(session))
    with pytest.raises(CheckpointError, match="签名不符"):
        check(forged)
    with pytest.raises(CheckpointError):
        audit.verify(session, against=forged)


def test_a_checkpoint_signed_with_another_key_is_refused(session, monkeypatch) -> None:
    genuine = taken(session)
    monkeypatch.setattr(get_settings(), "audit_key", SecretStr("someone-elses-key-" + "Qw9" * 10))
    foreign = sign(taken_at=genuine.taken_at, sequence=genuine.sequence, hash=genuine.hash,
                   keyed_from=genuine.keyed_from)
    monkeypatch.undo()
    assert foreign.signature != genuine.signature
    with pytest.raises(CheckpointError, match="签名不符"):
        check(foreign)


@pytest.mark.parametrize("text", ["not json", "[]", '{"format": "other"}',
                                  '{"format": "baozu-audit-checkpoint/1", "sequence": 1}'])
def test_a_malformed_checkpoint_is_refused(text) -> None:
    with pytest.raises(CheckpointError):
        Checkpoint.from_json(text)


# ---- baozu audit checkpoint / verify --against ---------------------------------------------

def test_the_command_line_checkpoint_and_verify_against_it(cli_db, tmp_path) -> None:
    for name in ("cp1", "cp2", "cp3"):
        assert runner.invoke(cli, ["create-user", name, "--password", f"{name}-password-x",
                                   "--role", "office"]).exit_code == 0
    anchor = tmp_path / "anchor.json"
    printed = runner.invoke(cli, ["audit", "checkpoint", "--output", str(anchor)])
    assert printed.exit_code == 0, printed.output
    assert Checkpoint.from_json(printed.stdout) == Checkpoint.from_json(anchor.read_text())
    again = runner.invoke(cli, ["audit", "checkpoint", "--output", str(anchor)])
    assert again.exit_code == 2 and "已存在" in again.output  # never overwritten

    ok = runner.invoke(cli, ["audit", "verify", "--against", str(anchor)])
    assert ok.exit_code == 0 and "审计链完整" in ok.output and "与检查点" in ok.output

    checkpoint = Checkpoint.from_json(anchor.read_text())
    engine = create_engine(str(cli_db.url))
    with engine.begin() as conn:  # the last two events deleted, the head rewound
        keep = checkpoint.sequence - 2
        last_hash = conn.execute(select(AuditEvent.hash).where(AuditEvent.id == keep)).scalar_one()
        conn.execute(delete(AuditEvent).where(AuditEvent.id > keep))
        conn.execute(update(AuditChainHead).values(last_id=keep, last_hash=last_hash))
    engine.dispose()
    assert runner.invoke(cli, ["audit", "verify"]).exit_code == 0
    cut = runner.invoke(cli, ["audit", "verify", "--against", str(anchor)])
    assert cut.exit_code == 1 and "比检查点短" in cut.output

    forged = tmp_path / "forged.json"
    forged.write_text(replace(checkpoint, sequence=keep, hash=last_hash).to_json())
    refused = runner.invoke(cli, ["audit", "verify", "--against", str(forged)])
    assert refused.exit_code == 2 and "签名不符" in refused.output
    junk = tmp_path / "junk.json"
    junk.write_text("{}")
    assert runner.invoke(cli, ["audit", "verify", "--against", str(junk)]).exit_code == 2


def test_no_checkpoint_of_a_broken_chain(cli_db, tmp_path) -> None:
    assert runner.invoke(cli, ["create-user", "cpx", "--password", "cpx-password-x",
                               "--role", "office"]).exit_code == 0
    engine = create_engine(str(cli_db.url))
    with engine.begin() as conn:
        conn.execute(update(AuditEvent).where(AuditEvent.id == 1).values(actor="mallory"))
    engine.dispose()
    result = runner.invoke(cli, ["audit", "checkpoint", "--output", str(tmp_path / "x.json")])
    assert result.exit_code == 1 and "不签发检查点" in result.output
    assert not (tmp_path / "x.json").exists()
