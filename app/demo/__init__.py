"""Demo data for ``baozu seed-demo``: a small city with projects in every state, tenants, leases."""
