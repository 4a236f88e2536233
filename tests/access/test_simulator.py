"""The device simulator: a replayed month through the ingestion path raises the signals of its
stories (an idle unit, a lent one); replaying it again adds nothing; ``baozu simulate-access``."""

from __future__ import annotations

from sqlalchemy import select

from app.access import signals, simulator
from app.access.models import AccessSignal
from app.audit.service import SYSTEM
from tests.access.conftest import Site
from tests.conftest import count
from tests.upkeep.conftest import make_home


def test_a_replayed_month_shows_an_idle_and_a_lent_unit(site: Site, session, tenant) -> None:
    second = make_home(site.home.city, tenant(), unit=1)
    dev = site.home.city.cast.developer
    done = simulator.replay_month(session, dev, site.home.city.project_id)
    assert done.stories["idle"] == [site.home.lease_id] and done.stories["lent"] == [second.lease_id]
    assert done.accepted > 20 and count(session, "access_event") == done.accepted
    assert signals.compute(session, SYSTEM)["raised"] == 2
    kinds = dict(session.execute(select(AccessSignal.lease_id, AccessSignal.kind)).all())
    assert kinds == {site.home.lease_id: "idle", second.lease_id: "lending"}
    again = simulator.replay_month(session, dev, site.home.city.project_id)
    assert again.accepted == 0 and again.duplicates == done.accepted


def test_the_cli_command_reports_an_unknown_operator(cli_db) -> None:
    from typer.testing import CliRunner

    from app.cli import cli

    result = CliRunner().invoke(cli, ["simulate-access", "--operator", "nobody"])
    assert result.exit_code == 2 and "nobody" in result.output
