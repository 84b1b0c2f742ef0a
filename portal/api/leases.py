"""An API key's quota handed out by each process from small blocks leased off the shared counter.

Counting every request in the shared storage cost a single-event ingest request about 70 µs of
CPU (5 %) and one more turn at SQLite's write lock, which two processes share by sleeping
(bench/README.md). A process instead adds a block of hits to the shared fixed-window counter
(``storage.incr(..., amount=block)``, one statement in the app's database, one INCRBY in Redis)
and hands the block out locally; the next block is leased when it is used up.

The limit still holds across workers: every hit handed out was first counted in the shared
counter, and a block is cut to what the counter leaves under the limit. Blocks shrink as the
window fills (a 32nd of what is left, at most 100, at least 1), so a small limit is counted hit by
hit, and a process holding unused hits when the window fills can only make another refuse a few
of its requests early, never let one more through. Once the shared counter is at the limit, a
process refuses locally until the window ends.
"""

from __future__ import annotations

import math
import threading
import time

from limits import RateLimitItem
from limits.storage import Storage

LARGEST_BLOCK = 100
SHARE_OF_WHAT_IS_LEFT = 32


class Taken:
    """What a request got from one policy: whether it may run, what is left, seconds to reset."""

    __slots__ = ("allowed", "remaining", "reset")

    def __init__(self, *, allowed: bool, remaining: int, reset: int) -> None:
        self.allowed, self.remaining, self.reset = allowed, remaining, reset


class _Block:
    __slots__ = ("counted", "ends", "left")

    def __init__(self, ends: float, left: int, counted: int) -> None:
        # ``counted``: the shared counter once this block was added; ``left``: hits still ours.
        self.ends, self.left, self.counted = ends, left, counted


class Leases:
    """This process's blocks, one per (key, policy) counter."""

    def __init__(self) -> None:
        self._blocks: dict[str, _Block] = {}
        self._lock = threading.Lock()

    def take(self, storage: Storage, policy: RateLimitItem, *who: str) -> Taken:
        counter, now = policy.key_for(*who), time.time()
        with self._lock:
            block = self._blocks.get(counter)
            running = block is not None and block.ends > now
            if block is None or not running or (block.left == 0 and block.counted < policy.amount):
                block = self._lease(storage, policy, counter, block.counted if running and block else 0)
            allowed = block.left > 0
            block.left -= allowed
            remaining = max(0, policy.amount - block.counted + block.left)
            reset = max(0, math.ceil(block.ends - time.time()))  # the lease may have started the window
            return Taken(allowed=allowed, remaining=remaining, reset=reset)

    def _lease(self, storage: Storage, policy: RateLimitItem, counter: str, seen: int) -> _Block:
        wanted = min(LARGEST_BLOCK, max(1, (policy.amount - seen) // SHARE_OF_WHAT_IS_LEFT))
        counted = storage.incr(counter, policy.get_expiry(), wanted)
        granted = max(0, min(wanted, policy.amount - (counted - wanted)))
        if len(self._blocks) > 10_000:  # keys are few; ended windows must not pile up
            self._blocks.clear()
        block = self._blocks[counter] = _Block(storage.get_expiry(counter), granted, counted)
        return block
