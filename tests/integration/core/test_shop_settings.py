"""Settings through the service on both backends: audited, all or nothing, managers' only, and read by every
process through the version-checked cache (``core.shop.StoredSettings``)."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from core.db import Database
from core.errors import NotPermitted
from core.events.fact import Actor
from core.models import Event, ShopSetting
from core.services.settings import change_settings
from core.settings import InvalidSettings
from core.shop import Shop, StoredSettings
from tests import factories

MANAGER, STAFF = Actor("staff", "m@example.com", role="manager"), Actor("staff", "s@example.com", role="staff")


@pytest.fixture
def live_shop(database: Database) -> Shop:
    return Shop(db=database, settings=StoredSettings(database, ttl_seconds=60))


def test_a_change_is_one_event_with_old_and_new_and_policies_follow_it(live_shop: Shop) -> None:
    changes = change_settings(live_shop, MANAGER, {"fraud_score_threshold": "50", "shop_name": "Shiplog Demo Store"})
    assert changes == {"fraud_score_threshold": ["75", "50"]}  # the name was its default already
    with live_shop.db.read() as session:
        (event,) = session.scalars(select(Event).where(Event.type == "settings.changed"))
    assert (event.actor_id, event.order_id, event.payload["changes"]) == ("m@example.com", None, changes)
    assert live_shop.hold_policy.fraud_score_threshold == 50  # this process: at once
    factories.make_catalog(live_shop)
    assert factories.place(live_shop, fraud_score=60).status == "on_hold"


def test_another_process_sees_the_change_once_its_ttl_is_over(live_shop: Shop, database: Database) -> None:
    other = StoredSettings(Database(database.url), ttl_seconds=0)
    assert other.current().return_window_days == 30
    change_settings(live_shop, MANAGER, {"return_window_days": "14"})
    assert other.current().return_window_days == 14
    change_settings(live_shop, MANAGER, {"return_window_days": "21"})
    assert other.current().return_window_days == 21


def test_one_refused_value_saves_none_and_staff_may_not_change_settings(live_shop: Shop) -> None:
    with pytest.raises(InvalidSettings):
        change_settings(live_shop, MANAGER, {"shop_name": "New", "return_window_days": "-1"})
    with pytest.raises(NotPermitted):
        change_settings(live_shop, STAFF, {"shop_name": "New"})
    with live_shop.db.read() as session:
        assert list(session.scalars(select(ShopSetting))) == []
        assert list(session.scalars(select(Event))) == []
    assert live_shop.settings.current().shop_name == "Shiplog Demo Store"
