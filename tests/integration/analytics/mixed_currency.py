"""A small shop history with orders in two currencies, for the reporting-currency tests (not the shared story).

Week 2025-03-03 to 2025-03-09, read as of 2025-03-10 12:00 UTC. The shop reports in USD.

| order | placed (UTC)    | currency | what happens |
| U1 | Mon 03-03 10:00 | USD | 2×TEE-M (2500), shipping 500 |
| U2 | Tue 03-04 10:00 | USD | MUG-1 (1800), no shipping; goodwill refund 300 on 03-05 |
| E1 | Wed 03-05 10:00 | EUR | store order (shopify), TEE-M at 2000 EUR cents, shipping 400; refund 500 on 03-06 |

In USD: 3 orders, 4 units; money of U1 + U2 only: gross 6800, net 6800 (a goodwill refund is not a
return: other refunds 300), shipping 500, average order value 6800 / 2 = 3400; 1 order in another currency.
In EUR: gross 2000, net 2000, other refunds 500, shipping 400, average 2000; 2 orders in another currency.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from core.domain.commands import LineInput
from core.services import refunds
from core.shop import Shop
from tests import factories

AS_OF = datetime(2025, 3, 10, 12, 0, tzinfo=UTC)


def at(day: int, hour: int) -> datetime:
    return datetime(2025, 3, day, hour, 0, tzinfo=UTC)


def build(shop: Shop, set_clock: Callable[[datetime], None]) -> dict[str, int]:
    """Write the history above through the real services; returns the order ids by name."""
    ids: dict[str, int] = {}
    set_clock(at(3, 10))
    ids["U1"] = factories.place(shop, placed_at=at(3, 10), lines=[LineInput("TEE-M", 2)], shipping_minor=500).id
    set_clock(at(4, 10))
    ids["U2"] = factories.place(shop, placed_at=at(4, 10), lines=[LineInput("MUG-1", 1)], shipping_minor=0).id
    set_clock(at(5, 10))
    refunds.refund_order(shop, ids["U2"], amount_minor=300, reason="goodwill", actor=factories.MANAGER)
    euro = [LineInput("TEE-M", 1, unit_price_minor=2000)]
    ids["E1"] = factories.place(
        shop, placed_at=at(5, 10), lines=euro, shipping_minor=400, currency="EUR", store_priced=True, channel="shopify"
    ).id
    set_clock(at(6, 10))
    refunds.refund_order(shop, ids["E1"], amount_minor=500, reason="goodwill", actor=factories.MANAGER)
    set_clock(AS_OF)
    return ids
