"""The customer portal, staff hub, JSON API, store and carrier webhooks, and the command line."""

from __future__ import annotations

from flask import Flask

from web.errors import serve_problems_under
from web.i18n import localise


def init_app(app: Flask) -> None:
    """Register the portal's pages, API, webhooks and ``flask`` commands on ``app``."""
    from portal import api, auth, customer, staff, webhooks
    from portal.cli import register_cli

    for blueprint in (auth.bp, customer.bp, staff.bp, api.bp, webhooks.bp):
        app.register_blueprint(blueprint)
    staff.init_app(app)
    serve_problems_under(app, "/api/", "/webhooks/")  # machine clients: answer problem+json
    localise(app, customer.bp)  # the customer's pages speak their language; staff's stay English
    register_cli(app)
    customer.stored.install(app)  # stored tracking pages answered before the stack (portal.customer.stored)
