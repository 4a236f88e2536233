"""The law as code: 景府办发〔2022〕3号 turned into pure functions.

Nothing here imports the web framework, the ORM or the ``app`` package (a test enforces it):
every rule takes plain values (dates, Decimals, dataclasses) and returns a :class:`Decision`.
Every number comes from ``parameters.toml`` through :func:`rules.params.value_at`, looked up
at the date the fact happened. Amounts, areas, percentages and periods read the same in
every message: :mod:`rules.format` writes them.
"""

from rules.decision import Decision, Finding

__all__ = ["Decision", "Finding"]
