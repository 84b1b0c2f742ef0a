"""Bulk inserts through the raw DBAPI connection: ``executemany`` of tuples, one transaction.

The seed only ever fills an empty database, so on SQLite it may trade crash safety for
speed while it runs (in-memory rollback journal, no fsync, no per-row foreign key checks;
``PRAGMA foreign_key_check`` in the tests proves the rows are consistent). An error rolls
everything back. On PostgreSQL the id sequences are moved past the ids written.
"""

from __future__ import annotations

import sqlite3
from types import TracebackType
from typing import Any

from core.db import Database
from core.events import rows as event_rows
from core.seed.records import BY_TABLE, TABLE_ORDER

_SQLITE_FAST = (
    "journal_mode=MEMORY",
    "synchronous=OFF",
    "foreign_keys=OFF",
    "cache_size=-400000",
    "temp_store=MEMORY",
    "threads=2",  # helper threads for the sorts that rebuild indexes
)
_SET_ASIDE = ("ix_events_type_occurred_at", "ix_orders_email")
_SQLITE_NORMAL = ("journal_mode=WAL", "synchronous=NORMAL", "foreign_keys=ON")


def _insert_sql(table: str, marker: str) -> str:
    columns = BY_TABLE[table].columns
    return f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join([marker] * len(columns))})"


class BulkWriter:
    """Use as a context manager: commits on success, rolls back on any exception."""

    def __init__(self, database: Database) -> None:
        self.database = database
        self.sqlite = database.dialect == "sqlite"
        self.marker = "?" if self.sqlite else "%s"
        self._sql = {table: _insert_sql(table, self.marker) for table in TABLE_ORDER if table != "events"}
        self.counts = dict.fromkeys(TABLE_ORDER, 0)
        self._conn: Any = None
        self._indexes: list[str] = []

    def __enter__(self) -> BulkWriter:
        if self.sqlite:
            # Our own connection: the engine's would switch WAL back on and take BEGIN IMMEDIATE.
            self.database.engine.dispose()
            self._conn = sqlite3.connect(self.database.engine.url.database or "", isolation_level=None)
            for pragma in _SQLITE_FAST:
                self._conn.execute(f"PRAGMA {pragma}")
            self._conn.execute("BEGIN IMMEDIATE")
            self._indexes = self._set_indexes_aside()
        else:
            self._conn = self.database.engine.raw_connection()
        self._cursor = self._conn.cursor()
        return self

    def write(self, rows: dict[str, list[tuple[Any, ...]]]) -> None:
        """Insert a chunk, parents before children (event rows by their one writer)."""
        for table in TABLE_ORDER:
            found = rows.get(table)
            if not found:
                continue
            if table == "events":
                event_rows.insert_numbered(self._cursor, self.marker, found)
            else:
                self._cursor.executemany(self._sql[table], found)
            self.counts[table] += len(found)

    def set_stock(self, levels: list[tuple[int, int, int]]) -> None:
        """(on_hand, reserved, variant id) once the whole history is known."""
        marker = self.marker
        sql = f"UPDATE variants SET on_hand = {marker}, reserved = {marker} WHERE id = {marker}"
        self._cursor.executemany(sql, levels)

    def _set_indexes_aside(self) -> list[str]:
        """Drop the indexes that rows reach in random order; they are rebuilt (sorted, much faster)
        before commit, inside the same transaction, from their own SQL: the schema ends identical.
        Indexes that grow in id or time order stay: they are cheap to fill while generating."""
        names = ", ".join(f"'{name}'" for name in _SET_ASIDE)
        found = self._conn.execute(
            f"SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL AND name IN ({names})"
        ).fetchall()
        for name, _ in found:
            self._conn.execute(f'DROP INDEX "{name}"')
        return [sql for _, sql in found]

    def _advance_sequences(self) -> None:
        for table in (name for name, count in self.counts.items() if count and "id" in BY_TABLE[name].columns):
            self._cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), max(id)) FROM {table} HAVING max(id) IS NOT NULL"
            )

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        try:
            if kind is not None:
                self._conn.rollback() if not self.sqlite else self._conn.execute("ROLLBACK")
                return
            if self.sqlite:
                for sql in self._indexes:
                    self._conn.execute(sql)
                self._conn.execute("COMMIT")
            else:
                self._advance_sequences()
                self._conn.commit()
        finally:
            self._close()

    def _close(self) -> None:
        if self.sqlite:
            for pragma in _SQLITE_NORMAL:
                self._conn.execute(f"PRAGMA {pragma}")
        self._conn.close()
