"""Views computed once, by the analytics process, and read by every web worker.

Why: a web worker that ran the KPI queries itself held 290–350 MB after one filtered view of a
200k-order store (DuckDB's buffers, its threads' allocator arenas and the results), against the
250 MB a worker may use, and every worker paid for the same view again. Now the process that keeps
the store current also answers for it: a worker writes what it wants as a small request file and
reads the answer file the analytics process writes; it never opens DuckDB. ``LocalAnalytics`` is the
one place the answers are computed (the analytics process, and single-process runs and tests);
``SharedAnalytics`` is the worker's side.

Layout under the store's root (beside ``current.json``):

    views/requests/<key>.json   {"kind", "params", "asked_at"}: written by a worker, removed when answered
    views/answers/<key>.json    {"event_id", "computed_at", "result"} or {"event_id", "computed_at", "error"}
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import threading
import time
from collections.abc import Callable
from dataclasses import asdict
from pathlib import Path
from typing import Any

from core.analytics.bundle import KpiService, stamped
from core.analytics.drill import DrillPage, drill_orders
from core.analytics.filters import Filters, filters_from_json, filters_to_json
from core.analytics.queries import dimension_values
from core.analytics.store import (
    WARM_SECONDS,
    StoreNotReady,
    StoreReader,
    current_version,
    precomputed_bundle,
    sync_started_at,
)
from core.errors import DomainError, ValidationFailed

log = logging.getLogger(__name__)
REQUESTS, ANSWERS = "views/requests", "views/answers"
POLL_SECONDS = 0.05  # how often a waiting worker looks for its answer (a stat; no CPU to speak of)
SERVE_POLL_SECONDS = 0.1
ANSWER_KEEP_SECONDS = 600.0
PRUNE_EVERY_SECONDS = 60.0  # pruning lists the answers: not on every poll
SERVER_MEMORY = "1GB"  # the analytics process's DuckDB ceiling when it answers (one process, not one per worker)


class ViewPending(StoreNotReady):
    """The analytics process has not answered within the wait: the page says so and asks for a reload."""

    def __init__(self) -> None:
        super().__init__(None)


def view_key(kind: str, params: dict[str, Any]) -> str:
    return hashlib.sha256(json.dumps([kind, params], sort_keys=True).encode()).hexdigest()[:32]


def _write(path: Path, data: dict[str, Any]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    temp = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}.tmp")
    temp.write_text(json.dumps(data, default=str))
    os.replace(temp, path)


def _read(path: Path) -> dict[str, Any] | None:
    try:
        return dict(json.loads(path.read_text()))
    except (FileNotFoundError, ValueError):
        return None


class LocalAnalytics:
    """Answers computed in this process over a store reader: the one computing path for both modes."""

    def __init__(self, reader: StoreReader, service: KpiService | None = None) -> None:
        self.reader = reader
        self.service = service or KpiService(reader)

    def bundle(self, f: Filters) -> dict[str, Any]:
        return self.service.bundle(f)

    def drill(self, f: Filters, kind: str, key: str, page: int, page_size: int) -> DrillPage:
        self.reader.sync()
        with self.reader.cursor() as cur:
            return drill_orders(cur, f, kind, key, page=page, page_size=page_size)

    def dimensions(self) -> dict[str, list[str]]:
        self.reader.sync()
        with self.reader.cursor() as cur:
            return dimension_values(cur)

    def answer(self, kind: str, params: dict[str, Any]) -> Any:
        """A request file's answer, as JSON-ready data (what ``SharedAnalytics`` decodes)."""
        if kind == "bundle":
            return self.bundle(filters_from_json(params["filters"]))
        if kind == "drill":
            found = self.drill(filters_from_json(params["filters"]), *_drill_args(params))
            return asdict(found)
        if kind == "dimensions":
            return self.dimensions()
        raise ValidationFailed(f"Unknown view {kind!r}.")


def _drill_args(params: dict[str, Any]) -> tuple[str, str, int, int]:
    return str(params["kind"]), str(params["key"]), int(params["page"]), int(params["page_size"])


class SharedAnalytics:
    """A web worker's side: ask the analytics process, wait up to ``wait`` seconds for its answer."""

    def __init__(self, root: str | Path, *, wait: float, nudge: Callable[[], None] | None = None) -> None:
        self.root = Path(root)
        self.wait = wait
        self.nudge = nudge  # with an RQ queue: make sure a job will answer (the follower needs none)

    def bundle(self, f: Filters) -> dict[str, Any]:
        """The default view the writer computed ahead is a file read here; any other is asked for."""
        version = current_version(self.root)
        ahead = None if version is None else precomputed_bundle(self.root, version, f)
        if version is not None and ahead is not None:
            return stamped(ahead, version.event_id, version.as_of)
        return dict(self._ask("bundle", {"filters": filters_to_json(f)}))

    def drill(self, f: Filters, kind: str, key: str, page: int, page_size: int) -> DrillPage:
        params = {"filters": filters_to_json(f), "kind": kind, "key": key, "page": page, "page_size": page_size}
        return DrillPage(**self._ask("drill", params))

    def dimensions(self) -> dict[str, list[str]]:
        return dict(self._ask("dimensions", {}))

    def _ask(self, kind: str, params: dict[str, Any]) -> Any:
        version = current_version(self.root)
        if version is None:
            raise StoreNotReady(sync_started_at(self.root))
        key = view_key(kind, params)
        found = self._answer(key, version.event_id)
        if found is None:
            _write(self.root / REQUESTS / f"{key}.json", {"kind": kind, "params": params, "asked_at": time.time()})
            if self.nudge is not None:
                self.nudge()
            found = self._wait_for(key, version.event_id)
        if "error" in found:
            raise ValidationFailed(found["error"], field=found.get("field"))
        return found["result"]

    def _answer(self, key: str, event_id: int) -> dict[str, Any] | None:
        """An answer no older than the version this worker saw, and young enough (snapshots age)."""
        found = _read(self.root / ANSWERS / f"{key}.json")
        if found is None or found["event_id"] < event_id or time.time() - found["computed_at"] > WARM_SECONDS:
            return None
        return found

    def _wait_for(self, key: str, event_id: int) -> dict[str, Any]:
        deadline = time.monotonic() + self.wait
        while time.monotonic() < deadline:
            time.sleep(POLL_SECONDS)
            found = self._answer(key, event_id)
            if found is not None:
                return found
        raise ViewPending()


def serve_once(root: str | Path, local: LocalAnalytics) -> int:
    """Answer every waiting request (oldest first); returns how many were answered."""
    folder = Path(root) / REQUESTS
    waiting = sorted(folder.glob("*.json"), key=lambda p: p.stat().st_mtime_ns) if folder.is_dir() else []
    for path in waiting:
        asked = _read(path)
        path.unlink(missing_ok=True)
        if asked is not None:
            _answer_one(Path(root), path.stem, local, asked)
    return len(waiting)


def _answer_one(root: Path, key: str, local: LocalAnalytics, asked: dict[str, Any]) -> None:
    event_id = local.reader.sync()
    try:
        body: dict[str, Any] = {"result": local.answer(str(asked.get("kind")), dict(asked.get("params") or {}))}
    except DomainError as error:  # a request the worker should not have made: its reader gets the message
        body = {"error": error.message, "field": error.field}
    except (KeyError, TypeError, ValueError) as error:
        body = {"error": f"Malformed view request ({error})."}
    _write(root / ANSWERS / f"{key}.json", {"event_id": event_id, "computed_at": time.time()} | body)


def prune_answers(root: str | Path, keep_seconds: float = ANSWER_KEEP_SECONDS) -> None:
    folder = Path(root) / ANSWERS
    cutoff = time.time() - keep_seconds
    for path in folder.glob("*.json") if folder.is_dir() else []:
        if path.stat().st_mtime < cutoff:
            path.unlink(missing_ok=True)


def serve(root: str | Path, stop: threading.Event, *, idle_seconds: float | None = None) -> None:
    """Answer requests until ``stop`` is set (or, with ``idle_seconds``, until none came for that long)."""
    local = LocalAnalytics(StoreReader(root, memory_limit=SERVER_MEMORY))
    quiet_since = pruned = time.monotonic()
    while not stop.is_set():
        try:
            answered = serve_once(root, local)
        except StoreNotReady:
            answered = 0
        except Exception:  # one bad view must not stop the answers for every other reader
            log.exception("analytics view failed")
            answered = 1
        quiet_since = time.monotonic() if answered else quiet_since
        if idle_seconds is not None and time.monotonic() - quiet_since > idle_seconds:
            break
        if time.monotonic() - pruned > PRUNE_EVERY_SECONDS:
            prune_answers(root)
            pruned = time.monotonic()
        stop.wait(SERVE_POLL_SECONDS)
