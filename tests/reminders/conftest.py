"""Fixtures of the reminders tests: those of upkeep (a project in operation, a tenant at home)."""

from __future__ import annotations

from tests.upkeep.conftest import (  # noqa: F401  (fixtures re-used here)
    Home,
    cast,
    city,
    home,
    make_home,
    tenant,
)
