"""The write steps of order capture, and payment capture."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from core.clock import utcnow
from core.errors import DuplicateEvent, ValidationFailed
from core.events.log import Actor, append_event, ensure_new
from core.lifecycle import OrderStatus, set_status
from core.models import Customer, Order, OrderAddress, OrderLine, Payment, Variant
from core.money import money_text
from core.payments import Authorization
from core.services import stock
from core.services.commands import AddressInput, PlaceOrder
from core.services.common import load_order, new_order_number
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


def _address(order_id: int, kind: str, address: AddressInput) -> OrderAddress:
    return OrderAddress(
        order_id=order_id,
        kind=kind,
        name=address.name,
        line1=address.line1,
        line2=address.line2,
        city=address.city,
        region=address.region,
        postal_code=address.postal_code,
        country=address.country.upper(),
    )


def _lines(order_id: int, cmd: PlaceOrder, variants: dict[str, Variant]) -> list[OrderLine]:
    return [
        OrderLine(
            order_id=order_id,
            variant_id=variants[line.sku].id,
            sku=line.sku,
            name=variants[line.sku].product.name,
            variant_title=variants[line.sku].title,
            unit_price_minor=variants[line.sku].price_minor,
            quantity=line.quantity,
            discount_minor=line.discount_minor,
            final_sale=variants[line.sku].final_sale,
        )
        for line in cmd.lines
    ]


def _order_row(cmd: PlaceOrder, number: str, email: str, customer_id: int, amounts: tuple[int, int, int]) -> Order:
    subtotal, discounts, total = amounts
    return Order(
        number=number,
        customer_id=customer_id,
        email=email,
        phone=cmd.phone,
        sms_consent=cmd.sms_consent and cmd.phone is not None,
        channel=cmd.channel,
        source_ref=cmd.source_ref,
        status=OrderStatus.PLACED,
        fraud_score=cmd.fraud_score,
        note=cmd.note,
        currency=cmd.currency,
        subtotal_minor=subtotal,
        discount_minor=discounts,
        shipping_minor=cmd.shipping_minor,
        tax_minor=cmd.tax_minor,
        total_minor=total,
        placed_at=cmd.placed_at or utcnow(),
    )


def insert_order(
    session: Session,
    cmd: PlaceOrder,
    email: str,
    variants: dict[str, Variant],
    amounts: tuple[int, int, int],
    auth: Authorization | None,
    actor: Actor,
    notify: bool,
) -> Order:
    """Write the order, its lines and addresses, reserve stock and record ``order.placed``."""
    key = f"order.placed:{cmd.channel}:{cmd.source_ref}" if cmd.source_ref else None
    ensure_new(session, key)
    customer = _customer(session, email, cmd.name, cmd.phone)
    order = _order_row(cmd, _order_number(session, cmd.number), email, customer.id, amounts)
    session.add(order)
    session.flush()
    session.add_all(_lines(order.id, cmd, variants))
    session.add(_address(order.id, "shipping", cmd.shipping_address))
    session.add(_address(order.id, "billing", cmd.billing_address or cmd.shipping_address))
    # Always lock variant rows in id order, so two multi-line orders cannot deadlock on PostgreSQL.
    for line in sorted(cmd.lines, key=lambda item: variants[item.sku].id):
        stock.reserve(session, variants[line.sku].id, line.quantity)
    if auth is not None:
        session.add(
            Payment(
                order_id=order.id,
                gateway="card",
                reference=auth.reference,
                card_last4=auth.card_last4,
                status="authorized",
                amount_minor=order.total_minor,
                currency=order.currency,
                created_at=utcnow(),
            )
        )
    session.flush()
    append_event(
        session,
        "order.placed",
        order=order,
        actor=actor,
        notify=notify,
        occurred_at=order.placed_at,
        idempotency_key=key,
        transitions={"order": ("", OrderStatus.PLACED)},
        payload={
            "number": order.number,
            "total_text": money_text(order.total_minor, order.currency),
            "carrier": cmd.carrier,
            "lines": [[line.sku, line.quantity] for line in cmd.lines],
        },
    )
    if auth is not None:
        append_event(
            session,
            "payment.authorized",
            order=order,
            actor=actor,
            notify=notify,
            payload={"amount_minor": order.total_minor, "reference": auth.reference},
        )
    return order


def authorised_payment(order: Order) -> Payment | None:
    return next((p for p in order.payments if p.status == "authorized"), None)


def capture_payment(shop: Shop, session: Session, order: Order, actor: Actor, notify: bool) -> None:
    """Capture the authorisation in full and confirm the order."""
    payment = authorised_payment(order)
    if payment is None:
        raise DuplicateEvent("There is no authorised payment to capture.")
    shop.gateway.capture(payment.reference, payment.amount_minor)
    payment.status, payment.captured_minor = "captured", payment.amount_minor
    append_event(
        session,
        "payment.captured",
        order=order,
        actor=actor,
        notify=notify,
        payload={"amount_minor": payment.amount_minor, "reference": payment.reference},
    )
    change = set_status("order", order, OrderStatus.CONFIRMED)
    append_event(
        session,
        "order.confirmed",
        order=order,
        actor=actor,
        notify=notify,
        transitions={"order": change},
        payload={"total_text": money_text(order.total_minor, order.currency)},
    )


def record_external_payment(
    shop: Shop, order_id: int, *, amount_minor: int, reference: str, gateway: str, actor: Actor
) -> Order:
    """A store says an order is paid (Shopify, WooCommerce): confirm it if it was waiting.

    The same payment reported twice is refused as a ``DuplicateEvent`` (callers treat it as done)."""
    if amount_minor <= 0:
        raise ValidationFailed("A payment must be more than zero.", field="amount_minor")
    if not 0 < len(reference) <= 64 or not 0 < len(gateway) <= 32:
        raise ValidationFailed(
            "A payment needs a reference (up to 64 characters) and a gateway name.", field="reference"
        )
    with shop.db.write() as session:
        order = load_order(session, order_id)
        if any(p.gateway == gateway and p.reference == reference for p in order.payments):
            raise DuplicateEvent(f"Payment {reference} is already recorded on order {order.number}.")
        session.add(
            Payment(
                order_id=order.id,
                gateway=gateway,
                reference=reference,
                status="authorized",
                amount_minor=amount_minor,
                currency=order.currency,
                created_at=utcnow(),
            )
        )
        session.flush()
        session.refresh(order, ["payments"])
        if order.status in (OrderStatus.PLACED, OrderStatus.RELEASED):
            capture_payment(shop, session, order, actor, notify=True)
        return order
