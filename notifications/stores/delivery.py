"""Delivering the outbox's store calls (``core.storecalls``), claimed with the messages by the same worker.

A claimed call is read back (its order, and the refunds it asks for from its event), handed to the
store's adapter, and its answer recorded: the store's confirmation makes the refunds issued
(``core.services.store_refunds``) before the row is marked sent, so a crash in between only asks
again, and the idempotency reference makes the store answer with what it already did. A refusal fails
the refunds for staff to see and the row goes dead; anything else is retried with the outbox's backoff.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from sqlalchemy import select

from core import storecalls
from core.events.fact import Actor
from core.models import Event, Order, OutboxMessage, Refund
from core.services import store_refunds
from core.services.store_connections import NotConnected
from core.shop import Shop
from notifications import store
from notifications.stores.calls import Answer, Call, RefundAsk, StoreAdapter

Adapters = Callable[[str], StoreAdapter]  # the store's adapter; raises ``NotConnected`` (``stores.connected``)

log = logging.getLogger("shiplog.stores")


def _refund_ids(event: Event) -> list[int]:
    payload = event.payload or {}
    return list(payload.get("refund_ids") or []) if event.type == "order.cancelled" else [payload["refund_id"]]


class StoreCalls:
    def __init__(self, shop: Shop, adapters: Adapters, policy: store.RetryPolicy) -> None:
        self.shop, self.adapters, self.policy = shop, adapters, policy

    def split(self, claims: list[store.Claim]) -> tuple[list[store.Claim], list[store.Claim]]:
        """(store calls, messages) among the claimed rows."""
        if not claims:
            return [], []
        with self.shop.db.read() as session:
            calls = set(
                session.scalars(
                    select(OutboxMessage.id).where(
                        OutboxMessage.id.in_([c.id for c in claims]), OutboxMessage.channel == storecalls.CHANNEL
                    )
                )
            )
        return [c for c in claims if c.id in calls], [c for c in claims if c.id not in calls]

    def _call(self, claim: store.Claim) -> tuple[str, Call]:
        with self.shop.db.read() as session:
            row = session.get_one(OutboxMessage, claim.id)
            event, order = session.get_one(Event, row.event_id), session.get_one(Order, row.order_id)
            refunds = [session.get_one(Refund, refund_id) for refund_id in _refund_ids(event)]
            # A refund that failed here (refused) is never asked again, even if staff requeue its call.
            asks = [RefundAsk(r.id, r.amount_minor, r.reference, r.reason) for r in refunds if r.status == "pending"]
            reason = str((event.payload or {}).get("reason") or "")
            # ``attempt`` never goes back, not even when staff requeue a dead call: only the very first try
            # may skip looking at what an earlier one did.
            call = Call(
                row.template, order.source_ref or "", order.currency, asks, claim.attempt == 1, reason, order.number
            )
            return row.recipient, call

    def deliver(self, claims: list[store.Claim]) -> list[store.Outcome]:
        mine = store.still_mine(self.shop.db, claims)
        outcomes = [self._one(claim) for claim in claims if claim.id in mine]
        store.record(self.shop.db, outcomes)
        return outcomes

    def _one(self, claim: store.Claim) -> store.Outcome:
        name, call = self._call(claim)
        if call.kind == "refund" and not call.refunds:
            return store.skipped(claim, "not sent: the refund is no longer pending here")
        try:
            adapter = self.adapters(name)
        except NotConnected as error:  # dead at once, saying what to do; staff requeue it once connected
            return store.failed(claim, error.message, permanent=True, policy=self.policy)
        answer = adapter.call(call)
        self._settle(name, call, answer)
        if answer.ok:
            return store.sent(claim, ",".join(answer.confirmed.values())[:64] or None, "confirmed")
        log.warning("store call #%s: %s", claim.id, answer.error)
        return store.failed(claim, answer.error or "failed", permanent=answer.permanent, policy=self.policy)

    def _settle(self, name: str, call: Call, answer: Answer) -> None:
        """The refunds' side of the answer: issued when confirmed, failed when refused, else still pending."""
        actor = Actor("integration", name)
        for ask in call.refunds:
            if answer.ok:
                given = answer.confirmed.get(ask.refund_id, "")
                store_refunds.settle(self.shop, ask.refund_id, store_ref=given, actor=actor)
            elif answer.permanent:
                store_refunds.settle(self.shop, ask.refund_id, failure=answer.error or "refused", actor=actor)
