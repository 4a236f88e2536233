"""Registry imports (第三十二条; 附件1 不动产登记): API and CLI, all rows or none, line numbers."""

import pytest
from typer.testing import CliRunner

from app.cli import cli
from tests.conftest import count, fake_id_number
from tests.tenants.conftest import csv_file

HEADER = "id_number,address,district,acquired_on"
runner = CliRunner()


def rows(n: int) -> list[str]:
    return [f"{fake_id_number()},珠山区某小区{i}号,珠山区,2019-0{1 + i % 9}-01" for i in range(n)]


def test_api_import_is_admin_only_and_writes_every_row(client, make_user, login, session) -> None:
    data = rows(10)
    office = client.post("/api/v1/registry/properties", files=csv_file(data, HEADER),
                         headers=login(make_user("office")))
    assert office.status_code == 403
    response = client.post("/api/v1/registry/properties", files=csv_file(data, HEADER),
                           headers=login(make_user("admin")))
    assert response.status_code == 201 and response.json()["rows"] == 10
    assert count(session, "property_record") == 10


def test_a_bad_id_number_on_line_7_rejects_the_whole_file(client, make_user, login, session) -> None:
    data = rows(10)
    good = data[5].split(",")[0]
    data[5] = data[5].replace(good, good[:17] + ("0" if good[17] != "0" else "1"))  # file line 7
    admin = login(make_user("admin"))
    before = (count(session, "property_record"), count(session, "registry_import"),
              count(session, "audit_event"))
    response = client.post("/api/v1/registry/properties", files=csv_file(data, HEADER),
                           headers=admin)
    assert response.status_code == 422
    problem = response.json()
    assert problem["line"] == 7 and "第 7 行" in problem["detail"] and "校验位" in problem["detail"]
    assert (count(session, "property_record"), count(session, "registry_import"),
            count(session, "audit_event")) == before


@pytest.mark.parametrize(("row", "message"), [
    ("{id},珠山区,珠山区,2019-13-01", "YYYY-MM-DD"),
    ("{id},,珠山区,2019-01-01", "不能为空"),
])
def test_other_bad_rows_are_named(client, make_user, login, row, message) -> None:
    data = [*rows(2), row.format(id=fake_id_number())]
    response = client.post("/api/v1/registry/properties", files=csv_file(data, HEADER),
                           headers=login(make_user("admin")))
    assert response.status_code == 422 and "第 4 行" in response.json()["detail"]
    assert message in response.json()["detail"]


def test_wrong_header(client, make_user, login) -> None:
    response = client.post("/api/v1/registry/public-rental",
                           files=csv_file(["x"], "id_number,qualified"),
                           headers=login(make_user("admin")))
    assert response.status_code == 422 and "receiving" in response.json()["detail"]


def test_cli_imports_with_a_progress_bar(cli_db, tmp_path) -> None:
    good = tmp_path / "properties.csv"
    good.write_text("\n".join([HEADER, *rows(25)]) + "\n", encoding="utf-8")
    result = runner.invoke(cli, ["import-properties", str(good)])
    assert result.exit_code == 0, result.output
    assert "已导入 25 行" in result.output and "100%" in result.output


def test_cli_bad_line_writes_nothing(cli_db, tmp_path) -> None:
    from sqlalchemy import text

    bad = tmp_path / "rental.csv"
    bad.write_text("id_number,qualified,receiving\n"
                   f"{fake_id_number()},是,否\n{fake_id_number()},也许,否\n", encoding="utf-8")
    result = runner.invoke(cli, ["import-public-rental", str(bad)])
    assert result.exit_code == 2 and "第 3 行" in result.output
    with cli_db.sessions() as s:
        assert s.execute(text("SELECT count(*) FROM public_rental_record")).scalar_one() == 0
