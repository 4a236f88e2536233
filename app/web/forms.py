"""Forms on pages: what the person typed, and the errors shown next to each field.

A page parses the submitted form into the same pydantic schema the API uses and calls the
same service function. Either can refuse: pydantic with a ``ValidationError`` (field paths
from its ``loc``), a service with a :class:`~app.core.errors.ProblemError` whose ``field`` and
whose violations' ``field`` name the input (``unit_types[1].building_area_m2``), each
violation citing its article. :class:`FormState` keeps the typed values and collects those
errors by field name, so the template shows every message beside its input (and in the
summary at the top), the article with it, and the form keeps what the person typed.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError
from starlette.datastructures import FormData, UploadFile

from app.core.errors import ProblemError, _chinese_message

Rename = Callable[[str], str]
M = TypeVar("M", bound=BaseModel)


def _identity(name: str) -> str:
    return name


def loc_path(loc: Iterable[Any]) -> str:
    """``("unit_types", 1, "building_area_m2")`` → ``unit_types[1].building_area_m2``."""
    text = ""
    for part in loc:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += f".{part}" if text else str(part)
    return text


# What a refusal means to the person and what to do, by the problem's type (the API keeps
# its RFC 9457 titles; a page says it in plain words).
HEADINGS = {
    "validation": "请更正下列标出的内容后再提交。",
    "conflict": "现在还不能办理这一步：原因见下，处理后再提交（或刷新页面查看最新状态）。",
    "rule-violation": "不符合《实施办法》的规定：请按下列条款修改后再提交。",
    "too-many-requests": "操作过于频繁，请稍后再试。",
    "forbidden": "您没有办理这一步的权限。",
}


@dataclass
class Problem:
    message: str
    article: str | None = None
    field: str | None = None


@dataclass
class FormState:
    """One form's values (as typed) and errors (by field name)."""

    values: dict[str, Any] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    detail: str | None = None

    @classmethod
    def of(cls, form: FormData | dict[str, Any] | None, *, lists: Iterable[str] = ()) -> FormState:
        """The typed values; ``lists`` names fields with several values (checkboxes)."""
        if form is None:
            return cls()
        if isinstance(form, dict):
            return cls(dict(form))
        values: dict[str, Any] = {k: v for k, v in form.multi_items()
                                  if isinstance(v, str) and k != "csrf_token"}
        for name in lists:
            values[name] = [v for v in form.getlist(name) if isinstance(v, str)]
        return cls(values)

    @property
    def invalid(self) -> bool:
        return bool(self.errors or self.problems or self.detail)

    def value(self, name: str, default: Any = "") -> Any:
        found = self.values.get(name)
        return default if found is None else found

    def checked(self, name: str, value: str = "on") -> bool:
        found = self.values.get(name)
        if isinstance(found, list):
            return value in found
        return found == value

    def error(self, name: str) -> str | None:
        return self.errors.get(name)

    def add(self, name: str | None, message: str, article: str | None = None) -> None:
        """An error for ``name`` (or for the whole form when ``name`` is None)."""
        shown = f"{message}（依据：{article}）" if article else message
        if name:
            self.errors[name] = f"{self.errors[name]}；{shown}" if name in self.errors else shown
        self.problems.append(Problem(message, article, name))

    def add_validation(self, exc: ValidationError, rename: Rename = _identity) -> FormState:
        for error in exc.errors():
            self.add(rename(loc_path(error.get("loc", ()))) or None, _chinese_message(error))
        self.detail = "请更正下列标出的内容后再提交。"
        return self

    def add_problem(self, exc: ProblemError, rename: Rename = _identity) -> FormState:
        """A service's refusal: its field, and each violation with its field and article."""
        if exc.violations:
            for finding in exc.violations:  # (a finding without a field: the refusal's own)
                where = finding.field or exc.field
                self.add(rename(where) if where else None, finding.message, finding.article)
        else:
            self.add(rename(exc.field) if exc.field else None, exc.detail)
        self.detail = HEADINGS.get(exc.slug, exc.title)
        return self


def from_form(schema: type[M], data: dict[str, Any]) -> M:
    """A form's values as ``schema``, the API's own body schema with all its checks (unknown
    fields, text without control characters, dates in range), except that booleans and
    integers are read from text: a form can only send text, where a JSON body must send
    ``true`` and ``3`` (``StrictBool``/``StrictInt``), so the page validates with
    ``strict=False``."""
    return schema.model_validate(data, strict=False)


def text(form: FormData, name: str) -> str:
    value = form.get(name)
    return value.strip() if isinstance(value, str) else ""


def optional(form: FormData, name: str) -> str | None:
    return text(form, name) or None


def upload(form: FormData, name: str) -> UploadFile | None:
    value = form.get(name)
    return value if isinstance(value, UploadFile) and value.filename else None


ROW_KEY = re.compile(r"^(?P<prefix>[a-z_]+)\[(?P<index>\d{1,4})\]\.(?P<field>[a-z_0-9]+)$")


def rows(form: FormData | dict[str, Any], prefix: str, fields: Iterable[str]) -> list[dict[str, Any]]:
    """Repeated rows named ``prefix[i].field``, by their index (gaps allowed), each with its
    ``index``; ``fields`` are the columns to keep."""
    wanted = set(fields)
    found: dict[int, dict[str, Any]] = {}
    items = form.multi_items() if isinstance(form, FormData) else form.items()
    for key, value in items:
        match = ROW_KEY.match(key)
        if match and match["prefix"] == prefix and match["field"] in wanted and isinstance(value, str):
            found.setdefault(int(match["index"]), {})[match["field"]] = value.strip()
    return [{"index": i, **{f: found[i].get(f, "") for f in wanted}} for i in sorted(found)]


def blank(row: dict[str, Any]) -> bool:
    return not any(v for k, v in row.items() if k != "index")


def row_renamer(prefix: str, kept: list[dict[str, Any]]) -> Rename:
    """Error paths of the compacted list (``prefix[k]``) → the row as displayed (its index)."""
    pattern = re.compile(rf"^{re.escape(prefix)}\[(\d+)\]")

    def rename(name: str) -> str:
        match = pattern.match(name or "")
        if not match:
            return name
        k = int(match.group(1))
        shown = kept[k]["index"] if k < len(kept) else k
        return f"{prefix}[{shown}]" + name[match.end():]

    return rename
