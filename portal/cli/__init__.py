"""Flask CLI commands: ``flask --app wsgi <command>`` (the notifications add their own group)."""

from __future__ import annotations

from flask import Flask

from portal.cli import access, analytics, catalog, database, importing, kpis, pages, seeding, setup, stores, webhooks


def register_cli(app: Flask) -> None:
    for command in (
        database.db,
        access.users,
        access.api_keys,
        seeding.seed,
        seeding.demo_info,
        importing.import_orders,
        catalog.catalog,
        webhooks.webhooks,
        kpis.kpis,
        analytics.analytics,
        pages.tracking_pages,
        setup.setup,
        stores.stores_group,
    ):
        app.cli.add_command(command)
