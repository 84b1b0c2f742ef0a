"""The app as gunicorn serves it in ``bench_dashboard.py``, each answer naming the worker that gave it.

``BENCH_BASELINE=1`` puts back the old per-process copy (each worker builds and syncs its own
in-memory DuckDB on first use), for the side-by-side figures; ``ANALYTICS_VIEWS=local`` (no code here)
is the store's first design, each worker computing its views on the published file.
"""

from __future__ import annotations

import os
from typing import Any

from core.analytics import Warehouse
from core.analytics.views import LocalAnalytics
from dashboard import service
from web.extensions import shop
from wsgi import create_app

flask_app = create_app()


class _OwnCopy(Warehouse):
    """The old behaviour: the copy is loaded inside the request that first needs it."""

    def sync(self, *, progress: Any = None) -> int:
        return super().sync(progress=progress)


if os.environ.get("BENCH_BASELINE") == "1":
    flask_app.extensions[service._KEY] = LocalAnalytics(_OwnCopy(shop(flask_app).db))  # type: ignore[arg-type]


def app(environ: dict[str, Any], start_response: Any) -> Any:
    def named(status: str, headers: list[tuple[str, str]], *rest: Any) -> Any:
        return start_response(status, [*headers, ("X-Worker-Pid", str(os.getpid()))], *rest)

    return flask_app(environ, named)
