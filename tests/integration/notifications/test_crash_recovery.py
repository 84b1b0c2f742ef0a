"""Kill the dispatcher (SIGKILL, in a real subprocess) at the worst moments, restart it, count what arrived.

* Between commit and dispatch (``after_claim``): nothing was sent; after the lease runs out the
  restarted worker sends everything, once.
* Between send and bookkeeping (``after_send``): the provider has the message but our row does
  not know. SMTP offers no way to ask "did you get this?", so that email is sent again: each
  outcome is recorded before its lane sends again, so the duplicate window is the one send in
  flight per lane, and both copies carry the same Message-ID so the receiving side can collapse
  them. For SMS the Twilio status callback (it names our outbox row and attempt) settles the send
  in doubt, so the restarted worker does not send it again.

``test_crash_kills.py`` kills a worker at 20 random points of a big outbox on both databases.
"""

from __future__ import annotations

import signal
import time
from collections import Counter

import pytest
from sqlalchemy import select

from core.db import Database
from core.models import OutboxMessage
from core.payments import FakeGateway
from core.shop import Shop
from tests import factories
from tests.integration.notifications.conftest import make_app, report, twilio_config
from tests.integration.notifications.peers import SmtpPeer, TwilioPeer
from tests.integration.notifications.workers import SECRET, run_once, worker_env

LEASE = 2.0
pytestmark = pytest.mark.slow


@pytest.fixture
def shop(sqlite_database: Database) -> Shop:
    return Shop(db=sqlite_database, gateway=FakeGateway())


@pytest.fixture
def three_orders(shop: Shop, catalog: dict[str, int]) -> None:
    for n in range(3):
        factories.place(shop, email=f"buyer{n}@example.com", phone=f"+120255501{40 + n}")


def statuses(shop: Shop) -> Counter[str]:
    with shop.db.read() as session:
        return Counter(session.scalars(select(OutboxMessage.status)))


def message_ids(peer: SmtpPeer) -> Counter[str]:
    return Counter(str(m["Message-ID"]) for m in peer.received)


def test_crash_between_commit_and_dispatch_loses_and_repeats_nothing(
    shop: Shop, three_orders: None, smtp_peer: SmtpPeer, twilio_peer: TwilioPeer
) -> None:
    env = worker_env(shop.db.url, smtp_peer, twilio_peer, NOTIFY_LEASE_SECONDS=LEASE)
    crashed = run_once(env, crash_at="after_claim")

    assert crashed.returncode == -signal.SIGKILL
    assert statuses(shop) == {"sending": 6}
    assert smtp_peer.received == []
    assert twilio_peer.received == []
    time.sleep(LEASE + 0.2)
    assert run_once(env).returncode == 0

    assert statuses(shop) == {"sent": 6}
    assert sorted(message_ids(smtp_peer).values()) == [1, 1, 1]
    assert len({m["StatusCallback"] for m in twilio_peer.received}) == len(twilio_peer.received) == 3


def test_crash_between_send_and_bookkeeping_repeats_only_the_email_in_flight(
    shop: Shop, three_orders: None, smtp_peer: SmtpPeer, twilio_peer: TwilioPeer
) -> None:
    env = worker_env(shop.db.url, smtp_peer, twilio_peer, NOTIFY_LEASE_SECONDS=LEASE)
    crashed = run_once(env, crash_at="after_send:2")  # the second email left; its outcome was not recorded

    assert crashed.returncode == -signal.SIGKILL
    assert len(smtp_peer.received) == 2
    assert statuses(shop) == {"sent": 1, "sending": 5}  # the first email's outcome was recorded before the second left
    time.sleep(LEASE + 0.2)
    assert run_once(env).returncode == 0

    assert statuses(shop) == {"sent": 6}
    received = message_ids(smtp_peer)
    assert len(received) == 3  # every email arrived
    assert sorted(received.values()) == [1, 1, 2]  # the one in flight at the crash came twice, under one Message-ID
    assert len(twilio_peer.received) == 3  # no SMS had left before the crash, so none twice


def test_sms_in_flight_at_a_crash_is_completed_by_its_status_callback(
    shop: Shop, three_orders: None, smtp_peer: SmtpPeer, twilio_peer: TwilioPeer
) -> None:
    env = worker_env(shop.db.url, smtp_peer, twilio_peer, NOTIFY_LEASE_SECONDS=LEASE)
    crashed = run_once(env, crash_at="after_send:4")  # three emails, then the first SMS: sent, not recorded

    assert crashed.returncode == -signal.SIGKILL
    [in_flight] = twilio_peer.received
    app = make_app(shop, **twilio_config(twilio_peer), SECRET_KEY=SECRET)
    assert report(app, in_flight["StatusCallback"], in_flight["sid"]) == 204  # Twilio reports it
    time.sleep(LEASE + 0.2)
    assert run_once(env).returncode == 0

    assert statuses(shop) == {"sent": 6}
    assert Counter(m["To"] for m in twilio_peer.received) == {"+12025550140": 1, "+12025550141": 1, "+12025550142": 1}
    assert sorted(message_ids(smtp_peer).values()) == [1, 1, 1]
