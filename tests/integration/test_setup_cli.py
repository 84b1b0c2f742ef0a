"""``flask setup``: the first manager and the shop's settings from flags or answers; bad input named by its
flag (exit 2) with nothing written; a set-up shop refused (exit 1) unless ``--force-settings``."""

from __future__ import annotations

import pytest
from click.testing import Result
from flask import Flask
from sqlalchemy import select

from core.db import Database
from core.models import Event, ShopSetting, StaffUser
from core.payments import FakeGateway
from core.services.access import authenticate
from core.shop import Shop
from tests.conftest import make_test_app

FLAGS = ["--manager-email", "Owner@Harbour.example", "--password", "a long enough password", "--shop-name", "Harbour"]


@pytest.fixture
def app(database: Database) -> Flask:
    return make_test_app(Shop(db=database, gateway=FakeGateway()))  # type: ignore[no-any-return]


def setup(app: Flask, *args: str, answers: str | None = None) -> Result:
    return app.test_cli_runner().invoke(args=["setup", *args], input=answers)


def written(app: Flask) -> tuple[list[str], dict[str, str | None], int]:
    with app.extensions["shiplog.shop"].db.read() as session:
        users = [f"{u.role} {u.email}" for u in session.scalars(select(StaffUser))]
        rows = dict(session.execute(select(ShopSetting.key, ShopSetting.value)).tuples().all())
        events = len(list(session.scalars(select(Event.id).where(Event.type == "settings.changed"))))
    return users, rows, events


def test_flags_make_the_manager_and_store_the_settings(app: Flask) -> None:
    result = setup(app, *FLAGS, "--timezone", "Europe/Berlin", "--currency", "eur", "--return-address",
                   "Harbour Returns; Kai 4; Hamburg", "--return-window-days", "14", "--hold-threshold", "60")  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "http://localhost/staff/settings" in result.output
    users, rows, events = written(app)
    assert users == ["manager owner@harbour.example"]
    assert events == 1
    assert rows == {"shop_name": "Harbour", "timezone": "Europe/Berlin", "currency": "EUR",
                    "return_address": "Harbour Returns; Kai 4; Hamburg", "return_window_days": "14",
                    "fraud_score_threshold": "60", "support_email": "owner@harbour.example"}  # fmt: skip
    shop = app.extensions["shiplog.shop"]
    assert authenticate(shop, "owner@harbour.example", "a long enough password") is not None
    assert shop.hold_policy.fraud_score_threshold == 60
    assert shop.currency == "EUR"
    assert setup(app, "--check").exit_code == 0


@pytest.mark.parametrize(
    ("args", "named"),
    [
        (["--timezone", "Berlin", "--currency", "EUR"], "--timezone: 'Berlin' is not an IANA time zone"),
        (["--timezone", "UTC", "--currency", "EUX"], "--currency: 'EUX' is not an ISO 4217 currency code"),
        (["--timezone", "UTC", "--currency", "EUR", "--support-email", "help@"], "--support-email: That email"),
        (["--timezone", "UTC", "--currency", "EUR", "--return-window-days", "-1"], "--return-window-days: The return"),
        (["--timezone", "UTC"], "missing --currency"),
    ],
)
def test_bad_input_is_named_by_its_flag_exits_2_and_writes_nothing(app: Flask, args: list[str], named: str) -> None:
    result = setup(app, *FLAGS, *args)
    assert result.exit_code == 2
    assert named in result.output
    assert written(app) == ([], {}, 0)


def test_a_password_the_account_rules_refuse_leaves_no_settings_behind(app: Flask) -> None:
    flags = [*FLAGS[:3], "short", *FLAGS[4:], "--timezone", "UTC", "--currency", "EUR"]
    result = setup(app, *flags)
    assert result.exit_code == 2
    assert "--password: Passwords need at least 10 characters." in result.output
    assert written(app) == ([], {}, 0)


def test_a_set_up_shop_is_refused_unless_forced(app: Flask) -> None:
    assert setup(app, *FLAGS, "--timezone", "UTC", "--currency", "EUR").exit_code == 0
    again = setup(app, *FLAGS[:4], "--shop-name", "Other", "--timezone", "UTC", "--currency", "EUR")
    assert again.exit_code == 1
    assert "already set up" in again.output
    assert written(app)[1]["shop_name"] == "Harbour"

    forced = setup(
        app, *FLAGS[:4], "--shop-name", "Other", "--timezone", "UTC", "--currency", "EUR", "--force-settings"
    )
    assert forced.exit_code == 0, forced.output
    users, rows, events = written(app)
    assert users == ["manager owner@harbour.example"]
    assert rows["shop_name"] == "Other"
    assert events == 2


def test_with_no_flags_it_asks_and_asks_again_after_a_refused_answer(app: Flask) -> None:
    answers = "\n".join([
        "owner@harbour.example", "a long enough password", "a long enough password",
        "Harbour", "Berlin", "Europe/Berlin", "EUR", "Harbour Returns; Kai 4", "14", "",
    ]) + "\n"  # fmt: skip
    result = setup(app, answers=answers)
    assert result.exit_code == 0, result.output
    assert "is not an IANA time zone" in result.output  # "Berlin" refused, asked again
    assert "a long enough password" not in result.output  # hidden
    users, rows, _ = written(app)
    assert users == ["manager owner@harbour.example"]
    assert (rows["timezone"], rows["return_window_days"], rows["support_email"]) == (
        "Europe/Berlin",
        "14",
        "owner@harbour.example",
    )
