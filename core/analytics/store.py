"""The published analytics store: one process keeps it current, every web process only reads it.

Why: a columnar copy built inside each web worker cost every worker half a minute and half a
gigabyte on its first dashboard view. Now one writer (``flask analytics sync``, or its RQ job)
refreshes its own DuckDB file incrementally and publishes an immutable copy of it; readers open the
published copy read-only, which costs them a file open and what their queries touch.

Layout under the store's root directory:

    work.duckdb                       the writer's copy (``Warehouse``), refreshed by event id
    versions/v<event id>-<ns>.duckdb  published copies, never changed once named
    current.json                      the pointer: the version readers open, its event id and as_of
    sync.json                         when the running (or last) sync started, shown while nothing is published

Publishing copies the checkpointed work file to a temporary name, renames it into ``versions/``,
then replaces ``current.json`` the same way (``os.replace`` is atomic), so a reader opens the old
version or the new one, complete, and picks up a new one on its next request without a restart.
"""

from __future__ import annotations

import json
import os
import shutil
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import duckdb

from core.analytics.bundle import compute
from core.analytics.filters import Filters
from core.analytics.warehouse import Warehouse
from core.clock import utcnow
from core.db import Database

POINTER, STATUS, WORK, VERSIONS = "current.json", "sync.json", "work.duckdb", "versions"
BUNDLES = ".bundles.json"  # beside a version: the default views' bundles, computed by the writer
# A precomputed bundle serves readers while younger than this: its snapshot KPIs ("on hold now") age.
WARM_SECONDS = 45.0
OPEN_TRIES = 5  # pointer reads a reader makes while the writer prunes the versions it read of
KEEP_VERSIONS = 3  # a reader that opened an older one keeps its open file; these are for late openers
READER_MEMORY = "160MB"  # DuckDB's buffer ceiling in each web worker
READER_THREADS = 2


class StoreNotReady(Exception):
    """Nothing has been published yet: the dashboard says so instead of building a copy."""

    def __init__(self, started_at: datetime | None) -> None:
        super().__init__("analytics are being prepared")
        self.started_at = started_at


@dataclass(frozen=True)
class Version:
    file: str
    event_id: int
    as_of: datetime | None


def _write_atomically(path: Path, data: dict[str, Any]) -> None:
    temp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    temp.write_text(json.dumps(data))
    os.replace(temp, path)


def _read_json(path: Path) -> dict[str, Any] | None:
    try:
        return dict(json.loads(path.read_text()))
    except (FileNotFoundError, ValueError):
        return None


def _moment(text: str | None) -> datetime | None:
    return None if not text else datetime.fromisoformat(text)


def sync_started_at(root: Path) -> datetime | None:
    status = _read_json(root / STATUS)
    return _moment(status.get("started_at")) if status else None


def bundle_key(f: Filters) -> str:
    return repr(f.cache_key())


def current_version(root: Path) -> Version | None:
    found = _read_json(root / POINTER)
    if found is None:
        return None
    return Version(found["file"], int(found["event_id"]), _moment(found.get("as_of")))


def precomputed_bundle(root: Path, version: Version, f: Filters) -> dict[str, Any] | None:
    """The bundle the writer computed ahead for ``f`` beside ``version``, if it did so lately (a file read)."""
    found = _read_json(root / (version.file + BUNDLES))
    if not found or found["event_id"] != version.event_id or time.time() - found["computed_at"] > WARM_SECONDS:
        return None
    bundle = found["bundles"].get(bundle_key(f))
    return None if bundle is None else dict(bundle)


class StoreWriter:
    """The one writer. A second writer on the same root fails on DuckDB's file lock of ``work.duckdb``."""

    def __init__(self, db: Database, root: str | Path, *, warm: Callable[[], Sequence[Filters]] | None = None) -> None:
        self.root = Path(root)
        (self.root / VERSIONS).mkdir(parents=True, exist_ok=True)
        self.warehouse = Warehouse(db, str(self.root / WORK))
        # The views every dashboard opens on (the default filters): computed once here, so no web
        # worker pays for them on its first request.
        self.warm = warm

    def sync(self, *, progress: Callable[[str, int], None] | None = None) -> Version:
        """Catch up with the event log and publish when anything changed; returns the published version."""
        _write_atomically(self.root / STATUS, {"started_at": utcnow().isoformat(), "pid": os.getpid()})
        event_id = self.warehouse.sync(progress=progress)
        published = current_version(self.root)
        if published is None or published.event_id != event_id or not (self.root / published.file).exists():
            published = self._publish(event_id)
        if self.warm is not None and self._warm_due(published):
            self._warm_bundles(published, self.warm())
        return published

    def _warm_due(self, version: Version) -> bool:
        """Whether the views computed ahead are missing or half-way to stale, read from the file itself, so
        a writer that starts beside a fresh one (a follower after a one-off sync) does not compute them again."""
        found = _read_json(self.root / (version.file + BUNDLES))
        return (
            not found or found["event_id"] != version.event_id or time.time() - found["computed_at"] > WARM_SECONDS / 2
        )

    def _warm_bundles(self, version: Version, filters: Sequence[Filters]) -> None:
        with self.warehouse.cursor() as cur:
            bundles = {bundle_key(f): compute(cur, f) for f in filters}
        sidecar = {"event_id": version.event_id, "computed_at": time.time(), "bundles": bundles}
        _write_atomically(self.root / (version.file + BUNDLES), json.loads(json.dumps(sidecar, default=str)))

    def _publish(self, event_id: int) -> Version:
        self.warehouse.checkpoint()
        name = f"{VERSIONS}/v{event_id}-{time.time_ns()}.duckdb"
        temp = self.root / VERSIONS / f".{os.getpid()}.tmp"
        shutil.copyfile(self.root / WORK, temp)
        os.replace(temp, self.root / name)
        as_of = self.warehouse.as_of
        pointer = {"file": name, "event_id": event_id, "as_of": as_of.isoformat() if as_of else None}
        _write_atomically(self.root / POINTER, pointer | {"published_at": utcnow().isoformat()})
        self._prune(keep=name)
        return Version(name, event_id, as_of)

    def _prune(self, keep: str) -> None:
        older = sorted((self.root / VERSIONS).glob("v*.duckdb"), key=lambda p: p.stat().st_mtime_ns)
        for path in older[:-KEEP_VERSIONS]:
            if f"{VERSIONS}/{path.name}" != keep:
                path.unlink(missing_ok=True)
                path.with_name(path.name + BUNDLES).unlink(missing_ok=True)

    def follow(self, stop: threading.Event, interval: float, on_sync: Callable[[Version], None] | None = None) -> None:
        """Sync, wait ``interval`` seconds, again, until ``stop`` is set."""
        while not stop.is_set():
            version = self.sync()
            if on_sync is not None:
                on_sync(version)
            stop.wait(interval)

    def close(self) -> None:
        self.warehouse.close()


class StoreReader:
    """A web process's read-only view of the published store; never builds anything."""

    def __init__(self, root: str | Path, *, memory_limit: str = READER_MEMORY) -> None:
        self.root = Path(root)
        self.memory_limit = memory_limit
        self._lock = threading.Lock()
        self._stat: tuple[int, int, int] | None = None
        self._version: Version | None = None
        self._con: duckdb.DuckDBPyConnection | None = None

    def _pointer_stat(self) -> tuple[int, int, int] | None:
        try:
            found = (self.root / POINTER).stat()
        except FileNotFoundError:
            return None
        return (found.st_ino, found.st_mtime_ns, found.st_size)

    def _open(self, version: Version) -> duckdb.DuckDBPyConnection:
        config = {"memory_limit": self.memory_limit, "threads": READER_THREADS}
        return duckdb.connect(str(self.root / version.file), read_only=True, config=config)

    def sync(self) -> int:
        """Follow the pointer (a new version is opened here, the old one closes when its last cursor
        does); returns the event id of the version in use. Raises ``StoreNotReady`` before the first."""
        with self._lock:
            for _ in range(OPEN_TRIES):
                stat = self._pointer_stat()
                if stat is None:
                    raise StoreNotReady(sync_started_at(self.root))
                if stat == self._stat or self._follow(stat):
                    break
            if self._version is None:  # every version it read of was pruned before it could open it
                raise StoreNotReady(sync_started_at(self.root))
            return self._version.event_id

    def _follow(self, stat: tuple[int, int, int]) -> bool:
        """Open the version the pointer names; False if the writer pruned it meanwhile (a reader this
        slow reads the pointer again: it names a newer version by then)."""
        version = current_version(self.root)
        if version is None:
            raise StoreNotReady(sync_started_at(self.root))
        if self._version is None or version.file != self._version.file:
            try:
                self._con = self._open(version)
            except duckdb.IOException:
                if (self.root / version.file).exists():
                    raise
                return False
        self._version, self._stat = version, stat
        return True

    @property
    def as_of(self) -> datetime | None:
        return self._version.as_of if self._version else None

    def precomputed(self, f: Filters) -> dict[str, Any] | None:
        """The writer's bundle for these filters, if it made one for this version lately."""
        return None if self._version is None else precomputed_bundle(self.root, self._version, f)

    @contextmanager
    def cursor(self) -> Iterator[duckdb.DuckDBPyConnection]:
        if self._con is None:
            self.sync()
        assert self._con is not None
        cur = self._con.cursor()
        try:
            yield cur
        finally:
            cur.close()
