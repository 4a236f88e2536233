"""Transition tables: who may take which step of a workflow, from which states, to which.

Every workflow (a project's approval, its operation, a tenant's application, a lease) is one
:class:`Workflow`: a table of :class:`Step` rows — the action, its label for people, the
roles that may take it, the states it may be taken from, the state it leads to, and, where
the law asks for more than a state (the department was consulted, the completion date is
recorded), a ``when`` predicate over the user and the object. The same table is used three
ways (design.md, "Who may do what"):

* the service calls :meth:`Workflow.check` before it changes anything: a role that may never
  take the step gets 403, a state (or fact) that does not allow it now gets 409, in Chinese;
* the API returns :meth:`Workflow.allowed` as ``allowed_actions`` on each object;
* the pages render exactly the forms :meth:`Workflow.allowed` lists.

Scope is not the table's business: an object the user may not see was already answered 404.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, Protocol

from app.core.errors import Conflict, Forbidden
from rules.decision import Finding


class HasRole(Protocol):
    @property
    def role(self) -> str: ...


Guard = Callable[[Any, Any], bool]  # (user, obj) -> may the step be taken now


@dataclass(frozen=True)
class Step:
    action: str
    label: str
    roles: frozenset[str]
    sources: frozenset[str] | None = None  # None: whatever the state
    target: str | None = None  # None: the state stays
    when: Guard | None = None
    why_not: str = ""  # what to tell people when ``when`` refuses
    article: str = ""  # the article ``when`` applies, cited in the refusal's violations

    def may(self, role: str) -> bool:
        return role in self.roles

    def open_from(self, state: str) -> bool:
        return self.sources is None or state in self.sources


@dataclass(frozen=True)
class Workflow:
    name: str
    steps: tuple[Step, ...]
    state_of: Callable[[Any], str] = field(default=lambda obj: obj.status)
    state_labels: dict[str, str] = field(default_factory=dict)
    noun: str = ""  # what the state is of, in messages: 项目当前状态为“…”

    def __post_init__(self) -> None:
        actions = [s.action for s in self.steps]
        if len(actions) != len(set(actions)):
            raise ValueError(f"{self.name}: an action appears twice in the table")

    def step(self, action: str) -> Step:
        for s in self.steps:
            if s.action == action:
                return s
        raise KeyError(f"{self.name}: no step {action!r}")

    def allowed(self, user: HasRole, obj: Any) -> list[str]:
        """The actions ``user`` may take on ``obj`` now, in the table's order."""
        state = self.state_of(obj)
        return [s.action for s in self.steps
                if s.may(user.role) and s.open_from(state) and (s.when is None or s.when(user, obj))]

    def check(self, action: str, user: HasRole, obj: Any, *, doing: str | None = None) -> Step:
        """The step, if ``user`` may take it on ``obj`` now; 403 or 409 otherwise."""
        s = self.step(action)
        what = doing or s.label
        if not s.may(user.role):
            raise Forbidden("当前角色无权进行此操作")
        state = self.state_of(obj)
        if not s.open_from(state):
            raise Conflict(f"{self.noun}当前状态为“{self.label(state)}”，不能{what}"
                           f"（须为：{'、'.join(self.label(x) for x in self._ordered(s.sources))}）",
                           status_now=state)
        if s.when is not None and not s.when(user, obj):
            detail = s.why_not or f"当前不能{what}"
            cited = (Finding(s.article, f"{s.action}_not_now", detail),) if s.article else ()
            raise Conflict(detail, status_now=state, violations=cited)
        return s

    def label(self, state: str) -> str:
        return self.state_labels.get(state, state)

    def _ordered(self, states: Iterable[str] | None) -> list[str]:
        order = list(self.state_labels)
        return sorted(states or (), key=lambda x: order.index(x) if x in order else len(order))

    def table(self) -> list[dict[str, Any]]:
        """The table as data (documentation, tests)."""
        return [{"action": s.action, "label": s.label, "roles": sorted(s.roles),
                 "from": self._ordered(s.sources) if s.sources is not None else None,
                 "to": s.target, "condition": s.why_not or None, "article": s.article or None}
                for s in self.steps]
