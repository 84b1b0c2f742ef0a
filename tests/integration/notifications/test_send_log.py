"""The send log: every outcome is recorded before its lane sends again, a send in doubt is repeated under its
own Message-ID and marked as a repeat, and Twilio's reports settle sends in doubt but never mark an unsent row sent."""

from __future__ import annotations

import threading
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import pytest
from flask import Flask
from sqlalchemy import select

from core.db import Database
from core.models import Order, OutboxMessage, SendLogEntry
from core.shop import Shop
from notifications import store, wiring
from notifications.adapters import Delivery, Outgoing
from tests.integration.notifications.conftest import (
    BASE_URL,
    crowd,
    deliver,
    make_app,
    report,
    smtp_config,
    twilio_config,
)
from tests.integration.notifications.peers import SmtpPeer, TwilioPeer

LEASE = 1.0


class Watching:
    """A fake sender that looks at the database before each send, as a crash right then would leave it."""

    name = "watching"

    def __init__(self, db: Database) -> None:
        self.db = db
        self.lanes: dict[int, list[int]] = defaultdict(list)  # by thread: the outbox ids each lane sent
        self.in_doubt: list[int] = []  # at each send: how many sends had started with no outcome recorded
        self.problems: list[str] = []
        self.lock = threading.Lock()

    @contextmanager
    def batch(self) -> Iterator[Watching]:
        yield self

    def close(self) -> None:
        return None

    def send(self, out: Outgoing) -> Delivery:
        mine = self.lanes[threading.get_ident()]
        with self.db.read() as session:
            open_sends = set(session.scalars(select(SendLogEntry.outbox_id).where(SendLogEntry.outcome.is_(None))))
            earlier = set(session.scalars(select(OutboxMessage.status).where(OutboxMessage.id.in_(mine))))
        with self.lock:
            self.in_doubt.append(len(open_sends))
            if out.outbox_id not in open_sends:
                self.problems.append(f"#{out.outbox_id} left before the send log had it")
            if earlier - {"sent"}:
                self.problems.append(f"#{out.outbox_id} left before the lane's earlier sends were recorded")
        mine.append(out.outbox_id)
        return Delivery(True, provider_id=out.message_id or f"SM{out.outbox_id}", provider_status="queued")


def test_every_outcome_is_recorded_before_its_lane_sends_again(shop: Shop, placed_order: Order) -> None:
    crowd(shop, placed_order, emails=150, texts=150)
    app = make_app(shop)
    watching = Watching(shop.db)
    with app.app_context():
        dispatcher = wiring.build_dispatcher(app)
        dispatcher.senders = {"email": watching, "sms": watching}
        stats = dispatcher.drain()

    assert stats.counts["sent"] == 302
    assert watching.problems == []
    assert len(watching.lanes) >= 4  # the batches were split over parallel lanes
    assert max(watching.in_doubt) <= 4  # a crash at any send leaves at most one message per lane in doubt
    with shop.db.read() as session:
        assert set(session.scalars(select(SendLogEntry.outcome))) == {"sent"}


class Killed(Exception):
    """Stands in for SIGKILL inside one process: nothing after it runs."""


def killed_after_a_send(when: Callable[[], bool]) -> Callable[[str], None]:
    def checkpoint(point: str) -> None:
        if point == "after_send" and when():
            raise Killed

    return checkpoint


def send_log(shop: Shop, row_id: int) -> list[tuple[int, bool, str | None, str | None]]:
    with shop.db.read() as session:
        rows = session.execute(
            select(SendLogEntry.attempt, SendLogEntry.repeat, SendLogEntry.outcome, SendLogEntry.provider_message_id)
            .where(SendLogEntry.outbox_id == row_id)
            .order_by(SendLogEntry.attempt)
        )
        return [tuple(row) for row in rows]  # type: ignore[misc]


def row_of(shop: Shop, channel: str) -> OutboxMessage:
    with shop.db.read() as session:
        return session.scalars(select(OutboxMessage).where(OutboxMessage.channel == channel)).one()


def crash_once(app: Flask, when: Callable[[], bool]) -> None:
    """Deliver until a send after which ``when()`` holds, and die there, before recording its outcome."""
    with app.app_context(), pytest.raises(Killed):
        wiring.build_dispatcher(app, killed_after_a_send(when)).drain()
    time.sleep(LEASE + 0.1)  # the dead worker's lease runs out


def test_an_email_in_doubt_is_sent_again_under_its_message_id_and_marked_as_a_repeat(
    shop: Shop, placed_order: Order, smtp_peer: SmtpPeer
) -> None:
    app = make_app(shop, **smtp_config(smtp_peer), NOTIFY_LEASE_SECONDS=LEASE)
    crash_once(app, lambda: len(smtp_peer.received) == 1)  # the email left; its outcome was never recorded
    email = row_of(shop, "email")
    assert (email.status, send_log(shop, email.id)) == (
        "sending",
        [(1, False, None, f"<outbox-{email.id}@example.com>")],
    )

    deliver(app)

    first, second = smtp_peer.received
    assert first["Message-ID"] == second["Message-ID"] == f"<outbox-{email.id}@example.com>"
    assert row_of(shop, "email").status == "sent"
    assert send_log(shop, email.id) == [
        (1, False, None, first["Message-ID"]),  # in doubt for ever: the server may or may not have it
        (2, True, "sent", first["Message-ID"]),  # the repeat, marked
    ]


def test_a_report_on_an_sms_in_doubt_settles_it_and_it_is_not_sent_again(
    shop: Shop, placed_order: Order, twilio_peer: TwilioPeer
) -> None:
    app = make_app(shop, **twilio_config(twilio_peer), NOTIFY_LEASE_SECONDS=LEASE)
    crash_once(app, lambda: len(twilio_peer.received) == 1)  # Twilio took it; the worker never recorded its SID
    [taken] = twilio_peer.received
    sms = row_of(shop, "sms")
    assert send_log(shop, sms.id) == [(1, False, None, None)]

    assert report(app, taken["StatusCallback"], taken["sid"]) == 204
    deliver(app)

    assert len(twilio_peer.received) == 1
    settled = row_of(shop, "sms")
    assert (settled.status, settled.provider_message_id, settled.provider_status) == ("sent", taken["sid"], "sent")
    assert send_log(shop, sms.id) == [(1, False, "sent", taken["sid"])]


@pytest.mark.parametrize("claimed", [False, True], ids=["never claimed", "claimed, never started"])
def test_a_report_for_an_sms_never_sent_marks_nothing_sent(
    shop: Shop, placed_order: Order, twilio_peer: TwilioPeer, claimed: bool
) -> None:
    app = make_app(shop, **twilio_config(twilio_peer))
    sms = row_of(shop, "sms")
    if claimed:  # a worker took the row and died before sending it
        store.claim(shop.db, 10, 60)
    callback = f"{BASE_URL}/webhooks/twilio/status?outbox={sms.id}"

    for url in (f"{callback}&attempt=1", f"{callback}&attempt=7", callback):
        assert report(app, url, "SMforged0000", "delivered") == 204

    after = row_of(shop, "sms")
    assert (after.status, after.provider_message_id, after.provider_status) == (
        sms.status if not claimed else "sending",
        None,
        None,
    )
    assert send_log(shop, sms.id) == []


def test_a_report_under_a_sid_we_never_recorded_changes_nothing(
    shop: Shop, placed_order: Order, twilio_peer: TwilioPeer
) -> None:
    app = make_app(shop, **twilio_config(twilio_peer))
    deliver(app)
    [sent] = twilio_peer.received
    sms = row_of(shop, "sms")

    assert report(app, sent["StatusCallback"], "SMunknown000", "delivered") == 204  # this send's URL, another SID
    assert report(app, f"{BASE_URL}/webhooks/twilio/status", "SMunknown000", "delivered") == 204  # no outbox id

    after = row_of(shop, "sms")
    assert (after.status, after.provider_message_id, after.provider_status) == ("sent", sent["sid"], "queued")
    assert send_log(shop, sms.id) == [(1, False, "sent", sent["sid"])]
    assert report(app, sent["StatusCallback"], sent["sid"], "delivered") == 204  # the real one still counts
    assert row_of(shop, "sms").provider_status == "delivered"


def test_a_requeued_dead_message_gets_a_new_fencing_token_and_a_fresh_retry_budget(
    shop: Shop, placed_order: Order
) -> None:
    first = store.claim(shop.db, 10, 60)[0]
    store.record(shop.db, [store.failed(first, "550 5.1.1 no such user", permanent=True, policy=store.RetryPolicy())])
    assert store.requeue_dead(shop.db, [first.id]) == 1

    again = next(c for c in store.claim(shop.db, 10, 60) if c.id == first.id)

    assert again.attempt == 2  # never the token of an earlier claim, which names its sends in the send log
    assert store.record(shop.db, [store.sent(first, "late", "accepted")]) == 0  # the earlier claim writes nothing
    policy = store.RetryPolicy(max_attempts=2)
    assert store.failed(again, "451 try later", permanent=False, policy=policy).status == "pending"  # 1 of 2 again
