"""The rent chain (第三十六、三十七条): appraisal, proposal capped at 90%, filing, in force."""

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from rules.art36_37_rent import highest_rate_in_fen
from tests.conftest import count

P = "/api/v1/projects"


@pytest.fixture
def certified(cast) -> int:
    project_id = cast.file()
    cast.to_state(project_id, "certified")
    return project_id


def appraise(cast, project_id, on="2025-05-20", market="30.00", **per_type) -> int:
    return cast.post("zhujian", f"{P}/{project_id}/appraisals", {
        "appraiser": "江西某房地产评估有限公司", "report_no": "赣评字〔2025〕88号",
        "appraised_on": on, "market_rent_per_m2": market, "per_unit_type": per_type},
        expect=201)["id"]


def propose(cast, project_id, appraisal_id, *rates, expect=201):
    body = {"appraisal_id": appraisal_id, "rates": [
        {"unit_type": t, "rate_per_m2": r} for t, r in rates]}
    response = cast.client.post(f"{P}/{project_id}/rent-standards", json=body,
                                headers=cast.as_("developer"))
    assert response.status_code == expect, response.text
    return response.json()


def test_a_rent_at_exactly_90_percent_is_accepted_and_filed(cast, certified) -> None:
    appraisal = appraise(cast, certified)
    standard = propose(cast, certified, appraisal, (None, "27.00"))
    assert standard["status"] == "proposed" and standard["caps"][0]["rate_per_m2"] == "27.0000"
    assert cast.get("developer", f"{P}/{certified}/rents")["in_force"] is None
    assert cast.client.get("/api/v1/rents").json() == []
    assert cast.client.post(f"/api/v1/rent-standards/{standard['id']}/file",
                            json={"filing_no": "景发改备〔2025〕1号"},
                            headers=cast.as_("zhujian")).status_code == 403
    filed = cast.post("fagai", f"/api/v1/rent-standards/{standard['id']}/file",
                      {"filing_no": "景发改备〔2025〕1号"})
    assert filed["status"] == "filed" and filed["filing_no"] == "景发改备〔2025〕1号"
    rents = cast.get("developer", f"{P}/{certified}/rents")
    assert rents["in_force"]["id"] == standard["id"] and rents["reappraisal_due"] is False
    public = cast.client.get("/api/v1/rents").json()
    assert public[0]["rate_per_m2"] == "27.00" and public[0]["project_name"] == "昌江区青年人才公寓"


def test_one_fen_above_the_cap_is_refused_citing_article_37(cast, session, certified) -> None:
    appraisal = appraise(cast, certified)
    before = count(session, "rent_standard")
    problem = propose(cast, certified, appraisal, (None, "27.01"), expect=422)
    violation = problem["violations"][0]
    assert violation["article"] == "第三十七条" and violation["code"] == "rent_above_cap"
    assert violation["field"] == "rates[0].rate_per_m2"
    assert count(session, "rent_standard") == before


def test_unit_type_rent_uses_its_own_appraisal(cast, certified) -> None:
    appraisal = appraise(cast, certified, market="30.00", 两室户="25.00")
    propose(cast, certified, appraisal, (None, "27.00"), ("两室户", "22.50"))
    propose(cast, certified, appraisal, (None, "27.00"), ("两室户", "22.51"), expect=422)
    problem = propose(cast, certified, appraisal, ("别墅", "10.00"), expect=422)
    assert problem["errors"][0]["field"] == "rates[0].unit_type"


def test_an_appraisal_dated_in_the_future_is_refused(cast, session, certified) -> None:
    before = count(session, "appraisal")
    response = cast.client.post(f"{P}/{certified}/appraisals", headers=cast.as_("zhujian"), json={
        "appraiser": "某评估公司", "report_no": "X-1", "appraised_on": "2025-06-04",
        "market_rent_per_m2": "30.00"})
    assert response.status_code == 422
    assert response.json()["violations"][0]["field"] == "appraised_on"
    assert count(session, "appraisal") == before


def test_an_appraisal_older_than_two_years_cannot_back_a_standard(cast, certified) -> None:
    on_limit = appraise(cast, certified, on="2023-06-03")     # exactly two years before today
    propose(cast, certified, on_limit, (None, "27.00"))
    lapsed = appraise(cast, certified, on="2023-06-02")
    problem = propose(cast, certified, lapsed, (None, "20.00"), expect=422)
    assert problem["violations"][0]["code"] == "appraisal_lapsed"
    assert problem["violations"][0]["article"] == "第三十七条"


def test_filing_checks_the_appraisal_again_and_supersedes(cast, today, certified) -> None:
    first = propose(cast, certified, appraise(cast, certified, on="2023-06-03"), (None, "27.00"))
    today(date(2025, 6, 4))  # the appraisal lapsed between proposal and filing
    response = cast.client.post(f"/api/v1/rent-standards/{first['id']}/file",
                                json={"filing_no": "备1"}, headers=cast.as_("fagai"))
    assert response.status_code == 422
    assert response.json()["violations"][0]["code"] == "appraisal_lapsed"
    fresh = appraise(cast, certified, on="2025-06-01")
    a = propose(cast, certified, fresh, (None, "26.00"))
    b = propose(cast, certified, fresh, (None, "25.00"))
    cast.post("fagai", f"/api/v1/rent-standards/{a['id']}/file", {"filing_no": "备2"})
    cast.post("fagai", f"/api/v1/rent-standards/{b['id']}/file", {"filing_no": "备3"})
    standards = {s["id"]: s["status"] for s in cast.get("developer", f"{P}/{certified}/rents")["standards"]}
    assert standards[a["id"]] == "superseded" and standards[b["id"]] == "filed"
    again = cast.client.post(f"/api/v1/rent-standards/{b['id']}/file", json={"filing_no": "备4"},
                             headers=cast.as_("fagai"))
    assert again.status_code == 409


def test_project_flagged_for_reappraisal_after_two_years(cast, today, certified) -> None:
    standard = propose(cast, certified, appraise(cast, certified, on="2025-05-20"), (None, "27.00"))
    cast.post("fagai", f"/api/v1/rent-standards/{standard['id']}/file", {"filing_no": "备1"})
    today(date(2027, 5, 20))
    assert cast.get("developer", f"{P}/{certified}/rents")["reappraisal_due"] is False
    today(date(2027, 5, 21))
    assert cast.get("developer", f"{P}/{certified}/rents")["reappraisal_due"] is True
    assert cast.client.get("/api/v1/rents").json()[0]["reappraisal_due"] is True


@settings(max_examples=12, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@example(market=Decimal("25.55"))  # cap 22.995: 22.99 was answered 500 before
@given(market=st.integers(min_value=100, max_value=30_000).map(lambda fen: Decimal(fen) / 100))
def test_the_highest_rate_in_fen_is_accepted_through_the_api(cast, certified, market) -> None:
    appraisal = appraise(cast, certified, market=str(market))
    best = highest_rate_in_fen(market * Decimal("0.90"))
    standard = propose(cast, certified, appraisal, (None, str(best)))
    cap = standard["caps"][0]
    assert Decimal(cap["rate_per_m2"]) == market * Decimal("0.90")  # shown exactly
    assert Decimal(cap["highest_rate_per_m2"]) == best
    problem = propose(cast, certified, appraisal, (None, str(best + Decimal("0.01"))), expect=422)
    assert problem["violations"][0]["code"] == "rent_above_cap"
