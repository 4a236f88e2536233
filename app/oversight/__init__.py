"""Oversight: the auditors' lease search, exports, the audit trail's reader, the dashboard.

It reads every domain and nothing imports it (but the pages and ``create_app()``).
"""
