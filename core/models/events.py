"""The append-only event log, the notification outbox, its local sink, subscriptions, and the send log."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from core.db import Base, BigId, JsonDoc, UTCDateTime


class Event(Base):
    """One fact. Rows are made and inserted by ``core.events.rows`` only, never updated or deleted.

    ``payload["transitions"]`` records the status changes the event made ({aggregate: [from, to]},
    the aggregate named by its id column), which is what ``core.replay`` re-applies.
    """

    __tablename__ = "events"
    __table_args__ = (
        Index("ix_events_order_id_id", "order_id", "id"),
        Index("ix_events_type_occurred_at", "type", "occurred_at"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    type: Mapped[str] = mapped_column(String(48))
    order_id: Mapped[int | None] = mapped_column(ForeignKey("orders.id"))
    shipment_id: Mapped[int | None] = mapped_column(ForeignKey("shipments.id"), index=True)
    return_id: Mapped[int | None] = mapped_column(ForeignKey("returns.id"), index=True)
    variant_id: Mapped[int | None] = mapped_column(ForeignKey("variants.id"))
    payment_id: Mapped[int | None] = mapped_column(ForeignKey("payments.id"))
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime)  # source time
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime)  # when we wrote it
    actor_type: Mapped[str] = mapped_column(String(12))  # customer | staff | system | carrier | integration
    actor_id: Mapped[str | None] = mapped_column(String(120))
    visibility: Mapped[str] = mapped_column(String(10))  # public | customer | internal
    payload: Mapped[dict[str, Any]] = mapped_column(JsonDoc)
    idempotency_key: Mapped[str] = mapped_column(String(200), unique=True)
    notify: Mapped[bool] = mapped_column(default=True)  # False when staff chose "don't notify"


class OutboxMessage(Base):
    """A notification intent, written in the event's transaction and delivered after commit."""

    __tablename__ = "outbox"
    __table_args__ = (
        UniqueConstraint("event_id", "channel", "recipient", name="uq_outbox_event_channel_recipient"),
        Index("ix_outbox_status_next_attempt_at", "status", "next_attempt_at"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id"))
    # None for an event about no order (stock, catalogue, shop): its webhook deliveries and staff's messages.
    order_id: Mapped[int | None] = mapped_column(ForeignKey("orders.id"), index=True)
    subscription_id: Mapped[int | None] = mapped_column(ForeignKey("subscriptions.id"))
    # An outbound webhook's endpoint (channel ``webhook``): the row is one delivery of its event there.
    webhook_id: Mapped[int | None] = mapped_column(ForeignKey("webhook_endpoints.id"), index=True)
    channel: Mapped[str] = mapped_column(String(8))  # email | sms | webhook
    recipient: Mapped[str] = mapped_column(String(254))
    template: Mapped[str] = mapped_column(String(48))  # the notification code
    # What the recipient may read (``core.outbox``): "order" for the order's own contact (and, by webhook, a
    # shop's own system), "parcel" for anyone else, "staff" for a member of staff (the stock digest). A row that
    # does not say is parcel-level; rows older than the column were the customer's unless they name a
    # subscription (the migration marks those), hence the server default.
    level: Mapped[str] = mapped_column(String(8), default="parcel", server_default="order")
    status: Mapped[str] = mapped_column(String(12))  # pending | sending | sent | dead | skipped
    attempts: Mapped[int] = mapped_column(default=0)  # every claim adds one: the claim's fencing token
    # ``attempts`` when staff last requeued the dead row: its new retry budget counts from here, while
    # ``attempts`` itself never goes back, so no two claims of a row (or sends in the send log) share a token.
    attempts_before_requeue: Mapped[int] = mapped_column(default=0, server_default="0")
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime)
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_error: Mapped[str | None] = mapped_column(Text)
    provider_message_id: Mapped[str | None] = mapped_column(String(64), index=True)
    provider_status: Mapped[str | None] = mapped_column(String(24))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class Subscription(Base):
    """Somebody who asked for parcel updates, with the consent they gave and how they confirmed it.

    Made from a public page by anyone, so it is parcel-level only (``core.outbox``) and hears
    nothing but its confirmation request until the address itself confirms (double opt-in).
    """

    __tablename__ = "subscriptions"
    __table_args__ = (
        UniqueConstraint("order_id", "shipment_id", "channel", "address", name="uq_subscriptions_order_parcel_addr"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id"), index=True)
    # The parcel followed (from its tracking page); None: every parcel of the order (from the order page).
    shipment_id: Mapped[int | None] = mapped_column(ForeignKey("shipments.id"))
    channel: Mapped[str] = mapped_column(String(8))  # email | sms
    address: Mapped[str] = mapped_column(String(254))  # lower-cased email or E.164 phone
    scope: Mapped[str] = mapped_column(String(12))  # all | delivery
    consent_text: Mapped[str] = mapped_column(Text)  # the wording shown, verbatim
    consent_source: Mapped[str] = mapped_column(String(300))  # page and client address
    consent_at: Mapped[datetime] = mapped_column(UTCDateTime)  # when it was asked for
    confirm_code: Mapped[str | None] = mapped_column(String(8))  # the code the SMS request carries
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    confirmed_via: Mapped[str | None] = mapped_column(String(8))  # email (the link) | sms (a reply)
    confirmed_source: Mapped[str | None] = mapped_column(String(300))  # client address, or the reply and its id
    unsubscribed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class SmsOptOut(Base):
    """A phone number that texted STOP. No SMS leaves for it until it texts START."""

    __tablename__ = "sms_opt_outs"

    phone: Mapped[str] = mapped_column(String(20), primary_key=True)
    opted_out: Mapped[bool] = mapped_column(default=True)
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime)


class SinkMessage(Base):
    """A message delivered to the embedded local sink (no SMTP server or Twilio account configured).

    ``outbox_id`` is unique, so delivering one outbox row twice can never store two messages:
    the sink is the one channel with exactly-once delivery rather than at-least-once.
    """

    __tablename__ = "notification_sink"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    outbox_id: Mapped[int | None] = mapped_column(ForeignKey("outbox.id"), unique=True)
    channel: Mapped[str] = mapped_column(String(8))  # email | sms
    sender: Mapped[str] = mapped_column(String(254))
    recipient: Mapped[str] = mapped_column(String(254), index=True)
    subject: Mapped[str | None] = mapped_column(String(300))
    body_text: Mapped[str] = mapped_column(Text)
    body_html: Mapped[str | None] = mapped_column(Text)
    headers: Mapped[dict[str, Any]] = mapped_column(JsonDoc)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)


class SendLogEntry(Base):
    """The send log: one row per send of an outbox message, written before the message leaves.

    ``outcome`` is filled in from the provider's answer before the same send lane sends again. A row
    left without one (the worker died between the send and its record) is *in doubt*: the provider may
    or may not have the message. The next send of that outbox row is marked ``repeat``; an SMS in doubt
    is settled instead by Twilio's status callback, which names this row's outbox id and attempt.
    """

    __tablename__ = "send_log"
    __table_args__ = (UniqueConstraint("outbox_id", "attempt", name="uq_send_log_outbox_attempt"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    outbox_id: Mapped[int] = mapped_column(ForeignKey("outbox.id"))
    attempt: Mapped[int]  # the claim's fencing token (``outbox.attempts`` when it was sent)
    channel: Mapped[str] = mapped_column(String(8))
    repeat: Mapped[bool] = mapped_column(default=False)  # an earlier send of this message was in doubt
    started_at: Mapped[datetime] = mapped_column(UTCDateTime)
    outcome: Mapped[str | None] = mapped_column(String(12))  # sent | pending (retry) | dead; None: in doubt
    # The email's Message-ID (known before the send) or the Twilio SID (from the answer or the callback).
    provider_message_id: Mapped[str | None] = mapped_column(String(64))
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
