"""Dated parameters of the regulation (``parameters.toml``), like OpenFisca's parameter files.

Each parameter names its article and a list of values with the date each took effect.
:func:`value_at` answers the value in force on a date; asking for a date before the first
value is an error, never a guess.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

PARAMETERS_FILE = Path(__file__).with_name("parameters.toml")


class UnknownParameter(KeyError):
    """No parameter of that name exists in ``parameters.toml``."""


class ParameterNotInForce(LookupError):
    """The parameter has no value in force on the requested date."""

    def __init__(self, name: str, on_date: date, first: date) -> None:
        super().__init__(f"参数 {name} 在 {on_date.isoformat()} 尚未生效（自 {first.isoformat()} 起施行）")
        self.name, self.on_date, self.first = name, on_date, first


@dataclass(frozen=True, slots=True)
class DatedValue:
    since: date
    value: Any
    reference: str


@dataclass(frozen=True, slots=True)
class Parameter:
    name: str
    article: str
    description: str
    unit: str
    values: tuple[DatedValue, ...]

    def at(self, on_date: date) -> Any:
        current = None
        for dated in self.values:
            if dated.since <= on_date:
                current = dated
            else:
                break
        if current is None:
            raise ParameterNotInForce(self.name, on_date, self.values[0].since)
        return current.value


def _coerce(raw: Any, kind: str) -> Any:
    if kind == "decimal":
        return Decimal(str(raw))
    if kind == "int":
        return int(raw)
    if kind == "list":
        return tuple(raw)
    raise ValueError(f"unknown parameter type {kind!r}")


def load(path: Path = PARAMETERS_FILE) -> dict[str, Parameter]:
    """Parse a parameters file; values are sorted by their start date."""
    with path.open("rb") as handle:
        data = tomllib.load(handle)
    parameters: dict[str, Parameter] = {}
    for name, spec in data.items():
        values = sorted(
            (DatedValue(v["since"], _coerce(v["value"], spec["type"]), v.get("reference", ""))
             for v in spec["values"]),
            key=lambda v: v.since,
        )
        parameters[name] = Parameter(name=name, article=spec["article"],
                                     description=spec["description"], unit=spec.get("unit", ""),
                                     values=tuple(values))
    return parameters


@cache
def parameters() -> dict[str, Parameter]:
    """All parameters of the shipped file (read once per process)."""
    return load()


def parameter(name: str) -> Parameter:
    try:
        return parameters()[name]
    except KeyError:
        raise UnknownParameter(name) from None


def value_at(name: str, on_date: date) -> Any:
    """The value of parameter ``name`` in force on ``on_date``."""
    return parameter(name).at(on_date)
