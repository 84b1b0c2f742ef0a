"""Inbound deliveries from stores and carriers, and API idempotency records."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from core.db import Base, BigId, JsonDoc, UTCDateTime


class WebhookDelivery(Base):
    """A verified webhook, stored before it is processed (store first, process after)."""

    __tablename__ = "webhook_deliveries"
    __table_args__ = (
        UniqueConstraint("source", "delivery_id", name="uq_webhook_deliveries_source_delivery"),
        Index("ix_webhook_deliveries_source_resource_ref", "source", "resource_ref"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    source: Mapped[str] = mapped_column(String(20))  # shopify | woocommerce | easypost | aftership
    delivery_id: Mapped[str] = mapped_column(String(120))
    topic: Mapped[str] = mapped_column(String(60))
    headers: Mapped[dict[str, Any]] = mapped_column(JsonDoc)
    # The raw bytes, exactly as signed: a body that is not JSON, not UTF-8 or full of NULs is kept
    # as it came, to be inspected and processed again.
    body: Mapped[bytes] = mapped_column(LargeBinary)
    status: Mapped[str] = mapped_column(String(12), index=True)  # pending | processed | ignored | failed
    error: Mapped[str | None] = mapped_column(Text)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime)
    processed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The store's id of the resource and its updated_at: an update older than one applied is ignored.
    resource_ref: Mapped[str | None] = mapped_column(String(64))
    resource_updated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class IdempotencyRecord(Base):
    """The first response to an ``Idempotency-Key``, replayed for identical retries."""

    __tablename__ = "idempotency_records"
    __table_args__ = (UniqueConstraint("api_key_id", "key", name="uq_idempotency_records_api_key_key"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    api_key_id: Mapped[int] = mapped_column(ForeignKey("api_keys.id"))
    key: Mapped[str] = mapped_column(String(200))
    request_hash: Mapped[str] = mapped_column(String(64))
    response_status: Mapped[int | None]
    response_body: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class WebhookEndpoint(Base):
    """Where a shop's other systems hear Shiplog's events (outbound webhooks): a URL, the event types
    it is subscribed to, and the secret its deliveries are signed with (kept as it is: signing needs
    it). Removing one keeps the row, so its deliveries stay readable."""

    __tablename__ = "webhook_endpoints"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    url: Mapped[str] = mapped_column(String(2000))
    event_types: Mapped[list[str]] = mapped_column(JsonDoc)  # catalogue codes, or ["*"] for every event
    secret: Mapped[str] = mapped_column(String(80))
    description: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    created_by: Mapped[str | None] = mapped_column(String(120))
    removed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
