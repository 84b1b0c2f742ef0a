"""``flask users create``, ``flask api-keys create`` and ``flask api-keys limit``."""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from core.errors import DomainError
from core.services.access import ROLES, SCOPES, create_api_key, create_staff_user, set_api_key_rate_limit
from portal.api.quota import policies
from web.extensions import shop

DEFAULT = "default"


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


def _rate_limit(text: str | None) -> str | None:
    """``text`` checked as a limit ("600 per minute;20000 per hour"); ``default``/None: the app's."""
    if text is None or text.strip().lower() == DEFAULT:
        return None
    try:
        policies(text.strip())
    except ValueError:
        raise click.BadParameter(f"{text!r} is not a rate limit such as '600 per minute;20000 per hour'.") from None
    return text.strip()


@api_keys.command("create")
@click.option("--scope", type=click.Choice(SCOPES), required=True)
@click.option("--name", default="api key", show_default=True)
@click.option(
    "--rate-limit", help="this key's own limit, e.g. '600 per minute;20000 per hour' (default: API_RATE_LIMIT)"
)
@click.option(
    "--role", type=click.Choice(ROLES), default="staff", show_default=True,
    help="whose permissions the key's writes have (docs/permissions.md)",
)  # fmt: skip
@with_appcontext
def create_key(scope: str, name: str, rate_limit: str | None, role: str) -> None:
    """Create a key and print it once; only its hash is stored."""
    row, key = create_api_key(shop(), name=name, scope=scope, rate_limit=_rate_limit(rate_limit), role=role)
    click.echo(key)
    click.echo(
        f"(prefix {row.prefix}, scope {row.scope}, role {row.role}; store it now, it cannot be shown again)", err=True
    )


@api_keys.command("limit")
@click.argument("prefix")
@click.argument("rate_limit")
@with_appcontext
def limit_key(prefix: str, rate_limit: str) -> None:
    """Give the key with PREFIX its own RATE_LIMIT ('600 per minute;20000 per hour'), or 'default'."""
    chosen = _rate_limit(rate_limit)
    try:
        set_api_key_rate_limit(shop(), prefix=prefix, rate_limit=chosen)
    except DomainError as error:
        raise click.ClickException(error.message) from None
    click.echo(f"{prefix}: {chosen or 'the default (API_RATE_LIMIT)'}")
