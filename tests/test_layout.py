"""The shape of the code (docs/architecture.md): floors imported downward only, every domain
the same files, reads in repositories, one transition table per workflow, every parameter
name the code asks for present in ``rules/parameters.toml``.
"""

from __future__ import annotations

import ast
import re
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
APP = ROOT / "app"
# The floors, lowest first: a module may import its own floor and those below, never above.
FLOORS = ("core", "audit", "accounts", "jobs", "notices", "calendar", "parameters", "approval",
          "operation", "tenants", "leases", "contracts", "upkeep", "access", "planning", "reminders",
          "oversight", "web")
TOP = {"main", "cli", "seed", "models", "demo"}  # composition: may import every floor
DOMAINS = ("accounts", "jobs", "notices", "calendar", "parameters", "approval", "operation",
           "tenants", "leases", "contracts", "upkeep", "access", "planning", "reminders")
DOMAIN_FILES = ("models.py", "schemas.py", "enums.py", "repository.py", "service.py", "views.py",
                "api.py")


def _floor(module: str) -> int | None:
    parts = module.split(".")
    if parts[0] != "app" or len(parts) < 2:
        return None
    if parts[1] in FLOORS:
        return FLOORS.index(parts[1])
    return len(FLOORS) if parts[1] in TOP else None


def _modules() -> list[tuple[str, Path]]:
    return [(".".join(p.relative_to(ROOT).with_suffix("").parts), p) for p in APP.rglob("*.py")]


def _imports(path: Path) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module:
            found += [node.module] + [f"{node.module}.{a.name}" for a in node.names]
        elif isinstance(node, ast.Import):
            found += [a.name for a in node.names]
    return found


def test_every_package_is_on_a_floor() -> None:
    packages = {p.name for p in APP.iterdir() if p.is_dir() and (p / "__init__.py").exists()}
    assert packages <= set(FLOORS) | TOP, packages - set(FLOORS) - TOP


def test_imports_run_downward_only() -> None:
    upward = []
    for module, path in _modules():
        own = _floor(module)
        for imported in _imports(path):
            theirs = _floor(imported)
            if own is not None and theirs is not None and theirs > own:
                upward.append(f"{module} imports {imported}")
                break
    assert upward == []


WORKFLOW_DOMAINS = ("approval", "operation", "tenants", "leases", "contracts", "upkeep", "access",
                    "planning")


def test_every_domain_has_the_same_files() -> None:
    missing = [f"app/{d}/{f}" for d in DOMAINS for f in DOMAIN_FILES if not (APP / d / f).exists()]
    missing += [f"app/{d}/workflows.py" for d in WORKFLOW_DOMAINS
                if not (APP / d / "workflows.py").exists()]
    assert missing == []


def test_the_tests_mirror_the_tree() -> None:
    packages = {p.name for p in APP.iterdir() if p.is_dir() and (p / "__init__.py").exists()}
    missing = [f"tests/{p}/" for p in sorted(packages - {"demo"}) if not (ROOT / "tests" / p).is_dir()]
    assert missing == []


SQL_IN_ROUTES = re.compile(r"\bselect\(|session\.(get|scalar|scalars|execute)\(")


def test_routes_and_pages_write_no_sql() -> None:
    """Routes parse and present; the domain's repository and service read and write."""
    offenders = [f"{p.relative_to(ROOT)}:{n}" for p in [*APP.glob("*/api.py"), *APP.glob("web/*.py")]
                 for n, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1)
                 if SQL_IN_ROUTES.search(line)]
    assert offenders == []


def test_the_pages_take_their_forms_from_the_transition_tables() -> None:
    """No page rebuilds the role × state machine: ``actions_for`` is gone."""
    assert not [p for p in APP.rglob("*.py") if re.search(r"def _?actions_for\b", p.read_text())]


def _workflows() -> list[object]:
    from app.core.workflow import Workflow

    found = []
    for module, _ in _modules():
        if module.endswith(".workflows") or module.endswith(".enums"):
            mod = __import__(module, fromlist=["*"])
            found += [v for v in vars(mod).values() if isinstance(v, Workflow)]
    return found


def test_one_transition_table_per_workflow() -> None:
    import app.main  # noqa: F401  (every domain imported)

    names = [w.name for w in _workflows()]  # type: ignore[attr-defined]
    assert len(names) == len(set(names)) and {"approval", "tenant_application", "lease"} <= set(names)


VALUE_AT = re.compile(r"""value_at\(\s*["']([a-z0-9_]+)["']""")


@pytest.mark.parametrize("folder", ["app", "rules"])
def test_every_parameter_asked_for_is_in_the_file(folder: str) -> None:
    with (ROOT / "rules" / "parameters.toml").open("rb") as f:
        known = set(tomllib.load(f))
    asked = {m.group(1) for p in (ROOT / folder).rglob("*.py")
             for m in VALUE_AT.finditer(p.read_text(encoding="utf-8"))}
    assert asked and asked <= known, asked - known
