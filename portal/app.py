"""The Flask application factory: one app serves the portal, staff hub, API, webhooks and dashboard."""

from __future__ import annotations

from typing import Any

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from portal import errors, security
from portal.config import ROOT, load_config
from portal.extensions import bind_shop, csrf, htmx, limiter, login_manager
from portal.wiring import build_shop


def _init_extensions(app: Flask) -> None:
    app.config.setdefault("RATELIMIT_STORAGE_URI", app.config["REDIS_URL"] or "memory://")
    # The Limiter object is shared by every app in the process; without an explicit value
    # an app would inherit whatever the previous app chose.
    app.config.setdefault("RATELIMIT_ENABLED", True)
    csrf.init_app(app)
    htmx.init_app(app)
    limiter.init_app(app)
    login_manager.init_app(app)


def _register_blueprints(app: Flask) -> None:
    from portal import api, assets, auth, customer, staff, webhooks

    for blueprint in (assets.bp, auth.bp, customer.bp, staff.bp, api.bp, webhooks.bp):
        app.register_blueprint(blueprint)


def _register_features(app: Flask) -> None:
    import dashboard
    import notifications
    from portal.cli import register_cli

    notifications.init_app(app)
    dashboard.init_app(app)
    register_cli(app)


def create_app(overrides: dict[str, Any] | None = None) -> Flask:
    """Build the app from environment configuration, with ``overrides`` winning (tests)."""
    app = Flask(__name__, instance_path=str(ROOT / "instance"), static_folder="static")
    app.config.update(load_config(app.instance_path))
    app.config.update(overrides or {})
    if app.config["TRUSTED_PROXY_COUNT"]:
        count = app.config["TRUSTED_PROXY_COUNT"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=count, x_proto=count, x_host=count)  # type: ignore[method-assign]
    bind_shop(app, app.config.get("SHOP") or build_shop(app.config))
    _init_extensions(app)
    security.install(app)
    errors.install(app)
    _register_blueprints(app)
    _register_features(app)
    return app
