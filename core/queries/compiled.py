"""Core statements compiled once per dialect and run on a pooled DBAPI connection.

The hottest customer page (public tracking) is one indexed lookup and one short event
scan. Through an ORM session each query also pays for session set-up, the explicit
BEGIN/COMMIT and statement cache-key generation, which costs far more than SQLite spends
answering. Here the statement is still written with SQLAlchemy Core (tables, columns,
bind parameters), compiled once per dialect, and executed directly: read-only, no
transaction of its own, values converted by hand (SQLite hands back text for datetimes
and JSON; PostgreSQL hands back native values).
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

import orjson
from sqlalchemy import Engine
from sqlalchemy.sql import Select

from core.clock import as_utc


class CompiledQuery:
    """A Core SELECT, compiled lazily once per dialect."""

    def __init__(self, statement: Select[Any]) -> None:
        self.statement = statement
        self._compiled: dict[str, tuple[str, tuple[str, ...] | None, dict[str, Any]]] = {}

    def _for(self, engine: Engine) -> tuple[str, tuple[str, ...] | None, dict[str, Any]]:
        found = self._compiled.get(engine.dialect.name)
        if found is None:
            # Constant bind values (e.g. a status literal) become defaults; statements must not use
            # expanding IN lists, whose SQL is only final at execution time.
            compiled = self.statement.compile(dialect=engine.dialect)
            order = tuple(compiled.positiontup or ()) if compiled.positional else None
            found = self._compiled[engine.dialect.name] = (str(compiled), order, dict(compiled.params))
        return found

    def rows(self, engine: Engine, **params: Any) -> Sequence[tuple[Any, ...]]:
        sql, order, defaults = self._for(engine)
        values = defaults | params
        args: Sequence[Any] | Mapping[str, Any] = [values[name] for name in order] if order is not None else values
        connection = engine.raw_connection()
        try:
            cursor = connection.cursor()
            try:
                cursor.execute(sql, args)
                return list(cursor.fetchall())
            finally:
                cursor.close()
        finally:
            connection.close()  # back to the pool (the pool resets it)


def aware(value: datetime | str | None) -> datetime | None:
    """A stored datetime as aware UTC, whether the driver gave text (SQLite) or a datetime."""
    if value is None:
        return None
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return as_utc(value)


def document(value: Any) -> dict[str, Any]:
    """A JSON column's value as a dict (SQLite gives text, PostgreSQL JSONB gives a dict)."""
    value = parsed(value)
    return value if isinstance(value, dict) else {}


def parsed(value: Any) -> Any:
    """A JSON value as Python: SQLite gives text; PostgreSQL's driver has parsed it already."""
    if not isinstance(value, str | bytes):
        return value
    try:
        return orjson.loads(value)  # several times faster than json: a timeline parses one per entry
    except orjson.JSONDecodeError:
        return json.loads(value)  # what orjson refuses and json reads (NaN, integers past 64 bits)
