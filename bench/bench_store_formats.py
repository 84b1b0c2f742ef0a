"""The two storage formats the issue offered, measured on the same published store:

* the published DuckDB file, opened read-only (what ``StoreReader`` does);
* the same tables exported as Parquet (one directory per table, ``orders_f`` partitioned by month),
  read through views in an in-memory DuckDB (what a bucket-backed reader would do).

    .venv/bin/python bench/bench_store_formats.py [--store /work/analytics-store-1m]

Each reader runs in a fresh process: open, the dashboard's first KPI bundle (30 days), a second one,
and the process's RSS after. The export time and the size on disk of each format are printed too.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import duckdb

from core.analytics import Filters, compute
from core.analytics.schema import FACT_TABLES, MACROS
from core.analytics.store import READER_MEMORY, current_version


def export_parquet(source: Path, target: Path) -> float:
    started = time.perf_counter()
    con = duckdb.connect(str(source), read_only=True)
    for table in FACT_TABLES:
        if table.name == "orders_f":
            query = "SELECT *, strftime(placed_at, '%Y-%m') AS month FROM orders_f"
            con.execute(f"COPY ({query}) TO '{target / table.name}' (FORMAT PARQUET, PARTITION_BY (month), OVERWRITE)")
        else:
            con.execute(f"COPY {table.name} TO '{target / table.name}.parquet' (FORMAT PARQUET)")
    con.close()
    return time.perf_counter() - started


def _open(kind: str, path: str) -> duckdb.DuckDBPyConnection:
    config = {"memory_limit": READER_MEMORY, "threads": 2}
    if kind == "duckdb":
        return duckdb.connect(path, read_only=True, config=config)
    con = duckdb.connect(":memory:", config=config)
    for table in FACT_TABLES:
        source = (
            f"read_parquet('{path}/orders_f/*/*.parquet', hive_partitioning = true)"
            if table.name == "orders_f"
            else f"read_parquet('{path}/{table.name}.parquet')"
        )
        exclude = " EXCLUDE (month)" if table.name == "orders_f" else ""
        con.execute(f"CREATE VIEW {table.name} AS SELECT *{exclude} FROM {source}")
    for macro in MACROS:
        con.execute(macro)
    return con


def reader(kind: str, path: str) -> dict[str, Any]:
    started = time.perf_counter()
    con = _open(kind, path)
    last = con.execute("SELECT max(placed_at) FROM orders_f").fetchone()[0]  # type: ignore[index]
    f = Filters(start=last.date() - timedelta(days=29), end=last.date())
    compute(con, f)
    first = time.perf_counter() - started
    again = time.perf_counter()
    compute(con, Filters(start=f.start, end=f.end, carrier="ups"))
    return {
        "first": first,
        "second": time.perf_counter() - again,
        "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


def _size_mb(path: Path) -> float:
    files = [path] if path.is_file() else [p for p in path.rglob("*") if p.is_file()]
    return sum(p.stat().st_size for p in files) / 2**20


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--store", default="/work/analytics-store-1m")
    parser.add_argument("--reader", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.reader:
        print(json.dumps(reader(*args.reader)))
        return
    root = Path(args.store)
    version = current_version(root)
    assert version is not None, "run flask analytics sync first"
    duck, parquet = root / version.file, root / "parquet-trial"
    parquet.mkdir(exist_ok=True)
    export = export_parquet(duck, parquet)
    print(f"{'format':<22} {'size MB':>8} {'publish s':>10} {'1st bundle s':>13} {'2nd s':>7} {'RSS MB':>7}")
    for kind, path, publish in (
        ("duckdb file (ro)", duck, "copy"),
        ("parquet (partitioned)", parquet, f"{export:.1f}"),
    ):
        out = subprocess.run(
            [sys.executable, __file__, "--reader", kind.split()[0], str(path)],
            check=True,
            capture_output=True,
            text=True,
        )
        got = json.loads(out.stdout.strip().splitlines()[-1])
        print(
            f"{kind:<22} {_size_mb(path):>8.0f} {publish:>10} {got['first']:>13.2f} {got['second']:>7.2f} {got['rss_mb']:>7.0f}"
        )


if __name__ == "__main__":
    main()
