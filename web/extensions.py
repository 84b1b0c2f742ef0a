"""Flask extensions, created once and bound to the app in the factory, and the app's Shop."""

from __future__ import annotations

from flask import Flask, current_app, request
from flask_limiter import Limiter
from flask_login import LoginManager
from flask_wtf.csrf import CSRFProtect
from htmx_flask import Htmx

from core.shop import Shop

SHOP = "shiplog.shop"

csrf = CSRFProtect()
htmx = Htmx()
login_manager = LoginManager()


def client_ip() -> str:
    """The caller's address; X-Forwarded-For is honoured only via ProxyFix (TRUSTED_PROXY_COUNT)."""
    return request.remote_addr or "unknown"


limiter = Limiter(key_func=client_ip, default_limits=[], headers_enabled=True)


def shop(app: Flask | None = None) -> Shop:
    """The Shop (database, gateway, policies) of ``app``, by default the running one."""
    found: Shop = (app or current_app).extensions[SHOP]
    return found


def bind_shop(app: Flask, value: Shop) -> None:
    app.extensions[SHOP] = value
