"""Every webhook: a valid signature is accepted; a missing or wrong one gets 401 and writes
nothing; the same delivery sent 10 times gives one event and one notification."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import func, select

from core.models import Event, OutboxMessage, WebhookDelivery
from core.shop import Shop
from tests import factories
from tests.integration.webhooks import payloads
from tests.integration.webhooks.conftest import Post


def _count(shop: Shop, model: Any, *where: Any) -> int:
    with shop.db.read() as session:
        return session.scalar(select(func.count()).select_from(model).where(*where)) or 0


def _shipped(shop: Shop, tracking: str = "1Z999AA10123456784") -> int:
    order = factories.place(shop, phone=None, sms_consent=False)
    factories.ship_all(shop, order.id, tracking_number=tracking)
    return order.id


def _cases(shop: Shop) -> dict[str, tuple[str, dict[str, Any], dict[str, str], str, str]]:
    """source -> (source, body, headers, event type it must produce once, notification template)."""
    return {
        "shopify": (
            "shopify",
            payloads.shopify_order(),
            payloads.shopify_headers("orders/create", "ev-1"),
            "order.confirmed",
            "order_confirmed",
        ),
        "woocommerce": (
            "woocommerce",
            payloads.woo_order(),
            payloads.woo_headers("order.created", "d-1"),
            "order.confirmed",
            "order_confirmed",
        ),
        "easypost": (
            "easypost",
            payloads.easypost_event("1Z999AA10123456784", "out_for_delivery"),
            {},
            "shipment.out_for_delivery",
            "out_for_delivery",
        ),
        "aftership": (
            "aftership",
            payloads.aftership_update("1Z999AA10123456784", "Delivered", "Delivered_001"),
            {},
            "shipment.delivered",
            "delivered",
        ),
    }


SOURCES = ["shopify", "woocommerce", "easypost", "aftership"]


def _given(app_shop: Shop, source: str) -> None:
    if source in {"easypost", "aftership"}:
        _shipped(app_shop)


@pytest.mark.parametrize("source", SOURCES)
def test_valid_signature_is_accepted_and_processed(
    app_shop: Shop, store_catalog: dict[str, int], post: Post, source: str
) -> None:
    _given(app_shop, source)
    _, body, headers, code, _ = _cases(app_shop)[source]

    response = post(source, body, headers)

    assert response.status_code == 200, response.get_json()
    assert response.get_json()["status"] == "processed"
    assert _count(app_shop, Event, Event.type == code) == 1
    assert _count(app_shop, WebhookDelivery, WebhookDelivery.status == "processed") == 1


@pytest.mark.parametrize("source", SOURCES)
@pytest.mark.parametrize("sign", ["missing", "wrong"])
def test_missing_or_wrong_signature_is_refused_and_writes_nothing(
    app_shop: Shop, store_catalog: dict[str, int], post: Post, source: str, sign: str
) -> None:
    _given(app_shop, source)
    _, body, headers, _, _ = _cases(app_shop)[source]
    events_before = _count(app_shop, Event)

    response = post(source, body, headers, sign=sign)

    assert response.status_code == 401
    assert response.mimetype == "application/problem+json"
    assert _count(app_shop, WebhookDelivery) == 0
    assert _count(app_shop, Event) == events_before


@pytest.mark.parametrize("source", SOURCES)
def test_same_delivery_ten_times_gives_one_event_and_one_notification(
    app_shop: Shop, store_catalog: dict[str, int], post: Post, source: str
) -> None:
    _given(app_shop, source)
    _, body, headers, code, template = _cases(app_shop)[source]

    statuses = [post(source, body, headers).status_code for _ in range(10)]

    assert statuses == [200] * 10
    assert _count(app_shop, WebhookDelivery) == 1
    assert _count(app_shop, Event, Event.type == code) == 1
    assert _count(app_shop, OutboxMessage, OutboxMessage.template == template) == 1
