"""Oversight: the auditors' lease search, exports, the audit trail's reader, the dashboard.

It reads every domain and nothing imports it (but the pages and ``create_app()``). Not a
domain with records of its own, so not quite the domain shape; its modules:

* ``schemas.py`` — request and response shapes (the trail, the lease search, exports, the
  dashboard);
* ``repository.py`` — every statement: the lease search (built once per shape of filters, a
  page read with ``fetch_rows`` and its planner setting), the export's rows (a server-side
  cursor, or PostgreSQL's ``COPY`` through ``copy_csv``), the trail's pages, the dashboard's
  counts;
* ``views.py`` — a lease as auditors see it (``row_view``), the CSV's columns and cells;
* ``search.py``, ``exports.py``, ``dashboard.py`` — what an auditor does, each a module with a
  clear name rather than one ``service.py``: a page of the search (a search by 身份证 number
  is an audit event), an export (audited before its first byte, read in a transaction of its
  own, streamed), the programme at a glance (these counts with the other domains' figures);
* ``api.py`` — the routes, which parse and present and write no SQL.
"""
