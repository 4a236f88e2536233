from sqlalchemy import text

from app.core import db as app_db


def test_healthz(client) -> None:
    assert client.get("/healthz").json() == {"status": "ok"}


def test_readyz_when_migrated(client) -> None:
    response = client.get("/readyz")
    assert response.status_code == 200 and response.json()["status"] == "ready"


def test_readyz_when_the_schema_is_behind(client, engine) -> None:
    with engine.begin() as conn:
        (revision,) = conn.execute(text("SELECT version_num FROM alembic_version")).one()
        conn.execute(text("UPDATE alembic_version SET version_num = 'older'"))
    try:
        response = client.get("/readyz")
        assert response.status_code == 503 and "baozu migrate" in response.json()["detail"]
    finally:
        with engine.begin() as conn:
            conn.execute(text("UPDATE alembic_version SET version_num = :r"), {"r": revision})


def test_readyz_when_the_database_is_unreachable(client) -> None:
    saved = app_db._database
    app_db._database = app_db.Database("postgresql+psycopg://nobody@127.0.0.1:1/none")
    try:
        response = client.get("/readyz")
        assert response.status_code == 503 and response.json()["title"] == "服务未就绪"
    finally:
        app_db._database.dispose()
        app_db._database = saved
