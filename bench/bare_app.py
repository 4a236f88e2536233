"""The baseline for bench.clock_load: a bare FastAPI app answering a fixed clock as JSON."""

from fastapi import FastAPI

app = FastAPI()
CLOCK = {"accepted_on": "2026-11-27", "deadline": "2026-12-11", "working_days_elapsed": 2,
         "working_days_remaining": 8, "suspended": False, "overdue": False, "due_soon": False,
         "decided_on": None, "on_time": None, "limit": 10}


@app.get("/clock")
def clock() -> dict[str, object]:
    return CLOCK
