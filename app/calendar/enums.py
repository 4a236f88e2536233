"""Kinds of the calendar domain. The calendar has no statuses: a year is known or it is not.

A year's ``source`` says where it came from, with the label the pages show.
"""

from __future__ import annotations

from app.core.enums import Labelled


class YearSource(Labelled):
    package = "chinesecalendar", "随软件发布（chinesecalendar）"  # shipped with the software
    admin = "admin", "管理员录入"  # entered from a State Council notice, overrides the package
