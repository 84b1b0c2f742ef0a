"""Flask CLI commands: ``flask --app wsgi <command>``."""

from __future__ import annotations

from flask import Flask

from portal.cli import access, database


def register_cli(app: Flask) -> None:
    app.cli.add_command(database.db)
    app.cli.add_command(access.users)
    app.cli.add_command(access.api_keys)
    try:
        from portal.cli import seeding
    except ImportError:  # the seed command arrives with the demo-data module
        return
    app.cli.add_command(seeding.seed)
    app.cli.add_command(seeding.demo_info)
