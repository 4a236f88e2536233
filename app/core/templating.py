"""The Jinja2 environment shared by every page.

Besides Starlette's ``url_for`` the templates get ``path(name, **params)``: the path (not the
absolute URL) of a named route, and ``has_route(name)``: whether a page route of that name is
registered (the navigation names pages other modules may add later, see
``app/web/README-pages.md``); and the filters ``local_time``, ``day`` and ``money``.
"""

from datetime import date, datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from fastapi.templating import Jinja2Templates
from jinja2 import pass_context
from starlette.routing import NoMatchFound

from app import PROJECT_ROOT

templates = Jinja2Templates(directory=str(PROJECT_ROOT / "templates"))


@pass_context
def path(context: Any, name: str, /, **params: Any) -> str:
    return str(context["request"].app.url_path_for(name, **params))


@pass_context
def has_route(context: Any, name: str) -> bool:
    """Whether a page route (not an API route) called ``name`` is registered."""
    from fastapi.routing import iter_route_contexts

    from app.web.core import PageRoute

    app = context["request"].app
    if not any(isinstance(c.original_route, PageRoute) and c.original_route.name == name
               for c in iter_route_contexts(app.routes)):
        return False
    try:
        app.url_path_for(name)
    except NoMatchFound:  # it needs path parameters: not a menu entry
        return False
    return True


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


templates.env.globals.update(path=path, has_route=has_route)
templates.env.filters.update(local_time=local_time, day=day, money=money)


def _register_navigation() -> None:
    from app.web.nav import PUBLIC, nav_for

    templates.env.globals.update(nav_for=nav_for, public_nav=PUBLIC)


_register_navigation()
