"""Builders for test data, going through the real services (never writing rows by hand)."""

from __future__ import annotations

from datetime import datetime, timedelta

from core.clock import utcnow
from core.domain.commands import AddressInput, LineInput, PlaceOrder
from core.events.fact import Actor
from core.models import Order, Product, Subscription, Variant
from core.services import fulfilment, ordering, subscriptions, tracking
from core.shop import Shop

STAFF = Actor("staff", "test-staff", role="staff")
MANAGER = Actor("staff", "test-manager", role="manager")  # money actions are managers' (core.permissions)
CUSTOMER = Actor("customer")
HOME = AddressInput("Ada Lovelace", "12 Analytical Way", "Springfield", "12345", "US", region="IL")
PO_BOX = AddressInput("Box Holder", "PO Box 42", "Springfield", "12345", "US")
TRACKING = "1Z999AA10123456784"  # the parcel ``ship_all`` sends when not told otherwise


def make_catalog(shop: Shop, *, on_hand: int = 50, reorder_point: int = 5) -> dict[str, int]:
    """Two products: a tee in S/M/L and a final-sale mug. Returns variant ids by SKU."""
    with shop.db.write() as session:
        tee = Product(handle="classic-tee", name="Classic Tee")
        mug = Product(handle="enamel-mug", name="Enamel Mug")
        session.add_all([tee, mug])
        session.flush()
        rows = [
            Variant(
                product_id=tee.id,
                sku=f"TEE-{size}",
                title=size,
                price_minor=2500,
                on_hand=on_hand,
                reorder_point=reorder_point,
            )
            for size in ("S", "M", "L")
        ]
        rows.append(
            Variant(
                product_id=mug.id,
                sku="MUG-1",
                title="One size",
                price_minor=1800,
                on_hand=on_hand,
                reorder_point=reorder_point,
                final_sale=True,
            )
        )
        session.add_all(rows)
        session.flush()
        return {v.sku: v.id for v in rows}


def order_command(**overrides: object) -> PlaceOrder:
    fields: dict[str, object] = {
        "email": "ada@example.com",
        "name": "Ada Lovelace",
        "phone": "+15555550123",
        "sms_consent": True,
        "lines": [LineInput("TEE-M", 2), LineInput("MUG-1", 1)],
        "shipping_address": HOME,
        "shipping_minor": 500,
        "carrier": "usps",
    }
    fields.update(overrides)
    return PlaceOrder(**fields)  # type: ignore[arg-type]


def place(shop: Shop, **overrides: object) -> Order:
    return ordering.place_order(shop, order_command(**overrides))


def reload(shop: Shop, order_id: int) -> Order:
    with shop.db.read() as session:
        order = session.get_one(Order, order_id)
        _ = order.lines, order.payments, order.addresses
        return order


def ship_all(shop: Shop, order_id: int, tracking_number: str = TRACKING, carrier: str = "ups") -> int:
    shipment = fulfilment.create_shipment(
        shop,
        order_id,
        carrier_code=carrier,
        service="Ground",
        tracking_number=tracking_number,
        eta=utcnow() + timedelta(days=3),
        actor=STAFF,
    )
    fulfilment.ship_shipment(shop, shipment.id, actor=STAFF)
    return shipment.id


def deliver(shop: Shop, tracking_number: str, when: datetime | None = None) -> None:
    tracking.record_scan(shop, tracking.CarrierScan(tracking_number, "delivered", when or utcnow(), "Springfield"))


def subscribe_confirmed(
    shop: Shop, order_id: int, channel: str, address: str, *, scope: str = "all", shipment_id: int | None = None
) -> Subscription:
    """A subscription asked for and confirmed by the address itself (the link, or a reply with the code)."""
    sub = subscriptions.subscribe(
        shop,
        order_id,
        shipment_id=shipment_id,
        channel=channel,
        address=address,
        scope=scope,
        consent_text="I agree",
        consent_source="test",
    )
    if channel == "email":
        return subscriptions.confirm_by_link(shop, sub.id, source="test link")
    done = subscriptions.confirm_by_reply(shop, sub.address, code=sub.confirm_code, source="test reply")
    assert done is not None
    return done
