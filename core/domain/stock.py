"""Stock rules that are not a guarded update: when a reservation calls for reordering."""

from __future__ import annotations


def crossed_reorder_point(before: int, after: int, reorder_point: int) -> bool:
    """Taking availability from ``before`` to ``after`` went from at-or-above the reorder point to below it."""
    return before >= reorder_point > after
