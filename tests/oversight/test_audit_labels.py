"""Issue 21: every audit action code the code base writes has a Chinese label on the auditor's
page; roles and summaries read in Chinese."""

from __future__ import annotations

import ast

from app import PROJECT_ROOT
from app.oversight import audit_labels as labels

# Functions that pass their ``action`` argument on to ``record`` (their callers' literal
# second argument is the code): (file, function name).
WRAPPERS = {("app/oversight/exports.py", "_record")}


def _codes(node: ast.expr, where: str, codes: set[str], families: set[str], unknown: list[str]) -> None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        codes.add(node.value)
    elif isinstance(node, ast.IfExp):
        _codes(node.body, where, codes, families, unknown)
        _codes(node.orelse, where, codes, families, unknown)
    elif isinstance(node, ast.JoinedStr) and node.values and isinstance(node.values[0], ast.Constant):
        families.add(str(node.values[0].value))
    else:
        unknown.append(f"{where}: action={ast.unparse(node)}")


def emitted() -> tuple[set[str], set[str], list[str]]:
    """Every literal action code, every f-string family prefix, and the calls neither covers."""
    codes: set[str] = set()
    families: set[str] = set()
    unknown: list[str] = []
    for file in sorted((PROJECT_ROOT / "app").rglob("*.py")):
        rel = file.relative_to(PROJECT_ROOT).as_posix()
        wrappers = {name for path, name in WRAPPERS if path == rel}
        for node in ast.walk(ast.parse(file.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            name = node.func.id if isinstance(node.func, ast.Name) else getattr(node.func, "attr", "")
            where = f"{rel}:{node.lineno}"
            if name == "record":
                for keyword in node.keywords:
                    if keyword.arg == "action":
                        if (isinstance(keyword.value, ast.Name)
                                and any(p == rel for p, _ in WRAPPERS)):
                            continue  # the wrapper's own call: its callers are read below
                        _codes(keyword.value, where, codes, families, unknown)
            elif name in wrappers and len(node.args) >= 2:
                _codes(node.args[1], where, codes, families, unknown)
    return codes, families, unknown


def test_every_emitted_action_code_has_a_chinese_label() -> None:
    codes, families, unknown = emitted()
    assert len(codes) > 40 and "audit.leases_exported" in codes  # the walk finds them
    assert not unknown, f"action codes the walk cannot read (add the wrapper to WRAPPERS): {unknown}"
    missing = sorted(c for c in codes if labels.action_label(c) is None)
    assert not missing, f"audit actions without a Chinese label in app/oversight/audit_labels.py: {missing}"
    no_family = sorted(f for f in families if not any(f.startswith(p) or p.startswith(f)
                                                      for p in labels.FAMILIES)
                       and not any(c.startswith(f) for c in labels.ACTION_LABELS))
    assert not no_family, f"f-string action families without labels: {no_family}"


def test_family_codes_take_their_enum_labels() -> None:
    assert labels.action_label("project.dispatched") == "项目：发送相关部门联合审查"
    assert labels.action_label("tenant_application.approved") == "租赁申请：审核通过，待配租"
    assert labels.action_label("repair.reported") == "报修：提交报修"
    assert labels.action_label("project.no_such_step") is None


def test_roles_and_summaries_read_in_chinese() -> None:
    assert labels.role_label("auditor") == "审计监督"
    assert labels.role_label("system") == "系统"
    lines = labels.summary_lines({"from": "accepted", "to": "in_review",
                                  "departments": ["市住建局", "市发改委"], "complete": True},
                                 "project")
    assert lines[0][0] == "原状态" and lines[0][1] != "accepted"
    assert ("发送部门", "市住建局、市发改委") in lines
    assert ("完整", "是") in lines
