"""The raw sqlite3 side of bench_ingest: the rows the API wrote, written again by hand.

Each API batch's event rows are read back and written into a copy of the starting database
with plain ``sqlite3`` and the app's own connection settings (``core.db.SQLITE_PRAGMAS``): the
same event rows and the same parcel and order columns the API changed.
"""

from __future__ import annotations

import json
import sqlite3
import time
from contextlib import closing
from pathlib import Path
from typing import Any

from core.db import SQLITE_PRAGMAS

EVENT_COLUMNS = "type, order_id, shipment_id, return_id, variant_id, occurred_at, recorded_at, actor_type, actor_id, visibility, payload, idempotency_key, notify"


def raw_connection(path: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(path, isolation_level=None)
    for pragma in SQLITE_PRAGMAS:
        conn.execute(f"PRAGMA {pragma}")
    return conn


def written_since(api_db: Path, after: int) -> tuple[list[tuple[Any, ...]], int]:
    """The event rows the API wrote after event id ``after`` (all columns but id)."""
    with closing(sqlite3.connect(api_db)) as conn:
        rows = conn.execute(f"SELECT id, {EVENT_COLUMNS} FROM events WHERE id > ? ORDER BY id", (after,)).fetchall()
    return [row[1:] for row in rows], (rows[-1][0] if rows else after)


def shipment_changes(events: list[tuple[Any, ...]]) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    """The shipment columns each event changed, as the API writes them: the status only
    where the event moved the parcel (its payload records the transition), then the time
    and place of the latest scan. The bench's scans carry no ETA or exception."""
    moved, stayed = [], []
    for e in events:
        payload = json.loads(e[10])
        transition = payload.get("transitions", {}).get("shipment")
        place = payload.get("location") or None
        if transition:
            moved.append((transition[1], e[5], place, e[2]))
        else:
            stayed.append((e[5], place, e[2]))
    return moved, stayed


def raw_batch(conn: sqlite3.Connection, events: list[tuple[Any, ...]], *, projection: bool) -> float:
    """Write the same rows with raw sqlite3 in one transaction; returns seconds."""
    moved, stayed = shipment_changes(events)
    orders = [(e[6], e[1]) for e in events]
    started = time.perf_counter()
    conn.execute("BEGIN IMMEDIATE")
    conn.executemany(f"INSERT INTO events ({EVENT_COLUMNS}) VALUES ({', '.join('?' * 13)})", events)
    if projection:
        conn.executemany("UPDATE shipments SET status = ?, last_scan_at = ?, last_location = ? WHERE id = ?", moved)
        conn.executemany("UPDATE shipments SET last_scan_at = ?, last_location = ? WHERE id = ?", stayed)
        conn.executemany("UPDATE orders SET version = version + 1, last_event_at = ? WHERE id = ?", orders)
    conn.execute("COMMIT")
    return time.perf_counter() - started


def copy_database(source: Path, target: Path) -> None:
    """A consistent copy of a database a server has open (SQLite's online backup)."""
    with closing(sqlite3.connect(source)) as live, closing(sqlite3.connect(target)) as copy:
        live.backup(copy)


def empty_wal(path: Path) -> None:
    """Checkpoint the database and empty its WAL, as a fresh copy's is. A batch whose commit
    runs the checkpoint costs about half a batch more, so the API's database and raw's copies
    must meet their checkpoints at the same batches: left with the warm-up's frames, the API's
    came two batches earlier, one more in a short run."""
    with closing(sqlite3.connect(path)) as conn:
        busy, _, _ = conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
    if busy:
        raise SystemExit(f"could not checkpoint {path}: a reader holds it")
