"""CSV export of 1M leases: rows/s through the API against PostgreSQL's ``COPY … TO STDOUT``.

Needs the city of ``bench.generate``. The auditor downloads every lease as CSV from a real
uvicorn server (one worker) and the rows/s are compared with ``COPY (the export's own SELECT)
TO STDOUT (FORMAT csv)`` on a direct psycopg connection; the server's peak resident memory
(VmHWM) is read from /proc after the download.

    .venv/bin/python -m bench.export_csv --url postgresql+psycopg://postgres@127.0.0.1:5432/baozu_bench
"""

from __future__ import annotations

import argparse
import subprocess
import time
from datetime import date

import httpx
import psycopg
from sqlalchemy.dialects import postgresql
from sqlalchemy.engine import make_url

from bench.common import server, token

TARGET_RATIO, RSS_LIMIT_MB = 0.3, 200


def peak_rss_mb(port: str) -> float:
    pid = subprocess.check_output(["pgrep", "-f", "--", f"--port {port}"]).split()[0].decode()
    with open(f"/proc/{pid}/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    raise RuntimeError("no VmHWM")


def api_export(base: str, headers: dict[str, str]) -> tuple[int, float, float]:
    rows, started, first_byte = 0, time.perf_counter(), None
    with httpx.stream("GET", f"{base}/api/v1/audit/leases.csv", headers=headers, timeout=600) as response:
        response.raise_for_status()
        for chunk in response.iter_bytes():
            if first_byte is None:
                first_byte = time.perf_counter() - started
            rows += chunk.count(b"\n")
    return rows - 1, time.perf_counter() - started, first_byte or 0.0


def copy_export(url: str) -> tuple[int, float]:
    """The export's own statement (the CSV's columns, rows and order) under COPY, with the
    same session settings the export uses."""
    from app.oversight.repository import EXPORT_SETTINGS, LeaseFilter, csv_statement

    stmt, params = csv_statement(LeaseFilter(), sort="start_on", on=date.today())
    sql = str(stmt.params(params).compile(
        dialect=postgresql.psycopg.dialect(),  # type: ignore[attr-defined]
        compile_kwargs={"literal_binds": True}))
    dsn = make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(dsn) as conn:
        for setting in EXPORT_SETTINGS:
            conn.execute(f"SET {setting}")
        rows, started = 0, time.perf_counter()
        with conn.cursor() as cur, cur.copy(f"COPY ({sql}) TO STDOUT (FORMAT csv)") as copy:
            for data in copy:
                rows += bytes(data).count(b"\n")
        return rows, time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--url", default="postgresql+psycopg://postgres@127.0.0.1:5432/baozu_bench")
    args = parser.parse_args()
    with server(args.url) as base:
        headers = token(base, "auditor1")
        port = base.rsplit(":", 1)[1]
        before = peak_rss_mb(port)
        api_rows, api_seconds, first_byte = api_export(base, headers)
        peak = peak_rss_mb(port)
    copy_rows, copy_seconds = copy_export(args.url)
    api_rate, copy_rate = api_rows / api_seconds, copy_rows / copy_seconds
    print(f"API CSV : {api_rows:,} rows in {api_seconds:.1f} s = {api_rate:,.0f} rows/s "
          f"(first byte after {first_byte * 1000:.0f} ms)")
    print(f"COPY    : {copy_rows:,} rows in {copy_seconds:.1f} s = {copy_rate:,.0f} rows/s")
    print(f"ratio API/COPY: {api_rate / copy_rate:.2f}× (target ≥ {TARGET_RATIO}×)")
    print(f"server peak RSS: {peak:.0f} MB (at start {before:.0f} MB; target < {RSS_LIMIT_MB} MB)")


if __name__ == "__main__":
    main()
