"""The Jinja2 environment shared by every page."""

from fastapi.templating import Jinja2Templates

from app import PROJECT_ROOT

templates = Jinja2Templates(directory=str(PROJECT_ROOT / "templates"))
