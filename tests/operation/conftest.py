"""The operation tests build on the approval fixtures: a certified project needs its review."""

from tests.approval.conftest import cast  # noqa: F401  (a fixture)
