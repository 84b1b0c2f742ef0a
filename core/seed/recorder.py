"""Event rows exactly as ``core.events.append_event`` writes them, plus their outbox rows.

For every event: the catalogue's visibility, a unique idempotency key, transitions in the
payload, the order's version bumped and ``last_event_at`` moved. Events recorded in the
last day get pending outbox rows the way ``core.outbox.plan_notifications`` plans them;
older history counts as already notified.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from orjson import dumps

from core.events.catalogue import EVENT_TYPES
from core.outbox import NOTIFICATION_RULES
from core.seed.plans import Actor
from core.seed.stamps import Stamps
from core.seed.state import SimOrder

_VISIBILITY = {code: kind.visibility.value for code, kind in EVENT_TYPES.items()}
_TEMPLATES = {code: rule.notification for code, rule in NOTIFICATION_RULES.items()}
# A rule may ask for a payload flag (e.g. only holds the customer must act on); read defensively.
_ONLY_IF = {code: getattr(rule, "only_if", None) for code, rule in NOTIFICATION_RULES.items()}
SYSTEM = Actor("system")
CARRIER = Actor("carrier")


class Batch:
    """Rows waiting to be written, per table (events have their own list: they are most of the rows)."""

    def __init__(self) -> None:
        self.rows: dict[str, list[tuple[Any, ...]]] = {}
        self.events: list[tuple[Any, ...]] = []

    def add(self, table: str, row: tuple[Any, ...]) -> None:
        self.rows.setdefault(table, []).append(row)

    def extend(self, table: str, rows: list[tuple[Any, ...]]) -> None:
        self.rows.setdefault(table, []).extend(rows)

    def take(self) -> dict[str, list[tuple[Any, ...]]]:
        rows, self.rows = self.rows, {}
        if self.events:
            rows["events"], self.events = self.events, []
        return rows


class Recorder:
    def __init__(self, stamps: Stamps, now: int, next_ids: Callable[[str], int]) -> None:
        self.stamps = stamps
        self.now = now
        self.notify_from = now - 86_400  # events recorded since then still have messages to send
        self.next_id = next_ids
        self.batch = Batch()
        self.last_event_id = 0  # the recorder is the only one numbering events

    def event(
        self,
        order: SimOrder | None,
        code: str,
        t: int,
        actor: Actor,
        payload: dict[str, Any],
        transitions: dict[str, list[str]] | None = None,
        *,
        shipment_id: int | None = None,
        return_id: int | None = None,
        variant_id: int | None = None,
        notify: bool = True,
        key: str | None = None,
        lag: int = 0,
    ) -> int:
        """Append one event at source time ``t``; ``lag`` delays its recording (carrier feeds)."""
        event_id = self.last_event_id = self.last_event_id + 1
        recorded = min(t + lag, self.now) if lag else t
        text = self.stamps.text
        if order is None:
            order_id = None
        else:
            order_id = order.id
            if recorded < order.last_event:
                recorded = order.last_event
            order.version += 1
            order.last_event = recorded
        if transitions:
            payload["transitions"] = transitions
        stamp = text(recorded)
        self.batch.events.append(
            (
                event_id, code, order_id, shipment_id, return_id, variant_id, text(t) if t != recorded else stamp,
                stamp, actor.type, actor.id, _VISIBILITY[code], dumps(payload).decode(),
                key or f"{code}:seed-{event_id}", notify,
            )
        )  # fmt: skip
        if order is not None and notify and recorded >= self.notify_from and code in _TEMPLATES:
            flag = _ONLY_IF[code]
            if flag is None or payload.get(flag):
                self._plan_notifications(event_id, order, code, stamp)
        return event_id

    def _plan_notifications(self, event_id: int, order: SimOrder, code: str, stamp: str) -> None:
        """Pending messages to the order's email, and phone when SMS consent was given."""
        customer = order.plan.customer
        recipients = [("email", customer.email)]
        if customer.phone and customer.sms_consent:
            recipients.append(("sms", customer.phone))
        for channel, address in recipients:
            self.batch.add(
                "outbox",
                (
                    self.next_id("outbox"), event_id, order.id, None, channel, address, _TEMPLATES[code],
                    "pending", 0, stamp, None, None, None, None, stamp, None,
                ),
            )  # fmt: skip
