"""The outcomes and triggers of a job run, each with its label for people."""

from __future__ import annotations

from app.core.enums import Labelled


class RunOutcome(Labelled):
    queued = "queued", "排队中"  # asked for by an administrator; a worker picks it up
    running = "running", "运行中"
    succeeded = "succeeded", "成功"
    failed = "failed", "失败"


class RunTrigger(Labelled):
    scheduled = "scheduled", "按计划"
    catch_up = "catch_up", "重启后补跑"
    manual = "manual", "管理员手动"
