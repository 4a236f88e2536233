"""Shapes of the calendar API."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, Field

from app.core.schemas import Day, JsonIn, Line


class YearPut(JsonIn):
    """A year as the State Council's notice announces it."""

    holidays: list[Day] = Field(description="放假日期（含周末）")
    makeup_workdays: list[Day] = Field(default_factory=list, description="调休上班的周末日期")
    notice: Line = Field(min_length=4, max_length=200,
                         description="通知文号或标题，如 国办发明电〔2026〕X号")


class YearRead(BaseModel):
    year: int
    source: str = Field(description="chinesecalendar（随软件发布）或 admin（管理员录入）")
    notice: str
    holidays: list[date]
    makeup_workdays: list[date]
    working_days: int


class WorkingDaysRead(BaseModel):
    start: date
    days: int
    date: date
