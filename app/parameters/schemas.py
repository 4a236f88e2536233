"""Parameters as the public and the administrator see them; a new dated value."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal

from pydantic import BaseModel, Field, StrictInt

from app.core.schemas import Day, JsonIn, Line, Paragraph


class PolicyChangeIn(JsonIn):
    value: StrictInt | Line = Field(description="新的数值（整数，或小数写作字符串，如 \"0.90\"）")
    since: Day = Field(description="生效日期（不早于今天，不溯及既往）")
    reason: Paragraph = Field(min_length=2, max_length=2000, description="调整理由")
    reference: Line = Field(min_length=2, max_length=200, description="决定文号")


class PreviewIn(JsonIn):
    value: StrictInt | Line = Field(description="拟调整的数值")
    since: Day = Field(description="拟生效日期")


class ValueRead(BaseModel):
    since: date
    value: Any
    reference: str
    source: Literal["regulation", "city"]
    source_label: str
    reason: str | None = None
    recorded_at: datetime | None = None


class ParameterRead(BaseModel):
    name: str
    article: str
    description: str
    unit: str
    policy: bool
    kind: Literal["int", "decimal", "list"]
    value: Any = Field(description="今天执行的数值")
    in_force_since: date
    reference: str
    values: list[ValueRead]


class ImpactGroup(BaseModel):
    what: str
    count: int
    items: list[str]


class ImpactRead(BaseModel):
    name: str
    since: date
    value_then: Any
    value: Any
    groups: list[ImpactGroup]
