"""Notification dispatch throughput: messages per second for one worker, through the real client libraries.

    .venv/bin/python bench/bench_notify.py [--messages 2000] [--database sqlite|postgresql|both]
                                           [--channel email|sms|both] [--repeat 1] [--profile]

Each run builds an outbox of ``--messages`` rows (one order, many confirmed subscribers, one ``shipment.shipped``
event), then times ``Dispatcher.drain()`` in this process with the app's default settings: claim (lease +
fencing token), send-time consent checks, rendering (once per event, each recipient's unsubscribe link
filled in), sending over parallel lanes, and before each send the lane's previous outcome recorded and
the send written into the send log (one transaction per send).
Email goes through flask-mail to a local aiosmtpd server, one SMTP connection per lane kept from batch to
batch; SMS through the twilio SDK (pooled HTTP session) to a local Messages API (``http.server``) that
checks the SDK's path, Basic auth and form. Only loopback traffic. ``--repeat`` times the same outbox
again (re-queued), with fresh peers, to see the spread on a busy machine.

Both peers run in one subprocess (``tests/integration/notifications/peers.py``), so they never compete
with the dispatcher for the GIL. They keep what arrives as bytes and check it only after the timed part:
every email's To is its envelope recipient, its Message-ID is unique and each body carries that email's
own unsubscribe link; the run fails otherwise, or if a message is missing or went dead.

Besides the rate, each line shows the CPU milliseconds per message of this worker, of the peers'
process and (PostgreSQL) of the server backends serving the bench database, read from /proc: with
2 cores shared by all three, the rate can only be as high as their sum allows.
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
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import click
from sqlalchemy import create_engine, delete, func, select, text, update

from core import migrations
from core.clock import utcnow
from core.db import Base, Database
from core.models import OutboxMessage, SendLogEntry
from core.payments import FakeGateway
from core.shop import Shop
from notifications import wiring
from notifications.dispatcher import Dispatcher, DispatchSettings, Stats
from tests import factories
from tests.integration.notifications.peers import TWILIO_FROM, TWILIO_SID, TWILIO_TOKEN
from wsgi import create_app

ROOT = Path(__file__).resolve().parent.parent
PG_ADMIN = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
BENCH_DATABASE = "shiplog_bench_notify"


@dataclass
class Result:
    channel: str
    database: str
    messages: int
    seconds: float
    sent: int
    cpu: dict[str, float]  # CPU seconds during the drain: this worker, the peers, the database server
    settings: DispatchSettings

    def per_message(self, name: str) -> float:
        return 1000 * self.cpu.get(name, 0.0) / self.sent if self.sent else 0.0

    @property
    def rate(self) -> float:
        return self.sent / self.seconds if self.seconds else 0.0


def _database(kind: str, folder: Path) -> Database:
    if kind == "sqlite":
        url = f"sqlite:///{folder / 'bench.db'}"
    else:
        admin = create_engine(PG_ADMIN, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{BENCH_DATABASE}" WITH (FORCE)'))
            conn.execute(text(f'CREATE DATABASE "{BENCH_DATABASE}"'))
        admin.dispose()
        url = PG_ADMIN.rsplit("/", 1)[0] + "/" + BENCH_DATABASE
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
    with click.progressbar(range(messages - 1), label=f"subscribing {channel}") as numbers:
        for n in numbers:  # each confirms (double opt-in), so each hears of the shipment, parcel-level
            address = f"fan{n}@example.com" if channel == "email" else f"+1202{2000000 + n:07d}"
            factories.subscribe_confirmed(shop, order.id, channel, address)
    with shop.db.write() as session:
        session.query(OutboxMessage).delete()  # only the shipment announcement is timed
    factories.ship_all(shop, order.id)
    with shop.db.read() as session:
        return int(session.scalar(select(func.count(OutboxMessage.id)).where(OutboxMessage.channel == channel)) or 0)


def _cpu_by_pid(pids: list[int]) -> dict[int, float]:
    """User + system CPU seconds of each of these processes that still exists."""
    found = {}
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        found[pid] = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return found


def _database_pids() -> list[int]:
    """The PostgreSQL backends serving the bench database (their process titles name it; this machine only)."""
    found = []
    for entry in Path("/proc").iterdir():
        try:
            if entry.name.isdigit() and BENCH_DATABASE.encode() in (entry / "cmdline").read_bytes():
                found.append(int(entry.name))
        except OSError:
            continue
    return found


class Peers:
    """The SMTP and Twilio peers in their own process, so they never compete with the dispatcher for the GIL."""

    def __enter__(self) -> Peers:
        command = [sys.executable, "-m", "tests.integration.notifications.peers"]
        self.process = subprocess.Popen(command, cwd=ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        assert self.process.stdout is not None
        port, self.twilio_url = self.process.stdout.readline().split()
        self.smtp_port = int(port)
        self.pids = [self.process.pid]
        return self

    def counts(self) -> tuple[int, int, int]:
        """Emails and texts received, and how many of them failed the peers' checks."""
        assert self.process.stdin is not None
        assert self.process.stdout is not None
        self.process.stdin.write("count\n")
        self.process.stdin.flush()
        emails, texts, problems = self.process.stdout.readline().split()
        return int(emails), int(texts), int(problems)

    def __exit__(self, *exc: object) -> None:
        self.process.communicate(timeout=10)


def _config(database: Database, shop: Shop, peers: Peers) -> dict[str, object]:
    return {
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


def _timed_drain(
    dispatcher: Dispatcher, watched: dict[str, Callable[[], list[int]]], profile: bool
) -> tuple[Stats, float, dict[str, float]]:
    """Drain the outbox; returns the stats, the wall seconds and the CPU seconds of each watched party
    (processes that ended meanwhile are left out, ones that started are counted in full)."""
    profiler = cProfile.Profile() if profile else None
    cpu_before = {name: _cpu_by_pid(pids()) for name, pids in watched.items()}
    worker_before, began = time.process_time(), time.perf_counter()
    if profiler:
        profiler.enable()
    stats = dispatcher.drain()
    if profiler:
        profiler.disable()
    seconds = time.perf_counter() - began
    cpu_after = {name: _cpu_by_pid(pids()) for name, pids in watched.items()}
    cpu = {
        name: sum(seconds - cpu_before[name].get(pid, 0.0) for pid, seconds in after.items())
        for name, after in cpu_after.items()
    }
    cpu["worker"] = time.process_time() - worker_before
    if profiler:
        pstats.Stats(profiler).sort_stats(os.environ.get("BENCH_SORT", "cumulative")).print_stats(25)
    return stats, seconds, cpu


def _requeue(shop: Shop, channel: str) -> None:
    """Make the channel's messages due again, as if never sent, for another timed run on the same data."""
    with shop.db.write() as session:
        session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.channel == channel)
            .values(status="pending", attempts=0, next_attempt_at=utcnow(), locked_until=None, sent_at=None)
            .values(provider_message_id=None, provider_status=None, last_error=None)
        )
        session.execute(delete(SendLogEntry))


def _drain_once(database: Database, shop: Shop, channel: str, count: int, profile: bool) -> Result:
    with Peers() as peers:
        app = create_app(_config(database, shop, peers))
        with app.app_context():
            dispatcher = wiring.build_dispatcher(app)
            sqlite = database.engine.dialect.name == "sqlite"
            watched = {"peers": lambda: peers.pids, "database": list if sqlite else _database_pids}
            stats, seconds, cpu = _timed_drain(dispatcher, watched, profile)
        emails, texts, problems = peers.counts()
        received = emails if channel == "email" else texts
    assert received == count, (received, count, dict(stats.counts))
    assert not problems, f"{problems} messages failed the peers' checks"
    assert not stats.counts["dead"], dict(stats.counts)
    kind = "sqlite" if database.engine.dialect.name == "sqlite" else "postgresql"
    return Result(channel, kind, count, seconds, received, cpu, dispatcher.settings)


def run(channel: str, kind: str, messages: int, profile: bool, repeat: int) -> list[Result]:
    folder = Path(tempfile.mkdtemp(prefix="bench-notify-"))
    database = _database(kind, folder)
    shop = Shop(db=database, gateway=FakeGateway())
    count = build_outbox(shop, channel, messages)
    results = []
    for n in range(repeat):
        if n:
            _requeue(shop, channel)
        results.append(_drain_once(database, shop, channel, count, profile))
    database.dispose()
    shutil.rmtree(folder, ignore_errors=True)
    return results


def _report(results: list[Result]) -> None:
    settings = results[0].settings
    print(
        f"\none worker process, {settings.send_lanes} send lanes, batches of {settings.batch_size}, "
        f"each outcome recorded before the lane's next send; load {os.getloadavg()[0]:.1f}"
    )
    print(
        f"{'channel':<8} {'database':<11} {'messages':>9} {'seconds':>8} {'msg/s/worker':>13}  {'goal ≥ 500/s':<12}"
        "  CPU ms/msg: worker  peers  database"
    )
    for r in results:
        verdict = "ok" if r.rate >= 500 else "below goal"
        cpu = "".join(
            f"{r.per_message(name):>{width}.2f}" for name, width in (("worker", 20), ("peers", 7), ("database", 10))
        )
        print(f"{r.channel:<8} {r.database:<11} {r.sent:>9} {r.seconds:>8.2f} {r.rate:>13.0f}  {verdict:<12}{cpu}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--messages", type=int, default=2000)
    parser.add_argument("--database", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--channel", choices=["email", "sms", "both"], default="both")
    parser.add_argument("--repeat", type=int, default=1, help="timed runs per database and channel (same outbox)")
    parser.add_argument("--profile", action="store_true", help="print the top of a cProfile of each run")
    args = parser.parse_args()
    kinds = ["sqlite", "postgresql"] if args.database == "both" else [args.database]
    channels = ["email", "sms"] if args.channel == "both" else [args.channel]
    _report([r for k in kinds for c in channels for r in run(c, k, args.messages, args.profile, args.repeat)])


if __name__ == "__main__":
    main()
