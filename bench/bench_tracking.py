"""The public tracking page under gunicorn, side by side with a constant page of the same size.

Both pages are served by the same app, the same gunicorn command and the same workers, in
one run, over loopback (rate limits off for both: all load comes from one address).

Three runs, each after a warm-up:

* ``constant``: a fixed body of the tracking page's average size;
* ``tracking``: a working set of watched parcels (default 1,000 picked at random from the
  database) requested in random order. Tracking pages are refreshed and polled while a
  parcel moves, so requests repeat; each worker's page cache (keyed by shipment and order
  version) serves them after one indexed select;
* ``tracking (cold)``: 100,000 distinct parcels, so nearly every request is a first view
  (two selects plus a render, and on a large file mostly uncached disk pages).

Create the database once with the seed command:

    DATABASE_URL=sqlite:////tmp/bench1m.db .venv/bin/flask --app wsgi seed --orders 1000000 --days 365 --seed 1

Run:  .venv/bin/python bench/bench_tracking.py [--db /tmp/bench1m.db] [--workers 4] [--connections 16]

Load comes from ``wrk`` (Debian package) when installed, else from a threaded Python client.
Goal: tracking ≥ 0.6× the constant page's requests/s, and tracking p99 < 25 ms at 16 connections.
"""

from __future__ import annotations

import argparse
import os
import random
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.tracking_load import LoadResult, combine, run_load  # noqa: E402

CONSTANT_PATH = "/bench/constant"


def make_app() -> Any:
    """The app gunicorn serves: the real factory, rate limits off (one client IP), plus a constant page."""
    from flask import Response

    from wsgi import create_app

    app = create_app({"RATELIMIT_ENABLED": False})
    body = b"x" * int(os.environ.get("BENCH_CONSTANT_BYTES", "6000"))

    @app.get(CONSTANT_PATH)
    def constant() -> Response:
        return Response(body, mimetype="text/html")

    return app


def sample_numbers(db: Path, count: int, seed: int) -> list[str]:
    """Random tracking numbers, picked by random shipment id (no full scan of a big table)."""
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as conn:
        top = conn.execute("SELECT max(id) FROM shipments").fetchone()[0] or 0
        if top == 0:
            raise SystemExit(f"{db} has no shipments: seed it first (see this file's docstring).")
        rng = random.Random(seed)
        ids = rng.sample(range(1, top + 1), min(count * 2, top))
        found: list[str] = []
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            marks = ",".join("?" * len(chunk))
            rows = conn.execute(f"SELECT tracking_number FROM shipments WHERE id IN ({marks})", chunk)
            found.extend(row[0] for row in rows)
        rng.shuffle(found)
        return found[:count]


def page_size(db: Path, numbers: list[str]) -> int:
    """Average size of the tracking page over a few numbers, rendered in-process."""
    os.environ["DATABASE_URL"] = f"sqlite:///{db}"
    client = make_app().test_client()
    sizes = [len(client.get(f"/track/{n}").data) for n in numbers[:50]]
    return sum(sizes) // len(sizes)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_gunicorn(db: Path, workers: int, threads: int, size: int) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    env = os.environ | {"DATABASE_URL": f"sqlite:///{db}", "BENCH_CONSTANT_BYTES": str(size), "PYTHONPATH": str(ROOT)}
    cmd = [str(ROOT / ".venv/bin/gunicorn"), "--bind", f"127.0.0.1:{port}", "--workers", str(workers)]
    cmd += ["--threads", str(threads), "--worker-class", "gthread" if threads > 1 else "sync"]
    cmd += ["--backlog", "2048", "--log-level", "warning", "bench.bench_tracking:make_app()"]
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env)
    base = f"http://127.0.0.1:{port}"
    for _ in range(600):  # until a worker answers (the arbiter binds before workers have booted)
        try:
            with urllib.request.urlopen(base + CONSTANT_PATH, timeout=1) as response:
                if response.status == 200:
                    return proc, base
        except OSError:
            time.sleep(0.1)
    proc.terminate()
    raise SystemExit("gunicorn did not start")


def row(name: str, result: LoadResult) -> str:
    ms = [f"{v * 1000:8.2f}" for v in (result.p50, result.p90, result.p99)]
    return f"| {name:<22} | {result.rps:9.1f} | {' | '.join(ms)} | {result.errors:6d} | {result.requests:8d} |"


def print_table(results: dict[str, LoadResult], args: argparse.Namespace, size: int, tool: str) -> None:
    print(f"\nTracking page vs constant page ({size} bytes) · gunicorn {args.workers} workers × {args.threads} threads")
    print(f"· {args.connections} connections · {args.rounds} interleaved rounds × {args.duration}s per page")
    print(f"· load: {tool} · db: {args.db} · p50/p90: request-weighted over rounds, p99: worst round")
    print(f"· tracking: {args.watched} watched parcels in random order (pages refresh and poll, so they repeat);")
    print(f"  tracking (cold): {args.cold} distinct parcels, nearly every request a first view\n")
    print("| page                   |     req/s |   p50 ms |   p90 ms |   p99 ms | errors | requests |")
    print("|------------------------|-----------|----------|----------|----------|--------|----------|")
    for name, result in results.items():
        print(row(name, result))
    constant, tracked, cold = results["constant"], results["tracking"], results["tracking (cold)"]
    ratio = tracked.rps / constant.rps if constant.rps else 0.0
    cold_ratio = cold.rps / constant.rps if constant.rps else 0.0
    print(f"\nratio tracking/constant: {ratio:.2f}× (goal ≥ 0.60×: {'met' if ratio >= 0.6 else 'NOT met'})")
    print(f"tracking p99: {tracked.p99 * 1000:.1f} ms (goal < 25 ms: {'met' if tracked.p99 < 0.025 else 'NOT met'});")
    print(f"  the constant page's own p99 in this run: {constant.p99 * 1000:.1f} ms")
    print(f"cold ratio (every request a first view): {cold_ratio:.2f}×")
    load = " / ".join(f"{v:.1f}" for v in os.getloadavg())
    print(f"machine load average at the end (1/5/15 min): {load} on {os.cpu_count()} CPUs")


def measure(
    base: str, runs: dict[str, list[str]], args: argparse.Namespace, tmp: Path
) -> tuple[dict[str, LoadResult], str]:
    """Warm up, then measure in interleaved slices, so a change in machine load hits every page alike."""
    tool = ""
    for name, paths in runs.items():
        seconds = args.warmup if name == "tracking" else 3  # each worker must have seen each watched parcel
        print(f"{name}: warm-up {seconds}s", flush=True)
        run_load(base, paths, args.connections, seconds, tmp, args.python_load)
    slices: dict[str, list[LoadResult]] = {name: [] for name in runs}
    for round_no in range(args.rounds):
        print(f"round {round_no + 1}/{args.rounds}: {', '.join(runs)} for {args.duration}s each", flush=True)
        for name, paths in runs.items():
            result, tool = run_load(base, paths, args.connections, args.duration, tmp, args.python_load)
            slices[name].append(result)
    return {name: combine(found) for name, found in slices.items()}, tool


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", type=Path, default=Path("/tmp/bench1m.db"))
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--duration", type=int, default=5, help="seconds per page per round")
    parser.add_argument("--rounds", type=int, default=4, help="interleaved rounds (constant, tracking, cold)")
    parser.add_argument("--warmup", type=int, default=40, help="seconds of warm-up on the watched parcels")
    parser.add_argument("--watched", type=int, default=1000, help="parcels being watched (the working set)")
    parser.add_argument("--cold", type=int, default=100_000, help="distinct parcels for the cold run")
    parser.add_argument("--python-load", action="store_true", help="use the Python client even if wrk exists")
    args = parser.parse_args()
    if not args.db.exists():
        raise SystemExit(f"{args.db} does not exist: create it with the seed command in this file's docstring.")
    cold = sample_numbers(args.db, args.cold, seed=2)
    watched = sample_numbers(args.db, args.watched, seed=1)
    size = page_size(args.db, watched)
    runs = {
        "constant": [CONSTANT_PATH],
        "tracking": [f"/track/{n}" for n in watched],
        "tracking (cold)": [f"/track/{n}" for n in cold],
    }
    proc, base = start_gunicorn(args.db, args.workers, args.threads, size)
    try:
        with tempfile.TemporaryDirectory() as tmp:
            results, tool = measure(base, runs, args, Path(tmp))
        print_table(results, args, size, tool)
    finally:
        proc.terminate()
        proc.wait(timeout=30)


if __name__ == "__main__":
    main()
