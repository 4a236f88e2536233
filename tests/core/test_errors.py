"""Every error is application/problem+json in Chinese; nothing internal reaches a client."""

from fastapi.testclient import TestClient
from sqlalchemy.exc import OperationalError

from app.main import create_app


def is_problem(response) -> dict:
    assert response.headers["content-type"].startswith("application/problem+json")
    body = response.json()
    assert {"type", "title", "status", "detail"} <= body.keys()
    assert body["status"] == response.status_code
    return body


def test_unknown_route(client) -> None:
    response = client.get("/api/v1/no-such-thing")
    assert response.status_code == 404 and is_problem(response)["title"] == "未找到"


def test_wrong_method(client) -> None:
    response = client.delete("/api/v1/calendar/add-working-days")
    assert response.status_code == 405 and is_problem(response)["title"] == "不支持该请求方法"


def test_malformed_json(client) -> None:
    response = client.post("/api/v1/auth/register", content=b"{not json",
                           headers={"content-type": "application/json"})
    assert response.status_code == 422 and "JSON" in is_problem(response)["detail"]


def broken_app() -> TestClient:
    app = create_app()

    @app.get("/boom")
    def boom() -> None:
        raise RuntimeError("SELECT secret FROM internals WHERE password = 'x'")

    @app.get("/db-down")
    def db_down() -> None:
        raise OperationalError("SELECT 1", {}, Exception("connection refused"))

    return TestClient(app, raise_server_exceptions=False)


def test_unexpected_error_hides_internals() -> None:
    response = broken_app().get("/boom")
    body = is_problem(response)
    assert response.status_code == 500
    assert "SELECT" not in response.text and "Traceback" not in response.text
    assert body["title"] == "服务器内部错误"


def test_database_outage_is_503_with_retry_after() -> None:
    response = broken_app().get("/db-down")
    assert response.status_code == 503 and response.headers["retry-after"] == "5"
    assert "SELECT" not in response.text and is_problem(response)["title"] == "服务暂时不可用"


def test_a_browser_gets_the_html_404_page_outside_the_api(client) -> None:
    html = {"accept": "text/html,application/xhtml+xml,*/*;q=0.8"}
    page = client.get("/no-such-page", headers=html)
    assert page.status_code == 404 and page.headers["content-type"].startswith("text/html")
    assert "未找到" in page.text and "返回首页" in page.text
    assert "default-src" in page.headers["content-security-policy"]  # the page's headers too
    assert client.get("/leases/not-a-number", headers=html).status_code == 404
    # the API, and clients that do not ask for HTML, keep problem+json
    assert is_problem(client.get("/api/v1/no-such-thing", headers=html))["status"] == 404
    assert is_problem(client.get("/no-such-page"))["status"] == 404
