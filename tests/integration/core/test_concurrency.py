"""20 parallel attempts, each its own service call and transaction, on SQLite and PostgreSQL.

Only as many succeed as the data allows; the others get a DomainError (never a database
error), and the losers write nothing.
"""

from __future__ import annotations

import threading
import uuid
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from sqlalchemy import func, select

from core.domain.commands import LineInput, ReturnLineInput
from core.errors import DomainError, DuplicateEvent, IllegalTransition, NotEligible, OutOfStock, RefundTooLarge
from core.models import Customer, Order, Product, Refund, Return, Variant
from core.services import fulfilment, ordering, refunds, returns, tracking
from core.shop import Shop
from tests import factories
from tests.integration.core import support

ATTEMPTS = 20


def race(attempts: list[Callable[[], Any]]) -> list[Any]:
    """Run every attempt at once (a barrier releases them together); return results or DomainErrors.

    Anything else (IntegrityError, deadlock, serialisation failure) propagates and fails the test."""
    barrier = threading.Barrier(len(attempts))

    def run(attempt: Callable[[], Any]) -> Any:
        barrier.wait()
        try:
            return attempt()
        except DomainError as error:
            return error

    with ThreadPoolExecutor(max_workers=len(attempts)) as pool:
        return list(pool.map(run, attempts))


def outcomes(results: list[Any]) -> Counter[str]:
    return Counter(type(r).__name__ if isinstance(r, DomainError) else "ok" for r in results)


@pytest.fixture
def last_units(shop: Shop) -> str:
    """A SKU with exactly 5 units left."""
    with shop.db.write() as session:
        product = Product(handle="limited", name="Limited Print")
        session.add(product)
        session.flush()
        session.add(Variant(product_id=product.id, sku="PRINT-1", title="A2", price_minor=9900, on_hand=5))
    return "PRINT-1"


def test_twenty_buyers_for_five_units(shop: Shop, last_units: str) -> None:
    # One new customer email for all of them: the customer row is created by whichever wins.
    attempts = [
        lambda: factories.place(shop, email="collector@example.com", lines=[LineInput(last_units, 1)])
        for _ in range(ATTEMPTS)
    ]
    results = race(attempts)

    assert outcomes(results) == Counter({"ok": 5, "OutOfStock": 15})
    assert all(str(r) == "Only 0 of PRINT-1 left in stock; 1 requested." for r in results if isinstance(r, OutOfStock))
    assert support.stock(shop, last_units) == (5, 5)
    with shop.db.read() as session:
        assert session.scalar(select(func.count()).select_from(Order)) == 5
        assert session.scalar(select(func.count()).select_from(Customer)) == 1
    assert len(support.events(shop, type="order.placed")) == 5
    assert len(support.events(shop, type="stock.reorder_needed")) == 0
    calls = Counter(call[0] for call in shop.gateway.calls)
    assert calls == Counter({"authorize": 20, "capture": 5, "void": 15}), "every losing authorisation is voided"


def test_twenty_returns_of_a_line_with_two_delivered(shop: Shop, catalog: dict[str, int]) -> None:
    order = factories.place(shop)
    factories.ship_all(shop, order.id, "1ZRACE00001")
    factories.deliver(shop, "1ZRACE00001")
    line_id = support.line_ids(shop, order.id)["TEE-M"]
    item = [ReturnLineInput(line_id, 1, "too_small")]
    attempts = [
        lambda: returns.request_return(shop, order.id, item, client_token=uuid.uuid4().hex, actor=support.CUSTOMER)
        for _ in range(ATTEMPTS)
    ]
    results = race(attempts)

    assert outcomes(results) == Counter({"ok": 2, "NotEligible": 18})
    assert all(isinstance(r, NotEligible | Return) for r in results)
    assert support.order(shop, order.id).lines[0].qty_returning == 2
    with shop.db.read() as session:
        assert session.scalar(select(func.count()).select_from(Return)) == 2
    assert len(support.events(shop, type="return.requested")) == 2


def test_twenty_submits_of_one_return_form_make_one_return(shop: Shop, catalog: dict[str, int]) -> None:
    order = factories.place(shop)
    factories.ship_all(shop, order.id, "1ZRACE00002")
    factories.deliver(shop, "1ZRACE00002")
    item = [ReturnLineInput(support.line_ids(shop, order.id)["TEE-M"], 1, "too_small")]
    token = uuid.uuid4().hex
    attempts = [
        lambda: returns.request_return(shop, order.id, item, client_token=token, actor=support.CUSTOMER)
        for _ in range(ATTEMPTS)
    ]
    results = race(attempts)

    assert outcomes(results) == Counter({"ok": 20})
    assert len({r.id for r in results}) == 1
    assert support.order(shop, order.id).lines[0].qty_returning == 1


def test_twenty_partial_refunds_never_exceed_the_capture(shop: Shop, catalog: dict[str, int]) -> None:
    order = factories.place(shop)  # 7300 captured
    attempts = [
        lambda: refunds.refund_order(shop, order.id, amount_minor=1000, reason="race", actor=support.MANAGER)
        for _ in range(ATTEMPTS)
    ]
    results = race(attempts)

    assert outcomes(results) == Counter({"ok": 7, "RefundTooLarge": 13})
    assert all(str(r).startswith("Only $") for r in results if isinstance(r, RefundTooLarge))
    pay = support.payment(shop, order.id)
    assert (pay.captured_minor, pay.refunded_minor) == (7300, 7000)
    with shop.db.read() as session:
        assert session.scalar(select(func.sum(Refund.amount_minor))) == 7000


def test_twenty_copies_of_one_carrier_event_are_recorded_once(shop: Shop, catalog: dict[str, int]) -> None:
    order = factories.place(shop)
    factories.ship_all(shop, order.id, "1ZRACE00003")
    scan = tracking.CarrierScan("1ZRACE00003", "out_for_delivery", factories.utcnow(), external_id="same-event")
    results = race([lambda: tracking.record_scan(shop, scan) for _ in range(ATTEMPTS)])

    assert outcomes(results) == Counter({"ok": 1, "DuplicateEvent": 19})
    assert all(isinstance(r, DuplicateEvent) for r in results if not hasattr(r, "tracking_number"))
    assert len(support.events(shop, type="shipment.out_for_delivery")) == 1


def test_ship_and_cancel_racing_on_one_order_cannot_both_win(shop: Shop, catalog: dict[str, int]) -> None:
    order = factories.place(shop)
    parcel = fulfilment.create_shipment(
        shop, order.id, carrier_code="ups", service="Ground", tracking_number="1ZRACE00004", actor=support.STAFF
    )
    ship = [lambda: fulfilment.ship_shipment(shop, parcel.id, actor=support.STAFF) for _ in range(ATTEMPTS // 2)]
    cancel = [
        lambda: refunds.cancel_order(shop, order.id, reason="race", actor=support.MANAGER) for _ in range(ATTEMPTS // 2)
    ]
    results = race([step for pair in zip(ship, cancel, strict=True) for step in pair])

    assert outcomes(results) == Counter({"ok": 1, "IllegalTransition": 19})
    assert all(isinstance(r, IllegalTransition) for r in results if isinstance(r, DomainError))
    status = support.order(shop, order.id).status
    assert status in {"shipped", "cancelled"}
    expected_stock = (48, 0) if status == "shipped" else (50, 0)
    assert support.stock(shop, "TEE-M") == expected_stock


def test_crossed_multi_line_orders_do_not_deadlock(shop: Shop, catalog: dict[str, int]) -> None:
    forward = [LineInput("TEE-S", 1), LineInput("TEE-M", 1), LineInput("TEE-L", 1)]
    attempts = [
        lambda i=i: factories.place(shop, email=f"buyer{i}@example.com", lines=forward if i % 2 else forward[::-1])
        for i in range(ATTEMPTS)
    ]
    results = race(attempts)
    assert outcomes(results) == Counter({"ok": 20})
    cancels = [lambda o=o: refunds.cancel_order(shop, o.id, reason="x", actor=support.MANAGER) for o in results[:10]]
    holds = [lambda o=o: ordering.hold_order(shop, o.id, actor=support.STAFF) for o in results[10:]]
    assert outcomes(race(cancels + holds)) == Counter({"ok": 20})
    assert support.stock(shop, "TEE-S") == (50, 10)
