"""The write steps of order capture: the customer, the order number, and payments a store reports."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from core.clock import utcnow
from core.domain import orders, payments
from core.domain.commands import PlaceOrder
from core.errors import DuplicateEvent, ValidationFailed
from core.events.fact import Act, Actor
from core.events.log import ensure_new
from core.events.payments import store_transaction
from core.lifecycle import OrderStatus, record
from core.models import Customer, Order
from core.payments import Authorization, StoreTransaction
from core.queries import risk as risk_signals
from core.risk import Assessment
from core.risk import score as score_risk
from core.services.common import load_order, new_order_number
from core.services.unit import SessionUnit, unit_of_work
from core.shop import Shop


def _customer(session: Session, email: str, name: str, phone: str | None) -> Customer:
    """Find or create the customer. Two first orders from one new email may race: the insert runs
    in a savepoint, and the loser picks up the winner's row instead of failing the whole order."""
    customer = session.scalar(select(Customer).where(Customer.email == email))
    if customer is not None:
        return customer
    try:
        with session.begin_nested():
            customer = Customer(email=email, name=name.strip(), phone=phone, created_at=utcnow())
            session.add(customer)
    except IntegrityError:
        customer = session.scalar(select(Customer).where(Customer.email == email))
        if customer is None:
            raise
    return customer


def _number_taken(session: Session, number: str) -> bool:
    return session.scalar(select(Order.id).where(Order.number == number)) is not None


def _order_number(session: Session, wanted: str | None) -> str:
    """The caller's number if it is free, else a fresh random one (re-drawn on the rare collision)."""
    if wanted is not None:
        if _number_taken(session, wanted):
            raise ValidationFailed(f"Order number {wanted} is already used.", field="number")
        return wanted
    number = new_order_number()
    while _number_taken(session, number):
        number = new_order_number()
    return number


def assess_risk(
    session: Session, shop: Shop, cmd: PlaceOrder, *, email: str, total_minor: int, at: datetime
) -> Assessment:
    """The one fraud scorer (``core.risk``) over what the log knows of the order's customer, email, IP and card."""
    policy = shop.risk_policy
    found = risk_signals.signals(session, cmd, email=email, total_minor=total_minor, at=at, policy=policy)
    return score_risk(found, policy)


def insert_order(
    unit: SessionUnit, act: Act, cmd: PlaceOrder, *, email: str, variants: Mapping[str, orders.Sellable],
    amounts: tuple[int, int, int], holds: list[tuple[str, str]], auth: Authorization | None,
    risk: Assessment, backorderable: frozenset[int] = frozenset(),
) -> Order:  # fmt: skip
    """Write the order, its lines and addresses, and place it (``core.domain.orders.place``) with its
    fraud ``risk``; lines of ``backorderable`` variants may wait for stock. A store's order comes with
    the store's payment (``cmd.store_payment``)."""
    session = unit.session
    ensure_new(session, orders.order_key(cmd.channel, cmd.source_ref))
    customer = _customer(session, email, cmd.name, cmd.phone)
    number = _order_number(session, cmd.number)
    order = orders.open_order(
        unit, act, cmd, number=number, customer_id=customer.id, email=email, variants=variants, amounts=amounts,
        fraud_score=risk.score,
    )  # fmt: skip
    paid = None if cmd.payment_pending else cmd.store_payment
    orders.place(
        unit, act, order, carrier=cmd.carrier, holds=holds, auth=auth, backorderable=backorderable, risk=risk,
        paid=paid,
    )  # fmt: skip
    return order


def record_external_payment(
    shop: Shop, order_id: int, *, amount_minor: int, reference: str, gateway: str, actor: Actor,
    transactions: str | None = None,
) -> Order:  # fmt: skip
    """A store says an order is paid (Shopify, WooCommerce): confirm it if it was waiting.

    The same payment reported twice is refused as a ``DuplicateEvent`` (callers treat it as done)."""
    if amount_minor <= 0:
        raise ValidationFailed("A payment must be more than zero.", field="amount_minor")
    if not 0 < len(reference) <= 64 or not 0 < len(gateway) <= 32:
        raise ValidationFailed(
            "A payment needs a reference (up to 64 characters) and a gateway name.", field="reference"
        )
    with unit_of_work(shop) as unit:
        order = load_order(unit.session, order_id)
        if any(p.gateway == gateway and p.reference == reference for p in order.payments):
            raise DuplicateEvent(f"Payment {reference} is already recorded on order {order.number}.")
        act = Act(actor, utcnow())
        payment = payments.authorize(
            unit, act, order, gateway=gateway, reference=reference, card_last4=None, amount_minor=amount_minor,
            method=payments.EXTERNAL, store_transactions=transactions,
        )  # fmt: skip
        if order.status in (OrderStatus.PLACED, OrderStatus.RELEASED):
            orders.capture(unit, act, order, payment)
        return order


def _joined(known: str | None, transaction_id: str) -> str:
    """The payment's store transaction ids with one more, while the column holds them (the events keep all)."""
    ids = [i for i in (known or "").split(",") if i]
    if transaction_id in ids:
        return ",".join(ids)
    longer = ",".join([*ids, transaction_id])
    return longer if len(longer) <= 200 else ",".join(ids)


def record_store_transaction(shop: Shop, order_id: int, found: StoreTransaction, *, actor: Actor) -> Order:
    """A transaction the store made on the order (a capture, a sale made later, a refund...): recorded once,
    on the order's payment in that store when there is one. Its money is the store's business: a sale that
    paid an order is recorded by ``record_external_payment``, a refund by the store's refund report.

    The same transaction reported again is refused as a ``DuplicateEvent`` (callers treat it as done)."""
    if not 0 < len(found.transaction_id) <= 64 or found.amount_minor < 0:
        raise ValidationFailed("A store transaction needs an id and an amount of zero or more.", field="id")
    with unit_of_work(shop) as unit:
        order = load_order(unit.session, order_id)
        payment = next((p for p in order.payments if p.method == payments.EXTERNAL and p.gateway == found.store), None)
        fact = store_transaction(order_id=order.id, payment=payment, found=found, currency=order.currency)
        ensure_new(unit.session, fact.key)
        if payment is not None:
            payment.store_transactions = _joined(payment.store_transactions, found.transaction_id)
        record(unit, Act(actor, found.occurred_at or utcnow()), fact)
        return order
