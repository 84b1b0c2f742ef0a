"""Kill the dispatcher 20 times at random points of a big outbox, restart it each time, then drain.

Each kill is a SIGKILL from outside to a real ``flask notifications work`` process, once a random number of
messages (0 to 120) has reached the peers since it started: during claims, rendering, sends and bookkeeping
alike. The SMTP peer is aiosmtpd; the Twilio peer answers slowly and has each message before it answers, so a
kill meanwhile leaves an SMS that Twilio has and the worker never heard of. After each kill the test plays
Twilio's status callbacks for what the peer took, as Twilio would within seconds of a send.

What must hold, on SQLite and PostgreSQL: nothing is lost (every row sent, every message received); each crash
leaves at most one send per lane in doubt, so it repeats at most that many messages; every message received
twice was sent again as a marked repeat under the same Message-ID; SMS in doubt are settled by their callbacks
and never sent twice.
"""

from __future__ import annotations

import random
import signal
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from urllib.parse import parse_qs, urlsplit

import pytest
from flask import Flask
from sqlalchemy import func, select

from core.models import Order, OutboxMessage, SendLogEntry
from core.shop import Shop
from tests.integration.notifications.conftest import crowd, make_app, report, twilio_config
from tests.integration.notifications.peers import SmtpPeer, TwilioPeer, TwilioState
from tests.integration.notifications.workers import SECRET, run_once, start, worker_env

KILLS = 20
LANES = 4  # NOTIFY_SEND_LANES' default
LEASE = 3.0
MOST_PER_RUN = 120  # messages that reach the peers before a kill, at most
pytestmark = pytest.mark.slow


@dataclass(frozen=True)
class Crash:
    in_doubt: int  # sends written down and never recorded when the worker died
    emails_before: int  # emails the SMTP peer had taken when the worker died
    last_send: int  # the send log's last row once the dead worker's last statement is over


@pytest.fixture
def slow_twilio() -> Iterator[TwilioPeer]:
    with TwilioPeer(TwilioState(answer_after=0.02)) as peer:
        yield peer


def arrived(smtp: SmtpPeer, twilio: TwilioPeer) -> int:
    return len(smtp.handler.arrivals) + len(twilio.received)


def last_send(shop: Shop) -> int:
    with shop.db.read() as session:
        return int(session.scalar(select(func.max(SendLogEntry.id))) or 0)


def kill_at_random(
    shop: Shop, env: dict[str, str], rng: random.Random, smtp: SmtpPeer, twilio: TwilioPeer, since: int
) -> Crash:
    """Start a worker, SIGKILL it once a random number of messages arrived, and say what it left in doubt."""
    target = arrived(smtp, twilio) + rng.randint(0, MOST_PER_RUN)
    worker = start(env)
    deadline = time.monotonic() + 3 * LEASE  # enough for anything due to be claimed and sent
    while arrived(smtp, twilio) < target and time.monotonic() < deadline and worker.poll() is None:
        time.sleep(0.001)
    time.sleep(rng.uniform(0, 0.01))
    assert worker.poll() is None, worker.communicate()[0]
    worker.send_signal(signal.SIGKILL)
    worker.wait()
    emails = len(smtp.handler.arrivals)
    time.sleep(0.2)  # PostgreSQL finishes (and commits) a dead client's last statement before it notices
    with shop.db.read() as session:
        open_sends = session.scalar(select(func.count()).where(SendLogEntry.id > since, SendLogEntry.outcome.is_(None)))
    return Crash(int(open_sends or 0), emails, last_send(shop))


def play_callbacks(app: Flask, twilio: TwilioPeer, played: int) -> int:
    """Twilio's status callback for each SMS it took since ``played``; returns how many it has taken."""
    taken = list(twilio.received)
    for message in taken[played:]:
        assert report(app, message["StatusCallback"], message["sid"]) == 204
    return len(taken)


def outbox_id(sms: dict[str, str]) -> int:
    return int(parse_qs(urlsplit(sms["StatusCallback"]).query)["outbox"][0])


def repeats_by_crash(smtp: SmtpPeer, crashes: list[Crash]) -> list[int]:
    """Each email received again, counted against the crash that ended the run in which its previous copy
    arrived: that copy's send was the one in doubt."""
    previous: dict[str, int] = {}
    counted = [0] * len(crashes)
    for index, message in enumerate(smtp.received):
        message_id = str(message["Message-ID"])
        if message_id in previous:
            counted[next(k for k, c in enumerate(crashes) if previous[message_id] < c.emails_before)] += 1
        previous[message_id] = index
    return counted


def test_twenty_kills_lose_nothing_and_repeat_at_most_one_message_per_lane(
    shop: Shop, placed_order: Order, smtp_peer: SmtpPeer, slow_twilio: TwilioPeer
) -> None:
    crowd(shop, placed_order, emails=900, texts=900)
    env = worker_env(shop.db.url, smtp_peer, slow_twilio, NOTIFY_LEASE_SECONDS=LEASE, NOTIFY_POLL_SECONDS=0.2)
    app = make_app(shop, **twilio_config(slow_twilio), SECRET_KEY=SECRET)
    rng, crashes, played = random.Random(f"kills-{shop.db.dialect}"), [Crash(0, 0, 0)], 0
    for _ in range(KILLS):
        crashes.append(kill_at_random(shop, env, rng, smtp_peer, slow_twilio, crashes[-1].last_send))
        played = play_callbacks(app, slow_twilio, played)
    crashes = crashes[1:]
    time.sleep(LEASE + 0.2)  # the last worker's leases run out
    drained = run_once(env)
    assert drained.returncode == 0, drained.stderr
    play_callbacks(app, slow_twilio, played)

    with shop.db.read() as session:
        rows: dict[int, str] = dict(session.execute(select(OutboxMessage.id, OutboxMessage.channel)).tuples().all())
        statuses = Counter(session.scalars(select(OutboxMessage.status)))
        sends = session.execute(
            select(SendLogEntry.outbox_id, SendLogEntry.repeat, SendLogEntry.provider_message_id)
        ).all()
    emails = Counter(str(m["Message-ID"]) for m in smtp_peer.received)
    texts = Counter(outbox_id(m) for m in slow_twilio.received)
    repeated = {row_id for row_id, repeat, _ in sends if repeat}
    by_crash = repeats_by_crash(smtp_peer, crashes)
    doubt = [c.in_doubt for c in crashes]
    print(
        f"\n{shop.db.dialect}: {KILLS} kills, in doubt per crash max {max(doubt)} mean {sum(doubt) / KILLS:.2f}; "
        f"emails received twice per crash max {max(by_crash)} mean {sum(by_crash) / KILLS:.2f}; "
        f"SMS received twice {sum(n - 1 for n in texts.values())}; marked repeats {len(repeated)}; "
        f"lost {len(rows) - len(emails) - len(texts)}"
    )

    assert statuses == {"sent": len(rows)}  # nothing pending, in flight or dead
    assert set(emails) == {f"<outbox-{i}@example.com>" for i, channel in rows.items() if channel == "email"}
    assert set(texts) == {i for i, channel in rows.items() if channel == "sms"}
    assert max(doubt) <= LANES
    assert max(by_crash) <= LANES
    twice = {int(m.removeprefix("<outbox-").partition("@")[0]) for m, n in emails.items() if n > 1}
    assert twice <= repeated  # every email received twice was sent again as a marked repeat...
    assert all(mid == f"<outbox-{i}@example.com>" for i, _, mid in sends if rows[i] == "email")  # ...same Message-ID
    assert all(n == 1 for n in texts.values())  # the callbacks settled every SMS Twilio had
    assert sum(doubt) > 0  # the kills did land between sends and their records
