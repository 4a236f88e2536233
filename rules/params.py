"""Dated parameters of the regulation (``parameters.toml``), like OpenFisca's parameter files.

Each parameter names its article and a list of values with the date each took effect.
:func:`value_at` answers the value in force on a date; asking for a date before the first
value is an error, never a guess.

Two kinds of parameter. The regulation's own numbers (and other laws') change only with a
new version of the file. The city's **policy** settings (``policy = true`` in the file:
platform settings and policy defaults of 市保租办, e.g. ``prepaid_rent_months_max``) may also
change by a decision of the city, recorded in the service with the date it takes effect:
the service hands those dated changes to :func:`set_city_changes`, and :func:`value_at`
answers from the file's history and the city's changes together. This module stays pure:
it keeps what it is given and never reads a database.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

PARAMETERS_FILE = Path(__file__).with_name("parameters.toml")


class UnknownParameter(KeyError):
    """No parameter of that name exists in ``parameters.toml``."""


REGULATION = "景府办发〔2022〕3号"
IN_FORCE_ARTICLE = "第五十条"  # 本办法自印发之日起施行


class ParameterNotInForce(LookupError):
    """The parameter has no value in force on the requested date: the rule asked about a day
    before the provision that sets it took effect. ``article`` and ``message`` say so for
    people: the regulation's own provisions apply from its issue date (第五十条)."""

    def __init__(self, name: str, on_date: date, first: date, reference: str = REGULATION) -> None:
        self.name, self.on_date, self.first = name, on_date, first
        if REGULATION in reference:
            self.article = IN_FORCE_ARTICLE
            self.message = (f"《景德镇市中心城区保障性租赁住房建设和管理实施办法》自 {first.isoformat()} "
                            f"起施行（第五十条），{on_date.isoformat()} 的事项不适用本办法")
        else:
            self.article = reference
            self.message = (f"所依据的规定（{reference}）自 {first.isoformat()} 起施行，"
                            f"{on_date.isoformat()} 的事项不适用")
        super().__init__(self.message)


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
    policy: bool = False  # the city's setting, which it may change by a dated decision
    kind: str = "int"  # decimal | int | list: how a new value is read

    def at(self, on_date: date) -> Any:
        current = None
        for dated in self.values:
            if dated.since <= on_date:
                current = dated
            else:
                break
        if current is None:
            raise ParameterNotInForce(self.name, on_date, self.values[0].since,
                                      self.values[0].reference)
        return current.value


def coerce(raw: Any, kind: str) -> Any:
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
            (DatedValue(v["since"], coerce(v["value"], spec["type"]), v.get("reference", ""))
             for v in spec["values"]),
            key=lambda v: v.since,
        )
        parameters[name] = Parameter(name=name, article=spec["article"],
                                     description=spec["description"], unit=spec.get("unit", ""),
                                     values=tuple(values), policy=bool(spec.get("policy", False)),
                                     kind=spec["type"])
    return parameters


@cache
def parameters() -> dict[str, Parameter]:
    """All parameters of the shipped file (read once per process)."""
    return load()


_merged: dict[str, Parameter] = {}  # policy parameters with the city's dated changes
_version = 0


def set_city_changes(changes: Mapping[str, Iterable[DatedValue]]) -> None:
    """The city's dated changes of its policy parameters (all of them, replacing any given
    before). A change dated the same day as the file's value, or as an earlier change,
    supersedes it. Only policy parameters may change this way."""
    global _merged
    merged = {}
    for name, extra in changes.items():
        base = parameter_in_file(name)
        if not base.policy:
            raise ValueError(f"{name} is the regulation's, not the city's: it changes only with the file")
        merged[name] = merge(base, extra)
    _merged = merged
    invalidate()


def merge(base: Parameter, extra: Iterable[DatedValue]) -> Parameter:
    """``base`` with more dated values; for the same day, the one given later wins."""
    values = sorted((*base.values, *extra), key=lambda v: v.since)  # stable: later wins
    kept = [v for i, v in enumerate(values) if i + 1 == len(values) or values[i + 1].since != v.since]
    return replace(base, values=tuple(kept))


def invalidate() -> None:
    """Mark every value read before as possibly stale (statements built with one rebuild)."""
    global _version
    _version += 1


def version() -> int:
    """Changes whenever a parameter's history may have changed (:func:`set_city_changes`)."""
    return _version


def parameter_in_file(name: str) -> Parameter:
    """The parameter as the shipped file states it, without the city's changes."""
    try:
        return parameters()[name]
    except KeyError:
        raise UnknownParameter(name) from None


def parameter(name: str) -> Parameter:
    """The parameter with its whole history: the file's values and the city's changes."""
    return _merged.get(name) or parameter_in_file(name)


def value_at(name: str, on_date: date) -> Any:
    """The value of parameter ``name`` in force on ``on_date``."""
    return parameter(name).at(on_date)
