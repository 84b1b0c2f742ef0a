"""Cold tracking pages (issue 14 §5): the public tracking page against a bare Flask constant page.

Two gunicorn servers with the same settings (``--workers``, ``--threads``, gthread, the same
backlog), both on loopback, both up for the whole run:

* **bare**: a bare Flask app (``bench/tracking_apps.py``, not Shiplog's factory) answering a
  constant 4 KB page: the yardstick, and the headline ratio;
* **Shiplog**: the production app as ``gunicorn wsgi:app`` builds it, rate limits off (all load
  comes from one address). It serves a constant page of the same size on Shiplog's own stack
  (the second ratio) and the tracking pages.

Pages measured, in interleaved rounds so a change in the machine's load hits each alike:
``bare constant``, ``Shiplog constant``, and ``tracking, N distinct`` for each ``--distinct`` N
(default 20,000 and 100): a rotation over N real tracking numbers read from the database, each
load connection starting at a random place in it. Before the rounds, the bench drops every stored
page and renders ahead the pages of those parcels only (``flask tracking-pages --numbers``), as the
follower of the event log has after each parcel's last event: a first view in a worker then reads
the stored page. ``tracking, N distinct, rendered on view`` rotates over N other parcels, with no
page stored, so each first view in a worker renders in the request (the path before pages were
rendered ahead, and still the one for a parcel whose page is stale). The bench asks each worker how
many pages it rendered and prints them as a share of requests. ``reads only`` asks the on-view
parcels' reads (the lookup, then parcel and public events) and answers the constant page without
rendering: with ``Shiplog constant`` it splits such a view's cost into the stack, the reads and the
render (``--no-split`` leaves it out). Each row also gives the server's CPU per request (its workers'
user + system time), which a busy machine disturbs far less than req/s.

Create the database once (about 5 minutes; it is not part of the repository):

    export DATABASE_URL=sqlite:////work/bench1m.db
    .venv/bin/flask --app wsgi db upgrade
    .venv/bin/flask --app wsgi seed --orders 1000000 --days 365 --seed 1

Run:  .venv/bin/python bench/bench_tracking.py [--db /work/bench1m.db] [--rounds 4] [--duration 5]
      .venv/bin/python bench/bench_tracking.py --code /path/to/another/checkout   # e.g. main, for "before"

Load comes from ``wrk`` (Debian package ``wrk``) with 16 connections when installed, else from a
threaded Python client (which costs more of the same two cores; the table says which ran).
Goal of issue 14 §5: tracking over 20,000 distinct parcels ≥ 0.45× the bare constant page, p99 < 30 ms.
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.tracking_apps import CACHE_PATH, CONSTANT_PATH, PID_PATH, READS_PATH  # noqa: E402
from bench.tracking_data import ON_VIEW, ON_VIEW_SEED, ahead_sample, render_ahead, sample_numbers  # noqa: E402
from bench.tracking_load import LoadResult, combine, run_load  # noqa: E402

BARE, CONSTANT = "bare constant", "Shiplog constant"
GOAL_RATIO, GOAL_P99 = 0.45, 0.030


@dataclass
class Run:
    """One measured page: where it is served and what it asks for."""

    server: str  # "bare" | "shiplog" | "before" (``--before``: another checkout's Shiplog)
    paths: list[str]
    warm: list[str] | None = None  # what the warm-up asks for, if not ``paths``
    slices: list[LoadResult] = field(default_factory=list)
    hits: int = 0
    misses: int = 0
    cpu: float = 0.0  # seconds of the server's worker processes over the measured slices


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_server(app: str, args: argparse.Namespace, code: Path) -> tuple[subprocess.Popen[bytes], str]:
    """gunicorn with the bench's settings, serving ``app`` from ``bench/tracking_apps.py`` over ``code``."""
    port = free_port()
    env = os.environ | {
        "DATABASE_URL": f"sqlite:///{args.db}",
        "BENCH_CONSTANT_BYTES": str(args.constant_bytes),
        "PYTHONPATH": f"{ROOT / 'bench'}{os.pathsep}{code}",
    }
    cmd = [str(ROOT / ".venv/bin/gunicorn"), "--chdir", str(code), "--bind", f"127.0.0.1:{port}"]
    cmd += ["--workers", str(args.workers), "--threads", str(args.threads), "--worker-class", "gthread"]
    cmd += ["--backlog", "2048", "--log-level", "warning", f"tracking_apps:{app}()"]
    proc = subprocess.Popen(cmd, cwd=code, env=env)
    base = f"http://127.0.0.1:{port}"
    booted: set[str] = set()
    for _ in range(3000):  # until every worker has answered (the arbiter binds before workers have booted)
        try:
            with urllib.request.urlopen(base + PID_PATH, timeout=5) as response:  # a new connection each time
                booted.add(response.read().decode())
        except OSError:
            pass
        if len(booted) >= args.workers:
            return proc, base
        time.sleep(0.05)
    proc.terminate()
    raise SystemExit(f"gunicorn ({app}) did not start")


def workers_cpu(arbiter: int) -> float:
    """CPU seconds (user + system) used so far by the gunicorn arbiter's worker processes (Linux /proc).

    Requests/s on a machine shared with other work depend on the share of the cores the servers get;
    CPU per request does much less, so the table shows both."""
    try:
        children = Path(f"/proc/{arbiter}/task/{arbiter}/children").read_text().split()
        fields = [Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split() for pid in children]
    except OSError:
        return 0.0
    return sum(int(f[11]) + int(f[12]) for f in fields) / os.sysconf("SC_CLK_TCK")


def cache_counters(base: str, workers: int) -> tuple[int, int]:
    """Summed (hits, misses) of every worker's tracking-page cache: ask until each worker answered."""
    seen: dict[int, tuple[int, int]] = {}
    for _ in range(200):
        with urllib.request.urlopen(base + CACHE_PATH, timeout=5) as response:  # a new connection each time
            found = json.loads(response.read())
        seen[found["pid"]] = (found["hits"], found["misses"])
        if len(seen) >= workers:
            break
    return sum(h for h, _ in seen.values()), sum(m for _, m in seen.values())


def measure(
    servers: dict[str, tuple[int, str]], runs: dict[str, Run], args: argparse.Namespace, tmp: Path
) -> tuple[str, list[float]]:
    """Warm up, then interleaved rounds; prints each slice as it ends. Returns (load tool, load averages)."""
    tool, loads = "", [os.getloadavg()[0]]
    for name, run in runs.items():
        print(f"warm-up {name}: {args.warmup}s", flush=True)
        run_load(servers[run.server][1], run.warm or run.paths, args.connections, args.warmup, tmp, args.python_load)
    for round_no in range(1, args.rounds + 1):
        for name, run in runs.items():
            result, tool, cpu = one_slice(servers, run, args, tmp)
            loads.append(os.getloadavg()[0])
            print(f"round {round_no}/{args.rounds} {name:<36} {result.rps:7.0f} req/s  p50 {result.p50 * 1000:6.2f} ms"
                  f"  p99 {result.p99 * 1000:6.2f} ms  server CPU {1e6 * cpu / max(result.requests, 1):5.0f} µs/req"
                  f"  errors {result.errors}  load {loads[-1]:.1f}", flush=True)  # fmt: skip
    return tool, loads


def one_slice(
    servers: dict[str, tuple[int, str]], run: Run, args: argparse.Namespace, tmp: Path
) -> tuple[LoadResult, str, float]:
    """One measured slice of one page: (result, load tool, server CPU seconds); adds it to ``run``."""
    arbiter, base = servers[run.server]
    shiplog = run.server != "bare"
    before = cache_counters(base, args.workers) if shiplog else (0, 0)
    cpu = workers_cpu(arbiter)
    result, tool = run_load(base, run.paths, args.connections, args.duration, tmp, args.python_load)
    cpu = workers_cpu(arbiter) - cpu
    after = cache_counters(base, args.workers) if shiplog else (0, 0)
    run.slices.append(result)
    run.cpu += cpu
    run.hits, run.misses = run.hits + after[0] - before[0], run.misses + after[1] - before[1]
    return result, tool, cpu


HEADER = (
    "| page                                 |   req/s | p50 ms | p99 ms | vs bare | vs Shiplog constant "
    "| server CPU µs/req | rendered in request | errors |\n"
    "|--------------------------------------|--------:|-------:|-------:|--------:|--------------------:"
    "|------------------:|--------------------:|-------:|"
)


def print_table(runs: dict[str, Run], args: argparse.Namespace, tool: str, loads: list[float]) -> None:
    results = {name: combine(run.slices) for name, run in runs.items()}
    bare, own = results[BARE].rps, results[CONSTANT].rps
    print(f"\nCode: {args.code}" + (f" · before: {args.before}" if args.before else ""))
    print(
        f"· db: {args.db} · gunicorn {args.workers} workers × {args.threads} threads (gthread), the same for every server"
    )
    print(f"· {tool}, {args.connections} connections · {args.rounds} interleaved rounds × {args.duration}s per page")
    print(f"· constant pages {args.constant_bytes} bytes · p50: request-weighted over rounds, p99: worst round")
    print(f"· load average (1 min) during the run: {min(loads):.1f}–{max(loads):.1f} on {os.cpu_count()} CPUs\n")
    print(HEADER)
    for name, result in results.items():
        mine = results[f"{CONSTANT} (before)"].rps if name.endswith("(before)") else own
        print(table_row(name, runs[name], result, bare, mine))
    cold = results[f"tracking, {args.distinct[0]:,} distinct"]
    met = cold.rps / bare >= GOAL_RATIO and cold.p99 < GOAL_P99 if bare else False
    print(f"\ngoal (≥ {GOAL_RATIO:.2f}× bare over {args.distinct[0]:,} distinct, p99 < {GOAL_P99 * 1000:.0f} ms): "
          f"{'met' if met else 'NOT met'}")  # fmt: skip
    on_view = results[f"tracking, {args.distinct[0]:,} distinct, {ON_VIEW}"]
    print(
        f"first views rendered on view (no page stored): {on_view.rps / bare:.2f}× bare, p99 {on_view.p99 * 1000:.0f} ms"
    )


def table_row(name: str, run: Run, result: LoadResult, bare: float, own: float) -> str:
    rendered = f"{100 * run.misses / result.requests:.0f} %" if run.server != "bare" and result.requests else "–"
    ratio = f"{result.rps / bare:.2f}×" if bare else "–"
    second = f"{result.rps / own:.2f}×" if own else "–"
    cpu = f"{1e6 * run.cpu / result.requests:.0f}" if result.requests else "–"
    return (f"| {name:<36} | {result.rps:7.0f} | {result.p50 * 1000:6.2f} | {result.p99 * 1000:6.2f} "
            f"| {ratio:>7} | {second:>19} | {cpu:>17} | {rendered:>19} | {result.errors:6d} |")  # fmt: skip


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", type=Path, default=ROOT.parent / "bench1m.db")
    parser.add_argument("--code", type=Path, default=ROOT, help="checkout whose app is served (default: this one)")
    parser.add_argument("--before", type=Path, help="another checkout served alongside, its pages in the same rounds")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--duration", type=int, default=5, help="seconds per page per round")
    parser.add_argument("--rounds", type=int, default=4, help="interleaved rounds over every page")
    parser.add_argument("--warmup", type=int, default=3, help="seconds of warm-up per page")
    parser.add_argument("--distinct", type=int, nargs="+", default=[20_000, 100], help="rotation sizes (first: goal)")
    parser.add_argument("--constant-bytes", type=int, default=4096)
    parser.add_argument("--no-split", action="store_true", help="leave out the reads-only run")
    parser.add_argument("--python-load", action="store_true", help="use the Python client even if wrk exists")
    args = parser.parse_args()
    args.code = args.code.resolve()
    args.before = args.before.resolve() if args.before else None
    return args


def shiplog_runs(args: argparse.Namespace, server: str) -> dict[str, Run]:
    """Shiplog's pages: its constant page, each rotation, and for the first rotation's size the same
    number of other parcels whose pages were not rendered ahead, and those parcels' reads alone."""
    runs = {CONSTANT: Run(server, [CONSTANT_PATH])}
    # A big rotation warms up on other parcels (code, connections and the database's upper pages get
    # warm, its own pages stay unmade in every worker); a small one warms up on itself, as parcels being
    # watched would.
    others = [f"/track/{n}" for n in sample_numbers(args.db, 2000, seed=99)]
    for index, count in enumerate(args.distinct):
        warm = others if count > 1000 else None
        runs[f"tracking, {count:,} distinct"] = Run(server, [f"/track/{n}" for n in ahead_sample(args, index)], warm)
        if index == 0:  # first views of parcels with no page stored: rendered in the request
            cold = sample_numbers(args.db, count, seed=ON_VIEW_SEED)
            runs[f"tracking, {count:,} distinct, {ON_VIEW}"] = Run(server, [f"/track/{n}" for n in cold], others)
            if not args.no_split:  # the same parcels' reads alone (no render): where such a view's time goes
                runs[f"reads only, {count:,} distinct"] = Run(server, [f"{READS_PATH}{n}" for n in cold])
    return runs


def main() -> None:
    args = parse_args()
    if not args.db.exists():
        raise SystemExit(f"{args.db} does not exist: create it with the seed commands in this file's docstring.")
    runs = {BARE: Run("bare", [CONSTANT_PATH])}
    before = shiplog_runs(args, "before") if args.before else {}
    for name, run in shiplog_runs(args, "shiplog").items():  # each page, then the other checkout's: same minutes
        runs[name] = run
        if name in before:
            runs[f"{name} (before)"] = before[name]
    procs = {"bare": start_server("bare_app", args, args.code), "shiplog": start_server("shiplog_app", args, args.code)}
    if args.before:
        procs["before"] = start_server("shiplog_app", args, args.before)
    servers = {name: (proc.pid, base) for name, (proc, base) in procs.items()}
    try:
        with tempfile.TemporaryDirectory() as tmp:
            render_ahead(args, Path(tmp))
            tool, loads = measure(servers, runs, args, Path(tmp))
        print_table(runs, args, tool, loads)
    finally:
        for proc, _ in procs.values():
            proc.terminate()
            proc.wait(timeout=30)


if __name__ == "__main__":
    main()
