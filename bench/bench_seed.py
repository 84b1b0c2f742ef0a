"""Seed benchmark: fresh SQLite files at 100k and 1M orders; prints time, events and size.

Usage: .venv/bin/python bench/bench_seed.py [--sizes 100000,1000000] [--days 90] [--seed 7] [--dir DIR] [--keep]
"""

from __future__ import annotations

import argparse
import resource
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from core import migrations
from core.db import Database
from core.seed import SeedOptions, seed_demo
from core.shop import Shop

LIMIT_SECONDS = {1_000_000: 720.0}  # the bar: 1M orders in at most 12 minutes, played through the domain rules


@dataclass
class Row:
    orders: int
    events: int
    seconds: float
    writer_cpu: float  # this process: inserting
    generator_cpu: float  # the generator process (0 when it ran in this process)
    size_mb: float


def _size_mb(path: Path) -> float:
    files = [path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-journal")]
    return sum(f.stat().st_size for f in files if f.exists()) / 1_000_000


def run_one(orders: int, days: int, seed: int, folder: Path) -> Row:
    path = folder / f"seed-{orders}.db"
    path.unlink(missing_ok=True)
    migrations.upgrade(f"sqlite:///{path}")
    database = Database(f"sqlite:///{path}")
    shop = Shop(db=database)
    last = [0]

    def progress(done: int) -> None:
        last[0] += done
        print(f"\r  {orders:>9,} orders: {last[0]:>9,} written", end="", file=sys.stderr, flush=True)

    cpu, children = time.process_time(), _children_cpu()
    report = seed_demo(shop, SeedOptions(orders=orders, days=days, seed=seed), progress=progress)
    cpu, children = time.process_time() - cpu, _children_cpu() - children
    print(file=sys.stderr)
    database.dispose()
    return Row(report.orders, report.events, report.seconds, cpu, children, _size_mb(path))


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def print_table(rows: list[Row]) -> None:
    header = (
        f"{'orders':>10} {'events':>11} {'seconds':>8} {'orders/s':>9} {'DB MB':>7} "
        f"{'writer CPU s':>12} {'generator CPU s':>15} {'vs insert':>9} {'limit':>6}"
    )
    print(header)
    print("-" * len(header))
    for row in rows:
        limit = LIMIT_SECONDS.get(row.orders)
        verdict = "-" if limit is None else ("ok" if row.seconds <= limit else "SLOW")
        print(
            f"{row.orders:>10,} {row.events:>11,} {row.seconds:>8.1f} {row.orders / row.seconds:>9,.0f} "
            f"{row.size_mb:>7,.0f} {row.writer_cpu:>12.0f} {row.generator_cpu:>15.0f} "
            f"{row.seconds / max(row.writer_cpu, 0.001):>8.2f}x {verdict:>6}"
        )
    print("(on an otherwise idle 2-core machine the wall time is about the larger of the two CPU columns;")
    print(" 'vs insert' is the wall time over the baseline of this same run: inserting its rows alone)")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="100000,1000000", help="comma-separated order counts")
    parser.add_argument("--days", type=int, default=90)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--dir", type=Path, default=None, help="where to put the files (default: a temp folder)")
    parser.add_argument("--keep", action="store_true", help="keep the seeded files")
    args = parser.parse_args()
    sizes = [int(part.replace("_", "")) for part in args.sizes.split(",") if part.strip()]
    with tempfile.TemporaryDirectory(prefix="shiplog-bench-", dir=args.dir) as scratch:
        folder = args.dir if args.keep and args.dir else Path(scratch)
        rows = [run_one(size, args.days, args.seed, folder) for size in sizes]
    print_table(rows)
    return 0 if all(r.seconds <= LIMIT_SECONDS.get(r.orders, float("inf")) for r in rows) else 1


if __name__ == "__main__":
    raise SystemExit(main())
