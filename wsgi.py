"""The composition root: the one place that knows every feature. ``gunicorn wsgi:app`` or ``flask --app wsgi ...``.

``create_app`` installs the portal, the notifications and the dashboard into the web base.
``app``, the production app, is built on first access, so importing ``create_app`` (tests, benches)
builds nothing.
"""

from __future__ import annotations

import atexit
import gc
from collections.abc import Mapping
from typing import Any

from flask import Flask

import dashboard
import notifications
import portal
from web.app import build_app

FEATURES = (portal, notifications, dashboard)


def create_app(overrides: Mapping[str, Any] | None = None) -> Flask:
    """The whole app from environment configuration, ``overrides`` winning (tests)."""
    return build_app(FEATURES, overrides)


def _production_app() -> Flask:
    app = create_app()
    # Everything built so far (the app, SQLAlchemy's and Dash's registries) lives as long as the
    # process: keep it out of the cycle collector, whose full passes would otherwise walk it all
    # again and again during big requests such as a 1000-event batch. Given back at exit, so
    # shutdown still frees it (native extensions otherwise report it as leaked).
    gc.freeze()
    atexit.register(gc.unfreeze)
    # Big requests make tens of thousands of objects that live until they end: at the default
    # threshold (700) the young generation is collected dozens of times per request (bench/README.md).
    gc.set_threshold(50_000, 20, 100)
    return app


def __getattr__(name: str) -> Any:
    if name == "app":
        app = globals()["app"] = _production_app()  # built once; later reads find the global
        return app
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
