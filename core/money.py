"""Money rules shared by the model, the read side and the demo generator (integer minor units)."""

from __future__ import annotations


def paid_unit_minor(unit_price_minor: int, quantity: int, line_discount_minor: int) -> int:
    """What one unit of a line actually cost after the line discount, rounded down."""
    return (unit_price_minor * quantity - line_discount_minor) // quantity
