"""The manager dashboard (Dash), mounted on the Flask server under /dashboard/."""

from __future__ import annotations

from flask import Flask

from web.errors import serve_problems_under


def init_app(app: Flask) -> None:
    """Mount the Dash app on ``app`` behind staff login, with its JSON/CSV endpoints."""
    from dashboard import api, guard, weight
    from dashboard.app import build

    guard.install(app)
    if app.config.get("DASHBOARD_COMPRESS_ASSETS", True):  # bench/bench_dashboard_weight.py compares
        weight.install(app)
    app.register_blueprint(api.bp)
    serve_problems_under(app, "/dashboard/api/")  # JSON endpoints: errors as problem+json too
    app.extensions["shiplog.dash"] = build(app)
