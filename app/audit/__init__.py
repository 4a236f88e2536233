"""Append-only audit trail, a hash chain keyed with BAOZU_AUDIT_KEY: every state change writes one event."""
