"""What must hold after any sequence of commands, checked against the rows themselves.

One snapshot of every table is read per check (plain column queries, no ORM loading), so the
stateful test can afford to check after every step.
"""

from __future__ import annotations

import itertools
from collections import Counter
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from core import replay
from core.lifecycle import RETURN_OPEN_STATUSES, RETURN_VOID_STATUSES, OrderStatus, ReturnStatus, ShipmentStatus
from core.models import Order, OrderLine, Payment, Refund, Return, ReturnLine, Shipment, ShipmentLine, Variant

RECEIVED = {ReturnStatus.RECEIVED, ReturnStatus.REFUNDED, ReturnStatus.EXCHANGED, ReturnStatus.CLOSED}
SHIPPING = {OrderStatus.PARTIALLY_SHIPPED, OrderStatus.SHIPPED, OrderStatus.PARTIALLY_DELIVERED, OrderStatus.DELIVERED}
UNSHIPPED = {ShipmentStatus.LABEL_CREATED, ShipmentStatus.CANCELLED}


@dataclass
class Snapshot:
    orders: list[Any]
    lines: list[Any]
    shipments: list[Any]
    returns: list[Any]
    payments: list[Any]
    refunds: list[Any]
    variants: list[Any]

    @classmethod
    def read(cls, session: Session) -> Snapshot:
        def rows(*columns: Any) -> list[Any]:
            return list(session.execute(select(*columns)))

        return cls(
            orders=rows(Order.id, Order.status, Order.hold_reason),
            lines=rows(OrderLine.__table__),
            shipments=list(
                session.execute(
                    select(
                        Shipment.id, Shipment.status, Shipment.kind, ShipmentLine.variant_id, ShipmentLine.quantity
                    ).outerjoin(ShipmentLine)
                )
            ),
            returns=list(session.execute(select(Return.status, ReturnLine.__table__).join(ReturnLine))),
            payments=rows(Payment.__table__),
            refunds=rows(Refund.payment_id, Refund.amount_minor),
            variants=rows(Variant.id, Variant.sku, Variant.on_hand, Variant.reserved),
        )


def check_statuses(snap: Snapshot) -> None:
    for rows, statuses in ((snap.orders, OrderStatus), (snap.shipments, ShipmentStatus)):
        assert {row.status for row in rows} <= {s.value for s in statuses}
    assert {row.status for row in snap.returns} <= {s.value for s in ReturnStatus}


def check_lines(snap: Snapshot) -> None:
    returning: Counter[int] = Counter()
    returned: Counter[int] = Counter()
    for row in snap.returns:
        if row.status not in RETURN_VOID_STATUSES:
            returning[row.order_line_id] += row.quantity
        if row.status in RECEIVED:
            returned[row.order_line_id] += row.quantity
    for line in snap.lines:
        chain = (line.quantity, line.qty_shipped, line.qty_delivered, line.qty_returning, line.qty_returned, 0)
        assert all(a >= b for a, b in itertools.pairwise(chain)), f"line {line.id} out of order: {chain}"
        assert (line.qty_returning, line.qty_returned) == (returning[line.id], returned[line.id]), f"line {line.id}"


def _fulfilment(lines: list[Any]) -> str | None:
    ordered, shipped, delivered = (
        sum(getattr(ln, name) for ln in lines) for name in ("quantity", "qty_shipped", "qty_delivered")
    )
    if delivered:
        return OrderStatus.DELIVERED if delivered == ordered else OrderStatus.PARTIALLY_DELIVERED
    if shipped:
        return OrderStatus.SHIPPED if shipped == ordered else OrderStatus.PARTIALLY_SHIPPED
    return None


def check_orders(snap: Snapshot) -> None:
    for order in snap.orders:  # an exchange's replacement lines are not the order's fulfilment
        lines = [line for line in snap.lines if line.order_id == order.id and line.replaces_line_id is None]
        target = _fulfilment(lines)
        if order.status in SHIPPING:
            assert target == order.status, f"order {order.id} is {order.status} but its lines say {target}"
        elif order.status != OrderStatus.CLOSED:
            assert target is None, f"order {order.id} is {order.status} but has shipped items"
        assert (order.status == OrderStatus.ON_HOLD) <= bool(order.hold_reason), f"order {order.id}: hold reason"


def check_money(snap: Snapshot) -> None:
    refunded: Counter[int] = Counter()
    for refund in snap.refunds:
        refunded[refund.payment_id] += refund.amount_minor
    for pay in snap.payments:
        assert 0 <= pay.refunded_minor <= pay.captured_minor <= pay.amount_minor, f"payment {pay.id}"
        assert pay.refunded_minor == refunded[pay.id], f"payment {pay.id}: refund rows disagree"


def expected_stock(snap: Snapshot, initial: dict[int, int]) -> tuple[Counter[int], Counter[int]]:
    """(reserved, on_hand) per variant, recomputed from orders, shipments and returns."""
    reserved: Counter[int] = Counter()
    on_hand: Counter[int] = Counter(initial)
    live = {order.id for order in snap.orders if order.status != OrderStatus.CANCELLED}
    variant_of = {}
    for line in snap.lines:
        variant_of[line.id] = line.variant_id
        # A replacement line's units are held by its exchange (return and label-created parcel, below).
        if line.order_id in live and line.replaces_line_id is None:
            reserved[line.variant_id] += line.quantity - line.qty_shipped
    for row in snap.shipments:
        if row.variant_id is None:
            continue
        if row.status not in UNSHIPPED:
            on_hand[row.variant_id] -= row.quantity
        elif row.kind == "exchange" and row.status == ShipmentStatus.LABEL_CREATED:
            reserved[row.variant_id] += row.quantity
    for row in snap.returns:
        if row.status in RETURN_OPEN_STATUSES and row.exchange_variant_id is not None:
            reserved[row.exchange_variant_id] += row.quantity
        on_hand[variant_of[row.order_line_id]] += row.restocked_qty
    return reserved, on_hand


def check_stock(snap: Snapshot, initial: dict[int, int]) -> None:
    reserved, on_hand = expected_stock(snap, initial)
    for variant in snap.variants:
        assert 0 <= variant.reserved <= variant.on_hand, f"{variant.sku}: {variant.on_hand=} {variant.reserved=}"
        expected = (on_hand[variant.id], reserved[variant.id])
        assert (variant.on_hand, variant.reserved) == expected, (
            f"{variant.sku}: (on_hand, reserved) should be {expected}"
        )


def check_all(session: Session, initial_stock: dict[int, int]) -> None:
    snap = Snapshot.read(session)
    check_statuses(snap)
    check_lines(snap)
    check_orders(snap)
    check_money(snap)
    check_stock(snap, initial_stock)
    assert replay.differences(session) == []
