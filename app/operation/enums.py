"""The states and kinds of the operation domain (after certification), each with its label for
people. The stored values are the members' values; who may take which step is the transition
table, :mod:`app.operation.workflows`."""

from __future__ import annotations

from typing import Any

from app.core.enums import Labelled


class UnitStatus(Labelled):
    """A unit (房源): registered by the operator, published once 市住建局 verifies the listing,
    leased, withdrawn when the project leaves the programme."""

    registered = "registered", "已录入，待审核"
    published = "published", "已发布"
    leased = "leased", "已出租"
    withdrawn = "withdrawn", "已退出"


class RentStandardStatus(Labelled):
    """A rent standard: in force only once 市发改委 has filed it; a later filing supersedes it."""

    proposed = "proposed", "已拟订，待备案"
    filed = "filed", "已备案（执行中）"
    superseded = "superseded", "已被新标准替代"


class ExitRequestStatus(Labelled):
    pending = "pending", "待市保租办决定"
    approved = "approved", "同意退出"
    refused = "refused", "不同意退出"


class SubsidyStatus(Labelled):
    """A construction subsidy is granted, then paid once (第十二条); it has no status column:
    :meth:`of` reads it from the payment date. A refund due (第四十四条) is recorded beside it."""

    granted = "granted", "未拨付"
    paid = "paid", "已拨付"

    @classmethod
    def of(cls, subsidy: Any) -> SubsidyStatus:
        return cls.paid if subsidy.paid_on is not None else cls.granted


class TransferReason(Labelled):
    """Why operation rights pass to another organisation (第四十五条)."""

    merger = "merger", "合并"
    restructuring = "restructuring", "重组"
    equity_transfer = "equity_transfer", "股权转让"
    bankruptcy = "bankruptcy", "破产清算"
    court_order = "court_order", "人民法院生效法律文书"


# Who receives a copy of the consent to exit (第四十四条: 抄送市发改、财政、税务部门及水电气等单位),
# by the codes 附件1 stores for them (``department.code``: the government departments' codes
# are pinyin, the three utilities' English; the codes are data, so they stay as stored).
EXIT_COPIED_TO = (
    "fagai",  # 市发改委
    "caizheng",  # 市财政局
    "shuiwu",  # 市税务局
    "water",  # 市水务公司
    "power",  # 市供电公司
    "gas",  # 华润燃气有限公司
)
