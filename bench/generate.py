"""Fill a PostgreSQL database with a realistic city: projects, units, tenants and leases.

    .venv/bin/python -m bench.generate --url postgresql+psycopg://postgres@127.0.0.1:5432/baozu_bench \\
        --create --leases 1000000

The database is migrated and gets the demo city first (its logins: see ``baozu seed-demo``),
then, in bulk through PostgreSQL ``COPY``: operators and employers, certified projects with
appraisals (some over two years old) and filed rent standards, units, tenants (valid,
encrypted 身份证 numbers), and leases — each unit leased year after year, so a unit's leases
never overlap and nobody holds two at once — with a few transitions, terminations,
violations and rents above their caps for the auditors to find. Bench data bypasses the
services (no audit events are written for it).
"""

from __future__ import annotations

import argparse
import os
import random
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import psycopg
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

DISTRICTS = ("珠山区", "昌江区", "高新区", "昌南新区")
START_YEAR = 2022
RATE_CHOICES = (Decimal("18.00"), Decimal("21.00"), Decimal("24.00"), Decimal("27.00"))
CODE_ALPHABET, CODE_LENGTH = "23456789ABCDEFGHJKMNPQRSTUVWXYZ", 8  # app.leases.models: lease codes


def _digit(first17: str) -> str:
    from rules.identifiers import id_number_check_character

    return first17 + id_number_check_character(first17)


def _uscc(n: int) -> str:
    from rules.identifiers import uscc_check_character

    body = f"91360200{n:09d}"
    return body + uscc_check_character(body)


def _copy(conn: psycopg.Connection, table: str, columns: list[str], rows: Iterator[tuple]) -> int:
    count = 0
    with conn.cursor() as cur, cur.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)
            count += 1
    return count


def _setval(conn: psycopg.Connection, table: str) -> None:
    conn.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                 f"(SELECT coalesce(max(id), 1) FROM {table}))")


def prepare(url: str, create: bool) -> None:
    if create:
        admin = create_engine(url.rsplit("/", 1)[0] + "/postgres", isolation_level="AUTOCOMMIT")
        name = make_url(url).database
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        admin.dispose()
    env = os.environ | {"BAOZU_DATABASE_URL": url, "BAOZU_ARGON2_TIME_COST": "1",
                        "BAOZU_ARGON2_MEMORY_COST": "1024"}
    baozu = str(Path(sys.executable).with_name("baozu"))
    for command in ("migrate", "seed-demo"):
        subprocess.run([baozu, command], env=env, check=True, capture_output=True)


def generate(url: str, *, projects: int, leases: int, seed: int) -> dict[str, int]:
    from app.core.personal_data import encrypt_id_number, id_number_digest
    from rules.identifiers import mask_id_number

    rng = random.Random(seed)
    dsn = make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
    now = datetime.now(UTC)
    periods = date.today().year - START_YEAR + 1  # one lease a year per unit, up to this year
    units_total = -(-leases // periods)
    per_project = -(-units_total // projects)
    tenants_total = units_total + units_total // 5
    counts: dict[str, int] = {}
    with psycopg.connect(dsn) as conn:
        dev = conn.execute("SELECT id FROM user_account WHERE username = 'dev1'").fetchone()[0]
        next_org = conn.execute("SELECT coalesce(max(id), 0) + 1 FROM organization").fetchone()[0]
        operators = list(range(next_org, next_org + 60))
        employers = list(range(next_org + 60, next_org + 80))
        counts["organizations"] = _copy(conn, "organization", ["id", "name", "uscc", "created_at"], (
            (oid, f"{'运营' if oid in operators else '用人'}单位{oid}", _uscc(500_000 + oid), now)
            for oid in operators + employers))
        _setval(conn, "organization")

        first_project = conn.execute("SELECT coalesce(max(id), 0) + 1 FROM project").fetchone()[0]
        project_ids = list(range(first_project, first_project + projects))
        project_rows, appraisal_rows, standard_rows, project_rate = [], [], [], {}
        first_appraisal = conn.execute("SELECT coalesce(max(id), 0) + 1 FROM appraisal").fetchone()[0]
        first_standard = conn.execute("SELECT coalesce(max(id), 0) + 1 FROM rent_standard").fetchone()[0]
        for i, pid in enumerate(project_ids):
            operator = operators[i % len(operators)]
            rate = rng.choice(RATE_CHOICES)
            market = (rate / Decimal("0.90")).quantize(Decimal("0.01"))
            appraised = date.today() - timedelta(days=rng.randrange(30, 1100))  # ~1/3 lapsed
            aid, sid = first_appraisal + i, first_standard + i
            project_rate[pid] = (rate, market, sid, operator)
            project_rows.append((
                pid, operator, dev, "certified", f"生成项目{pid}", f"景德镇市某路{pid}号",
                DISTRICTS[i % 4], f"运营单位{operator}", _uscc(500_000 + operator),
                f"运营单位{operator}", _uscc(500_000 + operator), f"赣(2022)景德镇市不动产权第{pid:07d}号",
                "国有出让", Decimal("10000.00"), Decimal("40000.00"), Decimal("90000000.00"),
                "conversion", "channel_4", "commercial_office", "building", False, False,
                date(2021, 1, 1), date(2022, 6, 1), Decimal("35000.00"), per_project,
                '[{"name": "一室户", "kind": "residential", "building_area_m2": "38.50", "count": '
                f'{per_project}}}]', Decimal("800.00"), "", "附件2-2022", now, now,
                date(2022, 5, 9), date(2022, 5, 20), date(2022, 5, 23), date(2022, 5, 30),
                date(2022, 6, 1), date(2022, 6, 1), now, now))
            appraisal_rows.append((aid, pid, "江西某评估有限公司", f"评{aid}", appraised, market, "{}",
                                   dev, now))
            standard_rows.append((sid, pid, aid, f'[{{"unit_type": null, "rate_per_m2": "{rate}"}}]',
                                  "filed", appraised, dev, f"景发改备{sid}号", appraised, dev))
        counts["projects"] = _copy(conn, "project", [
            "id", "organization_id", "created_by_id", "status", "name", "address", "district",
            "construction_unit_name", "construction_unit_uscc", "operator_unit_name",
            "operator_unit_uscc", "property_certificate_no", "land_nature", "land_area_m2",
            "total_floor_area_m2", "total_investment_yuan", "construction_method",
            "sourcing_channel", "original_building_type", "application_granularity",
            "government_invested", "special_fire_project", "planned_start_on", "planned_in_use_on",
            "affordable_floor_area_m2", "unit_count", "unit_types", "supporting_facilities_area_m2",
            "supporting_facilities_content", "commitment_version", "commitment_accepted_at",
            "submitted_at", "accepted_on", "decided_on", "completed_on", "listed_on",
            "listing_verified_on", "operation_started_on", "created_at", "updated_at"],
            iter(project_rows))
        _copy(conn, "appraisal", ["id", "project_id", "appraiser", "report_no", "appraised_on",
                                  "market_rent_per_m2", "per_unit_type", "recorded_by_id",
                                  "recorded_at"], iter(appraisal_rows))
        _copy(conn, "rent_standard", ["id", "project_id", "appraisal_id", "rates", "status",
                                      "proposed_on", "proposed_by_id", "filing_no", "filed_on",
                                      "filed_by_id"], iter(standard_rows))
        for table in ("project", "appraisal", "rent_standard"):
            _setval(conn, table)

        first_unit = conn.execute("SELECT coalesce(max(id), 0) + 1 FROM unit").fetchone()[0]
        areas = (Decimal("28.00"), Decimal("38.50"), Decimal("52.00"), Decimal("65.00"))

        def units() -> Iterator[tuple]:
            for n in range(units_total):
                pid = project_ids[n % projects]
                yield (first_unit + n, pid, f"{n // 800 % 30 + 1}栋", n % 30 + 1, f"U{n:07d}",
                       areas[n % 4], "residential", "一室户", "leased", f"G{n:09d}",
                       date(2022, 6, 1), now)
        counts["units"] = _copy(conn, "unit", [
            "id", "project_id", "building", "floor", "number", "building_area_m2", "kind",
            "unit_type", "status", "verification_code", "published_on", "created_at"], units())
        _setval(conn, "unit")

        first_user = conn.execute("SELECT coalesce(max(id), 0) + 1 FROM user_account").fetchone()[0]
        dummy_hash = conn.execute("SELECT password_hash FROM user_account WHERE username = "
                                  "'tenant1'").fetchone()[0]

        def tenants() -> Iterator[tuple]:
            for n in range(tenants_total):
                born = date(1975, 1, 1) + timedelta(days=n % 9000)
                number = _digit(f"360203{born:%Y%m%d}{n // 9000 % 1000:03d}")  # unique below 9M
                yield (first_user + n, f"gen{n}", dummy_hash, "tenant", f"租户{n}", "13800000000",
                       encrypt_id_number(number), id_number_digest(number),
                       mask_id_number(number), True, 0, now)
        counts["tenants"] = _copy(conn, "user_account", [
            "id", "username", "password_hash", "role", "full_name", "phone", "id_number_enc",
            "id_number_digest", "id_number_masked", "is_active", "token_version", "created_at"],
            tenants())
        _setval(conn, "user_account")

        first_lease = conn.execute("SELECT coalesce(max(id), 0) + 1 FROM lease").fetchone()[0]
        sequence = {year: 900_000 for year in range(START_YEAR, START_YEAR + periods + 1)}
        violations: list[tuple] = []

        def lease_rows() -> Iterator[tuple]:
            made = 0
            for period in range(periods):
                start = date(START_YEAR + period, 7, 1)
                end = date(START_YEAR + period + 1, 6, 30)
                current = end >= date.today()
                for n in range(units_total):
                    if made == leases:
                        return
                    lease_id = first_lease + made
                    made += 1
                    pid = project_ids[n % projects]
                    rate, market, sid, operator = project_rate[pid]
                    area = areas[n % 4]
                    cap = area * rate
                    roll = rng.random()
                    rent = (cap * Decimal(str(round(rng.uniform(0.8, 1.0), 3)))).quantize(Decimal("0.01"))
                    if roll < 0.005:
                        rent = (cap * Decimal("1.05")).quantize(Decimal("0.01"))
                    employer = employers[n % 20] if n % 10 == 0 else None
                    tenant = None if employer else first_user + (n + period * 7919) % tenants_total
                    status, ends_on = ("active" if current else "ended"), end
                    if roll > 0.985:
                        status, ends_on = "terminated", start + timedelta(days=rng.randrange(30, 300))
                    elif current and roll > 0.97 and tenant:
                        status = "in_transition"
                    if roll > 0.99:
                        violations.append((lease_id, pid, tenant, operator))
                    sequence[start.year] += 1
                    yield (lease_id, f"ZL{start.year}{sequence[start.year]:07d}",
                           "".join(rng.choices(CODE_ALPHABET, k=CODE_LENGTH)),
                           "employer" if employer else "individual", first_unit + n, pid, operator,
                           tenant, employer, start, end, ends_on, rent, rate, market, sid, area,
                           rent, Decimal(0), status, start - timedelta(days=10), dev, now)
        counts["leases"] = _copy(conn, "lease", [
            "id", "number", "verification_code", "kind", "unit_id", "project_id",
            "operator_organization_id",
            "tenant_id", "employer_organization_id", "start_on", "end_on", "ends_on",
            "monthly_rent", "rate_per_m2", "market_rent_per_m2", "rent_standard_id",
            "building_area_m2", "prepaid_rent", "deposit", "status", "signed_on", "signed_by_id",
            "created_at"], lease_rows())
        _setval(conn, "lease")
        counts["violations"] = _copy(conn, "violation", [
            "party", "lease_id", "project_id", "tenant_id", "organization_id", "kind",
            "description", "recorded_on", "rectify_by", "status", "recorded_by_id"], (
            ("tenant", lid, pid, tid, None, "subletting", "转租", date(2025, 3, 1),
             date(2025, 3, 31), "open", dev) for lid, pid, tid, _ in violations))
        conn.execute("ANALYZE")
    return counts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    parser.add_argument("--url", default="postgresql+psycopg://postgres@127.0.0.1:5432/baozu_bench")
    parser.add_argument("--create", action="store_true", help="drop and create the database first")
    parser.add_argument("--projects", type=int, default=300)
    parser.add_argument("--leases", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=20221)
    args = parser.parse_args()
    started = time.perf_counter()
    prepare(args.url, args.create)
    counts = generate(args.url, projects=args.projects, leases=args.leases, seed=args.seed)
    print(f"generated {counts} in {time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main()
