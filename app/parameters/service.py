"""The city's dated changes of its policy parameters, and keeping ``rules.params`` in step.

A change is never retroactive (its date is today or later), names the decision behind it and
is an audit event. Only the city's policy settings (``policy = true`` in parameters.toml) may
change here; the regulation's own numbers change only with a new version of the file.

Every process hands the recorded changes to :func:`rules.params.set_city_changes`: at the
start of a request it re-reads them if ``BAOZU_PARAMETERS_RECHECK_SECONDS`` have passed and
they changed (one small query), so several processes and hosts agree within that time.
"""

from __future__ import annotations

import time
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from sqlalchemy.orm import Session

from app.accounts.models import User
from app.audit.service import record
from app.core import clock
from app.core.config import get_settings
from app.core.db import register_session_hook
from app.core.errors import Conflict, InvalidInput, NotFound
from app.parameters import repository
from app.parameters.models import PolicyChange
from app.parameters.schemas import PolicyChangeIn
from rules import params
from rules.decision import Finding

_seen: tuple[Any, ...] | None = None
_checked_at = float("-inf")


def known(name: str) -> params.Parameter:
    """The parameter with its whole history (404 for a name nobody uses)."""
    try:
        return params.parameter(name)
    except params.UnknownParameter:
        raise NotFound("未找到该参数") from None


def new_value(parameter: params.Parameter, raw: int | str) -> Any:
    """``raw`` read as the parameter's kind: a whole number or a decimal, more than 0."""
    if parameter.kind == "int":
        if isinstance(raw, bool) or not str(raw).strip().lstrip("-").isdigit():
            raise InvalidInput("应为整数", field="value")
        value: Any = int(raw)
    else:
        try:
            value = Decimal(str(raw).strip())
        except InvalidOperation:
            raise InvalidInput("应为数字", field="value") from None
        if not value.is_finite():
            raise InvalidInput("应为数字", field="value")
    if value <= 0:
        raise InvalidInput("应大于 0", field="value")
    return value


def check_change(parameter: params.Parameter, raw: int | str, since: date) -> Any:
    """The value a change would set, or the refusal: a statutory number, a date in the past,
    a value of the wrong kind."""
    if not parameter.policy:
        message = (f"该数值由{parameter.article}规定（{parameter.values[-1].reference}），"
                   "只能随规定本身修订而改变，不能在平台上调整")
        raise Conflict(message, violations=[Finding(parameter.article, "statutory_parameter", message)])
    if since < clock.today():
        raise InvalidInput("生效日期不能早于今天（调整不溯及既往）", field="since")
    return new_value(parameter, raw)


def record_change(session: Session, actor: User, name: str, data: PolicyChangeIn) -> PolicyChange:
    parameter = known(name)
    value = check_change(parameter, data.value, data.since)
    change = PolicyChange(name=name, value=int(value) if parameter.kind == "int" else str(value),
                          since=data.since, reason=data.reason.strip(),
                          reference=data.reference.strip(), created_by_id=actor.id)
    session.add(change)
    session.flush()
    record(session, actor=actor, action="parameter.changed", entity_type="parameter",
           entity_id=name, summary={"value": change.value, "since": data.since,
                                    "reference": change.reference, "reason": change.reason,
                                    "before": params.value_at(name, data.since)})
    global _checked_at
    _checked_at = float("-inf")  # this process re-reads at its next request
    return change


def dated(change: PolicyChange) -> params.DatedValue:
    base = params.parameter_in_file(change.name)
    return params.DatedValue(change.since, params.coerce(change.value, base.kind), change.reference)


def with_change(parameter: params.Parameter, change: PolicyChange) -> params.Parameter:
    """The parameter as it will read once ``change`` is committed and every process re-read
    it (this request's rules still read it without)."""
    return params.merge(parameter, [dated(change)])


def sync(session: Session) -> None:
    """Hand every recorded change to ``rules.params`` (replacing what it had)."""
    found: dict[str, list[params.DatedValue]] = {}
    for change in repository.changes(session):
        found.setdefault(change.name, []).append(dated(change))
    params.set_city_changes(found)


def forget() -> None:
    """Read the changes again at the next request (tests: after a rolled-back transaction)."""
    global _seen, _checked_at
    _seen, _checked_at = None, float("-inf")


def _due() -> bool:
    return time.monotonic() - _checked_at >= get_settings().parameters_recheck_seconds


def refresh(session: Session) -> None:
    """Re-read the changes if they changed since this process last read them."""
    global _seen, _checked_at
    _checked_at = time.monotonic()
    seen = repository.version(session)
    if seen != _seen:
        sync(session)
        _seen = seen


register_session_hook(_due, refresh)
