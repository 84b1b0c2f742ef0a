"""History imports as history (both backends): a 2024 CSV goes in with its statuses, parcels, deliveries
and refunds at their own times, without touching stock, calling the gateway or planning a message;
SKUs no longer sold are kept; a second run changes nothing; a bad order is refused whole."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import select, update

from core.errors import DomainError, DuplicateEvent
from core.events.fact import Actor
from core.integrations.csv_orders import OrderRows, read_orders, to_past
from core.models import Order, OrderLine, OutboxMessage, Payment, Refund, Shipment, Variant
from core.services import history
from core.shop import Shop
from tests.integration.core import support

HISTORY = Path(__file__).resolve().parents[2] / "fixtures" / "history-2024.csv"
IMPORTER = Actor("integration", "csv-import")


def _at(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(UTC)


def _order(shop: Shop, number: str) -> Order:
    with shop.db.read() as session:
        found = session.scalar(select(Order).where(Order.number == number))
        assert found is not None
        return found


def _stock(shop: Shop) -> dict[str, tuple[int, int]]:
    with shop.db.read() as session:
        return {v.sku: (v.on_hand, v.reserved) for v in session.scalars(select(Variant))}


def _import(shop: Shop, path: Path = HISTORY) -> dict[str, str]:
    """Each order's outcome, as the command line counts them."""
    outcomes = {}
    for group in read_orders(path):
        try:
            history.record_past_order(shop, to_past(group), actor=IMPORTER)
            outcomes[group.number] = "imported"
        except DuplicateEvent:
            outcomes[group.number] = "skipped"
    return outcomes


@pytest.fixture
def sold_out_catalog(shop: Shop, catalog: dict[str, int]) -> dict[str, int]:
    """The test catalogue with TEE-L sold out today (HAT-WOOL-GREY is not sold at all any more)."""
    with shop.db.write() as session:
        session.execute(update(Variant).where(Variant.sku == "TEE-L").values(on_hand=0))
    return catalog


def test_a_2024_history_goes_in_as_it_was(shop: Shop, sold_out_catalog: dict[str, int]) -> None:
    stock = _stock(shop)
    assert _import(shop) == dict.fromkeys(
        ("H24-001", "H24-002", "H24-003", "H24-004", "H24-005", "H24-006"), "imported"
    )

    assert _stock(shop) == stock  # nothing reserved, consumed or released
    assert shop.gateway.calls == []  # type: ignore[attr-defined]
    assert support.row_counts(shop)[OutboxMessage.__tablename__] == 0
    with shop.db.read() as session:
        statuses = {o.number: (o.status, o.channel, o.fraud_score) for o in session.scalars(select(Order))}
    assert statuses == {
        "H24-001": ("delivered", "import", 0), "H24-002": ("closed", "import", 0),
        "H24-003": ("cancelled", "import", 0), "H24-004": ("cancelled", "import", 0),
        "H24-005": ("shipped", "import", 0), "H24-006": ("delivered", "import", 0),
    }  # fmt: skip
    assert support.differences(shop) == []  # the log replays to exactly these statuses


def test_events_carry_the_original_times(shop: Shop, sold_out_catalog: dict[str, int]) -> None:
    _import(shop)
    delivered = _order(shop, "H24-001")
    times = [(e.type, e.occurred_at, e.notify) for e in support.events(shop, delivered.id)]
    placed, shipped, arrived, refunded = (
        _at("2024-03-01T10:00:00Z"), _at("2024-03-02T15:00:00Z"), _at("2024-03-05T11:30:00Z"), _at("2024-03-10T09:00:00Z")
    )  # fmt: skip
    assert times == [
        ("order.placed", placed, False), ("payment.authorized", placed, False), ("payment.captured", placed, False),
        ("order.confirmed", placed, False), ("shipment.created", shipped, False), ("shipment.shipped", shipped, False),
        ("shipment.delivered", arrived, False), ("refund.issued", refunded, False),
    ]  # fmt: skip
    assert (delivered.placed_at, delivered.shipped_at, delivered.delivered_at) == (placed, shipped, arrived)
    assert delivered.total_minor == 2 * 2200 + 1800 + 500  # the prices paid then, not today's $25 tee
    closed = _order(shop, "H24-002")
    assert support.events(shop, closed.id)[-1].type == "order.closed"
    assert support.events(shop, closed.id)[-1].occurred_at == _at("2024-05-20T00:00:00Z")


def test_payments_are_recorded_as_imported_and_refunds_kept(shop: Shop, sold_out_catalog: dict[str, int]) -> None:
    _import(shop)
    with shop.db.read() as session:
        payments = {
            number: (gateway, reference, status, captured, refunded)
            for number, gateway, reference, status, captured, refunded in session.execute(
                select(Order.number, Payment.gateway, Payment.reference, Payment.status, Payment.captured_minor,
                       Payment.refunded_minor).join(Order, Order.id == Payment.order_id)
            )
        }  # fmt: skip
        refunds = sorted((r.amount_minor, r.created_at) for r in session.scalars(select(Refund)))
    assert payments["H24-001"] == ("imported", "pi_2024_0001", "captured", 6700, 500)
    assert payments["H24-003"] == ("imported", "import-H24-003", "captured", 3000, 3000)  # paid, then refunded whole
    assert "H24-004" not in payments  # cancelled before it was paid
    assert refunds == [(500, _at("2024-03-10T09:00:00Z")), (3000, _at("2024-06-01T18:00:00Z"))]


def test_skus_no_longer_sold_keep_their_text(shop: Shop, sold_out_catalog: dict[str, int]) -> None:
    _import(shop)
    with shop.db.read() as session:
        lines = {
            line.sku: (line.variant_id is None, line.name, line.variant_title, line.qty_delivered)
            for line in session.scalars(select(OrderLine).join(Order).where(Order.number == "H24-002"))
        }
        parcel = session.scalar(select(Shipment).where(Shipment.tracking_number == "9400HIST0002"))
        assert parcel is not None
        assert sorted(item.variant_id is None for item in parcel.lines) == [False, True]
    assert lines == {"HAT-WOOL-GREY": (True, "Wool Hat", "Grey", 1), "TEE-L": (False, "Classic Tee", "L", 3)}


def test_running_the_same_file_again_changes_nothing(shop: Shop, sold_out_catalog: dict[str, int]) -> None:
    _import(shop)
    counts = support.row_counts(shop)
    assert set(_import(shop).values()) == {"skipped"}
    assert support.row_counts(shop) == counts


BAD = {
    "sku": ("NOPE,,,1,,0", "lines[0].unit_price"),  # not sold any more, and no price to keep
    "status": ("TEE-S,,,1,,0", "status"),  # an open order is not history
    "delivered_at": ("TEE-S,,,1,,0", "delivered_at"),
    "refunded_amount": ("TEE-S,,,1,,0", "refunded_amount"),
}
BAD_TAILS = {
    "sku": "delivered,ups,Ground,1ZBAD0001,2024-01-02T00:00:00Z,2024-01-03T00:00:00Z,,,,,",
    "status": "confirmed,,,,,,,,,,",
    "delivered_at": "delivered,ups,Ground,1ZBAD0003,2024-01-05T00:00:00Z,2024-01-03T00:00:00Z,,,,,",
    "refunded_amount": "delivered,ups,Ground,1ZBAD0004,2024-01-02T00:00:00Z,2024-01-03T00:00:00Z,99.00,2024-01-04T00:00:00Z,,,",
}


@pytest.mark.parametrize("case", list(BAD))
def test_a_bad_order_is_refused_whole_with_its_field(shop: Shop, sold_out_catalog: dict[str, int], case: str) -> None:
    header = HISTORY.read_text().splitlines()[0]
    line, field = BAD[case]
    row = f"B-1,2024-01-01T00:00:00Z,bad@example.com,Bad Row,{line},USD,1 Elm St,Springfield,12345,US,{BAD_TAILS[case]}"
    group = OrderRows("B-1", [(2, dict(zip(header.split(","), row.split(","), strict=True)))])
    counts, stock = support.row_counts(shop), _stock(shop)
    with pytest.raises(DomainError) as refused:
        history.record_past_order(shop, to_past(group), actor=IMPORTER)
    assert refused.value.field == field
    assert (support.row_counts(shop), _stock(shop)) == (counts, stock)


def test_a_tracking_number_already_used_rolls_the_whole_order_back(
    shop: Shop, sold_out_catalog: dict[str, int]
) -> None:
    _import(shop)
    again = to_past(read_orders(HISTORY)[0])
    taken = replace(again, order=replace(again.order, number="H24-999", source_ref="H24-999"))
    counts = support.row_counts(shop)
    with pytest.raises(DomainError) as refused:
        history.record_past_order(shop, taken, actor=IMPORTER)
    assert refused.value.field == "tracking_number"
    assert support.row_counts(shop) == counts
