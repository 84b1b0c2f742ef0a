"""Customers, orders, their lines, addresses, payments and refunds.

Money is integer minor units (cents) in ``Order.currency``.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.db import Base, BigId, JsonDoc, UTCDateTime
from core.money import paid_unit_minor


class Customer(Base):
    __tablename__ = "customers"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)  # stored lower-cased
    name: Mapped[str] = mapped_column(String(200))
    phone: Mapped[str | None] = mapped_column(String(20))  # E.164
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class Order(Base):
    __tablename__ = "orders"
    __table_args__ = (
        UniqueConstraint("channel", "source_ref", name="uq_orders_channel_source_ref"),
        Index("ix_orders_status_placed_at", "status", "placed_at"),
        Index("ix_orders_placed_at", "placed_at"),
        # The risk scorer counts recent orders by email, client IP and card (core.queries.risk).
        Index("ix_orders_client_ip_placed_at", "client_ip", "placed_at"),
        Index("ix_orders_card_fingerprint_placed_at", "card_fingerprint", "placed_at"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    number: Mapped[str] = mapped_column(String(32), unique=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"), index=True)
    email: Mapped[str] = mapped_column(String(254), index=True)
    phone: Mapped[str | None] = mapped_column(String(20))
    sms_consent: Mapped[bool] = mapped_column(default=False)
    channel: Mapped[str] = mapped_column(String(20))  # web | shopify | woocommerce | api | import
    source_ref: Mapped[str | None] = mapped_column(String(64))  # the store's own order id
    status: Mapped[str] = mapped_column(String(24))
    hold_reason: Mapped[str | None] = mapped_column(String(40))
    hold_detail: Mapped[str | None] = mapped_column(String(300))
    fraud_score: Mapped[int] = mapped_column(default=0)  # core.risk: its reasons are in order.risk_scored
    client_ip: Mapped[str | None] = mapped_column(String(45))  # the shopper's, as the checkout or store saw it
    # The card's fingerprint from the gateway (the same card gives the same one), or the store's BIN and last 4.
    card_fingerprint: Mapped[str | None] = mapped_column(String(64))
    note: Mapped[str | None] = mapped_column(Text)
    currency: Mapped[str] = mapped_column(String(3))
    # The customer's language (BCP 47, core.locales) as the store or the API gave it; None: the shop's default.
    locale: Mapped[str | None] = mapped_column(String(35))
    subtotal_minor: Mapped[int]
    discount_minor: Mapped[int] = mapped_column(default=0)
    shipping_minor: Mapped[int] = mapped_column(default=0)
    tax_minor: Mapped[int] = mapped_column(default=0)
    total_minor: Mapped[int]
    # A store's order as the store sent it: its own name ("#1001"), its tax lines ([{title, rate, amount_minor}])
    # and whether its prices already include tax (then tax is part of the lines, not added to the total).
    store_name: Mapped[str | None] = mapped_column(String(64))
    taxes_included: Mapped[bool] = mapped_column(default=False, server_default=false())
    tax_lines: Mapped[list[dict[str, Any]] | None] = mapped_column(JsonDoc)
    placed_at: Mapped[datetime] = mapped_column(UTCDateTime)
    shipped_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    delivered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Bumped with every event: read-side caches key on (id, version).
    version: Mapped[int] = mapped_column(default=0)
    last_event_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    customer: Mapped[Customer] = relationship()
    lines: Mapped[list[OrderLine]] = relationship(back_populates="order", order_by="OrderLine.id", lazy="selectin")
    addresses: Mapped[list[OrderAddress]] = relationship(order_by="OrderAddress.id", lazy="selectin")
    payments: Mapped[list[Payment]] = relationship(order_by="Payment.id", lazy="selectin")
    refunds: Mapped[list[Refund]] = relationship(order_by="Refund.id")

    def address(self, kind: str) -> OrderAddress | None:
        return next((a for a in self.addresses if a.kind == kind), None)


class OrderAddress(Base):
    __tablename__ = "order_addresses"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id"), index=True)
    kind: Mapped[str] = mapped_column(String(10))  # shipping | billing
    name: Mapped[str] = mapped_column(String(200))
    line1: Mapped[str] = mapped_column(String(200))
    line2: Mapped[str | None] = mapped_column(String(200))
    city: Mapped[str] = mapped_column(String(100))
    region: Mapped[str | None] = mapped_column(String(100))
    postal_code: Mapped[str] = mapped_column(String(20))
    country: Mapped[str] = mapped_column(String(2))


class OrderLine(Base):
    """Quantities move forward only: ordered ≥ shipped ≥ delivered ≥ returning ≥ returned."""

    __tablename__ = "order_lines"
    __table_args__ = (
        CheckConstraint("quantity > 0", name="quantity_positive"),
        CheckConstraint("qty_shipped >= 0 AND qty_shipped <= quantity", name="shipped_within_ordered"),
        CheckConstraint("qty_delivered >= 0 AND qty_delivered <= qty_shipped", name="delivered_within_shipped"),
        CheckConstraint("qty_returning >= 0 AND qty_returning <= qty_delivered", name="returning_within_delivered"),
        CheckConstraint("qty_returned >= 0 AND qty_returned <= qty_returning", name="returned_within_returning"),
        CheckConstraint("qty_backordered >= 0 AND qty_backordered <= quantity", name="backordered_within_ordered"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id"), index=True)
    # None: imported history of a SKU the catalogue no longer has (the line keeps its SKU text); such a
    # line holds no stock (core.domain.stocked).
    variant_id: Mapped[int | None] = mapped_column(ForeignKey("variants.id"), index=True)
    sku: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(200))
    variant_title: Mapped[str] = mapped_column(String(120))
    unit_price_minor: Mapped[int]
    quantity: Mapped[int]
    discount_minor: Mapped[int] = mapped_column(default=0)  # for the whole line
    tax_minor: Mapped[int] = mapped_column(default=0, server_default="0")  # the line's tax, as a store sent it
    final_sale: Mapped[bool] = mapped_column(default=False)
    qty_shipped: Mapped[int] = mapped_column(default=0)
    qty_delivered: Mapped[int] = mapped_column(default=0)
    # On a return that is not rejected or cancelled: the guard against over-returning.
    qty_returning: Mapped[int] = mapped_column(default=0)
    qty_returned: Mapped[int] = mapped_column(default=0)  # received back
    # Sold on backorder and not reserved yet: the order waits ("awaiting_stock") until stock arrives for them.
    qty_backordered: Mapped[int] = mapped_column(default=0)
    # An exchange's replacement item is a line of its own, naming the line whose units it replaces: its
    # parcel says what it really holds, it costs what the replaced units cost, and it may go back in turn.
    replaces_line_id: Mapped[int | None] = mapped_column(ForeignKey("order_lines.id"))

    order: Mapped[Order] = relationship(back_populates="lines")

    @property
    def sold(self) -> bool:
        """Sold with the order (the order's fulfilment follows these), not sent in an exchange."""
        return self.replaces_line_id is None

    @property
    def paid_unit_minor(self) -> int:
        """What one unit actually cost after the line discount, rounded down."""
        return paid_unit_minor(self.unit_price_minor, self.quantity, self.discount_minor)


class Payment(Base):
    __tablename__ = "payments"
    __table_args__ = (
        CheckConstraint("captured_minor >= 0 AND captured_minor <= amount_minor", name="captured_within_amount"),
        CheckConstraint("refunded_minor >= 0 AND refunded_minor <= captured_minor", name="refunded_within_captured"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id"), index=True)
    gateway: Mapped[str] = mapped_column(String(32))
    reference: Mapped[str] = mapped_column(String(64))
    method: Mapped[str] = mapped_column(String(20), default="card")  # card | external (paid in the store)
    card_last4: Mapped[str | None] = mapped_column(String(4))
    status: Mapped[str] = mapped_column(String(20))  # core.lifecycle.PaymentStatus
    amount_minor: Mapped[int]
    captured_minor: Mapped[int] = mapped_column(default=0)
    refunded_minor: Mapped[int] = mapped_column(default=0)
    currency: Mapped[str] = mapped_column(String(3))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # Why the processor refused it (declined, authorisation expired), in its words, for staff.
    failure: Mapped[str | None] = mapped_column(String(200))
    # An external payment's transaction ids in the store, as the store named them (WooCommerce's transaction_id).
    store_transactions: Mapped[str | None] = mapped_column(String(200))
    # Every refund tried on it, refused ones too: a refund's idempotency key counts them.
    refunds: Mapped[list[Refund]] = relationship(order_by="Refund.id", viewonly=True)

    @property
    def refundable_minor(self) -> int:
        return self.captured_minor - self.refunded_minor


class Refund(Base):
    """Money given back: at once by the gateway, or pending until the processor confirms it; a store
    (Shopify, WooCommerce) is asked through the outbox (``core.storecalls``) and confirms in its answer."""

    __tablename__ = "refunds"
    __table_args__ = (CheckConstraint("amount_minor > 0", name="amount_positive"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id"), index=True)
    payment_id: Mapped[int] = mapped_column(ForeignKey("payments.id"))
    return_id: Mapped[int | None] = mapped_column(ForeignKey("returns.id"), index=True)
    amount_minor: Mapped[int]
    currency: Mapped[str] = mapped_column(String(3))
    reason: Mapped[str] = mapped_column(String(200))
    # The gateway's refund id, or for a store refund the operation's idempotency key (sent with every try).
    reference: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    # core.lifecycle.RefundStatus: done only once the processor confirms; a pending one still counts
    # against what is refundable, a failed one no longer does.
    status: Mapped[str] = mapped_column(String(12), default="succeeded", server_default="succeeded")
    failure: Mapped[str | None] = mapped_column(String(200))  # the processor's reason, for staff
    store_ref: Mapped[str | None] = mapped_column(String(120))  # a store's own id of the refund, once it confirmed
