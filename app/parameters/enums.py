"""Where a parameter's value comes from."""

from __future__ import annotations

from app.core.enums import Labelled


class Source(Labelled):
    regulation = "regulation", "《办法》及有关规定"
    city = "city", "市保租办政策设置"
