"""The contract's clauses as versioned Jinja templates, rendered in a sandbox.

A template is text maintained by 市保租办 (``ContractTemplate.body``), so it is rendered by
:class:`jinja2.sandbox.ImmutableSandboxedEnvironment` with ``StrictUndefined``: it can read the
plain values the service passes (:func:`app.contracts.service.context`), call no method that
changes anything, and a name it misspells is an error when the template is saved, not a blank in
a signed contract. The output is plain text: ``# `` starts the title, ``## `` a clause; the PDF
(:mod:`app.contracts.documents`) and the page lay it out. The SHA-256 of the rendered text is
what the parties sign.

The default template ships in ``templates/contracts/default_v1.md.j2``; the migration loads it as
version 1.
"""

from __future__ import annotations

import hashlib
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

from jinja2 import StrictUndefined, TemplateError
from jinja2.sandbox import ImmutableSandboxedEnvironment

from app.core.errors import InvalidInput

DEFAULT_TEMPLATE = Path(__file__).resolve().parents[2] / "templates" / "contracts" / "default_v1.md.j2"
SUPPLEMENT_TEMPLATE = DEFAULT_TEMPLATE.with_name("supplement_v1.md.j2")
MAX_BODY_CHARS = 100_000


@cache
def environment() -> ImmutableSandboxedEnvironment:
    return ImmutableSandboxedEnvironment(undefined=StrictUndefined, autoescape=False,
                                         keep_trailing_newline=True)


def default_body() -> str:
    return DEFAULT_TEMPLATE.read_text(encoding="utf-8")


def supplement_body() -> str:
    return SUPPLEMENT_TEMPLATE.read_text(encoding="utf-8")


def render(body: str, context: dict[str, Any]) -> str:
    """The document: ``body`` rendered with ``context`` (422 if the template fails)."""
    try:
        text = environment().from_string(body).render(**context)
    except TemplateError as exc:
        raise InvalidInput(f"合同模板无法生成文本：{exc}", field="body") from None
    return "\n".join(line.rstrip() for line in text.strip().splitlines()) + "\n"


def sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def sample_context() -> dict[str, Any]:
    """Every name a template may use, with sample values: a new template is rendered with it
    before it is saved, so a misspelt name or a syntax error is refused with 422."""
    party = {"name": "某某", "uscc": "91360200MA00000000", "id_number_masked": "360203********0000"}
    return {
        "platform": "保租通（景德镇市保障性租赁住房租赁平台）",
        "contract": {"number": "HT2025000001", "template_version": 1, "payment_period_months": 1,
                     "payment_amount": "1,000.00", "safety_terms": "（约定内容）"},
        "lease": {"number": "ZL2025000001", "employer": False, "start_on": date(2025, 7, 1),
                  "end_on": date(2026, 6, 30), "term_months": 12, "monthly_rent": "1,000.00",
                  "rate_per_m2": "20.00", "rent_cap": "1,000.00", "filing_no": "发改备〔2025〕1号",
                  "prepaid_rent": "1,000.00", "deposit": "1,000.00"},
        "owner": party, "operator": party, "tenant": party, "occupants": [],
        "unit": {"project_name": "某项目", "address": "某地址", "building": "1栋", "number": "101",
                 "area": "50.00", "unit_type": "一室一厅", "verification_code": "FY0000000001"},
        "rules": {"term_months_min": 6, "prepaid_months_max": 3, "deposit_months_max": 1,
                  "transition_months": 12, "renewal_window_days": 60},
        "supplement": {"terms": "（补充约定）", "parent_number": "HT2025000001"},
    }


def check_body(body: str) -> None:
    """Refuse (422, naming ``body``) a template that is too long or does not render."""
    if len(body) > MAX_BODY_CHARS:
        raise InvalidInput(f"合同模板过长（超过 {MAX_BODY_CHARS} 字）", field="body")
    if not body.lstrip().startswith("# "):
        raise InvalidInput("合同模板应以“# 标题”开头", field="body")
    render(body, sample_context())
