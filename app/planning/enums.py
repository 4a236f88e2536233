"""The states and kinds of the planning domain, each with its label for people."""

from __future__ import annotations

from app.core.enums import Labelled


class PlanKind(Labelled):
    development = "development", "保障性租赁住房发展规划"
    annual = "annual", "年度建设计划"


class PlanStatus(Labelled):
    """A plan version: 草案 → 已发布 → 已调整 (a newer version was published in its place)."""

    draft = "draft", "草案"
    published = "published", "已发布"
    adjusted = "adjusted", "已调整"


class PlanAction(Labelled):
    create = "create", "编制计划草案"
    edit_lines = "edit_lines", "修改计划内容"
    publish = "publish", "发布"
    adjust = "adjust", "调整（生成新版本）"


class PeriodKind(Labelled):
    month = "month", "月报"
    quarter = "quarter", "季报"


class RefundReason(Labelled):
    misuse = "misuse", "截留、挤占、挪作他用（第十三条）"
    exit = "exit", "运营期未满或未经批准退出（第四十四条）"
