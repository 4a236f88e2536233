"""Issue 21 in a real browser (Chromium via Playwright, as ``test_journeys_browser.py``; the same
server fixture on its own demo database):

1. The demo review finishes with the demo logins alone: the office accepts dev2's submitted
   project, sees why each department is proposed, removes one and adds one, sends; every
   department it chose answers with its own demo login (``<code>1``, as ``baozu seed-demo``
   prints); the meeting passes, the leading group approves, the certificate verifies, and the
   project's history says what the office changed.
2. axe-core (axe-playwright-python) over every GET page of the page matrix
   (``tests/web/test_pages.PAGES``) that needs no object, for every role allowed to open it,
   plus the object pages the demo has for the main roles: no serious or critical violation.
3. At 320 px wide, the pages people named (users, a project, the audit trail) do not scroll
   sideways.
"""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.web import test_journeys_browser as journeys
from tests.web.test_journeys_browser import User, form_of
from tests.web.test_pages import ANON, PAGES, USERNAMES

pytestmark = pytest.mark.own_database  # its own SQLite server: once, in the SQLite pass

# The journeys' fixtures (a server on its own demo database, Chromium), for this module too.
server = journeys.server
browser = journeys.browser

DEMO_PROJECT = "高新区产业园区员工宿舍"  # dev2's, submitted, waiting for the office


# The demo login of each department the office may choose here (README: ``<code>1``).
LOGINS = {"市住建局": "zhujian1", "市自然资源规划局": "ziranziyuan1", "市发改委": "fagai1",
          "市城管局": "chengguan1", "市人防办": "renfang1"}


def test_the_demo_review_finishes_with_the_demo_logins_alone(server: str, browser: Any) -> None:
    office = User(browser, server)
    office.login("office1")
    office.nav("审查队列")
    page = office.page
    page.get_by_role("link", name=DEMO_PROJECT).click()
    project_url = page.url
    form_of(page, "受理").get_by_role("button", name="受理").click()
    assert "审查计时开始" in office.flash()
    dispatch = form_of(page, "发送相关部门联合审查")
    proposed = [box.get_attribute("id") for box in dispatch.get_by_role("checkbox").all() if box.is_checked()]
    assert len(proposed) == 4  # 住建、自然资源规划、发改, and 人防 for a new build on park land
    assert "人防工程配建" in dispatch.inner_text() and "未建议（按需添加）" in dispatch.inner_text()
    dispatch.get_by_label("市人防办").uncheck()
    dispatch.get_by_label("市城管局").check()
    dispatch.get_by_role("button", name="发送审查方案").click()
    assert "已发送相关部门" in office.flash()
    review = page.locator("section").filter(has=page.locator("#opinions-title")).inner_text()
    sent = [d for d in LOGINS if d in review]
    assert sorted(sent) == sorted(["市住建局", "市自然资源规划局", "市发改委", "市城管局"])

    for department in sent:
        reviewer = User(browser, server)
        reviewer.login(LOGINS[department])  # the demo password, as for every demo login
        reviewer.nav("待审项目")
        reviewer.page.get_by_role("link", name=DEMO_PROJECT).click()
        opinion = form_of(reviewer.page, "本部门审查意见")
        opinion.get_by_label("同意", exact=True).check()
        opinion.get_by_role("button", name="提交审查意见").click()
        assert "审查意见已提交" in reviewer.flash()
        reviewer.close()

    page.goto(project_url)
    meeting = form_of(page, "评审会结论")
    meeting.get_by_label("通过，报市领导小组审批").check()
    meeting.get_by_label("会议纪要").fill("评审会一致同意")
    meeting.get_by_role("button", name="记录评审会结论").click()
    assert "评审会通过" in office.flash()
    history = page.get_by_role("region", name="办理历史表格").inner_text()
    assert "在建议之外增加：市城管局" in history and "从建议中取消：市人防办" in history
    office.close()

    leader = User(browser, server, mobile=True)
    leader.login("leader1")
    leader.nav("待我审批")
    leader.page.get_by_role("link", name=DEMO_PROJECT).click()
    decision = form_of(leader.page, "市领导小组审批")
    decision.get_by_label("同意认定，出具认定书").check()
    decision.get_by_role("button", name="提交审批").click()
    number = re.search(r"\d{4}-\d{4}", leader.flash()).group(0)  # type: ignore[union-attr]
    leader.page.goto(f"/certificates/{number}")
    assert "有效" in leader.page.locator(".verdict").inner_text()
    leader.close()


# ---- axe over the page matrix -----------------------------------------------------------------

def _object_pages(person: User) -> list[str]:
    """The first project and lease pages a person's own lists link to (the demo's objects)."""
    found: list[str] = []
    for listing, pattern in (("/projects", r'href="(/projects/\d+)"'), ("/leases", r'href="(/leases/\d+)"')):
        response = person.page.goto(listing)
        if response is not None and response.status == 200:
            found += list(dict.fromkeys(re.findall(pattern, person.page.content())))[:2]
    return found


def _static_pages() -> dict[str, list[str]]:
    by_role: dict[str, list[str]] = {}
    for (method, path), page in sorted(PAGES.items()):
        if method != "GET" or "{" in path or path.endswith((".csv", ".xlsx", ".pdf")):
            continue
        for who in page.allowed:
            if who == ANON and not page.public:
                continue
            by_role.setdefault(who, []).append(path)
    return by_role


@pytest.fixture(scope="module")
def axe() -> Any:
    try:
        from axe_playwright_python.sync_playwright import Axe
    except ImportError:  # pragma: no cover
        pytest.fail("axe-playwright-python is not installed (pip install -e '.[dev]')")
    return Axe()


def serious(results: Any) -> list[str]:
    found = []
    for v in results.response.get("violations", []):
        if v.get("impact") in ("serious", "critical"):
            nodes = "; ".join(n.get("target", [""])[0] if isinstance(n.get("target", [""])[0], str)
                              else str(n.get("target")) for n in v.get("nodes", [])[:3])
            found.append(f"{v['id']} ({v['impact']}): {v.get('help')} — {nodes}")
    return found


def test_axe_finds_no_serious_violation_on_any_page_of_the_matrix(server: str, browser: Any,
                                                                    axe: Any) -> None:
    pages = _static_pages()
    problems: list[str] = []
    visited = 0
    for who in sorted(pages, key=lambda w: (w != ANON, w)):
        person = User(browser, server)
        if who != ANON:
            person.login(USERNAMES[who])
        for path in pages[who] + (_object_pages(person) if who != ANON else []):
            response = person.page.goto(path)
            assert response is not None and response.status < 500, (who, path)
            visited += 1
            for problem in serious(axe.run(person.page)):
                problems.append(f"{who} {path}: {problem}")
        person.close()
    assert visited > 40
    assert not problems, "\n".join(problems)


def test_narrow_pages_do_not_scroll_sideways(server: str, browser: Any) -> None:
    """At 320 px (WCAG 1.4.10 reflow) the page itself never scrolls sideways: wide tables scroll
    inside their own region."""
    for who, paths in (("admin", ["/admin/users"]), ("auditor", ["/auditor/trail", "/auditor/leases"]),
                       ("office", ["/office/queue"]), ("developer", ["/projects"])):
        person = User(browser, server)
        person.login(USERNAMES[who])
        person.page.set_viewport_size({"width": 320, "height": 640})
        paths = paths + _object_pages(person)[:1]
        for path in paths:
            person.page.goto(path)
            width = person.page.evaluate("document.documentElement.scrollWidth")
            assert width <= 320, f"{who} {path}: the page is {width} px wide at 320 px"
        person.close()
