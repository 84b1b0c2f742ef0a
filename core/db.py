"""Engine, session and transaction handling shared by every service and query.

SQLite writers take the write lock up front (``BEGIN IMMEDIATE``) so that two
concurrent read-modify-write transactions serialise instead of failing on lock
upgrade; readers stay deferred so they never wait for a writer (WAL mode).
"""

from __future__ import annotations

import threading
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager, nullcontext
from contextvars import ContextVar
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, Connection, DateTime, Engine, Integer, MetaData, create_engine, event
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker
from sqlalchemy.sql.expression import Executable
from sqlalchemy.types import TypeDecorator

from core.clock import as_utc

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

# BIGINT primary keys on PostgreSQL; SQLite only autoincrements INTEGER PRIMARY KEY.
BigId = BigInteger().with_variant(Integer(), "sqlite")
JsonDoc = JSON().with_variant(postgresql.JSONB(), "postgresql").with_variant(sqlite.JSON(), "sqlite")


class UTCDateTime(TypeDecorator[datetime]):
    """Stores aware datetimes; always hands back aware UTC, whatever the backend keeps."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime refused: Shiplog stores timezone-aware UTC only")
        return as_utc(value) if dialect.name != "sqlite" else as_utc(value).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        return None if value is None else as_utc(value)


# Every SQLite connection's settings (bench/ingest_raw.py gives its raw baseline the same).
# temp_store=MEMORY: a savepoint's statement journal stays in memory instead of spilling to a
# temporary file (bench/README.md, "Speed notes from core").
SQLITE_PRAGMAS = (
    "journal_mode=WAL",
    "foreign_keys=ON",
    "busy_timeout=30000",
    "synchronous=NORMAL",
    "temp_store=MEMORY",
)

# The unit of work open in this thread or task, if any: (its database, its session).
_UNIT: ContextVar[tuple[Database, Session] | None] = ContextVar("shiplog_unit_of_work", default=None)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


def _configure_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        dbapi_conn.isolation_level = None  # we issue BEGIN ourselves
        cursor = dbapi_conn.cursor()
        for pragma in SQLITE_PRAGMAS:
            cursor.execute(f"PRAGMA {pragma}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        mode = "DEFERRED" if conn.get_execution_options().get("readonly") else "IMMEDIATE"
        conn.exec_driver_sql(f"BEGIN {mode}")


def make_engine(url: str, **kwargs: Any) -> Engine:
    if url.startswith("sqlite"):
        kwargs.setdefault("connect_args", {"timeout": 30, "check_same_thread": False})
    else:
        kwargs.setdefault("pool_pre_ping", True)
    engine = create_engine(url, **kwargs)
    if engine.dialect.name == "sqlite":
        _configure_sqlite(engine)
    return engine


class Database:
    """One per process: owns the engine and hands out transactional sessions."""

    def __init__(self, url: str, **engine_kwargs: Any) -> None:
        self.url = url
        self.engine = make_engine(url, **engine_kwargs)
        # SQLite has one writer: threads of this process queue here instead of in SQLite's
        # busy handler, which sleeps up to 100 ms between retries and wrecks throughput.
        self._write_lock: threading.RLock | None = threading.RLock() if self.dialect == "sqlite" else None
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)
        self._readonly = self.engine.execution_options(readonly=True)
        self._read_sessions = sessionmaker(self._readonly, expire_on_commit=False)
        self._compiled: dict[Executable, tuple[str, tuple[str, ...] | None]] = {}

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    @contextmanager
    def write(self) -> Iterator[Session]:
        """A read-write transaction: commits on success, rolls back on any exception.

        Inside a unit of work it is a savepoint of the unit's transaction instead, so a
        service's refused change still leaves nothing behind, and nothing is committed
        before the unit is."""
        joined = self._joined()
        if joined is not None:
            with joined.begin_nested():
                yield joined
            return
        with self._writer(), self._sessions() as session, session.begin():
            yield session

    @contextmanager
    def unit_of_work(self) -> Iterator[Session]:
        """One transaction around several service calls (an API request and its idempotency
        record): every ``write()`` and ``read()`` of this database inside it joins it."""
        with self.write() as session:
            token = _UNIT.set((self, session))
            try:
                yield session
            finally:
                _UNIT.reset(token)

    def _joined(self) -> Session | None:
        active = _UNIT.get()
        return active[1] if active is not None and active[0] is self else None

    @contextmanager
    def _writer(self) -> Iterator[None]:
        """Hold the process's SQLite write turn; give up after SQLite's own busy timeout."""
        if self._write_lock is None:
            yield
            return
        if not self._write_lock.acquire(timeout=30):
            raise TimeoutError("waited 30 s for the SQLite write lock")
        try:
            yield
        finally:
            self._write_lock.release()

    def run_alone(self, statement: Executable, params: Mapping[str, Any], *, write: bool) -> Sequence[Any]:
        """One statement in a transaction of its own on a bare pooled DB-API connection, compiled once:
        a counter bumped on every request (``core.counters``) costs about 20 µs on SQLite this way,
        against about 230 µs through a session (bench/README.md). A writer takes the process's
        SQLite write turn; it must not run inside this thread's unit of work, which holds the lock."""
        sql, order = self._compile(statement)
        args = [params[name] for name in order] if order is not None else params
        if write and self._joined() is not None and self._write_lock is not None:
            raise RuntimeError("run_alone(write=True) inside a unit of work would wait for its own lock")
        with self._writer() if write else nullcontext():
            connection = self.engine.raw_connection()
            try:
                cursor = connection.cursor()
                cursor.execute(sql, args)
                rows = cursor.fetchall() if cursor.description else []
                connection.commit()
                return rows
            finally:
                connection.close()  # back to the pool, which rolls back anything left open

    def _compile(self, statement: Executable) -> tuple[str, tuple[str, ...] | None]:
        found = self._compiled.get(statement)
        if found is None:
            compiled = statement.compile(dialect=self.engine.dialect)  # type: ignore[attr-defined]
            order = tuple(compiled.positiontup or ()) if compiled.positional else None
            found = self._compiled[statement] = (str(compiled), order)
        return found

    @contextmanager
    def read(self) -> Iterator[Session]:
        """A read-only session; on SQLite it never takes the write lock. Inside a unit of
        work it is the unit's session, so reads see the unit's own writes."""
        joined = self._joined()
        if joined is not None:
            yield joined
            return
        with self._read_sessions() as session, session.begin():
            yield session

    @contextmanager
    def kept_connection(self, *, autocommit: bool = False) -> Iterator[Connection]:
        """A connection kept for many short writes, such as a send lane's record of each send: no pool
        checkout or session per write. Each write is a transaction of ``in_turn``, or with ``autocommit``
        a single statement, which is its own transaction."""
        with self.engine.connect() as connection:
            if autocommit:
                connection.execution_options(isolation_level="AUTOCOMMIT")  # the pool restores it on release
            yield connection

    @contextmanager
    def in_turn(self, connection: Connection) -> Iterator[Connection]:
        """One write transaction on a kept connection, in this process's SQLite write turn."""
        with self._writer(), connection.begin():
            yield connection

    def dispose(self) -> None:
        self.engine.dispose()
