"""Stock bookkeeping for the generated history, settled once every order has been played.

The demo has no goods-received events, so each variant's opening stock is worked out
backwards: from the moves the orders made and a realistic closing level (some SKUs end
below their reorder point). Walking the moves forwards from that opening level gives the
exact moments ``core.services.stock`` would have recorded ``stock.reorder_needed``.
"""

from __future__ import annotations

import random
from array import array
from dataclasses import dataclass

from core.domain.stock import crossed_reorder_point
from core.seed.catalog import VariantInfo

_SHIFT = 4096  # a move is stored as t * _SHIFT + (delta + _HALF): one sortable int
_HALF = 2048
LOW_STOCK_SHARE = 0.15  # variants that close below their reorder point


@dataclass(frozen=True)
class Settled:
    variant_id: int
    on_hand: int
    reserved: int
    reorders: list[tuple[int, int]]  # (time, available after) of each reorder_needed


class GeneratorBug(RuntimeError):
    """The generator's history does not add up: a bug in the seed, never in the data."""


class StockLedger:
    """Reservations, releases, shipments and restocks per variant, as the services make them."""

    def __init__(self, variants: list[VariantInfo]) -> None:
        size = max(v.id for v in variants) + 1
        self.reserved = [0] * size
        self.consumed = [0] * size
        self.restocked = [0] * size
        self._moves = [array("q") for _ in range(size)]

    def reserve(self, variant_id: int, quantity: int, t: int) -> None:
        self.reserved[variant_id] += quantity
        self._moves[variant_id].append(t * _SHIFT + _HALF - quantity)

    def release(self, variant_id: int, quantity: int, t: int) -> None:
        if quantity:
            self.reserved[variant_id] -= quantity
            self._moves[variant_id].append(t * _SHIFT + _HALF + quantity)

    def consume(self, variant_id: int, quantity: int) -> None:
        """Shipped: on hand and reserved both drop, so availability does not move."""
        self.reserved[variant_id] -= quantity
        self.consumed[variant_id] += quantity

    def restock(self, variant_id: int, quantity: int, t: int) -> None:
        self.restocked[variant_id] += quantity
        self._moves[variant_id].append(t * _SHIFT + _HALF + quantity)

    def settle(self, variant: VariantInfo, rng: random.Random) -> Settled:
        moves = sorted(self._moves[variant.id])
        lowest, total = _lowest_and_total(moves)
        point = variant.reorder_point
        target = rng.randrange(0, point) if rng.random() < LOW_STOCK_SHARE else rng.randrange(point, point * 6 + 1)
        opening = max(target - total, -lowest, 0)
        reorders = _reorder_points(moves, opening, point)
        reserved = self.reserved[variant.id]
        on_hand = opening - self.consumed[variant.id] + self.restocked[variant.id]
        if reserved < 0 or on_hand < reserved:
            raise GeneratorBug(f"stock for {variant.sku} does not add up: {on_hand} on hand, {reserved} reserved")
        return Settled(variant.id, on_hand, reserved, reorders)


def _lowest_and_total(moves: list[int]) -> tuple[int, int]:
    running = lowest = 0
    for key in moves:
        running += key % _SHIFT - _HALF
        lowest = min(lowest, running)
    return lowest, running


def _reorder_points(moves: list[int], opening: int, point: int) -> list[tuple[int, int]]:
    """Every reservation that took availability from at-or-above the reorder point to below it."""
    found = []
    available = opening
    for key in moves:
        t, raw = divmod(key, _SHIFT)
        before, available = available, available + raw - _HALF
        if raw < _HALF and crossed_reorder_point(before, available, point):
            found.append((t, available))
    return found
