"""The two WSGI apps that ``bench_tracking.py`` serves with gunicorn, with the same settings.

* ``bare_app()``: a bare Flask app (not Shiplog's factory) answering one constant 4 KB page:
  the yardstick of issue 14 §5.
* ``shiplog_app()``: Shiplog's production app exactly as ``gunicorn wsgi:app`` builds it (its
  process settings included), with rate limits off (all load comes from one address), plus a
  constant page of the same size on Shiplog's own stack, the tracking page's reads answered
  with that constant page (to split a cold page's cost), and a route that reports this
  worker's tracking-page cache counters, so the bench can say how cold a run really was.

This file is imported by gunicorn from ``bench/`` on the path, with the code under test (this
checkout or another one, ``--code``) as the working directory, so the same apps serve old and
new code alike.
"""

from __future__ import annotations

import json
import os
from typing import Any

CONSTANT_PATH = "/bench/constant"
CACHE_PATH = "/bench/cache"
PID_PATH = "/bench/pid"  # which worker answered: the bench waits until every worker has booted
READS_PATH = "/bench/reads/"  # + a tracking number: the page's reads, then the constant page (no render)


def _body() -> bytes:
    return b"x" * int(os.environ.get("BENCH_CONSTANT_BYTES", "4096"))


def bare_app() -> Any:
    """Flask and nothing else: one route, one constant body."""
    from flask import Flask, Response

    app = Flask("bare")
    body = _body()

    @app.get(CONSTANT_PATH)
    def constant() -> Response:
        return Response(body, mimetype="text/html")

    app.add_url_rule(PID_PATH, "pid", _pid)
    return app


def _pid() -> str:
    return str(os.getpid())


def _key(engine: Any, number: str) -> Any:
    """The view's first read, in the served code's version: the key with any page stored ahead (now),
    or the key alone (before pages were rendered ahead)."""
    from datetime import date

    from core.queries import tracking

    if hasattr(tracking, "tracking_lookup"):
        return tracking.tracking_lookup(engine, number, "en", date.today())
    return tracking.tracking_key(engine, number)


def shiplog_app() -> Any:
    """``wsgi.app`` (the production app and process settings), built with rate limits off."""
    from flask import Response

    import wsgi

    factory = wsgi.create_app
    # wsgi builds its production app through the module's own ``create_app``: wrap it so the
    # one override the bench needs reaches that very build, whatever the code's version.
    wsgi.create_app = lambda overrides=None: factory({**(overrides or {}), "RATELIMIT_ENABLED": False})
    app = wsgi.app
    body = _body()

    @app.get(CONSTANT_PATH)
    def constant() -> Response:
        return Response(body, mimetype="text/html")

    app.add_url_rule(PID_PATH, "bench_pid", _pid)

    @app.get(READS_PATH + "<number>")
    def reads_only(number: str) -> Response:
        """What a first view reads (the key, then the parcel and its public events), without the
        render: the bench's split of a cold page's cost between reading and rendering."""
        from core.queries.tracking import tracking_view
        from web.extensions import shop

        engine = shop().db.engine
        if _key(engine, number) is None or tracking_view(engine, number) is None:
            return Response("unknown", status=404)
        return Response(body, mimetype="text/html")

    @app.get(CACHE_PATH)
    def cache_counters() -> Response:
        cache = app.extensions.get("customer.parcels")
        found = {"pid": os.getpid(), "hits": getattr(cache, "hits", 0), "misses": getattr(cache, "misses", 0)}
        return Response(json.dumps(found), mimetype="application/json")

    return app
