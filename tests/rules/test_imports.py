"""``rules`` is the law as code: it must not import the app, the ORM or the web framework."""

import ast
from pathlib import Path

import rules

FORBIDDEN = ("app", "sqlalchemy", "fastapi", "starlette", "pydantic")


def imported_modules(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def test_rules_import_nothing_from_app_orm_or_web() -> None:
    files = sorted(Path(rules.__file__).parent.rglob("*.py"))
    assert len(files) >= 4
    offenders = {
        f"{path.name}: {name}"
        for path in files for name in imported_modules(path)
        if name.split(".")[0] in FORBIDDEN
    }
    assert offenders == set()


def test_the_import_check_catches_an_offender(tmp_path: Path) -> None:
    bad = tmp_path / "bad.py"
    bad.write_text("from sqlalchemy.orm import Session\nimport app.core.db\n", encoding="utf-8")
    assert {"sqlalchemy.orm", "app.core.db"} <= imported_modules(bad)
