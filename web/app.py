"""The app factory: the web base (configuration, Shop, extensions, headers, error pages, page shell),
then each feature installed into it, in order."""

from __future__ import annotations

import os
from collections import ChainMap
from collections.abc import Iterable, Mapping
from typing import Any, Protocol

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from core.db import Database
from core.payments import FakeGateway, PaymentGateway
from core.permissions import PermissionTable, parse_permissions
from core.policies import PaymentPolicy
from core.services.store_connections import SECRET_NAMES
from core.shop import Shop
from core.stripe_gateway import StripeGateway
from web import assets, auth, errors, i18n, limit_storage, rendering, security, shop_settings, staffnav, times
from web.config import ROOT, load_config
from web.extensions import bind_shop, csrf, htmx, limiter
from web.sessions import CookieSessions


class Feature(Protocol):
    """A feature package: it registers its blueprints, handlers and commands on the app."""

    def init_app(self, app: Flask) -> None: ...


def build_shop(config: Mapping[str, Any]) -> Shop:
    """The Shop's adapters, built here, once, from configuration. Its return and hold policies follow the
    shop's settings (stored, else the environment's: ``web.shop_settings``)."""
    db = Database(config["DATABASE_URL"])
    return Shop(
        db=db,
        gateway=build_gateway(config),
        payment_policy=PaymentPolicy(capture_at=config.get("PAYMENT_CAPTURE_AT") or "confirmation"),
        permissions=permission_table(config),
        settings=shop_settings.stored(config, db),
    )


def build_gateway(config: Mapping[str, Any]) -> PaymentGateway:
    """The card gateway: the built-in fake (the demo, tests) unless the shop configured Stripe."""
    chosen = config.get("PAYMENT_GATEWAY") or "fake"
    if chosen == "fake":
        return FakeGateway()
    if chosen != "stripe":
        raise ValueError(f"PAYMENT_GATEWAY must be fake or stripe, not {chosen!r}.")
    if not config.get("STRIPE_API_KEY"):
        raise ValueError("PAYMENT_GATEWAY=stripe needs STRIPE_API_KEY.")
    return StripeGateway(config["STRIPE_API_KEY"], api_base=config.get("STRIPE_API_BASE"))


def permission_table(config: Mapping[str, Any]) -> PermissionTable:
    """The default role table with this shop's changes to the staff role."""
    return PermissionTable.for_shop(
        staff_also=parse_permissions(config.get("STAFF_EXTRA_PERMISSIONS"), setting="STAFF_EXTRA_PERMISSIONS"),
        staff_not=parse_permissions(config.get("STAFF_DENIED_PERMISSIONS"), setting="STAFF_DENIED_PERMISSIONS"),
    )


def bind_stores(config: Mapping[str, Any], current: Shop) -> None:
    """The connected stores' credentials as configured, else as the environment holds them: with the stored
    connection, the one source of every store call (``store_connections.access``)."""
    names = {name for platform in SECRET_NAMES.values() for name in platform.values()}
    given = {name: str(config[name]) for name in names if config.get(name)}
    current.store_secrets = ChainMap(given, os.environ)
    current.store_http = dict(config.get("STORE_HTTP_OPTIONS") or {})  # tests: no real sleeping, short timeouts


def _init_extensions(app: Flask) -> None:
    # Counters every worker shares: Redis when there is one, else the app's own database.
    shared = app.config["REDIS_URL"] or limit_storage.DatabaseStorage.STORAGE_SCHEME[0] + "://"
    app.config.setdefault("RATELIMIT_STORAGE_URI", shared)
    # The Limiter object is shared by every app in the process; without an explicit value
    # an app would inherit whatever the previous app chose.
    app.config.setdefault("RATELIMIT_ENABLED", True)
    csrf.init_app(app)
    htmx.init_app(app)
    limiter.init_app(app)
    auth.init_app(app)
    i18n.init_app(app)


def build_app(features: Iterable[Feature], overrides: Mapping[str, Any] | None = None) -> Flask:
    """The app from environment configuration, ``overrides`` winning (tests), with ``features`` installed."""
    app = Flask(__name__, instance_path=str(ROOT / "instance"))
    app.session_interface = CookieSessions()
    app.config.update(load_config(app.instance_path))
    app.config.update(overrides or {})
    if app.config["TRUSTED_PROXY_COUNT"]:
        count = app.config["TRUSTED_PROXY_COUNT"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=count, x_proto=count, x_host=count)  # type: ignore[method-assign]
    assets.check_theme(app.config)  # before the settings take the colours as their defaults
    current = app.config.get("SHOP") or build_shop(app.config)
    bind_shop(app, current)
    bind_stores(app.config, current)
    shop_settings.bind(app, current)
    _init_extensions(app)
    security.install(app)
    errors.install(app)
    rendering.install(app)
    times.install(app)
    staffnav.install(app)
    app.register_blueprint(assets.bp)
    for feature in features:
        feature.init_app(app)
    return app
