"""Hostile text in signed webhooks from the four sources, on both backends: every one is answered
2xx and stored byte for byte before it is parsed; text in valid JSON is cleaned, so the order or
the scan it carries is not lost; a body that is not JSON stays stored, failed, and inspectable."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import select, update

from core import characters
from core.integrations.signatures import SCHEMES
from core.models import Customer, Order, Variant, WebhookDelivery
from core.shop import Shop
from tests import factories
from tests.integration.hostile.conftest import Sender
from tests.integration.hostile.strings import FUZZ, hostile, json_body, wire
from tests.integration.webhooks import payloads
from tests.integration.webhooks.conftest import PATHS, SECRETS

SERIAL = itertools.count(1)
Sample = Callable[[int], tuple[dict[str, Any], dict[str, str]]]


def _shopify(serial: int) -> tuple[dict[str, Any], dict[str, str]]:
    order = payloads.shopify_order(id=900_000 + serial, name=f"#H{serial}", note="Gift wrap, please")
    order["note_attributes"] = [{"name": "gift", "value": "yes"}]
    return order, payloads.shopify_headers("orders/create", f"ev-h{serial}")


def _woocommerce(serial: int) -> tuple[dict[str, Any], dict[str, str]]:
    order = payloads.woo_order(id=800_000 + serial, number=f"H{serial}", customer_note="Ring twice")
    return order, payloads.woo_headers("order.created", f"d-h{serial}")


def _easypost(serial: int) -> tuple[dict[str, Any], dict[str, str]]:
    event = payloads.easypost_event(factories.TRACKING, "in_transit", event_id=f"evt_h{serial}")
    event["result"]["tracking_details"][0].update(datetime=payloads.soon(serial), status_detail="arrived_at_facility")
    return event, {}


def _aftership(serial: int) -> tuple[dict[str, Any], dict[str, str]]:
    sent = payloads.aftership_update(factories.TRACKING, "InTransit", "InTransit_001", event_id=f"as-h{serial}")
    sent["msg"]["checkpoints"][0]["checkpoint_time"] = payloads.soon(serial)
    return sent, {}


# Each source: a valid delivery to spoil, and the text fields (and headers) spoilt in turn.
SOURCES: dict[str, tuple[Sample, list[str]]] = {
    "shopify": (_shopify, ["note", "shipping_address.name", "shipping_address.address1", "shipping_address.address2",
                           "shipping_address.city", "shipping_address.province", "customer.first_name",
                           "note_attributes.0.value", "header:X-Shopify-Event-Id", "header:X-Shopify-Topic"]),
    "woocommerce": (_woocommerce, ["customer_note", "billing.first_name", "billing.last_name", "shipping.address_1",
                                   "shipping.address_2", "shipping.city", "shipping.state",
                                   "header:X-WC-Webhook-Delivery-ID"]),
    "easypost": (_easypost, ["id", "result.tracking_details.0.message", "result.tracking_details.0.source",
                             "result.tracking_details.0.tracking_location.city",
                             "result.tracking_details.0.tracking_location.state"]),
    "aftership": (_aftership, ["event_id", "msg.checkpoints.0.message", "msg.checkpoints.0.location",
                               "msg.checkpoints.0.city", "msg.checkpoints.0.state"]),
}  # fmt: skip
CASES = [(source, path) for source, (_, paths) in SOURCES.items() for path in paths]


@pytest.fixture
def stocked(app_shop: Shop, store_catalog: dict[str, int]) -> None:
    """The fixture SKUs, plenty of each, and a parcel on its way for the carrier feeds."""
    with app_shop.db.write() as session:
        session.execute(update(Variant).values(on_hand=1_000_000))
    order = factories.place(app_shop, phone=None, sms_consent=False)
    factories.ship_all(app_shop, order.id)


def _in_header(value: str) -> str:
    """What a client can send of ``value`` in a header (no line breaks), as WSGI reads it (latin-1)."""
    return wire(value)[:2000].decode("latin-1").replace("\r", "").replace("\n", "")


def _spoil(document: dict[str, Any], path: str, value: str) -> None:
    """Append ``value`` to the text at ``path``: the real words stay, so cleaning leaves a valid field."""
    *parents, last = path.split(".")
    for step in parents:
        document = document[int(step)] if step.isdigit() else document[step]  # type: ignore[index]
    key: Any = int(last) if last.isdigit() else last
    document[key] = f"{document[key] or 'x'}{value}"


def _post(send: Sender, source: str, body: bytes, headers: dict[str, str]) -> Any:
    header, _, signer = SCHEMES[source]
    signed = {"Content-Type": "application/json", **headers, header: signer(SECRETS[source], body)}
    return send("POST", PATHS[source], data=body, headers=signed)


def _stored(shop: Shop, delivery_id: int) -> WebhookDelivery:
    with shop.db.read() as session:
        return session.get_one(WebhookDelivery, delivery_id)


@FUZZ
@given(case=st.sampled_from(CASES), value=hostile, raw=st.booleans())
def test_every_signed_webhook_is_stored_as_sent_and_its_text_cleaned(
    send: Sender, app_shop: Shop, stocked: None, case: tuple[str, str], value: str, raw: bool
) -> None:
    source, path = case
    document, headers = SOURCES[source][0](next(SERIAL))
    if path.startswith("header:"):
        name = path.removeprefix("header:")
        headers[name] += _in_header(value)
    else:
        _spoil(document, path, value)
    body = json_body(document, raw=raw)

    response = _post(send, source, body, headers)

    assert response.status_code == 200, response.get_data()[:300]
    answer = response.get_json()
    stored = _stored(app_shop, answer["delivery_id"])
    assert (stored.body, answer["duplicate"]) == (body, False)
    if not raw:  # valid JSON: its text is cleaned, and the order or the scan is not lost
        expected = {"processed", "ignored"} if path.endswith("Topic") else {"processed"}  # a topic we do not know
        assert (answer["status"] in expected, stored.error) == (True, None), answer
    for text in (stored.delivery_id, stored.topic, *stored.headers.values(), stored.error or ""):
        assert characters.refused(text, multiline=True) is None


def test_each_field_of_each_source_loses_nothing_to_a_refused_character(
    send: Sender, app_shop: Shop, stocked: None
) -> None:
    for (source, path), value in itertools.product(CASES, ["\x00", "\ud800\x85", "\x00" * 100_000]):
        document, headers = SOURCES[source][0](next(SERIAL))
        if path.startswith("header:"):
            headers[path.removeprefix("header:")] += _in_header(value)
        else:
            _spoil(document, path, value)
        answer = _post(send, source, json_body(document), headers).get_json()
        expected = {"processed", "ignored"} if path.endswith("Topic") else {"processed"}  # a topic we do not know
        assert answer["status"] in expected, (source, path, answer)


def test_delivery_ids_that_differ_only_by_a_refused_character_are_two_deliveries(
    send: Sender, app_shop: Shop, stocked: None
) -> None:
    """A cleaned id would make them one, and the second would be dropped as a repeat."""
    answers = []
    for event_id in ("evt_same", "evt_same\x00", "evt_same\x01"):
        document, _ = _easypost(next(SERIAL))
        document["id"] = event_id
        answers.append(_post(send, "easypost", json_body(document), {}).get_json())
    assert [a["duplicate"] for a in answers] == [False, False, False]
    ids = [_stored(app_shop, a["delivery_id"]).delivery_id for a in answers]
    assert ids[0] == "evt_same"
    assert len(set(ids)) == 3
    assert all(i.startswith("sha256:") for i in ids[1:])


@pytest.mark.parametrize("source", list(SOURCES))
def test_a_body_that_is_not_json_is_kept_failed_and_can_be_inspected(
    staff_send: Sender, app_shop: Shop, stocked: None, source: str
) -> None:
    """A raw NUL and a byte that is not UTF-8: the delivery is stored byte for byte and failed
    with its reason, its page shows the bytes as escapes, its download is the bytes as sent."""
    document, headers = SOURCES[source][0](next(SERIAL))
    body = json_body(document).replace(b'"', b'"\x00\xff', 1)

    answer = _post(staff_send, source, body, headers).get_json()

    stored = _stored(app_shop, answer["delivery_id"])
    assert (answer["status"], stored.body, stored.error) == ("failed", body, "The body is not JSON. (body)")
    page = staff_send("GET", f"/staff/webhooks/{stored.id}").get_data(as_text=True)
    assert "\\x00\\xff" in page  # the NUL and the byte that is not UTF-8, as escapes
    assert "not valid UTF-8" in page
    download = staff_send("GET", f"/staff/webhooks/{stored.id}/body")
    assert (download.data, download.mimetype) == (body, "application/octet-stream")


def test_an_order_from_a_store_keeps_its_text_without_the_refused_characters(
    send: Sender, app_shop: Shop, stocked: None
) -> None:
    document, headers = _woocommerce(next(SERIAL))
    document["shipping"]["city"] = "Arling\x00ton\u200b"
    document["customer_note"] = "Ring\x07 twice\nthen wait\x00"
    document["billing"]["first_name"] = "Gr\ud800ace"

    answer = _post(send, "woocommerce", json_body(document), headers).get_json()

    assert answer["status"] == "processed"
    with app_shop.db.read() as session:
        order = session.scalars(select(Order).where(Order.channel == "woocommerce")).one()
        customer = session.get_one(Customer, order.customer_id)
    assert (order.note, order.addresses[0].city, customer.name) == (
        "Ring twice\nthen wait",
        "Arlington\u200b",
        "Grace Hopper",
    )
