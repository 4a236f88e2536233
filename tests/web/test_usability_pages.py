"""Issue 21 (usability from a new user's walk-through), through the test client: the pages say
what they mean and what to do."""

from __future__ import annotations

import re

from tests.web.conftest import text_of


def test_the_dispatch_form_says_why_each_department_is_proposed(cast, person) -> None:
    project_id = cast.file(government_invested=True)
    cast.to_state(project_id, "accepted")
    office = person()
    office.login(cast.office.username)
    html = office.get(f"/projects/{project_id}")
    form = html[html.index('id="act-dispatch"'):]
    form = form[:form.index("</form>")]
    ticked = {m for m in re.findall(r'<input type="checkbox"[^>]*>', form) if "checked" in m}
    assert len(ticked) == 4  # 住建、自然资源规划、发改 and 财政 (government-invested)
    text = text_of(form)
    assert "建议理由：申请书填报为政府投资项目" in text
    assert "市城管局 未建议（按需添加）" in text
    office.post(f"/projects/{project_id}/dispatch",
                [("department_ids", str(cast.department_id("zhujian"))),
                 ("department_ids", str(cast.department_id("linye")))])
    page = text_of(office.follow())
    assert "在建议之外增加：市林业局" in page
    assert "从建议中取消：市自然资源规划局、市发改委、市财政局" in page


def test_the_menu_and_the_home_page_link_the_rents_page_not_the_api(person) -> None:
    anyone = person()
    home = anyone.get("/")
    assert 'href="/rents"' in home and "/api/v1/rents" not in home


def test_favicon_and_language(person) -> None:
    anyone = person()
    response = anyone.client.get("/favicon.ico")
    assert response.status_code == 200 and response.headers["content-type"] == "image/x-icon"
    assert response.content[:4] == b"\x00\x00\x01\x00"  # an ICO file
    for path in ("/", "/login", "/register", "/rents", "/verify"):
        html = anyone.client.get(path).text
        assert '<html lang="zh-CN">' in html and 'rel="icon"' in html, path


def test_an_empty_form_names_each_missing_field(person) -> None:
    anyone = person()
    anyone.token = re.search(r'name="csrf_token" value="([^"]+)"', anyone.get("/register")).group(1)
    html = anyone.post("/register", {"id_number": "360203199803151230"}, expect=422).text
    start = html.index('class="error-summary"')
    summary = text_of(html[start:html.index("</div>", start)])
    summary = summary.replace(" ：", "：")
    for name in ("用户名", "密码", "姓名", "手机号码"):
        assert f"{name}：" in summary, summary
    assert "请更正下列标出的内容" in summary
    assert "请重新输入两次密码" in text_of(html)


def test_an_id_number_typo_is_not_called_a_breach_of_the_regulation(person) -> None:
    anyone = person()
    anyone.token = re.search(r'name="csrf_token" value="([^"]+)"', anyone.get("/register")).group(1)
    html = anyone.post("/register", {"username": "typo-tenant", "password": "jingpiao-2026",
                                     "password_confirm": "jingpiao-2026", "full_name": "陈景漂",
                                     "id_number": "360203199507087218", "phone": "13912345678"},
                       expect=422).text
    text = text_of(html).replace(" ：", "：")
    assert "不符合保障性租赁住房规定" not in text and "不符合《实施办法》" not in text
    assert "公民身份号码：身份证号码校验位不正确（依据：GB11643-1999）" in "".join(text.split())
    assert "请更正下列标出的内容后再提交" in text
    assert 'value="陈景漂"' in html and 'value="jingpiao-2026"' not in html  # kept, never the password
    assert "请重新输入两次密码" in text


def test_a_conflict_says_what_to_do_and_an_empty_choice_asks_for_one(cast, person) -> None:
    project_id = cast.file()
    cast.to_state(project_id, "opinions")  # 住建 answered, 发改 not yet
    office = person()
    office.login(cast.office.username)
    office.get(f"/projects/{project_id}")
    html = office.post(f"/projects/{project_id}/meeting", {"decision": "pass", "minutes": "通过"},
                       expect=409).text
    text = text_of(html)
    assert "与当前状态冲突" not in text and "现在还不能办理这一步" in text and "市发改委" in text
    fagai = person()
    fagai.login(cast.fagai.username)
    fagai.get(f"/projects/{project_id}")
    html = fagai.post(f"/projects/{project_id}/opinion", {"comment": "同意"}, expect=422).text
    assert "请选择一项" in text_of(html) and "取值应为以下之一" not in html
    assert 'role="radiogroup" aria-required="true"' in html


def test_the_opinion_history_separates_the_label_from_the_comment(cast, person) -> None:
    project_id = cast.file()
    cast.to_state(project_id, "opinions")
    office = person()
    office.login(cast.office.username)
    html = office.get(f"/projects/{project_id}")
    start = html.index('id="history-title"')
    history = text_of(html[start:html.index("</section>", start)])
    assert "同意同意" not in history
    assert "审查结论：同意 意见：同意" in history


def test_the_audit_trail_reads_in_chinese(cast, person, make_user) -> None:
    project_id = cast.file()
    cast.to_state(project_id, "in_review")
    auditor = person()
    auditor.login(make_user("auditor").username)
    html = auditor.get("/auditor/trail")
    trail = html[html.index('aria-label="审计事件"'):]
    text = text_of(trail)
    assert "项目：发送相关部门联合审查" in text and "市保租办" in text
    assert "发送部门：" in text.replace(" ：", "：") or "发送部门 市住建局" in text
    assert "\\u" not in trail and "{&#34;" not in trail and '{"' not in trail
    assert re.search(r'<details class="hash"><summary><code>[0-9a-f]{10}…</code>', trail)


def test_the_auditor_sees_the_latest_leases_at_once_and_picks_by_name(city, tenant, person,
                                                                      make_user) -> None:
    from tests.web.test_workflows import apply, approve, lease_body

    someone = tenant(name="王小景")
    application_id = apply(city, someone)["id"]
    approve(city, application_id)
    number = city.cast.post("developer", "/api/v1/leases", lease_body(city, application_id),
                            expect=201)["number"]
    auditor = person()
    auditor.login(make_user("auditor").username)
    html = auditor.get("/auditor/leases")  # nothing pressed
    assert number in html
    assert re.search(r'<option value="-start_on" selected>', html)
    start = html.index('id="f-project_id"')
    project_picker = html[start:html.index("</select>", start)]
    assert "<option" in project_picker and 'type="text"' not in project_picker
    assert re.search(r'<select id="f-organization_id"', html)


def test_the_tenant_sees_unit_types_and_monthly_rents_and_is_told_of_a_lease_first(
        city, tenant, person) -> None:
    from tests.web.test_workflows import apply, approve, lease_body

    someone = tenant(name="王小景")
    who = person()
    who.login(someone.username)
    html = who.get("/tenant/apply")
    assert 'id="holds-lease"' not in html
    table = text_of(html[html.index("户型与月租金（项目编号"):])
    assert "m²" in table and re.search(r"[\d,]+\.\d\d 元", table) and "套" in table
    application_id = apply(city, someone)["id"]
    approve(city, application_id)
    city.cast.post("developer", "/api/v1/leases", lease_body(city, application_id), expect=201)
    html = who.get("/tenant/apply")
    assert 'id="holds-lease"' in html and "每人限租一套" in text_of(html)


def test_an_alternative_condition_that_does_not_hold_is_marked_with_a_cross() -> None:
    from jinja2 import Environment, FileSystemLoader

    from app import PROJECT_ROOT

    env = Environment(loader=FileSystemLoader(str(PROJECT_ROOT / "templates")), autoescape=True)
    macros = env.get_template("macros.html").make_module({"csrf_token": ""})
    html = str(macros.findings([
        {"article": "第三十二条", "message": "条件（一）不成立", "ok": True, "holds": False},
        {"article": "第三十二条", "message": "条件（二）成立", "ok": True, "holds": True},
        {"article": "第三十二条", "message": "须在中心城区居住或工作", "ok": False}]))
    marks = re.findall(r'<span class="mark" aria-hidden="true">(.)</span>', html)
    assert marks == ["✗", "✓", "✗"]
    assert "不成立：</span>条件（一）" in html


def test_dashboard_charts_expose_their_values(cast, person, make_user) -> None:
    cast.to_state(cast.file(), "submitted")
    auditor = person()
    auditor.login(make_user("auditor").username)
    html = auditor.get("/auditor/dashboard")
    label = re.search(r'<svg [^>]*role="img" aria-label="各状态项目数：([^"]+)"', html)
    assert label and re.search(r"\d", label.group(1))
    assert html.count('<details class="chart-data">') >= 2 and '<th scope="row">' in html


def _xlsx(rows: list[list[object]]) -> bytes:
    import io

    from openpyxl import Workbook

    book = Workbook()
    for row in rows:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_units_template_and_xlsx_upload_with_line_and_column(cast, person) -> None:
    import io

    from openpyxl import load_workbook

    pid = cast.file()
    cast.to_state(pid, "certified")
    dev = person()
    dev.login(cast.developer.username)
    dev.post(f"/projects/{pid}/completion", {"completed_on": "2025-06-01"})
    page = dev.get(f"/projects/{pid}")
    assert 'href="/units-template.xlsx"' in page and 'href="/units-template.csv"' in page
    csv_template = dev.client.get("/units-template.csv")
    assert csv_template.status_code == 200
    first_line = csv_template.content.decode("utf-8-sig").splitlines()[0]
    assert first_line == "楼栋,楼层,房号,建筑面积（m²）,类型,户型"
    xlsx_template = dev.client.get("/units-template.xlsx")
    sheet = load_workbook(io.BytesIO(xlsx_template.content), read_only=True).worksheets[0]
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    assert rows[0] == ["楼栋", "楼层", "房号", "建筑面积（m²）", "类型", "户型"] and len(rows) == 3

    header = rows[0]
    bad = dev.post(f"/projects/{pid}/units", expect=422, files={"file": ("房源.xlsx", _xlsx(
        [header, ["1栋", 1, "101", 38.5, "住宅型", "一室户"], ["1栋", "x", "102", 38.5, "住宅型", "一室户"]]),
        "application/octet-stream")})
    assert "第 3 行 B 列（楼层）" in text_of(bad.text)
    formula = dev.post(f"/projects/{pid}/units", expect=422, files={"file": ("房源.xlsx", _xlsx(
        [header, ["1栋", 1, "101", "=30+8.5", "住宅型", "一室户"]]), "application/octet-stream")})
    assert "第 2 行 D 列：单元格是公式" in text_of(formula.text)
    bad_csv = dev.post(f"/projects/{pid}/units", expect=422, files={"file": ("units.csv", (
        "楼栋,楼层,房号,建筑面积（m²）,类型,户型\n1栋,1,101,abc,住宅型,一室户\n").encode(), "text/csv")})
    assert "第 2 行 第 4 列（建筑面积（m²））" in text_of(bad_csv.text)
    dev.post(f"/projects/{pid}/units", files={"file": ("房源.xlsx", _xlsx(
        [header, *[["1栋", 1, str(101 + n), 38.5, "住宅型", "一室户"] for n in range(3)]]),
        "application/octet-stream")})
    assert "已录入 3 套房源" in dev.follow()


def _pdf() -> bytes:
    import io

    from reportlab.pdfgen import canvas

    buffer = io.BytesIO()
    sheet = canvas.Canvas(buffer)
    sheet.drawString(72, 720, "safety appraisal")
    sheet.showPage()
    sheet.save()
    return buffer.getvalue()


def test_annex5_materials_uploaded_checked_required_and_opened_by_reviewers(cast, person, today,
                                                                            make_user) -> None:
    from datetime import date

    today(date(2026, 12, 1))  # the platform takes the files from this day (materials_upload_required)
    pid = cast.file()
    dev = person()
    dev.login(cast.developer.username)
    page = dev.get(f"/projects/{pid}")
    assert f'action="/projects/{pid}/materials"' in page and "随申请上传" in page
    refused = dev.post(f"/projects/{pid}/submit", {"commitment_accepted": "on"}, expect=422)
    assert "缺少申报材料" in text_of(refused.text) and "附件5" in text_of(refused.text)
    code = "feasibility_safety_appraisal"
    fake = dev.post(f"/projects/{pid}/materials", {"code": code}, expect=422,
                    files={"file": ("鉴定报告.pdf", b"not a pdf at all", "application/pdf")})
    assert "不是 PDF 文件或 JPEG/PNG 图片" in text_of(fake.text)
    dev.post(f"/projects/{pid}/materials", {"code": code},
             files={"file": ("鉴定报告.pdf", _pdf(), "application/pdf")})
    page = dev.follow()
    material_id = re.search(r'href="/materials/(\d+)"', page).group(1)  # type: ignore[union-attr]
    assert "鉴定报告.pdf" in page
    dev.post(f"/projects/{pid}/submit", {"commitment_accepted": "on"})
    cast.post("office", f"/api/v1/projects/{pid}/accept", {})
    cast.post("office", f"/api/v1/projects/{pid}/dispatch",
              {"department_ids": [cast.department_id("zhujian")]})
    reviewer = person()
    reviewer.login(cast.zhujian.username)
    assert f'href="/materials/{material_id}"' in reviewer.get(f"/projects/{pid}")
    opened = reviewer.client.get(f"/materials/{material_id}")
    assert opened.status_code == 200 and opened.content.startswith(b"%PDF-")
    assert opened.headers["content-type"] == "application/pdf"
    stranger = person()
    stranger.login(make_user("developer").username)  # another organisation
    assert stranger.client.get(f"/materials/{material_id}").status_code == 404
    fagai = person()
    fagai.login(cast.fagai.username)  # not sent to 发改
    assert fagai.client.get(f"/materials/{material_id}").status_code == 404


def _contrast(a: str, b: str) -> float:
    def luminance(colour: str) -> float:
        channels = [int(colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
        linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_colours_meet_wcag_aa_and_dates_do_not_wrap(cast, person) -> None:
    from app import PROJECT_ROOT

    css = (PROJECT_ROOT / "static" / "baozu.css").read_text(encoding="utf-8")
    var = dict(re.findall(r"--([a-z-]+): (#[0-9a-f]{6})", css))
    assert _contrast(var["ok"], var["ok-bg"]) >= 4.5  # .badge.ok text
    assert _contrast(var["focus"], "#ffffff") >= 3 and _contrast(var["focus"], var["bg"]) >= 3
    border = re.search(r"border: 1px solid (#[0-9a-f]{6}); border-radius: 4px; background: #fff", css)
    assert border and _contrast(border.group(1), "#ffffff") >= 3  # input borders (1.4.11)
    assert "td.date { white-space: nowrap; }" in css
    cast.to_state(cast.file(), "accepted")
    office = person()
    office.login(cast.office.username)
    assert '<td class="date">' in office.get("/office/queue")
