"""Every refusal that comes from the law names its article in ``violations`` (issue 15), in
words for people: the raise sites of the code, the transition tables' guards, the findings of
the rules, and the refusal of a day before a provision took effect (第五十条)."""

from __future__ import annotations

import ast
import importlib
import re
from datetime import date
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from app.core.workflow import Workflow
from app.main import create_app
from rules.params import ParameterNotInForce, value_at

ROOT = Path(__file__).resolve().parents[2]
ARTICLE = re.compile(r"第[一二三四五六七八九十百]+条")
PROBLEMS = {"RuleViolation", "Conflict", "InvalidInput", "Forbidden", "NotFound", "ProblemError",
            "TooManyRequests", "Unauthorized", "ServiceBusy"}


def _texts(node: ast.AST) -> str:
    return " ".join(n.value for n in ast.walk(node)
                    if isinstance(n, ast.Constant) and isinstance(n.value, str))


def _raise_sites() -> list[tuple[str, ast.Call]]:
    sites = []
    for path in (ROOT / "app").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) \
                    and node.func.id in PROBLEMS:
                sites.append((f"{path.relative_to(ROOT)}:{node.lineno}", node))
    return sites


def test_every_refusal_that_cites_an_article_carries_it_in_violations() -> None:
    sites = _raise_sites()
    missing = [where for where, call in sites
               if (call.func.id == "RuleViolation" or ARTICLE.search(_texts(call)))  # type: ignore[attr-defined]
               and not any(k.arg == "violations" for k in call.keywords)]
    assert len(sites) > 100 and missing == []


def _workflows() -> list[Workflow]:
    found = []
    for path in (ROOT / "app").rglob("workflows.py"):
        module = importlib.import_module(".".join(path.relative_to(ROOT).with_suffix("").parts))
        found += [v for v in vars(module).values() if isinstance(v, Workflow)]
    return found


def test_every_guard_that_cites_an_article_names_it() -> None:
    steps = [(w.name, s) for w in _workflows() for s in w.steps]
    missing = [f"{name}.{s.action}" for name, s in steps
               if ARTICLE.search(s.why_not) and s.article not in s.why_not]
    assert len(steps) > 40 and missing == []


def test_every_finding_of_the_rules_names_its_article() -> None:
    """Each ``Finding(article, …)`` of ``rules/`` is built with an article that is set."""
    empty = []
    for path in (ROOT / "rules").glob("*.py"):
        module = importlib.import_module(f"rules.{path.stem}")
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not (isinstance(node, ast.Call) and getattr(node.func, "id", None) == "Finding"):
                continue
            first = node.args[0] if node.args else next(
                (k.value for k in node.keywords if k.arg == "article"), None)
            value = (first.value if isinstance(first, ast.Constant)
                     else getattr(module, first.id, None) if isinstance(first, ast.Name) else "?")
            if not (isinstance(value, str) and value.strip()):
                empty.append(f"{path.name}:{node.lineno}")
    assert empty == []


def test_a_day_before_the_regulation_cites_article_50_for_people() -> None:
    with pytest.raises(ParameterNotInForce) as refused:
        value_at("central_districts", date(2022, 5, 5))
    assert refused.value.article == "第五十条"
    assert "第五十条" in refused.value.message and "central_districts" not in refused.value.message
    with pytest.raises(ParameterNotInForce) as other_law:
        value_at("vat_simplified_rate", date(2021, 9, 30))
    assert "财政部" in other_law.value.article


def test_the_api_answers_it_with_the_article_in_violations() -> None:
    app = create_app()

    @app.get("/too-early")
    def too_early() -> None:
        value_at("unit_area_max_m2", date(2021, 1, 1))

    response = TestClient(app, raise_server_exceptions=False).get("/too-early")
    body = response.json()
    assert response.status_code == 422 and body["violations"][0]["article"] == "第五十条"
    assert "unit_area_max_m2" not in response.text and "参数" not in body["detail"]
