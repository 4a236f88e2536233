"""The Jinja2 environment shared by every page and document (``templates/``).

Besides Starlette's ``url_for`` the templates get ``path(name, **params)``: the path (not the
absolute URL) of a named route, and the filters ``local_time``, ``day`` and ``money``. The
pages add the navigation (``app/web/core.py``: ``has_route``, ``nav_for``).
"""

from datetime import date, datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from fastapi.templating import Jinja2Templates
from jinja2 import pass_context

from app import PROJECT_ROOT

templates = Jinja2Templates(directory=str(PROJECT_ROOT / "templates"))


@pass_context
def path(context: Any, name: str, /, **params: Any) -> str:
    return str(context["request"].app.url_path_for(name, **params))


def local_time(value: datetime | None) -> str:
    """A timestamp as people in Jingdezhen read it (Asia/Shanghai), to the minute."""
    if value is None:
        return ""
    from app.core.config import get_settings

    return value.astimezone(ZoneInfo(get_settings().timezone)).strftime("%Y-%m-%d %H:%M")


def day(value: date | datetime | None) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return local_time(value)[:10]
    return value.isoformat()


def money(value: Decimal | str | int | None) -> str:
    if value is None or value == "":
        return ""
    return f"{Decimal(value):,.2f}"


templates.env.globals.update(path=path)
templates.env.filters.update(local_time=local_time, day=day, money=money)
