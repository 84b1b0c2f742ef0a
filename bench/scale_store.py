"""Make a larger analytics store from a synced one: every fact row copied ``--times`` times, each copy's
ids moved past the last, so one seeded database stands in for a shop ``--times`` as busy.

    .venv/bin/python bench/scale_store.py --source /work/analytics-store-1m --target /work/analytics-store-5m --times 5

Why: seeding 5M orders through the services takes hours on this 2-core machine; the dashboard's
figures depend on the store's rows, not on how they were made. The copy is the writer's own file
(``work.duckdb``) with the source's sync mark, so ``flask analytics sync`` against the source's
database publishes it and from then on refreshes it incrementally (the freshness run's new events
land in the first copy's orders). Times are unchanged: each day holds ``--times`` times the orders.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import time
from pathlib import Path

import duckdb

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from core.analytics.schema import FACT_TABLES  # noqa: E402
from core.analytics.store import WORK  # noqa: E402


def _moved(column: str, copy: int, offset: int) -> str:
    """A column of copy ``copy``: ids moved past every earlier copy, order numbers made unique."""
    if column == "id" or column.endswith("_id"):
        return f"{column} + {copy * offset} AS {column}"
    if column == "number":
        return f"number || '-{copy}' AS number" if copy else "number"
    return column


def scale(source: Path, target: Path, times: int) -> None:
    target.mkdir(parents=True, exist_ok=True)
    (target / WORK).unlink(missing_ok=True)
    shutil.copyfile(source / WORK, target / WORK)
    con = duckdb.connect(str(target / WORK))
    offset = 10 ** len(str(con.execute("SELECT max(order_id) FROM orders_f").fetchone()[0] or 1)) * 10  # type: ignore[index]
    for table in FACT_TABLES:
        started = time.perf_counter()
        original = f"{table.name}_original"
        con.execute(f"ALTER TABLE {table.name} RENAME TO {original}")
        columns = [d[0] for d in con.execute(f"SELECT * FROM {original} LIMIT 0").description]
        copies = " UNION ALL ".join(
            f"SELECT {', '.join(_moved(c, k, offset) for c in columns)} FROM {original}" for k in range(times)
        )
        order = f" ORDER BY {table.sort_by}" if table.sort_by else ""
        con.execute(f"CREATE TABLE {table.name} AS SELECT * FROM ({copies}){order}")
        con.execute(f"DROP TABLE {original}")
        rows = con.execute(f"SELECT count(*) FROM {table.name}").fetchone()[0]  # type: ignore[index]
        print(f"  {table.name}: {rows:,} rows in {time.perf_counter() - started:.1f} s", file=sys.stderr)
    con.execute("CHECKPOINT")
    con.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--source", required=True, type=Path, help="a synced store (its work.duckdb is read)")
    parser.add_argument("--target", required=True, type=Path)
    parser.add_argument("--times", type=int, default=5)
    args = parser.parse_args()
    started = time.perf_counter()
    scale(args.source, args.target, args.times)
    print(f"{args.target / WORK}: {args.times}x in {time.perf_counter() - started:.1f} s")


if __name__ == "__main__":
    main()
