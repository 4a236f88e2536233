"""Fixtures the accounts tests share with others: a throwaway database on each engine for
crowds, and a person using the pages."""

from tests.security.test_login_throttle import crowd_database  # noqa: F401
from tests.web.conftest import person  # noqa: F401
