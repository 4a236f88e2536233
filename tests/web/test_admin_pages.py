"""The administrator's pages through the test client: accounts, organisations, registry
imports and the holiday calendar. Each form's success, its refusals (message beside the field,
nothing written, what was typed kept) and objects that do not exist (404)."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.accounts.enums import Role
from app.accounts.models import Organization, User
from app.calendar import service as calendar_service
from app.calendar.models import CalendarYear
from app.tenants.models import RegistryImport
from tests.conftest import PASSWORD, count, fake_id_number, fake_uscc
from tests.web.conftest import Person, text_of
from tests.web.test_workflows import field_error, input_value


@pytest.fixture
def admin(person: Callable[[], Person], make_user: Callable[..., User]) -> Person:
    """A logged-in administrator (a fresh account of the test's own)."""
    someone = person()
    someone.login(make_user(Role.admin).username)
    return someone


def textarea_value(html: str, name: str) -> str:
    match = re.search(rf'<textarea[^>]*name="{re.escape(name)}"[^>]*>(.*?)</textarea>', html, re.S)
    assert match, f"no textarea {name}"
    return match.group(1)


# ---- 用户管理 ------------------------------------------------------------------------------------

def test_the_admin_creates_a_staff_account(admin: Person, make_org, session: Session,
                                           person: Callable[[], Person]) -> None:
    org = make_org("景德镇某运营公司")
    page = admin.get("/admin/users")
    assert "用户管理" in page and "系统管理员" in page and 'name="role"' in page
    assert '<option value="developer">建设/运营单位</option>' in page
    assert "景德镇某运营公司" in page  # the organisation select
    before = count(session, "user_account")
    form = {"username": "operator-web", "password": PASSWORD, "role": "developer",
            "organization_id": "", "department_id": "", "full_name": "王运营", "phone": "", "id_number": ""}
    # a developer without an organisation: the service's message beside the select
    refused = admin.post("/admin/users", form, expect=422)
    assert "必须属于一个已登记的单位" in field_error(refused.text, "f-organization_id")
    assert input_value(refused.text, "username") == "operator-web"
    assert PASSWORD not in refused.text  # the password is never sent back
    # password rules: too short (the schema), too common (the service)
    short = admin.post("/admin/users", form | {"organization_id": str(org.id), "password": "abc"}, expect=422)
    assert "不能少于 8 个字符" in field_error(short.text, "f-password")
    common = admin.post("/admin/users", form | {"organization_id": str(org.id), "password": "password"},
                        expect=422)
    assert "密码过于常见" in field_error(common.text, "f-password")
    assert count(session, "user_account") == before
    admin.post("/admin/users", form | {"organization_id": str(org.id)})
    assert "已创建账号 operator-web（建设/运营单位）" in admin.follow()
    assert count(session, "user_account") == before + 1
    # the same username again: 409, beside the field
    again = admin.post("/admin/users", form | {"organization_id": str(org.id)}, expect=409)
    assert "用户名 operator-web 已被使用" in field_error(again.text, "f-username")
    assert count(session, "user_account") == before + 1
    created = session.scalar(select(User).where(User.username == "operator-web"))
    assert created is not None and created.organization_id == org.id and created.role == "developer"
    listed = admin.get("/admin/users")
    assert re.search(r"operator-web</td><td>王运营</td><td>建设/运营单位</td>\s*<td>景德镇某运营公司", listed)
    person().login("operator-web")  # the new account works at once


def test_a_department_account_needs_a_department(admin: Person, session: Session) -> None:
    before = count(session, "user_account")
    refused = admin.post("/admin/users", {"username": "reviewer-x", "password": PASSWORD,
                                          "role": "department", "department_id": ""}, expect=422)
    assert "联审部门账号必须属于一个部门" in field_error(refused.text, "f-department_id")
    no_role = admin.post("/admin/users", {"username": "nobody-x", "password": PASSWORD}, expect=422)
    assert "缺少必填项" in field_error(no_role.text, "f-role")
    assert count(session, "user_account") == before


def test_disabling_ends_the_sessions_at_once_and_enabling_restores_login(
        admin: Person, make_user, person: Callable[[], Person], session: Session) -> None:
    office = make_user(Role.office, full_name="李办事")
    clerk = person()
    clerk.login(office.username)
    clerk.get("/office/queue")
    page = admin.get("/admin/users")
    assert f'action="/admin/users/{office.id}/active"' in page
    assert "当前登录账号" in page  # the administrator's own row offers no 停用 button
    admin.post(f"/admin/users/{office.id}/active", {"is_active": "false"})
    assert f"已停用账号 {office.username}" in admin.follow()
    session.refresh(office)
    assert office.is_active is False
    clerk.get("/office/queue", expect=303)  # the page session ended with the account
    assert clerk.last is not None and clerk.last.headers["location"].startswith("/login")
    clerk.login(office.username, expect=422)  # and it cannot log in again
    assert re.search(rf"{office.username}</td>.*?已停用", admin.get("/admin/users"), re.S)
    admin.post(f"/admin/users/{office.id}/active", {"is_active": "true"})
    assert f"已启用账号 {office.username}" in admin.follow()
    session.refresh(office)
    assert office.is_active is True
    clerk.login(office.username)


def test_the_active_form_refuses_nonsense_and_unknown_accounts(admin: Person, make_user,
                                                               session: Session) -> None:
    office = make_user(Role.office)
    version = office.token_version
    missing = admin.post(f"/admin/users/{office.id}/active", {}, expect=422)
    assert "请选择启用或停用该账号" in text_of(missing.text)
    bad = admin.post(f"/admin/users/{office.id}/active", {"is_active": "maybe"}, expect=422)
    assert "应为是或否" in text_of(bad.text)
    session.refresh(office)
    assert office.is_active is True and office.token_version == version
    gone = admin.post("/admin/users/999999/active", {"is_active": "false"}, expect=404)
    assert "未找到该用户" in text_of(gone.text)


def test_the_administrator_cannot_disable_themself(person: Callable[[], Person], make_user,
                                                  session: Session) -> None:
    me, myself = person(), make_user(Role.admin)
    me.login(myself.username)
    refused = me.post(f"/admin/users/{myself.id}/active", {"is_active": "false"}, expect=409)
    assert "不能停用当前登录的账号" in text_of(refused.text)
    session.refresh(myself)
    assert myself.is_active is True
    me.get("/admin/users")  # the session still works


def test_only_the_administrator_manages_accounts(person: Callable[[], Person], make_user,
                                                 session: Session) -> None:
    auditor, target = person(), make_user(Role.office)
    auditor.login(make_user(Role.auditor).username)
    auditor.get("/admin/users", expect=403)
    auditor.post(f"/admin/users/{target.id}/active", {"is_active": "false"}, expect=403)
    session.refresh(target)
    assert target.is_active is True


# ---- 单位管理 ------------------------------------------------------------------------------------

def test_organizations_with_the_gb32100_check(admin: Person, session: Session) -> None:
    good = fake_uscc()
    wrong = good[:17] + ("1" if good[17] != "1" else "2")
    before = count(session, "organization")
    refused = admin.post("/admin/organizations", {"name": "景德镇某陶瓷公司", "uscc": wrong}, expect=422)
    error = field_error(refused.text, "f-uscc")
    assert "统一社会信用代码校验位不正确" in error and "GB 32100" in error
    assert input_value(refused.text, "uscc") == wrong
    assert input_value(refused.text, "name") == "景德镇某陶瓷公司"
    short = admin.post("/admin/organizations", {"name": "景", "uscc": good}, expect=422)
    assert "不能少于 2 个字符" in field_error(short.text, "f-name")
    assert count(session, "organization") == before
    admin.post("/admin/organizations", {"name": "景德镇某陶瓷公司", "uscc": good.lower()})
    assert f"已登记单位 景德镇某陶瓷公司（{good}）" in admin.follow()
    assert session.scalar(select(Organization.name).where(Organization.uscc == good)) == "景德镇某陶瓷公司"
    assert good in admin.get("/admin/organizations")
    twice = admin.post("/admin/organizations", {"name": "另一家公司", "uscc": good}, expect=409)
    assert f"统一社会信用代码 {good} 已登记" in field_error(twice.text, "f-uscc")
    assert count(session, "organization") == before + 1


# ---- 不动产与公租房数据导入 ----------------------------------------------------------------------------

def csv_file(name: str, *lines: str) -> dict[str, tuple[str, bytes, str]]:
    return {"file": (name, ("\n".join(lines) + "\n").encode(), "text/csv")}


def test_registry_imports_all_rows_or_none(admin: Person, session: Session) -> None:
    one, two = fake_id_number("19900101"), fake_id_number("19920202")
    broken = two[:17] + ("0" if two[17] != "0" else "1")
    before = count(session, "property_record"), count(session, "registry_import")
    page = admin.get("/admin/registry")
    assert 'action="/admin/registry/properties"' in page and 'action="/admin/registry/public-rental"' in page
    bad = admin.post("/admin/registry/properties", files=csv_file(
        "bdc.csv", "id_number,address,district,acquired_on", f"{one},珠山区某路1号,珠山区,2024-01-02",
        f"{broken},昌江区某路2号,昌江区,"), expect=422)
    shown = text_of(bad.text)
    assert "第 3 行" in shown and "校验位不正确" in shown and "整个文件未导入" in shown
    assert one not in bad.text and broken not in bad.text  # never echoed back
    assert (count(session, "property_record"), count(session, "registry_import")) == before
    header = admin.post("/admin/registry/properties", files=csv_file("x.csv", "id_number,address", one),
                        expect=422)
    assert "第 1 行" in text_of(header.text) and "表头缺少列" in text_of(header.text)
    empty = admin.post("/admin/registry/properties", {}, expect=422)
    assert "请选择要导入的 CSV 文件" in text_of(empty.text)
    admin.post("/admin/registry/properties", files=csv_file(
        "bdc-2025.csv", "id_number,address,district,acquired_on", f"{one},珠山区某路1号,珠山区,2024-01-02",
        f"{two},昌江区某路2号,昌江区,"))
    done = admin.follow()
    assert "已导入不动产登记记录 2 行（bdc-2025.csv" in done and "份租赁合同" in done
    assert count(session, "property_record") == before[0] + 2
    assert "bdc-2025.csv" in done and one not in done  # the recent imports, without the numbers


def test_public_rental_import_names_the_bad_line(admin: Person, session: Session) -> None:
    one = fake_id_number("19880808")
    before = count(session, "public_rental_record")
    bad = admin.post("/admin/registry/public-rental", files=csv_file(
        "gzf.csv", "id_number,qualified,receiving", f"{one},也许,否"), expect=422)
    assert "第 2 行：qualified 应为 是/否" in text_of(bad.text) and one not in bad.text
    assert count(session, "public_rental_record") == before
    admin.post("/admin/registry/public-rental", files=csv_file(
        "gzf.csv", "id_number,qualified,receiving", f"{one},是,否"))
    assert "已导入公租房保障记录 1 行（gzf.csv" in admin.follow()
    batch = session.scalar(select(RegistryImport).order_by(RegistryImport.id.desc()))
    assert batch is not None and batch.kind == "public_rental" and batch.rows == 1


# ---- 节假日日历 ----------------------------------------------------------------------------------

@pytest.fixture
def fresh_calendar(monkeypatch: pytest.MonkeyPatch, today) -> None:
    """The calendar cache as it was before the test (a year entered here is rolled back)."""
    today(date(2025, 6, 3))
    monkeypatch.setattr(calendar_service, "_cache", None)


def test_calendar_years_and_entering_the_next(admin: Person, session: Session, fresh_calendar) -> None:
    page = admin.get("/admin/calendar")
    shown = text_of(page)
    assert "2027 年尚未录入" in shown and "国务院办公厅发布" in shown
    assert "2026" in shown and "2004" in shown
    assert "2025 年" in shown and "2025-10-01" in shown  # this year's holidays, shown by default
    assert input_value(page, "year") == "2027"
    one = admin.get("/admin/calendar?year=2022")
    assert "2022-05-04" in one and "2022-05-07" in one and "249 天" in text_of(one)
    before = count(session, "calendar_year")
    form = {"year": "2027", "notice": "国办发明电〔2026〕7号",
            "holidays": "2027-01-01\n2027-01-02\n\n2027-02-30", "makeup_workdays": ""}
    bad_date = admin.post("/admin/calendar", form, expect=422)
    assert "第 4 行：日期格式应为 YYYY-MM-DD" in field_error(bad_date.text, "f-holidays")
    assert "2027-02-30" in textarea_value(bad_date.text, "holidays")
    weekday = admin.post("/admin/calendar", form | {"holidays": "2027-01-01",
                                                    "makeup_workdays": "2027-01-04"}, expect=422)
    assert "调休上班日 2027-01-04 不是周末" in text_of(weekday.text)
    outside = admin.post("/admin/calendar", form | {"holidays": "2026-12-31"}, expect=422)
    assert "不在 2027 年内" in field_error(outside.text, "f-holidays")
    year = admin.post("/admin/calendar", form | {"year": "1800", "holidays": "1800-01-01"}, expect=422)
    assert "不能小于 1949" in field_error(year.text, "f-year")
    assert count(session, "calendar_year") == before
    admin.post("/admin/calendar", form | {"holidays": "2027-01-01\n2027-01-02\n2027-01-03",
                                          "makeup_workdays": "2027-01-09"})
    done = admin.follow()
    assert "已录入 2027 年节假日安排（国办发明电〔2026〕7号）：放假 3 天，调休上班 1 天" in done
    assert "管理员录入" in done and "2027-01-09" in done
    assert "2028 年尚未录入" in text_of(done)
    row = session.get(CalendarYear, 2027)
    assert row is not None and row.makeup_workdays == ["2027-01-09"]
    filled = admin.get("/admin/calendar?year=2027&fill=1")
    assert input_value(filled, "year") == "2027"
    assert textarea_value(filled, "holidays") == "2027-01-01\n2027-01-02\n2027-01-03"


def test_the_admin_home_page_shows_the_administration_cards(admin: Person) -> None:
    home = admin.get("/")
    for path, label in (("/admin/users", "用户管理"), ("/admin/organizations", "单位管理"),
                        ("/admin/registry", "数据导入"), ("/admin/calendar", "节假日日历")):
        assert f'<a href="{path}">{label}</a>' in home


# ---- 政策参数 ------------------------------------------------------------------------------------

def test_policy_parameters_preview_then_save(admin: Person, session: Session, today) -> None:
    today(date(2025, 6, 3))
    page = admin.get("/admin/parameters")
    assert "预收租金月数上限" in page and "预览影响" in page and "保存调整" in page
    assert 'action="/admin/parameters/rent_cap_ratio' not in page  # the regulation's: no form
    form = {"value": "2", "since": "2025-07-01", "reason": "减轻承租人一次性支付压力",
            "reference": "景保租办〔2025〕9号"}
    before = count(session, "policy_change")
    previewed = admin.post("/admin/parameters/prepaid_rent_months_max/preview", form, expect=200)
    assert "影响预览" in previewed.text and "由 3 调整为 2" in previewed.text
    assert 'value="景保租办〔2025〕9号"' in previewed.text  # what was typed is kept for saving
    assert count(session, "policy_change") == before  # a preview writes nothing
    past = admin.post("/admin/parameters/prepaid_rent_months_max", form | {"since": "2025-06-01"},
                      expect=422)
    assert "不溯及既往" in field_error(past.text, "f-since")
    admin.post("/admin/parameters/prepaid_rent_months_max", form, expect=303)
    assert count(session, "policy_change") == before + 1
    assert "2025-07-01 起 2 月" in text_of(admin.get("/admin/parameters"))
