"""Stock rules that are not a guarded update: when a reservation calls for reordering, and how a
count on the shelf changes (received, adjusted or set), each change an event with before and after."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Protocol, TypeVar

from core.domain.unit import Unit
from core.errors import ValidationFailed
from core.events import orders as facts
from core.events.fact import Act, Fact
from core.lifecycle import record
from core.models import Variant


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


def change_on_hand(
    unit: Unit, act: Act, variant: Variant, after: int, fact: Callable[..., Fact], **why: object
) -> None:
    """Put ``after`` units on the shelf of ``variant`` (locked by the caller) and record it with ``fact``
    (``core.events.products``: received, adjusted or set) and ``why`` (its reason and reference).
    Units reserved for orders cannot be counted away: they are promised."""
    if after < variant.reserved:
        raise ValidationFailed(
            f"{variant.sku} has {variant.reserved} reserved for orders, so on hand cannot go below that"
            f" ({after} asked for).",
            field="quantity",
        )
    before = variant.on_hand
    variant.on_hand = after
    record(unit, act, fact(variant_id=variant.id, sku=variant.sku, before=before, after=after, **why))
    if crossed_reorder_point(before - variant.reserved, after - variant.reserved, variant.reorder_point):
        alert = facts.stock_reorder_needed(
            variant_id=variant.id,
            sku=variant.sku,
            available=after - variant.reserved,
            reorder_point=variant.reorder_point,
        )
        record(unit, act, alert)
