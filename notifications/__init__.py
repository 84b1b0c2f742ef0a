"""Notifications: render and deliver the outbox by email and SMS. None is lost, and a crash repeats at most one
message per send lane (see ``sendlog``); the local sink alone delivers exactly once.

``init_app`` reads the settings, registers the web endpoints (unsubscribe, subscription confirmation, Twilio callbacks,
staff mailbox, previews and dead messages) and the ``flask notifications`` commands. Dispatch runs in a
companion process (``flask notifications work``, started by ``scripts/run.sh``) or, with
``NOTIFY_INLINE_DISPATCH=1``, in a background thread of each web process.
"""

from __future__ import annotations

from flask import Flask

from web.extensions import csrf
from web.i18n import localise


def init_app(app: Flask) -> None:
    """Wire the notification adapters, routes and commands into the app."""
    from notifications import cli, cli_webhooks, digests, inline, wiring
    from notifications.web import staff, subscriptions, twilio_hooks, unsubscribe, webhooks

    wiring.configure(app)
    for blueprint in (unsubscribe.bp, subscriptions.bp, twilio_hooks.bp, staff.bp, webhooks.bp):
        app.register_blueprint(blueprint)
    localise(app, unsubscribe.bp, subscriptions.bp)  # pages a customer or subscriber opens from a message
    staff.add_to_menu(app)
    webhooks.add_to_menu(app)
    # Signed by Twilio or by our own unsubscribe / confirmation token, and posted by parties holding no CSRF token.
    csrf.exempt(twilio_hooks.bp)
    csrf.exempt(unsubscribe.unsubscribe_now)
    csrf.exempt(subscriptions.confirm_now)
    app.cli.add_command(cli.group)
    app.cli.add_command(cli_webhooks.group)
    app.cli.add_command(digests.group)
    if app.config["NOTIFY_INLINE_DISPATCH"] and not app.testing:
        inline.install(app)
