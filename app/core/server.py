"""How the service is served: uvicorn's options shared by ``baozu serve`` and the Docker image's
gunicorn worker.

``server_header=False``: no ``server: uvicorn`` header on any response, so the answers do not
tell a scanner which server (and which of its known flaws) to try. ``baozu serve`` passes
:data:`SERVER_OPTIONS` to ``uvicorn.run``; the image runs gunicorn with :class:`UvicornWorker`
(``--worker-class app.core.server.UvicornWorker``), uvicorn's worker with the same options.
"""

from __future__ import annotations

import warnings
from typing import Any, ClassVar

with warnings.catch_warnings():  # uvicorn points to the separate uvicorn-worker package
    warnings.simplefilter("ignore", DeprecationWarning)
    from uvicorn.workers import UvicornWorker as _UvicornWorker

SERVER_OPTIONS: dict[str, Any] = {"server_header": False}


class UvicornWorker(_UvicornWorker):
    """uvicorn's gunicorn worker, without the ``server`` header."""

    CONFIG_KWARGS: ClassVar[dict[str, Any]] = {**_UvicornWorker.CONFIG_KWARGS, **SERVER_OPTIONS}
