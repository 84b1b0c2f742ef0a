"""The state machine behind the stateful test: one rule per service command, with random arguments.

Besides those, "advance" rules take an order or a return one natural step further, so that
sequences reach deliveries, returns and exchanges. Invariants run after every step.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule
from sqlalchemy import select

from core.clock import utcnow
from core.db import Database
from core.domain.commands import LineInput, ReturnLineInput
from core.domain.scans import SCAN_STATUSES
from core.errors import DomainError
from core.lifecycle import ExceptionReason
from core.models import Order, OrderLine, Return, ReturnLine, Shipment
from core.payments import DECLINED_CARD, FakeGateway
from core.services import capture, fulfilment, ordering, refunds, return_resolution, returns, tracking
from core.shop import Shop
from tests import factories
from tests.integration.core import invariants

STAFF, MANAGER, CUSTOMER = factories.STAFF, factories.MANAGER, factories.CUSTOMER
SKUS = ["TEE-S", "TEE-M", "TEE-L", "MUG-1"]
HOLDS: list[dict[str, Any]] = [{}, {}, {}, {"fraud_score": 90}, {"payment_pending": True}, {"note": "engrave it"}]
PACKABLE = {"confirmed", "processing", "partially_shipped", "partially_delivered"}
index = st.integers(0, 50)
early = st.integers(0, 2)  # the advance rules favour the oldest orders, so some get far
rr = return_resolution


class Commands(RuleBasedStateMachine):
    """Every rule calls services; each call succeeds or raises a DomainError (anything else fails)."""

    new_database: Callable[[], Database]

    def __init__(self) -> None:
        super().__init__()
        self.shop = Shop(db=self.new_database(), gateway=FakeGateway())
        self.catalog = factories.make_catalog(self.shop, on_hand=20, reorder_point=5)
        self.initial = dict.fromkeys(self.catalog.values(), 20)
        self.clock = utcnow()
        self.serial = 0

    def _ids(self, model: type, pick: int, *where: Any) -> int | None:
        with self.shop.db.read() as session:
            ids = list(session.scalars(select(model.id).where(*where).order_by(model.id)))
        return ids[pick % len(ids)] if ids else None

    def _attempt(self, command: Callable[[], Any]) -> None:
        with contextlib.suppress(DomainError):  # refused: the invariants check nothing half-happened
            command()

    def _tick(self) -> Any:
        self.clock += timedelta(minutes=7)
        self.serial += 1
        return self.clock

    def _number(self, prefix: str) -> str:
        self._tick()
        return f"{prefix}{self.serial:06d}"

    def _pack(self, order_id: int, lines: dict[int, int] | None = None) -> int:
        number = self._number("1ZSM")
        return fulfilment.create_shipment(
            self.shop, order_id, carrier_code="ups", service="Ground", tracking_number=number, lines=lines, actor=STAFF
        ).id

    def _scan(self, number: str, status: str, reason: str | None = None, **extra: Any) -> None:
        scan = tracking.CarrierScan(number, status, self._tick(), "Hub", None, reason, **extra)
        tracking.record_scan(self.shop, scan)

    @initialize()
    def two_orders_one_delivered(self) -> None:
        """Something to return from the first step on; the rest is up to the rules."""
        first, _ = (factories.place(self.shop, lines=[LineInput("TEE-M", 1), LineInput("TEE-S", 2)]) for _ in range(2))
        factories.ship_all(self.shop, first.id, self._number("1ZSM"))
        self._deliver_one(first.id, None)

    @rule(
        first=st.integers(0, 3),
        second=st.integers(0, 3),
        hold=st.sampled_from(HOLDS),
        declined=st.sampled_from([False] * 5 + [True]),
    )
    def place(self, first: int, second: int, hold: dict[str, Any], declined: bool) -> None:
        lines = [LineInput(sku, qty) for sku, qty in (("TEE-M", first), (SKUS[second], 2)) if qty > 0]
        unique = list({line.sku: line for line in lines}.values())
        card = DECLINED_CARD if declined else "4242424242424242"
        self._attempt(lambda: factories.place(self.shop, lines=unique, card=card, **hold))

    @rule(pick=index, action=st.sampled_from(["hold", "release", "process", "cancel", "close", "pay"]))
    def order_action(self, pick: int, action: str) -> None:
        order_id = self._ids(Order, pick)
        if order_id is None:
            return
        commands = {
            "hold": lambda: ordering.hold_order(self.shop, order_id, actor=STAFF),
            "release": lambda: ordering.release_order(self.shop, order_id, actor=STAFF),
            "process": lambda: ordering.start_processing(self.shop, order_id, actor=STAFF),
            "cancel": lambda: refunds.cancel_order(self.shop, order_id, reason="test", actor=MANAGER),
            "close": lambda: ordering.close_order(self.shop, order_id, actor=STAFF),
            "pay": lambda: self._pay(order_id),
        }
        self._attempt(commands[action])

    def _pay(self, order_id: int) -> None:
        total = factories.reload(self.shop, order_id).total_minor
        reference = self._number("ext_")
        capture.record_external_payment(
            self.shop, order_id, amount_minor=total, reference=reference, gateway="shopify", actor=STAFF
        )

    @rule(pick=index, amount=st.integers(-5, 9000))
    def refund(self, pick: int, amount: int) -> None:
        order_id = self._ids(Order, pick)
        if order_id is not None:
            self._attempt(
                lambda: refunds.refund_order(self.shop, order_id, amount_minor=amount, reason="r", actor=MANAGER)
            )

    @rule(line_pick=index, qty=st.integers(0, 3))
    def pack(self, line_pick: int, qty: int) -> None:
        line_id = self._ids(OrderLine, line_pick)
        if line_id is None:
            return
        with self.shop.db.read() as session:
            order_id = session.get_one(OrderLine, line_id).order_id
        self._attempt(lambda: self._pack(order_id, {line_id: qty} if qty else None))

    @rule(pick=index)
    def ship(self, pick: int) -> None:
        shipment_id = self._ids(Shipment, pick)
        if shipment_id is not None:
            self._attempt(lambda: fulfilment.ship_shipment(self.shop, shipment_id, actor=STAFF))

    @rule(
        pick=index,
        status=st.sampled_from(sorted(SCAN_STATUSES)),
        reason=st.sampled_from([r.value for r in ExceptionReason]),
        stale=st.booleans(),
        external=st.sampled_from([None, None, "a", "b"]),
    )
    def scan(self, pick: int, status: str, reason: str, stale: bool, external: str | None) -> None:
        shipment_id = self._ids(Shipment, pick)
        if shipment_id is None:
            return
        with self.shop.db.read() as session:
            number = session.get_one(Shipment, shipment_id).tracking_number
        when = self._tick() - (timedelta(hours=2) if stale else timedelta(0))
        scan = tracking.CarrierScan(number, status, when, "Hub", None, reason, external_id=external)
        self._attempt(lambda: tracking.record_scan(self.shop, scan))

    @rule(pick=index, qty=st.integers(0, 2), reason=st.sampled_from(["too_small", "damaged", "bored"]), swap=index)
    def request_return(self, pick: int, qty: int, reason: str, swap: int) -> None:
        line_id = self._ids(OrderLine, pick)
        if line_id is not None:
            self._attempt(lambda: self._request(line_id, qty, reason, swap, f"form-{swap % 7}"))

    def _request(self, line_id: int, qty: int, reason: str, swap: int, token: str) -> None:
        with self.shop.db.read() as session:
            line = session.get_one(OrderLine, line_id)
            order_id, variant_id = line.order_id, line.variant_id
        sizes = [self.catalog[sku] for sku in SKUS[:3] if self.catalog[sku] != variant_id]
        other = sizes[swap // 2 % 2] if swap % 2 else None  # odd: exchange for another size
        item = ReturnLineInput(line_id, qty, reason, "exchange" if other else "refund", other)
        returns.request_return(self.shop, order_id, [item], client_token=token, actor=CUSTOMER)

    @rule(
        pick=index,
        action=st.sampled_from(["approve", "reject", "cancel", "in_transit", "receive", "resolve", "close"]),
        damaged=st.booleans(),
    )
    def return_action(self, pick: int, action: str, damaged: bool) -> None:
        return_id = self._ids(Return, pick)
        if return_id is not None:
            self._attempt(lambda: self._return_step(return_id, action, damaged))

    def _return_step(self, return_id: int, action: str, damaged: bool) -> None:
        with self.shop.db.read() as session:
            line_ids = list(session.scalars(select(ReturnLine.id).where(ReturnLine.return_id == return_id)))
        conditions = dict.fromkeys(line_ids, "damaged" if damaged else "resellable")
        commands = {
            "approve": lambda: returns.approve_return(self.shop, return_id, actor=STAFF),
            "reject": lambda: returns.reject_return(self.shop, return_id, reason="no", actor=STAFF),
            "cancel": lambda: returns.cancel_return(self.shop, return_id, actor=CUSTOMER),
            "in_transit": lambda: rr.mark_return_in_transit(self.shop, return_id, actor=CUSTOMER),
            "receive": lambda: rr.receive_return(self.shop, return_id, conditions=conditions, actor=STAFF),
            "resolve": lambda: rr.resolve_return(
                self.shop, return_id, actor=STAFF, exchange_tracking=self._number("1ZEX")
            ),
            "close": lambda: rr.close_return(self.shop, return_id, actor=STAFF),
        }
        commands[action]()

    @rule(pick=early, partial=st.booleans(), hurdle=st.sampled_from([None, "exception", "out_for_delivery"]))
    def advance_order(self, pick: int, partial: bool, hurdle: str | None) -> None:
        """Take one order a natural step on: release, pay, pack and ship, or deliver a parcel."""
        order_id = self._ids(Order, pick)
        if order_id is None:
            return
        order = factories.reload(self.shop, order_id)
        if order.status == "on_hold":
            self._attempt(lambda: ordering.release_order(self.shop, order_id, actor=STAFF))
        elif order.status == "released":
            self._attempt(lambda: self._pay(order_id))
        elif order.status in PACKABLE and any(ln.quantity > ln.qty_shipped for ln in order.lines):
            lines = {order.lines[0].id: 1} if partial else None
            self._attempt(lambda: fulfilment.ship_shipment(self.shop, self._pack(order_id, lines), actor=STAFF))
        else:
            self._attempt(lambda: self._deliver_one(order_id, hurdle))

    def _deliver_one(self, order_id: int, hurdle: str | None) -> None:
        with self.shop.db.read() as session:
            numbers = list(
                session.scalars(
                    select(Shipment.tracking_number).where(
                        Shipment.order_id == order_id, Shipment.status.not_in(["delivered", "cancelled"])
                    )
                )
            )
        for number in numbers[:1]:
            if hurdle is not None:
                self._scan(number, hurdle, "failed_attempt")
            self._scan(number, "delivered")

    @rule(pick=early, exchange=st.booleans())
    def open_return(self, pick: int, exchange: bool) -> None:
        """Ask to return one unit of a delivered line, for a refund or an exchange."""
        line_id = self._ids(OrderLine, pick, OrderLine.qty_delivered > OrderLine.qty_returning)
        if line_id is not None:
            token = self._number("form-")
            self._attempt(lambda: self._request(line_id, 1, "too_small", pick * 2 + int(exchange), token))

    @rule(pick=early, choice=st.integers(0, 2))
    def advance_return(self, pick: int, choice: int) -> None:
        """Take an open return a natural step on (mostly forward, sometimes rejected or cancelled)."""
        return_id = self._ids(Return, pick, Return.status.not_in(["closed", "rejected", "cancelled"]))
        if return_id is None:
            return
        steps = {
            "requested": ["approve", "reject", "approve"],
            "approved": ["receive", "in_transit", "cancel"],
            "in_transit": ["receive"] * 3,
            "received": ["resolve"] * 3,
        }
        status = support_status(self.shop, return_id)
        if status in steps:
            self._attempt(lambda: self._return_step(return_id, steps[status][choice], damaged=pick % 3 == 0))
        else:
            self._attempt(lambda: self._ship_exchange_or_close(return_id))

    def _ship_exchange_or_close(self, return_id: int) -> None:
        parcel = self._ids(Shipment, 0, Shipment.return_id == return_id, Shipment.status == "label_created")
        if parcel is not None:
            fulfilment.ship_shipment(self.shop, parcel, actor=STAFF)
        else:
            rr.close_return(self.shop, return_id, actor=STAFF)

    # Registered twice more: hypothesis picks rules evenly, and the walk to a closed return is long.
    advance_order_again = advance_order
    advance_order_once_more = advance_order
    advance_return_again = advance_return
    advance_return_once_more = advance_return

    @invariant()
    def never_an_illegal_state_and_replay_equals_projection(self) -> None:
        with self.shop.db.read() as session:
            invariants.check_all(session, self.initial)


def support_status(shop: Shop, return_id: int) -> str:
    with shop.db.read() as session:
        return session.get_one(Return, return_id).status
