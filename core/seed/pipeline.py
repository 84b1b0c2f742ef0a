"""Generate and write at the same time: for big histories the generator runs in a second process.

Generating rows and inserting them each take one core, so with two cores the worker
generates chunk n+1 while this process inserts chunk n. Small seeds (tests, demos) run
in-process, which is simpler and starts faster.
"""

from __future__ import annotations

import marshal
import multiprocessing
import queue
from collections.abc import Callable, Iterator
from typing import Any

from core.seed.generator import Chunk, Setup, generate
from core.seed.writer import BulkWriter

IN_PROCESS_UP_TO = 20_000  # orders; above this the generator gets its own process
_QUEUE_DEPTH = 3  # chunks in flight: bounds memory while keeping both cores busy


class SeedFailed(RuntimeError):
    """The generator process failed; the message carries its error."""


def _produce(setup: Setup, out: Any) -> None:
    """Worker: chunks travel as marshal bytes (rows are plain tuples), cheaper than pickling them."""
    try:
        for chunk in generate(setup):
            out.put((marshal.dumps(chunk.rows), chunk.orders, chunk.stock))
        out.put(None)
    except BaseException as error:
        out.put(SeedFailed(f"{type(error).__name__}: {error}"))
        raise


def _from_worker(setup: Setup) -> Iterator[Chunk]:
    context = multiprocessing.get_context("spawn")
    chunks: Any = context.Queue(maxsize=_QUEUE_DEPTH)
    worker = context.Process(target=_produce, args=(setup, chunks), name="shiplog-seed-generator", daemon=True)
    worker.start()
    try:
        while True:
            try:
                item = chunks.get(timeout=5)
            except queue.Empty:
                if not worker.is_alive():
                    raise SeedFailed(f"the generator process stopped (exit code {worker.exitcode})") from None
                continue
            if item is None:
                return
            if isinstance(item, SeedFailed):
                raise item
            rows, orders, stock = item
            yield Chunk(marshal.loads(rows), orders, stock)
    finally:
        if worker.is_alive():
            worker.terminate()
        worker.join(timeout=10)


def chunks_for(setup: Setup, in_process: bool | None = None) -> Iterator[Chunk]:
    if in_process is None:
        in_process = setup.options.orders <= IN_PROCESS_UP_TO
    return generate(setup) if in_process else _from_worker(setup)


def write_history(writer: BulkWriter, chunks: Iterator[Chunk], progress: Callable[[int], None] | None = None) -> None:
    for chunk in chunks:
        writer.write(chunk.rows)
        if chunk.stock:
            writer.set_stock(chunk.stock)
        if progress is not None and chunk.orders:
            progress(chunk.orders)
