"""Statuses and kinds as ``StrEnum``s that carry their Chinese label, in one place each."""

from __future__ import annotations

from enum import StrEnum
from typing import Any


class Labelled(StrEnum):
    """A ``StrEnum`` whose members are declared with their label for people::

        class LeaseStatus(Labelled):
            active = "active", "履行中"

    ``LeaseStatus.active == "active"``, ``LeaseStatus.active.label == "履行中"``, and
    ``LeaseStatus.labels()`` maps every value to its label (for templates and views).
    """

    label: str

    def __new__(cls, value: str, label: str = "") -> Any:
        member = str.__new__(cls, value)
        member._value_ = value
        member.label = label or value
        return member

    @classmethod
    def labels(cls) -> dict[str, str]:
        return {m.value: m.label for m in cls}

    @classmethod
    def label_of(cls, value: str) -> str:
        """The label of a stored value (the value itself if it is not a member)."""
        try:
            return cls(value).label
        except ValueError:
            return value
