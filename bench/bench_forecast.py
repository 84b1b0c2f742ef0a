"""Back-test of the final return-rate forecast (core/analytics/forecast.py) on generated data.

Seeds a temporary SQLite file with ``flask --app wsgi seed`` (or reads ``--db``), then, at a cut-off every
week, forecasts each of the four weekly order cohorts before it from what was known then (deliveries and
return requests before the cut-off) and compares with the cohort's final rate, read once its window has
closed. Baselines: the rate observed at the cut-off (what the dashboard showed before) and the final rate
of the latest closed cohorts at the cut-off (the orders placed 5-8 weeks before it).

Usage: .venv/bin/python bench/bench_forecast.py [--orders 30000] [--days 150] [--seed 1] [--db FILE]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from core.analytics import forecast
from core.analytics.filters import Filters
from core.analytics.sql import Cursor
from core.analytics.warehouse import Warehouse
from core.db import Database

ROOT = Path(__file__).resolve().parent.parent
WEEKS = 4  # cohorts forecast per cut-off, by age in weeks


@dataclass
class Case:
    age: int  # weeks between the cohort's end and the cut-off, 1 = the youngest
    actual: float
    forecast: float
    low: float
    high: float
    observed: float  # naive: the rate seen at the cut-off
    previous: float  # naive: the latest closed cohorts' final rate at the cut-off


def seed(path: Path, orders: int, days: int, seed_value: int) -> None:
    env = os.environ | {"DATABASE_URL": f"sqlite:///{path}"}
    flask = [str(ROOT / ".venv/bin/flask"), "--app", "wsgi"]
    subprocess.run([*flask, "db", "upgrade"], cwd=ROOT, env=env, check=True, capture_output=True)
    args = ["seed", "--orders", str(orders), "--days", str(days), "--seed", str(seed_value)]
    subprocess.run([*flask, *args], cwd=ROOT, env=env, check=True, capture_output=True)


def _weeks(first: date, cut: datetime) -> Filters:
    return Filters(first, first + timedelta(days=7 * WEEKS - 1), granularity="week", as_of=cut)


def _rate(counts: tuple[int, int, dict[int, int]]) -> float:
    delivered, returned, _ = counts
    return returned / delivered if delivered else 0.0


def cases_at(cur: Cursor, cut: datetime, now: datetime) -> list[Case]:
    """The four weekly cohorts before ``cut``, forecast at ``cut`` and read (closed) at ``now``."""
    monday = cut.date()
    then = _weeks(monday - timedelta(days=7 * WEEKS), cut)
    guessed = forecast.cohort_projections(cur, then)
    final = forecast.cohort_projections(cur, replace(then, as_of=now))
    _, seen = forecast.follow_counts(cur, then)
    _, closed = forecast.follow_counts(cur, _weeks(monday - timedelta(days=7 * 2 * WEEKS + 7), cut))
    delivered = sum(n for n, _, _ in closed.values())
    previous = sum(r for _, r, _ in closed.values()) / delivered if delivered else 0.0
    found = []
    for period, counts in sorted(seen.items()):
        key, age = period.isoformat(), (monday - period).days // 7
        done = final[key]
        if done["projected_low"] != done["projected_high"]:
            continue  # not closed yet at the end of the data
        g = guessed[key]
        found.append(
            Case(
                age,
                done["projected_return_rate"],
                g["projected_return_rate"],
                g["projected_low"],
                g["projected_high"],
                _rate(counts),
                previous,
            )
        )
    return found


def backtest(cur: Cursor, now: datetime, first: datetime) -> list[Case]:
    cut = datetime.combine(first.date() + timedelta(days=7 * 2 * WEEKS + 14), datetime.min.time())
    cut += timedelta(days=(7 - cut.weekday()) % 7)  # a Monday: weekly cohorts are whole weeks
    found: list[Case] = []
    while cut < now:
        found += cases_at(cur, cut, now)
        cut += timedelta(days=7)
    return found


def _mae(values: list[float]) -> float:
    return sum(values) / len(values) * 100 if values else float("nan")


def print_table(cases: list[Case]) -> None:
    header = (
        f"{'cohort age':>11} {'cases':>6} {'MAE forecast':>13} {'MAE observed':>13} {'MAE previous':>13}"
        f" {'vs observed':>12} {'vs previous':>12} {'coverage':>9} {'width':>7}"
    )
    print(header)
    print("-" * len(header))
    for age in [*range(1, WEEKS + 1), None]:
        picked = [c for c in cases if age is None or c.age == age]
        mae = _mae([abs(c.forecast - c.actual) for c in picked])
        observed = _mae([abs(c.observed - c.actual) for c in picked])
        previous = _mae([abs(c.previous - c.actual) for c in picked])
        cover = sum(c.low <= c.actual <= c.high for c in picked) / max(len(picked), 1)
        width = _mae([c.high - c.low for c in picked])
        name = "all" if age is None else f"{age} week{'s' if age > 1 else ''}"
        print(
            f"{name:>11} {len(picked):>6} {mae:>11.2f}pt {observed:>11.2f}pt {previous:>11.2f}pt"
            f" {observed / mae:>11.1f}x {previous / mae:>11.1f}x {cover:>9.0%} {width:>5.2f}pt"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orders", type=int, default=30_000)
    parser.add_argument("--days", type=int, default=150)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--db", type=Path, help="an already seeded SQLite file (skips seeding)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        path = args.db or Path(folder) / "forecast.db"
        if args.db is None:
            seed(path, args.orders, args.days, args.seed)
        warehouse = Warehouse(Database(f"sqlite:///{path}"))
        warehouse.sync()
        with warehouse.cursor() as cur:
            span = "SELECT (SELECT min(placed_at) FROM orders_f), max(occurred_at), (SELECT count(*) FROM orders_f)"
            first, now, orders = cur.execute(span + " FROM moves_f").fetchone()
            cases = backtest(cur, now, first)
        warehouse.close()
    source = str(args.db) if args.db else f"seed {args.seed}"
    print(f"{orders:,} orders over {(now - first).days + 1} days ({source}); return window 30 days; 95 % intervals")
    print_table(cases)


if __name__ == "__main__":
    main()
