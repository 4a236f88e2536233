"""Parameters as people read them: the value in force, since when, and on what authority."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from app.parameters.enums import Source
from app.parameters.models import PolicyChange
from rules import params


def shown(value: Any) -> Any:
    """A value for JSON and pages: decimals as written ("0.90"), lists as lists."""
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, tuple):
        return list(value)
    return value


def parameter_view(parameter: params.Parameter, changes: list[PolicyChange], today: date) -> dict[str, Any]:
    """One parameter with its whole history; ``changes`` are the city's (for their reasons)."""
    by_day = {(c.since, c.reference): c for c in changes if c.name == parameter.name}
    history = []
    for dated in parameter.values:
        change = by_day.get((dated.since, dated.reference))
        source = Source.city if change is not None else Source.regulation
        history.append({"since": dated.since, "value": shown(dated.value), "reference": dated.reference,
                        "source": source.value, "source_label": source.label,
                        "reason": change.reason if change else None,
                        "recorded_at": change.created_at if change else None})
    current = next((v for v in reversed(parameter.values) if v.since <= today), parameter.values[0])
    return {"name": parameter.name, "article": parameter.article,
            "description": parameter.description, "unit": parameter.unit,
            "policy": parameter.policy, "kind": parameter.kind, "value": shown(current.value),
            "in_force_since": current.since, "reference": current.reference, "values": history}


def parameter_views(changes: list[PolicyChange], today: date) -> list[dict[str, Any]]:
    """Every parameter, in the file's order (the regulation's articles)."""
    return [parameter_view(params.parameter(name), changes, today) for name in params.parameters()]
