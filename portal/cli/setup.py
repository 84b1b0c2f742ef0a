"""``flask setup``: a new shop's first manager and its settings, from flags or, with none, by asking.

Bad input (a time zone, currency, email or password the rules refuse) is named flag by flag and exits with 2,
having written nothing; a shop that already has a manager is refused (exit 1) unless ``--force-settings``.
``--check`` only says whether the shop is set up (exit 0) or not (exit 3): ``make run`` asks it.
"""

from __future__ import annotations

from collections.abc import Callable

import click
from flask import current_app
from flask.cli import with_appcontext

from core.domain.commands import normalise_email
from core.errors import DomainError
from core.services.settings import is_set_up, set_up
from core.settings import BY_KEY, InvalidSettings
from web.extensions import shop
from web.shop_settings import settings

BAD_INPUT, REFUSED, NOT_SET_UP = 2, 1, 3
# flag -> setting; the first five are what a shop must answer, the others keep their defaults unless given.
FLAGS = {
    "shop_name": "shop_name",
    "timezone": "timezone",
    "currency": "currency",
    "return_address": "return_address",
    "support_email": "support_email",
    "return_window_days": "return_window_days",
    "hold_threshold": "fraud_score_threshold",
}
REQUIRED = ("manager_email", "password", "shop_name", "timezone", "currency")
ASKED = ("shop_name", "timezone", "currency", "return_address", "return_window_days")


def _checked(key: str) -> Callable[[str], str]:
    """A prompt's answer checked by the setting's own rule (``core.settings``), asked again when refused."""

    def check(text: str) -> str:
        try:
            BY_KEY[key].parse(text)
        except ValueError as refused:
            raise click.BadParameter(str(refused)) from None
        return text

    return check


def _email(text: str) -> str:
    try:
        return normalise_email(text)
    except DomainError as refused:
        raise click.BadParameter(refused.message) from None


def _ask() -> dict[str, str | None]:
    """Every answer, each checked as it is typed; the password hidden and typed twice."""
    answers: dict[str, str | None] = {"manager_email": click.prompt("Manager's email", value_proc=_email)}
    answers["password"] = click.prompt("Password (10 characters or more)", hide_input=True, confirmation_prompt=True)
    for flag in ASKED:
        setting = BY_KEY[FLAGS[flag]]
        shown = settings().value_text(setting.key)  # a new shop's: the environment's defaults
        optional = flag == "return_address"
        answers[flag] = click.prompt(
            setting.label + (" (optional; lines separated by ;)" if optional else ""),
            default=shown or ("" if optional else None),
            show_default=bool(shown),
            value_proc=_checked(setting.key),
        )
    answers["support_email"] = click.prompt("Support email", default=answers["manager_email"], value_proc=_email)
    return answers


def _next_steps() -> None:
    base = current_app.config["PUBLIC_BASE_URL"]
    click.echo(f"Sign in at {base}/staff/ ; change branding and policy at {base}/staff/settings")
    click.echo("Next: create an API key (flask --app wsgi api-keys create --scope write) and connect your store:")
    click.echo("docs/going-live.md walks through it step by step.")


def _fail(ctx: click.Context, code: int, lines: list[str]) -> None:
    for line in lines:
        click.echo(f"Error: {line}", err=True)
    ctx.exit(code)


@click.command("setup")
@click.option("--manager-email", help="the first manager's email (they sign in with it)")
@click.option("--password", help="the manager's password, 10 characters or more (asked, hidden, when not given)")
@click.option("--shop-name")
@click.option("--timezone", help="an IANA time zone, e.g. Europe/Berlin")
@click.option("--currency", help="an ISO 4217 code, e.g. EUR")
@click.option("--return-address", help="where returns go; lines separated by ;")
@click.option("--support-email", help="shown to customers and the Reply-To of emails (default: the manager's)")
@click.option("--return-window-days")
@click.option("--hold-threshold", help="orders whose fraud score is above it wait for review")
@click.option("--force-settings", is_flag=True, help="save the settings on a shop that is already set up")
@click.option("--check", is_flag=True, help="only say whether the shop is set up (exit 0) or not (exit 3)")
@click.pass_context
@with_appcontext
def setup(ctx: click.Context, force_settings: bool, check: bool, **given: str | None) -> None:
    """Set a new shop up: its first manager and its settings (asks for them when no flag is given)."""
    if check:
        done = is_set_up(shop())
        click.echo("set up" if done else "not set up: run flask --app wsgi setup")
        ctx.exit(0 if done else NOT_SET_UP)
    answers = given if any(v is not None for v in given.values()) else _ask()
    missing = [f"--{name.replace('_', '-')}" for name in REQUIRED if not answers.get(name)]
    if missing:
        _fail(ctx, BAD_INPUT, [f"missing {', '.join(missing)} (or give no flags to be asked)."])
    raw = {FLAGS[flag]: value for flag, value in answers.items() if flag in FLAGS and value is not None}
    raw.setdefault("support_email", str(answers["manager_email"]))
    try:
        user = set_up(shop(), manager_email=str(answers["manager_email"]), password=str(answers["password"]),
                      raw=raw, force=force_settings)  # fmt: skip
    except InvalidSettings as refused:
        flag = {setting: f"--{name.replace('_', '-')}" for name, setting in FLAGS.items()}
        _fail(ctx, BAD_INPUT, [f"{flag.get(key, key)}: {message}" for key, message in refused.errors.items()])
    except DomainError as refused:
        if refused.field == "force":
            _fail(ctx, REFUSED, [refused.message])
        flag = "--manager-email" if refused.field == "email" else f"--{(refused.field or 'input').replace('_', '-')}"
        _fail(ctx, BAD_INPUT, [f"{flag}: {refused.message}"])
    else:
        click.echo(f"Set up {raw['shop_name']}: manager {user.email}, settings saved.")
        _next_steps()
