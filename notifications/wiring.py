"""Building the dispatcher and its adapters from configuration, once per process.

No ``MAIL_SERVER`` means email goes to the local sink; no Twilio credentials means SMS
does. ``TWILIO_API_BASE_URL`` points the real SDK at another host (a local test peer).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

from flask import Flask, current_app
from flask_mail import Mail
from twilio.rest import Client

from core.services.subscriptions import set_sms_opt_out
from core.shop import Shop
from notifications.adapters import Sender, SinkSender, TwilioSms
from notifications.context import Branding
from notifications.dispatcher import Checkpoint, Dispatcher, DispatchSettings
from notifications.links import AppLinks
from notifications.outbound import WebhookSender
from notifications.preparing import Preparer
from notifications.rendering import Renderer
from notifications.smtp import SmtpEmail
from notifications.store import RetryPolicy
from notifications.stores.connected import ConnectedStores
from notifications.stores.delivery import StoreCalls
from notifications.twilio_http import PooledHttpClient, RedirectingHttpClient
from web.extensions import shop
from web.shop_settings import settings as shop_settings

EXTENSION = "shiplog.notifications"

DEFAULTS: dict[str, tuple[str, type]] = {
    # 200 per claim (bench/README.md): four lanes of 50 still finish inside the lease's 48 s sending window
    # unless a provider takes about a second per message (the rest then waits for the lease to end).
    "NOTIFY_BATCH_SIZE": ("200", int),
    "NOTIFY_LEASE_SECONDS": ("60", float),
    "NOTIFY_POLL_SECONDS": ("1.0", float),
    "NOTIFY_MAX_ATTEMPTS": ("8", int),
    "NOTIFY_BACKOFF_BASE_SECONDS": ("30", float),
    "NOTIFY_BACKOFF_CAP_SECONDS": ("3600", float),
    "NOTIFY_SEND_LANES": ("4", int),
    "NOTIFY_INLINE_DISPATCH": ("0", bool),
    "NOTIFY_RQ_QUEUE": ("notifications", str),
    "TWILIO_API_BASE_URL": ("", str),
    "WEBHOOK_TIMEOUT_SECONDS": ("10", float),  # an outbound webhook's receiver must answer within this
    # A refund or cancellation asked of a store (its address and credentials: ``store_connections.access``)
    # that has not answered within this is tried again later.
    "STORE_TIMEOUT_SECONDS": ("10", float),
}


def _cast(raw: str, kind: type) -> Any:
    if kind is bool:
        return raw.strip().lower() in {"1", "true", "yes", "on"}
    return kind(raw)


def configure(app: Flask) -> None:
    """Fill the notification settings from the environment unless the app already has them."""
    for name, (default, kind) in DEFAULTS.items():
        if name not in app.config:
            app.config[name] = _cast(os.environ.get(name) or default, kind)
    app.config.setdefault("MAIL_SUPPRESS_SEND", False)  # flask-mail would drop mail whenever TESTING is on


def settings(config: Mapping[str, Any]) -> DispatchSettings:
    return DispatchSettings(
        batch_size=config["NOTIFY_BATCH_SIZE"],
        lease_seconds=config["NOTIFY_LEASE_SECONDS"],
        poll_seconds=config["NOTIFY_POLL_SECONDS"],
        send_lanes=max(1, config["NOTIFY_SEND_LANES"]),
        retry=RetryPolicy(
            max_attempts=config["NOTIFY_MAX_ATTEMPTS"],
            base_seconds=config["NOTIFY_BACKOFF_BASE_SECONDS"],
            cap_seconds=config["NOTIFY_BACKOFF_CAP_SECONDS"],
        ),
    )


def twilio_client(config: Mapping[str, Any]) -> Client:
    base = config.get("TWILIO_API_BASE_URL")
    http = RedirectingHttpClient(base, timeout=10) if base else PooledHttpClient(timeout=10)
    return Client(config["TWILIO_ACCOUNT_SID"], config["TWILIO_AUTH_TOKEN"], http_client=http)


def build_senders(app: Flask, current: Shop) -> dict[str, Sender]:
    config = app.config
    email: Sender = SinkSender(current.db, config["MAIL_DEFAULT_SENDER"])
    sms: Sender = SinkSender(current.db, config.get("TWILIO_FROM_NUMBER") or "SMS")
    if config.get("MAIL_SERVER"):
        mail = Mail()
        mail.init_app(app)
        email = SmtpEmail(app, mail, config["MAIL_DEFAULT_SENDER"])
    if config.get("TWILIO_ACCOUNT_SID") and config.get("TWILIO_AUTH_TOKEN") and config.get("TWILIO_FROM_NUMBER"):
        sms = TwilioSms(twilio_client(config), config["TWILIO_FROM_NUMBER"])
    return {"email": email, "sms": sms, "webhook": WebhookSender(float(config.get("WEBHOOK_TIMEOUT_SECONDS", 10)))}


def renderer() -> Renderer:
    """The app's compiled-template cache."""
    found = current_app.extensions.get(EXTENSION + ".renderer")
    if found is None:
        found = current_app.extensions[EXTENSION + ".renderer"] = Renderer()
    assert isinstance(found, Renderer)
    return found


def preparer(app: Flask, current: Shop) -> Preparer:
    links = AppLinks(app.config["PUBLIC_BASE_URL"])
    config = app.config

    def branding() -> Branding:
        return Branding.from_settings(shop_settings(app), config)

    def reply_to() -> str | None:
        return config.get("MAIL_REPLY_TO") or shop_settings(app).support_email  # unset: the shop's support address

    return Preparer(current.db, renderer(), links, branding, config["MAIL_DEFAULT_SENDER"], reply_to)


def preparer_for_app() -> Preparer:
    """The preparer previews share with sending (one rendering path)."""
    app: Flask = current_app._get_current_object()  # type: ignore[attr-defined]
    return preparer(app, shop())


def build_dispatcher(app: Flask, checkpoint: Checkpoint | None = None) -> Dispatcher:
    """A dispatcher for the app's shop; call inside an app context."""
    current = shop()

    def opted_out(phone: str) -> None:
        set_sms_opt_out(current, phone, opted_out=True)

    extra = {"checkpoint": checkpoint} if checkpoint is not None else {}
    chosen = settings(app.config)
    return Dispatcher(
        current.db,
        build_senders(app, current),
        preparer(app, current),
        chosen,
        on_opt_out=opted_out,
        store_calls=StoreCalls(
            current, ConnectedStores(current, app.config["STORE_TIMEOUT_SECONDS"]).adapter, chosen.retry
        ),
        **extra,
    )


def dispatcher() -> Dispatcher:
    """The app's shared dispatcher, built on first use."""
    app: Flask = current_app._get_current_object()  # type: ignore[attr-defined]
    found = app.extensions.get(EXTENSION)
    if found is None:
        found = app.extensions[EXTENSION] = build_dispatcher(app)
    assert isinstance(found, Dispatcher)
    return found
