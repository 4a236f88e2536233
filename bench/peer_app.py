"""The minimal peer of ``GET /api/v1/projects/{id}/clock``: the same logical work, nothing else.

Issue 12 asks the clock to be compared with an app that does what it does, written the
plain way: a sync FastAPI endpoint (one worker-thread hop) over SQLAlchemy Core on psycopg,
one transaction per request. Per request it

1. decodes and verifies the bearer token (PyJWT, HS256, audience, issuer, expiry);
2. checks the account in the database: active, and the token's version is the account's
   (logout and disabling revoke at once, as in baozu);
3. loads the project's clock fields and its requests for materials (one query), within
   the caller's scope (the office sees every submitted project);
4. computes the clock with the same rule (``rules.art24_review_clock``) and the built-in
   holiday calendar, and answers the same JSON.

It has none of baozu's middleware (security headers, body limits), no ORM, no web pages.
Served the same way as baozu (uvicorn, same workers) by ``bench.clock_load``.
"""

from __future__ import annotations

import os
from dataclasses import asdict
from datetime import date
from typing import Any

import jwt
from fastapi import FastAPI, Header, HTTPException
from sqlalchemy import create_engine, text

from rules.art24_review_clock import Suspension, review_clock
from rules.calendar import WorkCalendar, builtin_years

SECRET = os.environ.get("BAOZU_SECRET_KEY", "baozu-development-secret-change-me")
engine = create_engine(os.environ["BAOZU_DATABASE_URL"], pool_size=10, max_overflow=10)
calendar = WorkCalendar(builtin_years().values())
TODAY = date.fromisoformat(os.environ["BAOZU_TODAY"]) if os.environ.get("BAOZU_TODAY") else None

USER = text("SELECT is_active, token_version, role FROM user_account WHERE id = :id")
PROJECT = text("SELECT p.accepted_on, p.decided_on, p.withdrawn_on, r.requested_on, "
               "r.supplemented_on FROM project p LEFT JOIN material_request r "
               "ON r.project_id = p.id AND r.stage = 'review' WHERE p.id = :id AND p.status <> 'draft'")

app = FastAPI()


@app.get("/projects/{project_id}/clock")
def project_clock(project_id: int, authorization: str = Header()) -> dict[str, Any]:
    try:
        claims = jwt.decode(authorization.removeprefix("Bearer "), SECRET, algorithms=["HS256"],
                            audience="baozu-api", issuer="baozu",
                            options={"require": ["exp", "iat", "sub", "aud", "iss", "ver"]})
    except jwt.InvalidTokenError:
        raise HTTPException(401) from None
    with engine.begin() as conn:
        user = conn.execute(USER, {"id": int(claims["sub"])}).first()
        if user is None or not user.is_active or user.token_version != int(claims["ver"]):
            raise HTTPException(401)
        if user.role not in ("office", "leader", "auditor", "admin"):
            raise HTTPException(404)
        rows = conn.execute(PROJECT, {"id": project_id}).all()
    if not rows:
        raise HTTPException(404)
    project, today = rows[0], TODAY or date.today()
    ended = project.decided_on or project.withdrawn_on
    state = review_clock(calendar, project.accepted_on, max(today, ended or project.accepted_on),
                         [Suspension(r.requested_on, r.supplemented_on) for r in rows
                          if r.requested_on is not None], decided_on=ended)
    data = asdict(state)
    data["accepted_on"] = data.pop("started_on")
    return data
