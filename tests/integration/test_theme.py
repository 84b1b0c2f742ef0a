"""The shop's colours are checked for contrast when the app starts: a warning, then an accessible colour
in the theme stylesheet and in the messages' branding."""

from __future__ import annotations

import logging

import pytest

from core import contrast
from core.shop import Shop


def _app(app_shop: Shop, **colours: str):  # type: ignore[no-untyped-def]
    from wsgi import create_app

    config = {
        "SHOP": app_shop,
        "DATABASE_URL": app_shop.db.url,
        "SECRET_KEY": "t",
        "RATELIMIT_STORAGE_URI": "memory://",
    }
    return create_app(config | colours)


def test_unreadable_shop_colours_are_logged_and_replaced(app_shop: Shop, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger="shiplog.theme"):
        app = _app(app_shop, SHOP_PRIMARY_COLOR="#ffcc00", SHOP_ACCENT_COLOR="#333333")

    warnings = [r.getMessage() for r in caplog.records if r.name == "shiplog.theme"]
    assert len(warnings) == 2
    assert warnings[0].startswith("SHOP_PRIMARY_COLOR #ffcc00 has a contrast of 1.4")
    assert warnings[1].startswith("SHOP_ACCENT_COLOR #333333 has a contrast of 1.40:1 against #111827")
    brand, accent = app.config["SHOP_PRIMARY_COLOR"], app.config["SHOP_ACCENT_COLOR"]
    assert contrast.ratio(brand, "#ffffff") >= 4.5
    assert contrast.ratio(brand, "#f4f6f9") >= 4.5
    assert contrast.ratio(accent, "#111827") >= 4.5
    css = app.test_client().get("/theme.css").get_data(as_text=True)
    assert css == f":root{{--brand:{brand};--accent:{accent}}}"


def test_readable_and_malformed_colours(app_shop: Shop, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger="shiplog.theme"):
        app = _app(app_shop, SHOP_PRIMARY_COLOR="#0b3d2e", SHOP_ACCENT_COLOR="url(x)")
    assert app.config["SHOP_PRIMARY_COLOR"] == "#0b3d2e"
    assert app.config["SHOP_ACCENT_COLOR"] == "#f2a900"
    assert [r.getMessage() for r in caplog.records if r.name == "shiplog.theme"] == [
        "SHOP_ACCENT_COLOR 'url(x)' is not a #rgb or #rrggbb colour; using #f2a900 instead"
    ]


def test_browsers_asking_for_a_favicon_get_no_404(client) -> None:  # type: ignore[no-untyped-def]
    assert client.get("/favicon.ico").status_code == 204
