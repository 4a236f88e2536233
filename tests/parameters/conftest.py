"""Policy changes are tried on a project in operation with tenants ready (the lease fixtures)."""

from tests.leases.conftest import cast, city, tenant  # noqa: F401  (fixtures)
