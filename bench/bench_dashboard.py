"""The dashboard at scale behind gunicorn: every worker's first view and a filtered view, each
worker's memory, and how far the shared analytics store trails the event log under ingest.

    .venv/bin/python bench/bench_dashboard.py --workers 4 [--db sqlite:////work/bench1m.db]
        [--store /work/analytics-store-1m] [--local] [--baseline] [--ingest-seconds 60]

1. ``flask analytics sync`` (timed, progress shown) brings the store up to date;
2. with ``analytics sync --follow`` running (the writer, which also answers the workers' views),
   gunicorn starts ``--workers`` workers (``bench/dashboard_wsgi.py``: answers name their pid);
   bursts of concurrent requests ask for the default KPI bundle until every worker has answered
   (its "first view"), then for a filtered one nobody computed ahead; RSS from /proc after each;
3. freshness: ``sync --follow`` runs while carrier scans are recorded for ``--ingest-seconds``; lag =
   how long the oldest event missing from the published store has existed.
``--local`` repeats 2 with each worker computing its own views; ``--baseline`` with the first design
(each worker loads its own in-memory copy). Only step 3 writes (scans): point ``--db`` at a copy.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.dashboard_freshness import freshness, start_follower  # noqa: E402

SECRET = "bench-dashboard"
FLASK = [str(ROOT / ".venv/bin/flask"), "--app", "wsgi"]


def _env(db: str, store: str, **extra: str) -> dict[str, str]:
    return os.environ | {"DATABASE_URL": db, "ANALYTICS_STORE": store, "SECRET_KEY": SECRET} | extra


def run_sync(db: str, store: str) -> float:
    """The writer's catch-up (the whole load on a new store), its progress bar passed through."""
    started = time.perf_counter()
    subprocess.run([*FLASK, "analytics", "sync"], env=_env(db, store), check=True, cwd=ROOT)
    return time.perf_counter() - started


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_gunicorn(
    db: str, store: str, workers: int, baseline: bool, views: str = "shared"
) -> tuple[subprocess.Popen[bytes], int, list[int]]:
    """The README's production settings (gthread workers, 4 threads), started and loaded."""
    port, ready = _free_port(), Path(tempfile.mkdtemp(prefix="bench-ready-"))
    command = [str(ROOT / ".venv/bin/gunicorn"), "-w", str(workers), "--threads", "4", "-b", f"127.0.0.1:{port}"]
    command += ["--timeout", "600", "-c", str(ROOT / "bench/gunicorn_ready.py")]
    env = _env(db, store, BENCH_BASELINE="1" if baseline else "0", RATELIMIT_STORAGE_URI="memory://")
    env |= {"ANALYTICS_VIEWS": views, "ANALYTICS_VIEW_WAIT_SECONDS": "60"}
    server = subprocess.Popen(
        [*command, "bench.dashboard_wsgi:app"], env=env | {"BENCH_READY_DIR": str(ready)}, cwd=ROOT
    )
    deadline = time.monotonic() + 300
    while len(list(ready.iterdir())) < workers:
        if time.monotonic() > deadline:
            raise RuntimeError("gunicorn workers did not start")
        time.sleep(0.2)
    return server, port, [int(p.name) for p in ready.iterdir()]


def session_cookie(db: str, store: str) -> str:
    """A signed session for the database's first manager (read only: no sign-in is written)."""
    from sqlalchemy import select

    from core.models import StaffUser
    from wsgi import create_app

    app = create_app({"DATABASE_URL": db, "ANALYTICS_STORE": store, "SECRET_KEY": SECRET})
    with app.extensions["shiplog.shop"].db.read() as session:
        user_id = session.scalar(select(StaffUser.id).where(StaffUser.role == "manager").limit(1))
    value = app.session_interface.get_signing_serializer(app).dumps({"_user_id": str(user_id), "_fresh": True})  # type: ignore[attr-defined]
    return f"{app.config.get('SESSION_COOKIE_NAME', 'session')}={value}"


FILTERED = "/dashboard/api/kpis?channel=web&granularity=week"  # a view nobody computed ahead


def one_view(port: int, cookie: str, timeout: float, path: str = "/dashboard/api/kpis") -> tuple[int, float, int]:
    """(worker pid, seconds, status) of one dashboard bundle on a new connection; pid 0 when no answer came."""
    started = time.perf_counter()
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request("GET", path, headers={"Cookie": cookie, "Connection": "close"})
        reply = conn.getresponse()
        reply.read()
    except TimeoutError:
        return 0, time.perf_counter() - started, 0
    finally:
        conn.close()
    return int(reply.getheader("X-Worker-Pid") or 0), time.perf_counter() - started, reply.status


def first_views(
    port: int, cookie: str, workers: int, limit: float, path: str = "/dashboard/api/kpis"
) -> dict[int, tuple[float, int]]:
    """Bursts of concurrent requests on new connections until every worker has answered once, or ``limit``."""
    first: dict[int, tuple[float, int]] = {}
    started = time.monotonic()
    with ThreadPoolExecutor(max_workers=2 * workers) as pool:
        while len(first) < workers and (left := limit - (time.monotonic() - started)) > 0:
            for pid, seconds, status in pool.map(lambda _: one_view(port, cookie, left, path), range(2 * workers)):
                if pid:
                    first.setdefault(pid, (seconds, status))
    return first


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def measure_workers(db: str, store: str, workers: int, baseline: bool, limit: float, views: str) -> dict[str, Any]:
    """First view per worker (None: no answer within ``limit`` seconds) and every worker's RSS after, then
    the same for a filtered view nobody computed ahead (answered by the analytics process, or by each
    worker itself with ``views="local"``)."""
    cookie = session_cookie(db, store)
    server, port, pids = start_gunicorn(db, store, workers, baseline, views)
    try:
        first = first_views(port, cookie, workers, limit)
        rss = {pid: rss_mb(pid) for pid in pids}
        filtered = first_views(port, cookie, workers, limit, FILTERED)
        found = {
            "first": {pid: first[pid][0] if pid in first else None for pid in pids},
            "status": sorted({status for _, status in first.values()}),
            "rss": rss,
            "filtered": {pid: filtered[pid][0] if pid in filtered else None for pid in pids},
            "filtered_status": sorted({status for _, status in filtered.values()}),
            "filtered_rss": {pid: rss_mb(pid) for pid in pids},
            "limit": limit,
        }
        print(json.dumps(found), file=sys.stderr)
        return found
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=120)


def _cells(run: dict[str, Any], key: str, unit: str) -> str:
    def one(value: float | None) -> str:
        if value is None:
            return f">{run['limit']:.0f}"
        return f"{value:.2f}" if unit == "s" else f"{value:.0f}"

    return ", ".join(one(v) for v in run[key].values())


def _row(name: str, value: str, goal: str) -> None:
    print(f"{name:<44} {value:>28}  {goal}")


MEASURES = (
    ("first view, per worker", "first", "s", "< 1 s each"),
    ("RSS after first view, per worker", "rss", "MB", "< 250 MB each"),
    ("filtered view (channel=web), per worker", "filtered", "s", ""),
    ("RSS after filtered view, per worker", "filtered_rss", "MB", "< 250 MB each"),
)


def report(args: argparse.Namespace, sync_s: float, runs: dict[str, dict[str, Any]], extra: dict[str, Any]) -> None:
    print(f"\ndatabase {args.db}, store {args.store}, {args.workers} gunicorn workers")
    _row("measure", " | ".join(runs), "goal")
    _row("sync before serving (writer, one process)", f"{sync_s:.1f} s", "")
    for label, key, unit, goal in MEASURES:
        _row(f"{label} ({unit})", " | ".join(_cells(run, key, unit) for run in runs.values()), goal)
    for name, run in runs.items():
        answered = sum(v is not None for v in run["first"].values())
        _row(f"{name}: answered / HTTP status", f"{answered} / {run['status']} {run['filtered_status']}", "")
    if "answerer_rss" in extra:
        _row("analytics process RSS after answering (MB)", f"{extra['answerer_rss']:.0f}", "one process")
    if "fresh" in extra:
        fresh = extra["fresh"]
        _row(
            f"freshness under ingest ({fresh['rate']:.0f} events/s)",
            f"p50 {fresh['p50']:.1f} s, max {fresh['max']:.1f} s",
            "< 60 s",
        )
    if "shared" in runs and "worker computes (local)" in runs:
        ratio = _worst(runs["worker computes (local)"], "filtered_rss") / max(_worst(runs["shared"], "filtered_rss"), 1)
        _row("worst worker RSS after a filtered view, local / shared", f"{ratio:.2f}x", "")


def _worst(run: dict[str, Any], key: str) -> float:
    return max(v for v in run[key].values() if v is not None)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--db", default="sqlite:////work/bench1m-analytics.db")
    parser.add_argument("--store", default="/work/analytics-store-1m")
    parser.add_argument("--baseline", action="store_true", help="also measure the old per-process copy")
    parser.add_argument("--local", action="store_true", help="also measure workers computing their own views")
    parser.add_argument("--ingest-seconds", type=float, default=60, help="0 skips the freshness run")
    parser.add_argument("--sync-interval", type=float, default=5)
    parser.add_argument("--limit", type=float, default=300, help="seconds to wait for every worker's first view")
    args = parser.parse_args()
    print("sync (writer)...", file=sys.stderr)
    sync_s = run_sync(args.db, args.store)
    runs: dict[str, dict[str, Any]] = {}
    extra: dict[str, Any] = {}
    follower = start_follower(args.db, args.store, args.sync_interval)
    try:
        print("first and filtered views, shared store, views answered by the analytics process...", file=sys.stderr)
        runs["shared"] = measure_workers(args.db, args.store, args.workers, False, args.limit, "shared")
        extra["answerer_rss"] = rss_mb(follower.pid)
    finally:
        follower.send_signal(signal.SIGTERM)
        follower.wait(timeout=120)
    if args.local:
        print("the same, each worker computing its own views on the published file...", file=sys.stderr)
        runs["worker computes (local)"] = measure_workers(args.db, args.store, args.workers, False, args.limit, "local")
    if args.baseline:
        print("first views, old per-process copies (each worker loads the database)...", file=sys.stderr)
        runs["old per-process copy"] = measure_workers(args.db, args.store, args.workers, True, args.limit, "local")
    if args.ingest_seconds > 0:
        print(f"freshness: {args.ingest_seconds:.0f} s of ingest with sync --follow...", file=sys.stderr)
        extra["fresh"] = freshness(args.db, args.store, args.ingest_seconds, args.sync_interval)
        print(json.dumps(extra["fresh"]), file=sys.stderr)
    report(args, sync_s, runs, extra)


if __name__ == "__main__":
    main()
