"""What the risk scorer reads about a new order from the orders already recorded (``core.risk``)."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from core.domain.commands import PlaceOrder
from core.lifecycle import OrderStatus
from core.models import Order
from core.risk import RiskPolicy, Signals


def _history(session: Session, email: str, currency: str, before: datetime) -> tuple[int, int | None]:
    """(earlier orders of this email that were not cancelled, their average total in ``currency``)."""
    kept = (Order.email == email, Order.placed_at < before, Order.status != OrderStatus.CANCELLED)
    same_currency = case((Order.currency == currency, Order.total_minor))  # NULL otherwise: avg skips it
    count, average = session.execute(select(func.count(), func.avg(same_currency)).where(*kept)).one()
    return int(count or 0), None if average is None else int(average)


def _recent(session: Session, policy: RiskPolicy, values: dict[str, str | None], at: datetime) -> dict[str, int]:
    """Velocity rule code -> orders with the same email, IP or card in the rule's window before ``at``."""
    columns = {"email": Order.email, "ip": Order.client_ip, "card": Order.card_fingerprint}
    found: dict[str, int] = {}
    for code, (signal, hours) in policy.velocity_windows().items():
        value = values.get(signal)
        if value:
            window = (columns[signal] == value, Order.placed_at > at - timedelta(hours=hours), Order.placed_at <= at)
            found[code] = session.scalar(select(func.count()).select_from(Order).where(*window)) or 0
    return found


def signals(
    session: Session, cmd: PlaceOrder, *, email: str, total_minor: int, at: datetime, policy: RiskPolicy
) -> Signals:
    """The signals of ``cmd``, placed at ``at`` (``email`` normalised)."""
    earlier, average = _history(session, email, cmd.currency, at)
    shipping = cmd.shipping_address
    return Signals(
        email=email,
        total_minor=total_minor,
        currency=cmd.currency,
        shipping_country=shipping.country,
        billing_country=cmd.billing_address.country if cmd.billing_address else None,
        shipping_text=(shipping.name, *shipping.lines()),
        earlier_orders=earlier,
        average_minor=average,
        recent=_recent(session, policy, {"email": email, "ip": cmd.client_ip, "card": cmd.card_fingerprint}, at),
        store=cmd.store_risk,
        supplied=cmd.fraud_score,
    )
