"""``flask db upgrade|downgrade|revision|current``: Alembic migrations."""

from __future__ import annotations

import click
from flask import current_app

from core import migrations


def _url() -> str:
    return str(current_app.config["DATABASE_URL"])


@click.group()
def db() -> None:
    """Database schema migrations."""


@db.command()
@click.argument("revision", default="heads")
def upgrade(revision: str) -> None:
    """Migrate the schema up to REVISION (default: all heads)."""
    migrations.upgrade(_url(), revision)
    click.echo("database is up to date")


@db.command()
@click.argument("revision")
def downgrade(revision: str) -> None:
    """Migrate the schema down to REVISION."""
    migrations.downgrade(_url(), revision)


@db.command()
@click.option("-m", "--message", required=True)
@click.option("--autogenerate/--empty", default=True)
def revision(message: str, autogenerate: bool) -> None:
    """Write a new migration from the difference between models and schema."""
    migrations.revision(_url(), message, autogenerate)


@db.command()
def current() -> None:
    """Show the schema's current revision."""
    migrations.current(_url())
