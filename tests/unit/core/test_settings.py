"""The settings' rules (no database): each value checked in one place, the environment's defaults, stored rows."""

from __future__ import annotations

import pytest

from core import contrast
from core.settings import DEFAULTS, InvalidSettings, check_defaults, defaults_from, from_rows, parse_values


def test_good_values_are_read_into_their_types() -> None:
    values = parse_values({
        "shop_name": " Harbour ", "primary_color": "#0B3D2E", "support_email": "Help@Harbour.example",
        "return_window_days": "14", "returns_auto_approve": "no", "timezone": "Europe/Berlin", "currency": "eur",
        "support_phone": "+49 40 555 0100", "logo_url": "", "return_address": "Kai 4\nHamburg",
    })  # fmt: skip
    assert values == {
        "shop_name": "Harbour", "primary_color": "#0b3d2e", "support_email": "help@harbour.example",
        "return_window_days": 14, "returns_auto_approve": False, "timezone": "Europe/Berlin", "currency": "EUR",
        "support_phone": "+49 40 555 0100", "logo_url": None, "return_address": "Kai 4\nHamburg",
    }  # fmt: skip


def test_every_refused_value_is_named_at_once() -> None:
    with pytest.raises(InvalidSettings) as refused:
        parse_values({"restocking_fee_bps": "10001", "currency": "ABC", "shop_name": "ok", "nope": "x"})
    assert set(refused.value.errors) == {"restocking_fee_bps", "currency", "nope"}
    assert refused.value.errors["restocking_fee_bps"] == "The restocking fee must be from 0 to 10000, not 10001."


def test_a_colour_that_does_not_read_is_refused_with_the_nearest_that_does() -> None:
    with pytest.raises(InvalidSettings) as refused:
        parse_values({"primary_color": "#ffcc00"})
    message = refused.value.errors["primary_color"]
    suggested = message.rsplit(" ", 1)[1].rstrip(".")
    assert "against #f4f6f9" in message
    assert min(contrast.ratio(suggested, c) for c in ("#ffffff", "#f4f6f9")) >= 4.5


def test_the_environment_gives_the_defaults_and_a_bad_one_is_reported_not_used() -> None:
    env = {"SHOP_NAME": "Harbour", "RETURN_WINDOW_DAYS": 14, "RETURNS_AUTO_APPROVE": False, "SHOP_TIMEZONE": "Nowhere"}
    found = defaults_from(env)
    assert (found.shop_name, found.return_window_days, found.returns_auto_approve) == ("Harbour", 14, False)
    assert found.timezone == DEFAULTS.timezone
    assert check_defaults(env) == [
        "SHOP_TIMEZONE: 'Nowhere' is not an IANA time zone, such as Europe/Berlin or America/Chicago. "
        "Using America/New_York."
    ]


def test_stored_rows_win_over_the_defaults_and_an_unreadable_row_is_ignored() -> None:
    base = defaults_from({"SHOP_NAME": "Env name", "SHOP_LOGO_URL": "https://x.example/l.png"})
    found = from_rows(base, {"shop_name": "Stored", "return_window_days": "x", "logo_url": None, "gone": "1"})
    assert (found.shop_name, found.return_window_days, found.logo_url) == ("Stored", 30, None)
    assert found.return_policy().window_days == 30
    assert found.hold_policy().fraud_score_threshold == 75
