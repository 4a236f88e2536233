"""Presenters of oversight: a lease as auditors see it, on a page and in an export.

身份证 numbers are masked (without decrypting, where the masked form is stored) unless an
export asked for them in full and was logged; tenants' names are masked too.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from decimal import Decimal
from typing import Any

from app.core.personal_data import decrypt_id_number
from app.leases.enums import LeaseStatus
from app.leases.views import masked_name
from rules.identifiers import mask_id_number


def _id_number(row: Any, full: bool) -> str | None:
    """The tenant's 身份证 number: masked (without decrypting, where the mask is stored) or,
    for an export that asked and was logged, in full."""
    if row.id_number_enc is None:
        return None
    if not full and row.id_number_masked:
        return row.id_number_masked
    number = decrypt_id_number(row.id_number_enc)
    return number if full else mask_id_number(number)


def row_view(row: Any, *, full_id_number: bool = False) -> dict[str, Any]:
    """A lease as auditors see it: the 身份证 number masked unless an export asked for it."""
    return {
        "id": row.id, "number": row.number, "kind": row.kind, "status": row.status,
        "status_label": LeaseStatus.label_of(row.status), "project_id": row.project_id,
        "project_name": row.project_name, "district": row.district, "operator": row.operator,
        "building": row.building, "unit_number": row.unit_number,
        "tenant": masked_name(row.tenant_name) if row.tenant_name else row.employer,
        "tenant_id_number": _id_number(row, full_id_number),
        "start_on": row.start_on, "end_on": row.end_on, "ends_on": row.ends_on,
        "monthly_rent": row.monthly_rent, "building_area_m2": row.building_area_m2,
        "rent_cap": (row.building_area_m2 * row.rate_per_m2).quantize(Decimal("0.01")),
        "above_filed": bool(row.above_filed), "above_appraisal": bool(row.above_appraisal),
        "appraisal_lapsed": bool(row.appraisal_lapsed), "in_transition": bool(row.in_transition),
        "violations": bool(row.violations),
    }


def page_view(rows: list[Any], next_cursor: str | None) -> dict[str, Any]:
    """A page of the search, in the shape ``AuditLeasePage`` declares."""
    return {"items": [row_view(r) for r in rows], "next_cursor": next_cursor}


CSV_COLUMNS = (
    ("number", "合同编号"), ("status_label", "状态"), ("project_name", "项目"), ("district", "所在区"),
    ("operator", "运营单位"), ("building", "楼栋"), ("unit_number", "房号"),
    ("building_area_m2", "建筑面积"), ("tenant", "承租人"), ("tenant_id_number", "身份证号码"),
    ("start_on", "起租日"), ("end_on", "合同期满日"), ("ends_on", "终止日"),
    ("monthly_rent", "月租金"), ("rent_cap", "租金上限"), ("above_filed", "超过备案标准"),
    ("above_appraisal", "超过评估租金90%"), ("appraisal_lapsed", "评估已逾两年"),
    ("in_transition", "过渡期"), ("violations", "有违规记录"),
)


def export_cells(rows: Iterable[Any], *, full_id_numbers: bool) -> Iterator[list[Any]]:
    """Each row of :func:`app.oversight.repository.export_result` as a list of ``CSV_COLUMNS``
    cells (the same values the database computes for ``COPY``: ``csv_statement``)."""
    labels, cent, yes_no = LeaseStatus.labels(), Decimal("0.01"), {True: "是", False: "否"}
    for (_, number, _, status, start_on, end_on, ends_on, rent, area, rate, _, _, project_name,
         district, operator, building, unit_number, tenant_name, enc, masked, employer,
         above_filed, above_appraisal, lapsed, in_transition, violations) in rows:
        # positional unpacking: a million rows × 26 columns makes named access measurable
        if enc is None:
            id_number = ""
        elif masked and not full_id_numbers:
            id_number = masked
        else:
            plain = decrypt_id_number(enc)
            id_number = plain if full_id_numbers else mask_id_number(plain)
        yield [number, labels.get(status, status), project_name, district, operator, building,
               unit_number, area, masked_name(tenant_name) if tenant_name else employer,
               id_number, start_on, end_on, ends_on, rent, (area * rate).quantize(cent),
               yes_no[bool(above_filed)], yes_no[bool(above_appraisal)], yes_no[bool(lapsed)],
               yes_no[bool(in_transition)], yes_no[bool(violations)]]
