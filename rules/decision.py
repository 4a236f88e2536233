"""The result every rule returns: a decision and the findings that justify it (design.md)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class Finding:
    """One condition a rule checked.

    ``ok`` is False for a violation; a passed check may be kept as evidence (``ok=True``) so a
    person can see every condition that was applied, not only the failures.
    """

    article: str
    code: str
    message: str
    ok: bool = False
    field: str | None = None
    # For one of several alternative conditions (第三十二条 (一) or (二)): whether it holds. Not
    # a violation either way (``ok``); a page shows ✓ / ✗ by this outcome. None: as ``ok``.
    holds: bool | None = None

    @property
    def shown_ok(self) -> bool:
        return self.ok if self.holds is None else self.holds

    def as_dict(self) -> dict[str, object]:
        data: dict[str, object] = {"article": self.article, "code": self.code,
                                   "message": self.message, "ok": self.ok}
        if self.field is not None:
            data["field"] = self.field
        if self.holds is not None:
            data["holds"] = self.holds
        return data


@dataclass(frozen=True, slots=True)
class Decision:
    """``ok`` when no finding is a violation; ``findings`` keeps every condition checked."""

    findings: tuple[Finding, ...] = field(default=())

    @classmethod
    def of(cls, findings: Iterable[Finding]) -> Decision:
        return cls(tuple(findings))

    @property
    def ok(self) -> bool:
        return all(f.ok for f in self.findings)

    @property
    def violations(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if not f.ok)

    @property
    def articles(self) -> tuple[str, ...]:
        """The articles this decision applied, in first-seen order."""
        return tuple(dict.fromkeys(f.article for f in self.findings))

    def __add__(self, other: Decision) -> Decision:
        return Decision(self.findings + other.findings)
