"""A DuckDB copy of the facts the KPIs need, kept in step with the event log.

Why: aggregating a million orders with medians and percentiles in SQLite takes seconds; the same
work in a columnar engine takes a fraction of a second. The copy is loaded once in chunks (bounded
memory) and then refreshed incrementally: every change to an order appends an event, so the orders
named by events newer than the last one seen are re-read and their fact rows replaced.
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

import duckdb
import pandas as pd
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core.analytics.schema import FACT_TABLES, MACROS, FactTable
from core.db import Database
from core.models import Event

CHUNK_ROWS = 100_000
SCHEMA_VERSION = hashlib.sha256("|".join(t.ddl for t in FACT_TABLES).encode()).hexdigest()[:16]
ORDER_BATCH = 5_000
# Above this many changed orders a full reload is cheaper than replacing rows order by order.
FULL_RELOAD_ORDERS = 100_000
# PostgreSQL may commit a lower event id after a higher one; re-reading a small tail catches those.
LOOKBACK_EVENTS = 1_000
MEMORY_LIMIT = "768MB"


def latest_event_id(session: Session) -> int:
    return int(session.scalar(select(func.coalesce(func.max(Event.id), 0))) or 0)


def event_time(session: Session, event_id: int) -> datetime | None:
    """When the event happened, naive UTC (as the copy stores times)."""
    found = session.scalar(select(Event.occurred_at).where(Event.id == event_id))
    return None if found is None else found.astimezone(UTC).replace(tzinfo=None)


def _frame(table: FactTable, rows: Sequence[Sequence[Any]]) -> pd.DataFrame:
    """Rows to a DataFrame with whole-column type conversion (times arrive as text on SQLite)."""
    frame = pd.DataFrame.from_records(list(rows), columns=table.columns)
    for name in table.times:
        frame[name] = pd.to_datetime(frame[name], utc=True, format="ISO8601").dt.tz_localize(None)
    for name in table.nullable_ints:
        frame[name] = frame[name].astype("Int64")
    return frame


class Warehouse:
    """One per process. Queries use their own cursor; loading holds a lock so one thread loads."""

    def __init__(self, db: Database, path: str = ":memory:") -> None:
        self.db = db
        self.path = path
        # A ceiling on DuckDB's own memory keeps the whole process well inside its budget.
        self._con = duckdb.connect(path, config={"memory_limit": MEMORY_LIMIT})
        self._lock = threading.RLock()
        self._create()

    def _create(self) -> None:
        """Create the tables; a copy made with another schema version is dropped and rebuilt."""
        self._con.execute("CREATE TABLE IF NOT EXISTS schema_state (version VARCHAR)")
        stored = self._con.execute("SELECT max(version) FROM schema_state").fetchone()[0]  # type: ignore[index]
        if stored != SCHEMA_VERSION:
            for table in FACT_TABLES:
                self._con.execute(f"DROP TABLE IF EXISTS {table.name}")
            self._con.execute("DROP TABLE IF EXISTS sync_state")
            self._con.execute("DELETE FROM schema_state")
            self._con.execute("INSERT INTO schema_state VALUES (?)", [SCHEMA_VERSION])
        for table in FACT_TABLES:
            self._con.execute(f"CREATE TABLE IF NOT EXISTS {table.name} ({table.ddl})")
        for macro in MACROS:
            self._con.execute(macro)
        self._con.execute("CREATE TABLE IF NOT EXISTS sync_state (last_event_id BIGINT)")
        # When the newest event included happened (``as_of``); added in place, so older copies keep their rows.
        self._con.execute("ALTER TABLE sync_state ADD COLUMN IF NOT EXISTS last_event_at TIMESTAMP")
        if self._con.execute("SELECT count(*) FROM sync_state").fetchone()[0] == 0:  # type: ignore[index]
            self._con.execute("INSERT INTO sync_state VALUES (0, NULL)")

    @property
    def synced_event_id(self) -> int:
        return int(self._con.cursor().execute("SELECT last_event_id FROM sync_state").fetchone()[0])  # type: ignore[index]

    @property
    def as_of(self) -> datetime | None:
        """When the newest event in the copy happened (aware UTC); None for an empty copy."""
        found = self._con.cursor().execute("SELECT last_event_at FROM sync_state").fetchone()[0]  # type: ignore[index]
        return None if found is None else found.replace(tzinfo=UTC)

    @contextmanager
    def cursor(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """A cursor of its own per caller: DuckDB runs queries from several threads side by side."""
        cur = self._con.cursor()
        try:
            yield cur
        finally:
            cur.close()

    def sync(self, *, progress: Any = None) -> int:
        """Bring the copy up to the newest event; returns the event id it now reflects."""
        with self._lock, self.db.read() as session:
            latest = latest_event_id(session)
            done = self.synced_event_id
            if latest == done:
                if latest and self.as_of is None:  # a copy made before as_of was kept
                    self._stamp(session, latest)
                return latest
            # A copy ahead of the database (the database was replaced) is reloaded from scratch.
            changed = self._changed_orders(session, done) if 0 < done < latest else None
            if changed is None or len(changed) > FULL_RELOAD_ORDERS:
                self._reload(session, progress)
            else:
                self._refresh(session, changed)
            self._stamp(session, latest)
            return latest

    def _stamp(self, session: Session, event_id: int) -> None:
        at = event_time(session, event_id)
        self._con.execute("UPDATE sync_state SET last_event_id = ?, last_event_at = ?", [event_id, at])

    def _changed_orders(self, session: Session, after: int) -> list[int]:
        since = max(after - LOOKBACK_EVENTS, 0)
        rows = session.execute(
            select(Event.order_id).where(Event.id > since, Event.order_id.is_not(None)).distinct()
        ).scalars()
        return list(rows)

    def _insert(self, table: FactTable, rows: Sequence[Sequence[Any]], target: str | None = None) -> None:
        if not rows:
            return
        frame = _frame(table, rows)
        self._con.register("incoming", frame)
        try:
            self._con.execute(f"INSERT INTO {target or table.name} SELECT {', '.join(table.columns)} FROM incoming")
        finally:
            self._con.unregister("incoming")

    def _reload(self, session: Session, progress: Any) -> None:
        """Read every fact table in id order, a chunk at a time, into a staging table committed per chunk
        (one big transaction would hold the whole copy in memory), then swap it in, sorted by time."""
        for table in FACT_TABLES:
            staging = f"{table.name}_load"
            self._con.execute(f"CREATE OR REPLACE TABLE {staging} ({table.ddl})")
            self._load_table(session, table, staging, progress)
            order = f" ORDER BY {table.sort_by}" if table.sort_by else ""
            self._con.execute("BEGIN")
            self._con.execute(f"CREATE OR REPLACE TABLE {table.name} AS SELECT * FROM {staging}{order}")
            self._con.execute(f"DROP TABLE {staging}")
            self._con.execute("COMMIT")
        self._con.execute("CHECKPOINT")

    def _load_table(self, session: Session, table: FactTable, target: str, progress: Any) -> None:
        after = 0
        while True:
            query = table.query().where(table.id_column > after).order_by(table.id_column).limit(CHUNK_ROWS)
            rows = session.execute(query).all()
            if not rows:
                return
            self._insert(table, rows, target)
            after = rows[-1][0]
            if progress is not None:
                progress(table.name, len(rows))

    def _refresh(self, session: Session, order_ids: list[int]) -> None:
        """Replace every fact row of the changed orders with what the database holds now."""
        self._con.execute("BEGIN")
        try:
            for start in range(0, len(order_ids), ORDER_BATCH):
                batch = order_ids[start : start + ORDER_BATCH]
                for table in FACT_TABLES:
                    self._con.execute(f"DELETE FROM {table.name} WHERE order_id IN (SELECT unnest(?))", [batch])
                    rows = session.execute(table.query().where(table.order_column.in_(batch))).all()  # type: ignore[attr-defined]
                    self._insert(table, rows)
            self._con.execute("COMMIT")
        except Exception:
            self._con.execute("ROLLBACK")
            raise

    def precomputed(self, _filters: object) -> None:
        """A process's own copy has no bundles computed ahead (the shared store's writer makes them)."""
        return None

    def checkpoint(self) -> None:
        """Write everything into the file itself (an empty WAL), so copying the file copies it all."""
        with self._lock:
            self._con.execute("CHECKPOINT")

    def close(self) -> None:
        self._con.close()
