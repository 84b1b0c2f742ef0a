"""Stock rules that are not a guarded update: when a reservation calls for reordering."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Protocol, TypeVar


class Held(Protocol):
    @property
    def variant_id(self) -> int | None: ...


H = TypeVar("H", bound=Held)


def stocked(items: Iterable[H]) -> list[tuple[int, H]]:
    """(variant id, item) of the lines (or parcel lines) that hold stock, in variant id order, so two
    multi-line orders cannot deadlock on PostgreSQL. Imported history of a SKU the catalogue no longer
    has holds none."""
    held = [(item.variant_id, item) for item in items if item.variant_id is not None]
    return sorted(held, key=lambda pair: pair[0])


def crossed_reorder_point(before: int, after: int, reorder_point: int) -> bool:
    """Taking availability from ``before`` to ``after`` went from at-or-above the reorder point to below it."""
    return before >= reorder_point > after
