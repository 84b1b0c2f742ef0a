"""Dashboard refresh on a big SQLite database, beside DuckDB over its own native copy of the same data.

    DATABASE_URL=sqlite:////tmp/bench1m.db .venv/bin/python bench/bench_dashboard_refresh.py [--days 30]

(One process's refresh; ``bench_dashboard.py`` measures the web workers behind gunicorn.)

What is timed (one "refresh" = every dashboard page built: KPI bundle, figures, JSON for the browser):
* cold   — a fresh process state: the persisted DuckDB copy opened, synced against the event log,
           empty result cache;
* warm   — the same refresh again (result cache hit, as every later viewer gets);
* warm, new filters — cache miss on a warm copy (another carrier);
* DuckDB native — the same KPI SQL over a DuckDB file holding the raw tables (orders, order_lines,
           shipments, returns, return_lines, refunds and the exception/hold events) copied as they are,
           joined at query time through views. Ratio = our refresh / DuckDB native.
The one-time initial load of the copy is printed separately. Peak memory is the process's max RSS.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import duckdb
import pandas as pd
import plotly.utils
from flask_login import UserMixin, login_user

from core.analytics import Filters, StoreWriter, compute
from core.analytics.schema import MACROS
from core.analytics.store import current_version
from core.db import Database
from core.events.shipments import SCANNED

RAW = {
    "orders": "SELECT id, number, channel, status, hold_reason, placed_at, shipped_at, delivered_at, cancelled_at,"
    " subtotal_minor, discount_minor, shipping_minor, currency FROM orders",
    "order_lines": "SELECT id, order_id, sku, quantity, unit_price_minor, discount_minor, qty_delivered FROM order_lines",
    "shipments": "SELECT id, order_id, kind, carrier, service, status, exception_reason, shipped_at, delivered_at,"
    " original_eta, created_at FROM shipments",
    "returns": "SELECT id, order_id, status, created_at FROM returns",
    "return_lines": "SELECT id, return_id, order_line_id, quantity, reason, resolution FROM return_lines",
    "refunds": "SELECT id, order_id, return_id, amount_minor, created_at FROM refunds",
    "events": "SELECT id, type, order_id, shipment_id, payload, occurred_at FROM events"
    f" WHERE type IN ('order.held', {', '.join(repr(t) for t in SCANNED)})",
}
TIMES = {"placed_at", "shipped_at", "delivered_at", "cancelled_at", "original_eta", "created_at", "occurred_at"}
VIEWS = (
    "CREATE OR REPLACE VIEW orders_f AS SELECT o.id AS order_id, o.* EXCLUDE (id), coalesce(u.units, 0) AS units"
    " FROM orders o LEFT JOIN (SELECT order_id, sum(quantity) AS units FROM order_lines GROUP BY 1) u ON u.order_id = o.id",
    "CREATE OR REPLACE VIEW lines_f AS SELECT * FROM order_lines",
    "CREATE OR REPLACE VIEW shipments_f AS SELECT s.* EXCLUDE (created_at), s.created_at AS label_created_at,"
    " c.first_scan_at FROM shipments s LEFT JOIN (SELECT shipment_id, min(occurred_at) AS first_scan_at FROM events"
    f" WHERE type IN ({', '.join(repr(t) for t in SCANNED)}) GROUP BY 1) c ON c.shipment_id = s.id",
    "CREATE OR REPLACE VIEW returns_f AS SELECT * FROM returns",
    "CREATE OR REPLACE VIEW return_lines_f AS SELECT rl.id, r.order_id, rl.return_id, rl.order_line_id, rl.quantity,"
    " rl.reason, rl.resolution FROM return_lines rl JOIN returns r ON r.id = rl.return_id",
    "CREATE OR REPLACE VIEW refunds_f AS SELECT * FROM refunds",
    "CREATE OR REPLACE VIEW exceptions_f AS SELECT id, order_id, shipment_id,"
    " json_extract_string(payload, '$.exception_reason') AS reason, occurred_at FROM events WHERE type = 'shipment.exception'",
    "CREATE OR REPLACE VIEW holds_f AS SELECT id, order_id, shipment_id, json_extract_string(payload, '$.reason') AS reason,"
    " occurred_at FROM events WHERE type = 'order.held'",
)


def timed(action: Callable[[], Any]) -> tuple[float, Any]:
    start = time.perf_counter()
    result = action()
    return time.perf_counter() - start, result


def native_copy(sqlite_path: str, target: str) -> None:
    """DuckDB's own copy of the raw tables, read in chunks (bounded memory)."""
    con, source = duckdb.connect(target), sqlite3.connect(f"file:{sqlite_path}?mode=ro", uri=True)
    for table, sql in RAW.items():
        con.execute(f"DROP TABLE IF EXISTS {table}")
        for number, chunk in enumerate(pd.read_sql_query(sql, source, chunksize=250_000)):
            for column in TIMES & set(chunk.columns):
                chunk[column] = pd.to_datetime(chunk[column], format="ISO8601")
            if "return_id" in chunk.columns:
                chunk["return_id"] = chunk["return_id"].astype("Int64")
            verb = f"CREATE TABLE {table} AS" if number == 0 else f"INSERT INTO {table}"
            con.execute(f"{verb} SELECT * FROM chunk")
        print(f"  native copy: {table} done", file=sys.stderr)
    for statement in (*VIEWS, *MACROS):
        con.execute(statement)
    con.close()


class BenchManager(UserMixin):
    id, email, role, is_manager = "0", "bench@example.com", "manager", True


def refresh(app: Any, filters: Filters) -> int:
    """Every dashboard page as the browser gets it; returns the JSON size (so nothing is optimised away)."""
    from dashboard import service
    from dashboard.components import page_body
    from dashboard.pages import PAGES

    size = 0
    with app.test_request_context("/dashboard/"):
        login_user(BenchManager())
        for page in PAGES.values():
            body = page_body(page, service.bundle_for(filters), "?")
            size += len(json.dumps(body, cls=plotly.utils.PlotlyJSONEncoder))
    return size


def make_app(url: str, duck_path: str) -> Any:
    from wsgi import create_app

    return create_app(
        {
            "DATABASE_URL": url,
            "ANALYTICS_STORE": duck_path,
            "SECRET_KEY": "bench",
            "RATELIMIT_STORAGE_URI": "memory://",
        }
    )


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def phase_load(url: str, duck_path: str) -> dict[str, Any]:
    """One-time: build (or catch up) the dashboard's copy."""
    copy = StoreWriter(Database(url), duck_path)
    seconds, _ = timed(copy.sync)
    copy.close()
    return {"load": seconds, "peak_mb": _peak_mb()}


def _filters(duck_path: str, days: int) -> tuple[Filters, Filters, int]:
    version = current_version(Path(duck_path))
    assert version is not None
    with duckdb.connect(str(Path(duck_path) / version.file), read_only=True) as con:
        last, orders = con.execute("SELECT max(placed_at), count(*) FROM orders_f").fetchone()  # type: ignore[misc]
    end = last.date() if last else date.today()
    main = Filters(start=end - timedelta(days=days - 1), end=end)
    return main, Filters(start=main.start, end=main.end, carrier="ups"), int(orders)


def phase_refresh(url: str, duck_path: str, days: int) -> dict[str, Any]:
    """A fresh process: cold refresh, warm refresh, and a cache miss on the warm copy."""
    filters, other, orders = _filters(duck_path, days)
    app = make_app(url, duck_path)
    cold, _ = timed(lambda: refresh(app, filters))
    warm, _ = timed(lambda: refresh(app, filters))
    fresh, _ = timed(lambda: refresh(app, other))
    return {
        "cold": cold,
        "warm": warm,
        "fresh": fresh,
        "orders": orders,
        "from": str(filters.start),
        "to": str(filters.end),
        "peak_mb": _peak_mb(),
    }


def phase_native(sqlite_path: str, native_path: str, duck_path: str, days: int) -> dict[str, Any]:
    """DuckDB over its own native copy of the raw tables: the same KPI bundle, twice."""
    if not Path(native_path).exists():
        native_copy(sqlite_path, native_path)
    filters, _, _ = _filters(duck_path, days)
    with duckdb.connect(native_path, read_only=True) as con:
        first, _ = timed(lambda: compute(con, filters))
        second, _ = timed(lambda: compute(con, filters))
    return {"native_first": first, "native": second, "peak_mb": _peak_mb()}


def _run_phase(argv: list[str]) -> dict[str, Any]:
    """Each phase in its own process, so its peak memory is its own."""
    out = subprocess.run([sys.executable, __file__, *argv], check=True, capture_output=True, text=True)
    return dict(json.loads(out.stdout.strip().splitlines()[-1]))


def _report(load: dict[str, Any], run: dict[str, Any], native: dict[str, Any], days: int) -> None:
    base = native["native"]
    rows = [
        ("orders in database", f"{run['orders']:,}", ""),
        ("date range", f"{run['from']} → {run['to']}", f"{days} days, compared with the {days} days before"),
        (
            "initial load of the copy (one-time)",
            f"{load['load']:.2f} s",
            f"peak {load['peak_mb']:,.0f} MB; ~0 s once built",
        ),
        ("refresh, cold (goal < 3 s)", f"{run['cold']:.3f} s", f"{run['cold'] / base:.2f}× DuckDB native"),
        ("refresh, warm (goal < 1 s)", f"{run['warm']:.3f} s", f"{run['warm'] / base:.2f}× DuckDB native"),
        ("refresh, warm copy, new filters", f"{run['fresh']:.3f} s", f"{run['fresh'] / base:.2f}× DuckDB native"),
        ("DuckDB native, same KPIs (1st / 2nd)", f"{native['native_first']:.3f} s / {base:.3f} s", "baseline"),
        ("peak memory, dashboard (goal < 1.5 GB)", f"{run['peak_mb']:,.0f} MB", "max RSS of the refresh process"),
        ("peak memory, DuckDB native", f"{native['peak_mb']:,.0f} MB", "max RSS of the baseline process"),
    ]
    width = max(len(r[0]) for r in rows)
    print(f"{'measure':<{width}}  {'value':>24}  note")
    for name, value, note in rows:
        print(f"{name:<{width}}  {value:>24}  {note}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--days", type=int, default=30, help="length of the dashboard's date range")
    parser.add_argument("--phase", choices=["load", "refresh", "native"], help=argparse.SUPPRESS)
    args = parser.parse_args()
    url = os.environ.get("DATABASE_URL", "sqlite:////tmp/bench1m.db")
    sqlite_path = url.removeprefix("sqlite:///")
    duck_path, native_path = sqlite_path + ".analytics-store", sqlite_path + ".native.duckdb"
    if args.phase:
        result = {
            "load": lambda: phase_load(url, duck_path),
            "refresh": lambda: phase_refresh(url, duck_path, args.days),
            "native": lambda: phase_native(sqlite_path, native_path, duck_path, args.days),
        }[args.phase]()
        print(json.dumps(result))
        return
    print(f"loading the dashboard copy of {sqlite_path} (one-time)...", file=sys.stderr)
    load = _run_phase(["--phase", "load"])
    print("refreshing the dashboard...", file=sys.stderr)
    run = _run_phase(["--phase", "refresh", "--days", str(args.days)])
    print("DuckDB native baseline...", file=sys.stderr)
    native = _run_phase(["--phase", "native", "--days", str(args.days)])
    _report(load, run, native, args.days)


if __name__ == "__main__":
    main()
