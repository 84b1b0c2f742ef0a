"""Returns (RMAs) and the lines they take back."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.db import Base, BigId, UTCDateTime


class Return(Base):
    __tablename__ = "returns"
    __table_args__ = (UniqueConstraint("order_id", "client_token", name="uq_returns_order_client_token"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    rma: Mapped[str] = mapped_column(String(24), unique=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id"), index=True)
    status: Mapped[str] = mapped_column(String(16), index=True)
    # One token per return form: a double submit or a second tab cannot create two returns.
    client_token: Mapped[str | None] = mapped_column(String(64))
    customer_note: Mapped[str | None] = mapped_column(Text)
    restocking_fee_minor: Mapped[int] = mapped_column(default=0)
    return_tracking_number: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    approved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    received_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    lines: Mapped[list[ReturnLine]] = relationship(back_populates="return_", order_by="ReturnLine.id", lazy="selectin")


class ReturnLine(Base):
    __tablename__ = "return_lines"
    __table_args__ = (
        CheckConstraint("quantity > 0", name="quantity_positive"),
        CheckConstraint("restocked_qty >= 0 AND restocked_qty <= quantity", name="restocked_within_quantity"),
        CheckConstraint("resolution = 'refund' OR exchange_variant_id IS NOT NULL", name="exchange_names_variant"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    return_id: Mapped[int] = mapped_column(ForeignKey("returns.id"), index=True)
    order_line_id: Mapped[int] = mapped_column(ForeignKey("order_lines.id"), index=True)
    quantity: Mapped[int]
    reason: Mapped[str] = mapped_column(String(32))
    note: Mapped[str | None] = mapped_column(String(500))
    resolution: Mapped[str] = mapped_column(String(10))  # refund | exchange
    exchange_variant_id: Mapped[int | None] = mapped_column(ForeignKey("variants.id"))
    condition: Mapped[str | None] = mapped_column(String(16))  # resellable | damaged | unsellable
    restocked_qty: Mapped[int] = mapped_column(default=0)

    return_: Mapped[Return] = relationship(back_populates="lines")
