"""A small per-process LRU for rendered fragments, keyed by (what, id, version).

An order's ``version`` goes up with every event, so a key can never serve stale
content: a new event simply makes a new key, and old ones age out.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

V = TypeVar("V")


class FragmentCache(Generic[V]):
    def __init__(self, size: int = 4096) -> None:
        self.size = size
        self._items: OrderedDict[Hashable, V] = OrderedDict()
        self._lock = threading.Lock()
        self.hits = self.misses = 0

    def get(self, key: Hashable) -> V | None:
        with self._lock:
            found = self._items.get(key)
            if found is not None:
                self._items.move_to_end(key)
                self.hits += 1
            else:
                self.misses += 1
            return found

    def put(self, key: Hashable, value: V) -> None:
        with self._lock:
            self._items[key] = value
            self._items.move_to_end(key)
            while len(self._items) > self.size:
                self._items.popitem(last=False)

    def get_or_make(self, key: Hashable, make: Callable[[], V | None]) -> V | None:
        found = self.get(key)
        if found is None:
            found = make()
            if found is not None:
                self.put(key, found)
        return found

    def clear(self) -> None:
        with self._lock:
            self._items.clear()
