"""The app as gunicorn serves it in ``bench_dashboard.py``, each answer naming the worker that gave it.

``BENCH_BASELINE=1`` puts back the old per-process copy (each worker builds and syncs its own
in-memory DuckDB on first use), for the side-by-side figures.
"""

from __future__ import annotations

import os
from typing import Any

from core.analytics import KpiService, Warehouse
from dashboard import service
from web.extensions import shop
from wsgi import create_app

flask_app = create_app()


class _OwnCopy(Warehouse):
    """The old behaviour: the copy is loaded inside the request that first needs it."""

    def sync(self, *, progress: Any = None) -> int:
        return super().sync(progress=progress)


if os.environ.get("BENCH_BASELINE") == "1":
    flask_app.extensions[service._KEY] = KpiService(_OwnCopy(shop(flask_app).db))


def app(environ: dict[str, Any], start_response: Any) -> Any:
    def named(status: str, headers: list[tuple[str, str]], *rest: Any) -> Any:
        return start_response(status, [*headers, ("X-Worker-Pid", str(os.getpid()))], *rest)

    return flask_app(environ, named)
