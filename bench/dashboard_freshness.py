"""Freshness of the shared analytics store under ingest (``bench_dashboard.py`` step 3), and the
follower it runs: ``analytics sync --follow``, the one writer, which also answers the workers' views."""

from __future__ import annotations

import json
import os
import signal
import statistics
import subprocess
import threading
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
SECRET = "bench-dashboard"
FLASK = [str(ROOT / ".venv/bin/flask"), "--app", "wsgi"]


def _env(db: str, store: str) -> dict[str, str]:
    return os.environ | {"DATABASE_URL": db, "ANALYTICS_STORE": store, "SECRET_KEY": SECRET}


def start_follower(db: str, store: str, interval: float) -> subprocess.Popen[bytes]:
    """``analytics sync --follow``: the one writer, which also answers the workers' views."""
    return subprocess.Popen(
        [*FLASK, "analytics", "sync", "--follow", "--interval", str(interval)],
        env=_env(db, store),
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def _ingest(db: str, store: str, stop: threading.Event, counted: list[int]) -> None:
    """Carrier scans through the tracking service (events, projection, outbox in one transaction each)."""
    import uuid

    from sqlalchemy import select

    from core.clock import utcnow
    from core.domain.scans import CarrierScan
    from core.models import Shipment
    from core.services.tracking import record_scan
    from web.extensions import shop
    from wsgi import create_app

    app = create_app({"DATABASE_URL": db, "ANALYTICS_STORE": store, "SECRET_KEY": SECRET})
    the_shop = shop(app)
    with the_shop.db.read() as session:
        numbers = list(
            session.scalars(select(Shipment.tracking_number).where(Shipment.status == "in_transit").limit(5000))
        )
    while not stop.is_set():
        number = numbers[counted[0] % len(numbers)]
        scan = CarrierScan(
            number, "in_transit", utcnow(), location="Bench hub", external_id=f"bench-{uuid.uuid4().hex}"
        )
        record_scan(the_shop, scan)
        counted[0] += 1


def _newest_event(db: str) -> int:
    from sqlalchemy import create_engine, text

    engine = create_engine(db)
    with engine.connect() as conn:
        found = int(conn.execute(text("SELECT max(id) FROM events")).scalar() or 0)
    engine.dispose()
    return found


def freshness(db: str, store: str, seconds: float, interval: float) -> dict[str, Any]:
    """Lag of the published store behind the event log while scans arrive and ``sync --follow`` runs."""
    follower = start_follower(db, store, interval)
    stop, counted = threading.Event(), [0]
    writer = threading.Thread(target=_ingest, args=(db, store, stop, counted))
    writer.start()
    seen: list[tuple[float, int]] = []
    lags: list[float] = []
    started = time.monotonic()
    while time.monotonic() - started < seconds:
        now = time.monotonic()
        seen.append((now, _newest_event(db)))
        published = json.loads((Path(store) / "current.json").read_text())["event_id"]
        missing = [t for t, newest in seen if newest > published]
        lags.append(now - missing[0] if missing else 0.0)
        time.sleep(1)
    stop.set()
    writer.join()
    follower.send_signal(signal.SIGTERM)
    follower.wait(timeout=120)
    return {"events": counted[0], "rate": counted[0] / seconds, "p50": statistics.median(lags), "max": max(lags)}
