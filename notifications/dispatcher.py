"""Delivering the outbox after commit: claim, check, render, send, record.

Each batch claims due rows (see ``store``), re-checks the consent that might have changed
since planning (STOP, unsubscribe), renders with the same code path as previews, and sends
over parallel lanes (one SMTP connection each; one pooled HTTP session). Before each send a
lane records the previous send's outcome against the claim's fencing token and writes the
next send into the send log (``sendlog``), so a crash leaves at most one message per lane in
doubt; the next attempt at one of those is sent as a repeat.
"""

from __future__ import annotations

import logging
import threading
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

from core.clock import utcnow
from core.db import Database
from notifications import sendlog, store
from notifications.adapters import Delivery, Sender
from notifications.preparing import Prepared, Preparer
from notifications.stores.delivery import StoreCalls

log = logging.getLogger("shiplog.notifications")

Checkpoint = Callable[[str], None]  # called at named points: crash tests kill the process there
MIN_PER_LANE = 25  # below this a second connection costs more than it saves
LEASE_MARGIN = 0.2  # of the lease: stop sending from a batch whose lease is about to run out


@dataclass(frozen=True)
class DispatchSettings:
    batch_size: int = 200
    lease_seconds: float = 60.0
    poll_seconds: float = 1.0
    # Parallel connections per worker for big batches: sending is mostly waiting on the network.
    send_lanes: int = 4
    retry: store.RetryPolicy = field(default_factory=store.RetryPolicy)


@dataclass
class Stats:
    counts: Counter[str] = field(default_factory=Counter)

    def add(self, outcome: str) -> None:
        self.counts[outcome] += 1

    @property
    def handled(self) -> int:
        return sum(self.counts.values())


def _no_checkpoint(_: str) -> None:
    return None


class Dispatcher:
    def __init__(
        self,
        db: Database,
        senders: dict[str, Sender],
        preparer: Preparer,
        settings: DispatchSettings | None = None,
        checkpoint: Checkpoint = _no_checkpoint,
        on_opt_out: Callable[[str], None] | None = None,
        store_calls: StoreCalls | None = None,
    ) -> None:
        self.db, self.senders, self.preparer = db, senders, preparer
        self.store_calls = store_calls
        self.settings = settings or DispatchSettings()
        self.checkpoint = checkpoint
        self.on_opt_out = on_opt_out

    def run_once(self, limit: int | None = None) -> Stats:
        """Claim one batch of due messages and deliver it."""
        claims = store.claim(self.db, limit or self.settings.batch_size, self.settings.lease_seconds)
        self.checkpoint("after_claim")
        return self.deliver(claims)

    def drain(self) -> Stats:
        """Deliver everything due now (``work --once``); retries scheduled later are left for later."""
        total = Stats()
        try:
            while True:
                stats = self.run_once()
                total.counts.update(stats.counts)
                if stats.handled == 0:
                    return total
        finally:
            self.close()

    def work(self, stop: threading.Event) -> None:
        """Poll until ``stop`` is set; a full batch is followed at once by the next."""
        while not stop.is_set():
            try:
                stats = self.run_once()
            except Exception:  # a broken batch must not stop the dispatcher; its leases expire and retry
                log.exception("notification batch failed")
                stats = Stats()
            if stats.handled < self.settings.batch_size:
                self.close()  # open connections only pay off while batches follow each other
                stop.wait(self.settings.poll_seconds)
        self.close()

    def close(self) -> None:
        """Close the connections senders keep from one batch to the next."""
        for sender in self.senders.values():
            sender.close()

    def deliver(self, claims: list[store.Claim]) -> Stats:
        """Check, render and send claimed messages; calls to a store go to its adapter."""
        stats = Stats()
        if self.store_calls is not None:
            calls, claims = self.store_calls.split(claims)
            for outcome in self.store_calls.deliver(calls):
                stats.add(outcome.status)
        doubtful = sendlog.in_doubt(self.db, [c.id for c in claims])
        for channel, items in self._prepare(claims, stats).items():
            self._send_all(self.senders[channel], items, doubtful, stats)
        return stats

    def _prepare(self, claims: list[store.Claim], stats: Stats) -> dict[str, list[Prepared]]:
        """Render what is still this worker's to send, by channel; skips and render failures are recorded now."""
        mine = store.still_mine(self.db, claims)
        by_channel: dict[str, list[Prepared]] = {}
        settled: list[store.Outcome] = []
        for item in self.preparer.prepare([c for c in claims if c.id in mine]):
            if item.outgoing is not None:
                by_channel.setdefault(item.outgoing.channel, []).append(item)
            elif item.skip_reason is not None:
                settled.append(store.skipped(item.claim, item.skip_reason))
            else:  # the message cannot be built (template or data error): retrying will not help
                settled.append(store.failed(item.claim, item.error or "?", permanent=True, policy=self.settings.retry))
        self._flush(settled, stats)
        return by_channel

    def _flush(self, outcomes: list[store.Outcome], stats: Stats) -> None:
        store.record(self.db, outcomes)
        for outcome in outcomes:
            stats.add(outcome.status)
        outcomes.clear()

    def _send_all(self, sender: Sender, items: list[Prepared], doubtful: set[int], stats: Stats) -> None:
        """Split a big batch over parallel lanes, each with its own connection (one SMTP session each)."""
        lanes = max(1, min(self.settings.send_lanes, -(-len(items) // MIN_PER_LANE)))
        if lanes == 1:
            stats.counts.update(self._lane(sender, items, doubtful).counts)
            return
        parts = [items[i::lanes] for i in range(lanes)]
        with ThreadPoolExecutor(lanes, thread_name_prefix="notify-lane") as pool:
            for lane_stats in pool.map(lambda part: self._lane(sender, part, doubtful), parts):
                stats.counts.update(lane_stats.counts)

    def _lane(self, sender: Sender, items: list[Prepared], doubtful: set[int]) -> Stats:
        """Send one after another; each send is written down, and the one before it recorded, before it leaves."""
        stats = Stats()
        with sender.batch() as batch, sendlog.lane(self.db) as book:
            for item in items:
                if not self._may_send(item, book, doubtful, stats):
                    continue
                self.checkpoint("before_send")
                delivery = batch.send(item.outgoing)  # type: ignore[arg-type]
                self.checkpoint("after_send")
                outcome = self._outcome(item, delivery)
                book.finish(outcome)
                stats.add(outcome.status)
        return stats

    def _may_send(self, item: Prepared, book: sendlog.Lane, doubtful: set[int], stats: Stats) -> bool:
        """Whether the item may leave now: its lease has time left, and the send log has it as started."""
        if (item.claim.lease_until - utcnow()).total_seconds() < self.settings.lease_seconds * LEASE_MARGIN:
            stats.add("lease_expired")  # re-claimed later under a new fencing token
            return False
        message_id = item.outgoing.message_id if item.outgoing is not None else ""
        if not book.start(sendlog.Start(item.claim, item.claim.id in doubtful, message_id or None)):
            stats.add("lease_lost")  # another worker holds this row now
            return False
        return True

    def _outcome(self, item: Prepared, delivery: Delivery) -> store.Outcome:
        if delivery.ok:
            return store.sent(item.claim, delivery.provider_id, delivery.provider_status)
        if delivery.opted_out and self.on_opt_out is not None:
            self.on_opt_out(item.outgoing.recipient)  # type: ignore[union-attr]
        log.warning("outbox #%s: %s", item.claim.id, delivery.error)
        return store.failed(
            item.claim, delivery.error or "failed", permanent=delivery.permanent, policy=self.settings.retry,
            provider_status=delivery.provider_status,
        )  # fmt: skip
