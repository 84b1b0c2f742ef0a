"""``flask users create`` and ``flask api-keys create``."""

from __future__ import annotations

import click

from core.errors import DomainError
from core.services.access import ROLES, SCOPES, create_api_key, create_staff_user
from web.extensions import shop


@click.group()
def users() -> None:
    """Staff accounts."""


@users.command("create")
@click.option("--email", required=True)
@click.option("--role", type=click.Choice(ROLES), default="staff", show_default=True)
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True)
def create_user(email: str, role: str, password: str) -> None:
    """Create a staff user (asks for the password unless --password is given)."""
    try:
        user = create_staff_user(shop(), email=email, password=password, role=role)
    except DomainError as error:
        raise click.ClickException(error.message) from None
    click.echo(f"created {user.role} {user.email}")


@click.group("api-keys")
def api_keys() -> None:
    """API keys for /api/v1."""


@api_keys.command("create")
@click.option("--scope", type=click.Choice(SCOPES), required=True)
@click.option("--name", default="api key", show_default=True)
def create_key(scope: str, name: str) -> None:
    """Create a key and print it once; only its hash is stored."""
    row, key = create_api_key(shop(), name=name, scope=scope)
    click.echo(key)
    click.echo(f"(prefix {row.prefix}, scope {row.scope}; store it now, it cannot be shown again)", err=True)
