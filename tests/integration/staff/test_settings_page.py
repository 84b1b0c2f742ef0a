"""The shop's settings page: managers only, every change audited, refused values named field by field (422,
nothing saved), and a save read by every page and every worker without a restart."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from core.db import Database
from core.models import Event, ShopSetting
from core.payments import FakeGateway
from core.shop import Shop
from tests.conftest import make_test_app
from tests.integration.staff.conftest import csrf_token

GOOD = {
    "shop_name": "Harbour Coffee",
    "logo_url": "https://cdn.example.com/logo.png",
    "primary_color": "#0b3d2e",
    "accent_color": "#f2a900",
    "support_email": "help@harbour.example",
    "support_phone": "+49 40 555 0100",
    "return_address": "Harbour Coffee Returns\nKai 4\n20457 Hamburg",
    "return_window_days": "14",
    "restocking_fee_bps": "500",
    "fraud_score_threshold": "60",
    "timezone": "Europe/Berlin",
    "returns_auto_approve": "no",  # the box's hidden "no": unticked
}


@pytest.fixture
def app_shop(database: Database) -> Shop:
    return Shop(db=database, gateway=FakeGateway())


def save(client: FlaskClient, form: dict[str, str], *, htmx: bool = False):  # type: ignore[no-untyped-def]
    data = {"csrf_token": csrf_token(client, "/staff/settings"), **form}
    return client.post("/staff/settings", data=data, headers={"HX-Request": "true"} if htmx else {})


def stored(shop: Shop) -> dict[str, str | None]:
    with shop.db.read() as session:
        return dict(session.execute(select(ShopSetting.key, ShopSetting.value)).tuples().all())


def audit(shop: Shop) -> list[Event]:
    with shop.db.read() as session:
        return list(session.scalars(select(Event).where(Event.type == "settings.changed").order_by(Event.id)))


def test_a_manager_saves_and_every_page_shows_it_at_once(manager_client: FlaskClient, app_shop: Shop) -> None:
    assert 'href="/staff/settings"' in manager_client.get("/staff/").get_data(as_text=True)
    page = manager_client.get("/staff/settings").get_data(as_text=True)
    assert 'value="Shiplog Demo Store"' in page
    assert "No changes yet" in page

    response = save(manager_client, GOOD)

    assert response.status_code == 303
    assert stored(app_shop)["shop_name"] == "Harbour Coffee"
    assert stored(app_shop)["returns_auto_approve"] == "false"
    (event,) = audit(app_shop)
    assert (event.actor_type, event.actor_id, event.visibility) == ("staff", "manager@example.com", "internal")
    assert event.payload["changes"]["shop_name"] == ["Shiplog Demo Store", "Harbour Coffee"]
    assert event.payload["changes"]["return_window_days"] == ["30", "14"]
    assert event.payload["changes"]["returns_auto_approve"] == ["yes", "no"]
    public = manager_client.get("/").get_data(as_text=True)
    assert "<span>Harbour Coffee</span>" in public
    assert "help@harbour.example" in public
    assert 'src="https://cdn.example.com/logo.png"' in public
    assert "theme.css?c=0b3d2ef2a900" in public
    assert manager_client.get("/theme.css").get_data(as_text=True) == ":root{--brand:#0b3d2e;--accent:#f2a900}"
    assert app_shop.return_policy.window_days == 14
    assert app_shop.return_policy.restocking_fee_bps == 500
    assert app_shop.hold_policy.fraud_score_threshold == 60
    assert not app_shop.return_policy.auto_approve
    listed = manager_client.get("/staff/settings").get_data(as_text=True)
    assert 'data-setting="shop_name"' in listed
    assert "manager@example.com" in listed
    assert "Staff pages show the shop's time, Europe/Berlin." in listed


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("primary_color", "#ffcc00", "has a contrast of 1.4"),
        ("accent_color", "#333333", "has a contrast of 1.40:1 against #111827"),
        ("primary_color", "red", "must be a colour like #1f4f82"),
        ("support_email", "help@", "That email address does not look right"),
        ("return_window_days", "-3", "The return window must be from 0 to 365, not -3."),
        ("return_window_days", "two weeks", "must be a whole number"),
        ("fraud_score_threshold", "101", "must be from 0 to 100"),
        ("timezone", "Mars/Olympus", "is not an IANA time zone"),
        ("logo_url", "javascript:alert(1)", "must start with https://"),
        ("shop_name", "", "The shop name is required."),
    ],
)
def test_a_refused_value_is_named_on_its_field_and_nothing_is_saved(
    manager_client: FlaskClient, app_shop: Shop, field: str, value: str, message: str
) -> None:
    for htmx in (False, True):
        response = save(manager_client, GOOD | {field: value}, htmx=htmx)
        assert response.status_code == 422
        body = response.get_data(as_text=True)
        assert f'<p class="field-error" id="{field}-error">' in body
        assert message in body
        assert 'aria-invalid="true"' in body
        assert "Nothing was saved" in body
        assert ("<html" in body) is not htmx  # htmx gets the form's block only
    assert stored(app_shop) == {}
    assert audit(app_shop) == []
    assert "Shiplog Demo Store" in manager_client.get("/").get_data(as_text=True)


def test_saving_the_same_values_records_nothing_new(manager_client: FlaskClient, app_shop: Shop) -> None:
    save(manager_client, GOOD)
    again = save(manager_client, GOOD, htmx=True)
    assert again.status_code == 200
    assert "Nothing changed." in again.get_data(as_text=True)
    assert len(audit(app_shop)) == 1


def test_staff_may_not_open_or_save_settings(staff_client: FlaskClient, app_shop: Shop) -> None:
    assert 'href="/staff/settings"' not in staff_client.get("/staff/").get_data(as_text=True)
    assert staff_client.get("/staff/settings").status_code == 403
    token = csrf_token(staff_client, "/staff/")
    refused = staff_client.post("/staff/settings", data={"csrf_token": token, **GOOD})
    assert refused.status_code == 403
    assert stored(app_shop) == {}
    assert audit(app_shop) == []


def test_another_worker_reads_the_change_without_a_restart(
    manager_client: FlaskClient, app_shop: Shop, database: Database
) -> None:
    """A second app over the same database (another gunicorn worker, the notifier) built before the save."""
    other: Flask = make_test_app(Shop(db=Database(database.url), gateway=FakeGateway()), SETTINGS_CACHE_SECONDS=0)
    before = other.test_client().get("/").get_data(as_text=True)
    assert "Shiplog Demo Store" in before
    save(manager_client, GOOD)
    after = other.test_client().get("/").get_data(as_text=True)
    assert "<span>Harbour Coffee</span>" in after
    with database.read() as session:
        assert session.scalar(select(func.count()).select_from(ShopSetting)) == len(GOOD)
