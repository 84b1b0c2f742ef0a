"""Shipments: which lines and quantities a parcel carries, and where it is."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.db import Base, BigId, UTCDateTime


class Shipment(Base):
    __tablename__ = "shipments"
    __table_args__ = (Index("ix_shipments_status_carrier", "status", "carrier"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id"), index=True)
    kind: Mapped[str] = mapped_column(String(10), default="outbound")  # outbound | exchange
    return_id: Mapped[int | None] = mapped_column(ForeignKey("returns.id"))  # for exchanges
    carrier: Mapped[str] = mapped_column(String(32))
    service: Mapped[str] = mapped_column(String(48))
    tracking_number: Mapped[str] = mapped_column(String(64), unique=True)
    status: Mapped[str] = mapped_column(String(24))
    exception_reason: Mapped[str | None] = mapped_column(String(24))
    original_eta: Mapped[datetime | None] = mapped_column(UTCDateTime)
    current_eta: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_location: Mapped[str | None] = mapped_column(String(120))
    # The source time of the newest carrier scan applied: older scans only join the timeline.
    last_scan_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    shipped_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    delivered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    lines: Mapped[list[ShipmentLine]] = relationship(
        back_populates="shipment", order_by="ShipmentLine.id", lazy="selectin"
    )


class ShipmentLine(Base):
    __tablename__ = "shipment_lines"
    __table_args__ = (CheckConstraint("quantity > 0", name="quantity_positive"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    shipment_id: Mapped[int] = mapped_column(ForeignKey("shipments.id"), index=True)
    order_line_id: Mapped[int] = mapped_column(ForeignKey("order_lines.id"), index=True)
    # Usually the line's own variant; for an exchange, the replacement variant. None: the line's (imported
    # history of a SKU no longer in the catalogue).
    variant_id: Mapped[int | None] = mapped_column(ForeignKey("variants.id"))
    quantity: Mapped[int]

    shipment: Mapped[Shipment] = relationship(back_populates="lines")
