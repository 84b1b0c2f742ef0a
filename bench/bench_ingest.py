"""API event ingest on SQLite, side by side with raw sqlite3 writing the same rows.

    .venv/bin/python bench/bench_ingest.py [--shipments 1000] [--batches 10] [--single 1500] [--workers 2] [--threads 4]

Setup: a fresh migrated SQLite file with ``--shipments`` shipped parcels, and gunicorn
(gthread, ``--workers`` processes x ``--threads`` threads; default 2 x 4, one worker per
core of this machine, as the README's production notes advise) serving the app on
loopback. Then:

* batched: ``POST /api/v1/tracking-events/batch`` requests,
  one event per shipment per request, through ``core.services.scan_batch``;
* after each API batch, the rows it wrote (events, and the shipment and order columns
  it changed: a parcel's status only where the scan moved it) are read back and written
  again with raw ``sqlite3`` into a copy of the starting database, in one transaction per
  batch, with the app's own connection settings: "raw, same rows". "raw, inserts
  only" writes just the event rows. Raw and API batches alternate, so a busy machine
  slows both alike. Each side's clock covers only its own work: raw's parameter tuples
  and the API request's JSON body are built before the clock starts; the API's clock
  then covers the HTTP round trip (sending, the server's parsing, validation, service
  and commit, and receiving the answer);
* single: one event per request (``POST /tracking-events`` with an Idempotency-Key)
  from ``--clients`` keep-alive connections.

Before the clock starts, ``--warm-up`` small batches go to parcels of their own, so that
no timed request pays for a worker's first use. Then the API's database is checkpointed (its WAL
emptied) and raw's copies are taken, so both sides meet WAL checkpoints at the same batches.

Goals (issue 5): batched ≥ 0.5× raw batched; single ≥ 300 events/s.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.ingest_raw import copy_database, empty_wal, raw_batch, raw_connection, written_since  # noqa: E402
from core import migrations  # noqa: E402
from core.clock import utcnow  # noqa: E402
from core.db import Database  # noqa: E402
from core.domain.commands import LineInput  # noqa: E402
from core.events.fact import Actor  # noqa: E402
from core.services.access import create_api_key  # noqa: E402
from core.services.fulfilment import ship_order  # noqa: E402
from core.shop import Shop  # noqa: E402
from tests import factories  # noqa: E402

WARM_UP_PARCELS = 50


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def setup(path: Path, shipments: int) -> tuple[list[str], str]:
    url = f"sqlite:///{path}"
    migrations.upgrade(url)
    shop = Shop(db=Database(url))
    factories.make_catalog(shop, on_hand=shipments * 2 + 10, reorder_point=0)
    staff = Actor("staff", "bench")
    numbers = []
    for i in range(shipments):
        order = factories.place(
            shop, phone=None, sms_consent=False, lines=[LineInput("TEE-M", 1)], email=f"b{i}@example.com"
        )
        number = f"1ZBENCH{i:08d}"
        ship_order(
            shop, order.id, carrier_code="ups", service="Ground", tracking_number=number, actor=staff, notify=False
        )
        numbers.append(number)
        if (i + 1) % 100 == 0:
            print(f"  setup: {i + 1}/{shipments} shipments", file=sys.stderr)
    key = create_api_key(shop, name="bench", scope="write")[1]
    shop.db.dispose()
    return numbers, key


def start_server(path: Path, workdir: Path, workers: int = 1, threads: int = 8) -> tuple[subprocess.Popen[bytes], int]:
    port = _free_port()
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{path}", "SECRET_KEY": "bench", "NOTIFY_INLINE_DISPATCH": "0",
           "PUBLIC_BASE_URL": f"http://127.0.0.1:{port}"}  # fmt: skip
    env.pop("REDIS_URL", None)
    command = [sys.executable, "-m", "gunicorn", "--bind", f"127.0.0.1:{port}", "--workers", str(workers),
               "--worker-class", "gthread", "--threads", str(threads), "--log-level", "warning", "wsgi:app"]  # fmt: skip
    process = subprocess.Popen(command, cwd=ROOT, env=env, stderr=(workdir / "gunicorn.log").open("wb"))
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/api/v1/openapi.json", timeout=2)
            return process, port
        except OSError:
            time.sleep(0.2)
    process.terminate()
    raise SystemExit("gunicorn did not start; see gunicorn.log")


def send(
    conn: http.client.HTTPConnection, path: str, body: bytes, key: str, idem: str | None = None
) -> tuple[int, bytes]:
    """One POST of an already encoded body: the client's own JSON work is not the server's time."""
    headers = {"Authorization": f"Bearer {key}", "Content-Type": "application/json"}
    if idem:
        headers["Idempotency-Key"] = idem
    conn.request("POST", path, body=body, headers=headers)
    response = conn.getresponse()
    return response.status, response.read()


def warm_up(api: http.client.HTTPConnection, key: str, parcels: list[str], requests: int, size: int) -> None:
    """Batches of the timed size on parcels of their own (several scans each), so that no timed
    request pays for a worker's first use (imports, compiled validators, statement caches, the
    heap growing to a big request's size) and the timed parcels stay as set up. They go over the
    timed batches' own connection: a keep-alive connection stays with one gunicorn worker."""
    start = utcnow() + timedelta(minutes=1)
    for r in range(requests):
        events = [{"tracking_number": parcels[i % len(parcels)], "status": "in_transit", "location": "Warm-up",
                   "occurred_at": (start + timedelta(seconds=r * size + i)).isoformat(), "external_id": f"warm-{r}-{i}"}
                  for i in range(size)]  # fmt: skip
        status, answer = send(api, "/api/v1/tracking-events/batch", json.dumps({"events": events}).encode(), key)
        if status != 200:
            raise SystemExit(f"warm-up failed: {status} {answer[:300]!r}")


def run_batched(
    api: http.client.HTTPConnection, key: str, numbers: list[str], batches: int, api_db: Path, copies: dict[str, Path]
) -> dict[str, float]:
    raw = {name: raw_connection(path) for name, path in copies.items()}
    totals = {"api": 0.0, **dict.fromkeys(copies, 0.0)}
    last_id = written_since(api_db, 0)[1]
    base = utcnow() + timedelta(minutes=5)
    for b in range(batches):
        when = (base + timedelta(minutes=b)).isoformat()
        events = [{"tracking_number": n, "status": "in_transit", "occurred_at": when, "location": f"Hub {b}",
                   "message": "Arrival scan", "external_id": f"bench-{b}-{i}"} for i, n in enumerate(numbers)]  # fmt: skip
        encoded = json.dumps({"events": events}).encode()
        started = time.perf_counter()
        status, answer = send(api, "/api/v1/tracking-events/batch", encoded, key)
        seconds = {"api": time.perf_counter() - started}
        body = json.loads(answer)
        if status != 200 or body["recorded"] != len(numbers):
            raise SystemExit(f"batch {b} failed: {status} {str(body)[:300]}")
        rows, last_id = written_since(api_db, last_id)
        seconds["raw_same_rows"] = raw_batch(raw["raw_same_rows"], rows, projection=True)
        seconds["raw_inserts_only"] = raw_batch(raw["raw_inserts_only"], rows, projection=False)
        for name, value in seconds.items():
            totals[name] += value
        shown = ", ".join(f"{name} {value * 1000:.1f} ms" for name, value in seconds.items())
        print(f"  batch {b + 1}/{batches}: {shown}", file=sys.stderr)
    return totals


def run_single(port: int, key: str, numbers: list[str], total: int, clients: int) -> tuple[float, list[float]]:
    latencies: list[float] = []
    errors: list[str] = []
    base = utcnow() + timedelta(hours=2)
    # Bodies are encoded before the clock starts and answers decoded only on failure: on a
    # two-core machine the client's own JSON work would otherwise be billed to the server.
    bodies = [json.dumps({"tracking_number": numbers[j % len(numbers)], "status": "in_transit", "location": "Depot",
                          "occurred_at": (base + timedelta(seconds=j)).isoformat(), "external_id": f"single-{j}"}).encode()
              for j in range(total)]  # fmt: skip

    def client(worker: int) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        for j in range(worker, total, clients):
            started = time.perf_counter()
            status, answer = send(conn, "/api/v1/tracking-events", bodies[j], key, idem=f"single-{j}")
            latencies.append(time.perf_counter() - started)
            if status != 201:
                errors.append(f"{status} {answer[:300]!r}")

    threads = [threading.Thread(target=client, args=(w,)) for w in range(clients)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    if errors:
        raise SystemExit(f"{len(errors)} single requests failed, e.g. {errors[0]}")
    return elapsed, latencies


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--shipments", type=int, default=1000, help="distinct shipments = events per batch request")
    parser.add_argument("--batches", type=int, default=10)
    parser.add_argument("--single", type=int, default=1500, help="one-event requests")
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn worker processes (one per core)")
    parser.add_argument("--threads", type=int, default=4, help="threads per gunicorn worker")
    parser.add_argument("--warm-up", type=int, default=4, help="untimed warm-up requests before the batched runs")
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="shiplog-bench-"))
    api_db = workdir / "api.db"
    print(f"setting up {args.shipments} shipments in {workdir} ...", file=sys.stderr)
    numbers, key = setup(api_db, args.shipments + WARM_UP_PARCELS)
    numbers, warm_parcels = numbers[: args.shipments], numbers[args.shipments :]
    copies = {name: workdir / f"{name}.db" for name in ("raw_same_rows", "raw_inserts_only")}
    server, port = start_server(api_db, workdir, args.workers, args.threads)
    try:
        api = http.client.HTTPConnection("127.0.0.1", port, timeout=300)
        warm_up(api, key, warm_parcels, args.warm_up, args.shipments)
        empty_wal(api_db)
        for path in copies.values():  # raw starts from the API's database as it is now
            copy_database(api_db, path)
        totals = run_batched(api, key, numbers, args.batches, api_db, copies)
        single_seconds, latencies = run_single(port, key, numbers, args.single, args.clients)
    finally:
        server.terminate()
        server.wait(timeout=20)
    report(args, totals, single_seconds, latencies)
    shutil.rmtree(workdir, ignore_errors=True)


def report(args: argparse.Namespace, totals: dict[str, float], single_seconds: float, latencies: list[float]) -> None:
    events = args.shipments * args.batches
    rate = {name: events / seconds for name, seconds in totals.items()}
    rows = [
        ("raw sqlite3, batched: same rows (events + shipment/order updates)", events, totals["raw_same_rows"], rate["raw_same_rows"], 1.0),
        ("raw sqlite3, batched: event inserts only", events, totals["raw_inserts_only"], rate["raw_inserts_only"], None),
        (f"API batched ({args.shipments}/request, HTTP + validation + service)", events, totals["api"], rate["api"],
         rate["api"] / rate["raw_same_rows"]),
        (f"API one event per request ({args.clients} clients, {args.workers}x{args.threads} gunicorn)", args.single, single_seconds,
         args.single / single_seconds, None),
    ]  # fmt: skip
    print(f"\n{'path':<72} {'events':>7} {'seconds':>8} {'events/s':>10} {'vs raw':>7}")
    for name, count, seconds, per_second, ratio in rows:
        shown = f"{ratio:.2f}x" if ratio is not None else ""
        print(f"{name:<72} {count:>7} {seconds:>8.2f} {per_second:>10,.0f} {shown:>7}")
    p50, p95 = statistics.median(latencies) * 1000, statistics.quantiles(latencies, n=20)[18] * 1000
    print(f"\nsingle-request latency: p50 {p50:.1f} ms, p95 {p95:.1f} ms")
    print(f"API batched vs raw inserts only: {rate['api'] / rate['raw_inserts_only']:.2f}x")
    print(f"goal batched >= 0.5x raw same rows: {'met' if rate['api'] / rate['raw_same_rows'] >= 0.5 else 'NOT met'}; "
          f"goal single >= 300/s: {'met' if args.single / single_seconds >= 300 else 'NOT met'}")  # fmt: skip


if __name__ == "__main__":
    main()
