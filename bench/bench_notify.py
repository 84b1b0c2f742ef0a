"""Notification dispatch throughput: messages per second for one worker, through the real client libraries.

    .venv/bin/python bench/bench_notify.py [--messages 2000] [--database sqlite|postgresql] [--profile]

Each run builds an outbox of ``--messages`` rows (one order, many subscribers, one ``shipment.shipped``
event), then times ``Dispatcher.drain()`` in this process: claim (lease + fencing token), send-time
consent checks, rendering (Jinja, shared per event), sending, and one bookkeeping transaction per
message. Email goes through flask-mail to a local aiosmtpd server over one reused SMTP connection per
batch; SMS through the twilio SDK (pooled HTTP session) to a local Messages API. Only loopback traffic.
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import click
from sqlalchemy import create_engine, func, select, text

from core import migrations
from core.db import Base, Database
from core.models import OutboxMessage
from core.payments import FakeGateway
from core.services import subscriptions
from core.shop import Shop
from notifications import wiring
from portal.app import create_app
from tests import factories
from tests.integration.notifications.peers import TWILIO_FROM, TWILIO_SID, TWILIO_TOKEN

ROOT = Path(__file__).resolve().parent.parent
PG_ADMIN = "postgresql+psycopg://postgres@127.0.0.1:5432/test"


@dataclass
class Result:
    channel: str
    database: str
    messages: int
    seconds: float
    sent: int

    @property
    def rate(self) -> float:
        return self.sent / self.seconds if self.seconds else 0.0


def _database(kind: str, folder: Path) -> Database:
    if kind == "sqlite":
        url = f"sqlite:///{folder / 'bench.db'}"
    else:
        admin = create_engine(PG_ADMIN, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text('DROP DATABASE IF EXISTS "shiplog_bench_notify" WITH (FORCE)'))
            conn.execute(text('CREATE DATABASE "shiplog_bench_notify"'))
        admin.dispose()
        url = PG_ADMIN.rsplit("/", 1)[0] + "/shiplog_bench_notify"
    migrations.upgrade(url)
    database = Database(url)
    if kind != "sqlite":
        tables = ", ".join(f'"{t.name}"' for t in Base.metadata.sorted_tables)
        with database.engine.begin() as conn:
            conn.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    return database


def build_outbox(shop: Shop, channel: str, messages: int) -> int:
    """One order whose shipment is announced to ``messages`` recipients of one channel."""
    factories.make_catalog(shop)
    order = factories.place(shop, phone="+12025550043", sms_consent=channel == "sms")
    consent = {"scope": "all", "consent_text": "bench", "consent_source": "bench"}
    with click.progressbar(range(messages - 1), label=f"subscribing {channel}") as numbers:
        for n in numbers:
            address = f"fan{n}@example.com" if channel == "email" else f"+1202{2000000 + n:07d}"
            subscriptions.subscribe(shop, order.id, channel=channel, address=address, **consent)
    with shop.db.write() as session:
        session.query(OutboxMessage).delete()  # only the shipment announcement is timed
    factories.ship_all(shop, order.id)
    with shop.db.read() as session:
        return int(session.scalar(select(func.count(OutboxMessage.id)).where(OutboxMessage.channel == channel)) or 0)


class Peers:
    """The SMTP and Twilio peers in their own process, so they never compete with the dispatcher for the GIL."""

    def __enter__(self) -> Peers:
        command = [sys.executable, "-m", "tests.integration.notifications.peers"]
        self.process = subprocess.Popen(command, cwd=ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        assert self.process.stdout is not None
        port, self.twilio_url = self.process.stdout.readline().split()
        self.smtp_port = int(port)
        return self

    def counts(self) -> tuple[int, int]:
        assert self.process.stdin is not None
        assert self.process.stdout is not None
        self.process.stdin.write("count\n")
        self.process.stdin.flush()
        emails, texts = self.process.stdout.readline().split()
        return int(emails), int(texts)

    def __exit__(self, *exc: object) -> None:
        self.process.communicate(timeout=10)


def run(channel: str, kind: str, messages: int, profile: bool) -> Result:
    folder = Path(tempfile.mkdtemp(prefix="bench-notify-"))
    database = _database(kind, folder)
    shop = Shop(db=database, gateway=FakeGateway())
    count = build_outbox(shop, channel, messages)
    with Peers() as peers:
        config = {
            "SHOP": shop,
            "DATABASE_URL": database.url,
            "SECRET_KEY": "bench",
            "PUBLIC_BASE_URL": "https://shop.example.com",
            "RATELIMIT_STORAGE_URI": "memory://",
            "MAIL_SERVER": "127.0.0.1",
            "MAIL_PORT": peers.smtp_port,
            "TWILIO_ACCOUNT_SID": TWILIO_SID,
            "TWILIO_AUTH_TOKEN": TWILIO_TOKEN,
            "TWILIO_FROM_NUMBER": TWILIO_FROM,
            "TWILIO_API_BASE_URL": peers.twilio_url,
        }
        app = create_app(config)
        with app.app_context():
            dispatcher = wiring.build_dispatcher(app)
            profiler = cProfile.Profile() if profile else None
            began = time.perf_counter()
            if profiler:
                profiler.enable()
            stats = dispatcher.drain()
            if profiler:
                profiler.disable()
            seconds = time.perf_counter() - began
        emails, texts = peers.counts()
        received = emails if channel == "email" else texts
    if profiler:
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(25)
    database.dispose()
    shutil.rmtree(folder, ignore_errors=True)
    assert received == count, (received, count, dict(stats.counts))
    assert not stats.counts["dead"], dict(stats.counts)
    return Result(channel, kind, count, seconds, received)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--messages", type=int, default=2000)
    parser.add_argument("--database", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--channel", choices=["email", "sms", "both"], default="both")
    parser.add_argument("--profile", action="store_true", help="print the top of a cProfile of each run")
    args = parser.parse_args()
    kinds = ["sqlite", "postgresql"] if args.database == "both" else [args.database]
    channels = ["email", "sms"] if args.channel == "both" else [args.channel]
    results = [run(channel, kind, args.messages, args.profile) for kind in kinds for channel in channels]
    print()
    lanes, every = os.environ.get("NOTIFY_SEND_LANES", "4"), os.environ.get("NOTIFY_RECORD_EVERY", "20")
    print(
        f"one worker process, {lanes} send lanes, outcomes recorded every {every} sends; load {os.getloadavg()[0]:.1f}"
    )
    print(f"{'channel':<8} {'database':<11} {'messages':>9} {'seconds':>8} {'msg/s/worker':>13}  goal ≥ 500/s")
    for r in results:
        verdict = "ok" if r.rate >= 500 else "below goal"
        print(f"{r.channel:<8} {r.database:<11} {r.sent:>9} {r.seconds:>8.2f} {r.rate:>13.0f}  {verdict}")


if __name__ == "__main__":
    main()
