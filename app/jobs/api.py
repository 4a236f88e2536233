"""Routes: the declared jobs, their runs, and a run now (administrator only)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Path, Query, status

from app.accounts.deps import SessionDep, require
from app.accounts.enums import Role
from app.accounts.models import User
from app.core.errors import problem_responses
from app.core.paging import PageParams
from app.core.routing import api_router
from app.jobs import repository, service
from app.jobs.enums import RunOutcome
from app.jobs.schemas import JobRunRead, JobsRead

router = api_router(tags=["定时任务"])
ADMIN = require(Role.admin)
JOB_NAME = Annotated[str, Path(max_length=80, pattern=r"^[a-z0-9_.]+$", description="任务名称")]


@router.get("/jobs", response_model=JobsRead, responses=problem_responses(401, 403))
def jobs(session: SessionDep, _: User = ADMIN) -> Any:
    """Every declared job with its schedule and latest run."""
    return {"jobs": service.jobs_with_last_run(session)}


@router.get("/jobs/runs", response_model=list[JobRunRead], responses=problem_responses(401, 403, 422))
def runs(session: SessionDep, page: PageParams,
         job: Annotated[str | None, Query(max_length=80)] = None,
         outcome: RunOutcome | None = None, _: User = ADMIN) -> Any:
    """Runs, newest first (paged by id): start, end, outcome, rows affected, error."""
    return page.respond(repository.runs_page(session, job=job, outcome=outcome, cursor=page.cursor,
                                             limit=page.limit))


@router.post("/jobs/{job_name}/run", response_model=JobRunRead, status_code=status.HTTP_202_ACCEPTED,
             responses=problem_responses(401, 403, 404, 422))
def run_now(session: SessionDep, job_name: JOB_NAME, user: User = ADMIN) -> Any:
    """Ask for a run now: queued, then taken by the next worker (``baozu worker``)."""
    return service.request_run(session, actor=user, name=job_name)
