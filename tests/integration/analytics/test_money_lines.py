"""Sales lines booked on their own day, on a two-order story of this module's own (times UTC, 2025):

| order | placed          | what happens |
| X | Tue 03-04 10:00 | 2 × TEE-M (5000), order discount 200, shipping 500; cancelled a week later, Wed 03-12 09:00 |
| Y | Tue 03-04 12:00 | TEE-M 2500 + 2 × TEE-S 5000, order discount 430, shipping 500; delivered 03-06; return asked
|   |                 | 03-07: TEE-M exchanged for TEE-L, 1 TEE-S refunded; received 03-08 09:00, resolved 03-08 10:00 |

Y's order discount spread pro rata (core/analytics/paid.py): 430 × 2500 / 7500 = 143.33 and 430 × 5000 / 7500
= 286.67 → 143 + 286 = 429, the 1 left to the larger remainder (.67): 143 and 287. TEE-M was paid 2357, the
TEE-S line 4713, so one TEE-S 4713 × 1 // 2 = 2356.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Any

import pytest

from core.analytics import returns, sales
from core.analytics.filters import Filters
from core.analytics.warehouse import Warehouse
from core.domain.commands import LineInput, ReturnLineInput
from core.services import refunds, return_resolution
from core.services import returns as return_requests
from core.shop import Shop
from tests import factories
from tests.integration.analytics.conftest import pin_clock
from tests.integration.analytics.dataset import _line_ids, _place, _scan, _ship

AS_OF = datetime(2025, 3, 17, 12, 0, tzinfo=UTC)
FIRST = Filters(date(2025, 3, 3), date(2025, 3, 9), as_of=AS_OF)
SECOND = Filters(date(2025, 3, 10), date(2025, 3, 16), as_of=AS_OF)
WEEKLY = Filters(date(2025, 3, 3), date(2025, 3, 9), granularity="week", as_of=AS_OF)


def at(day: int, hour: int) -> datetime:
    return datetime(2025, 3, day, hour, 0, tzinfo=UTC)


def _first_week(shop: Shop, clock: Callable[[datetime], None]) -> int:
    catalog = factories.make_catalog(shop)
    clock(at(4, 10))
    x = _place(shop, at(4, 10), [LineInput("TEE-M", 2)], shipping_minor=500, discount_minor=200)
    clock(at(4, 12))
    y = _place(shop, at(4, 12), [LineInput("TEE-M", 1), LineInput("TEE-S", 2)], shipping_minor=500, discount_minor=430)
    clock(at(5, 9))
    _ship(shop, y, "ups", "Ground", "1ZYYYY0001", shipped=at(5, 10), eta=at(7, 0))
    _scan(shop, "1ZYYYY0001", "delivered", at(6, 10))
    line = _line_ids(shop, y)
    clock(at(7, 9))
    swap = ReturnLineInput(line["TEE-M"], 1, "too_small", "exchange", catalog["TEE-L"])
    items = [swap, ReturnLineInput(line["TEE-S"], 1, "changed_mind")]
    ret = return_requests.request_return(shop, y, items, actor=factories.CUSTOMER, now=at(7, 9)).id
    clock(at(8, 9))
    return_resolution.receive_return(shop, ret, actor=factories.STAFF)
    clock(at(8, 10))
    return_resolution.resolve_return(shop, ret, actor=factories.STAFF, exchange_tracking="EXCH000Y01")
    return x


def _figures(copy: Warehouse) -> tuple[dict[str, Any], list[dict[str, Any]], dict[str, Any]]:
    copy.sync()
    with copy.cursor() as cur:
        return sales.sales_totals(cur, FIRST), sales.sales_by_period(cur, WEEKLY), sales.sales_totals(cur, SECOND)


def test_a_period_s_sales_do_not_change_when_its_order_is_cancelled_later(shop: Shop) -> None:
    copy = Warehouse(shop.db)
    with pytest.MonkeyPatch.context() as patch:
        clock = pin_clock(patch)
        x = _first_week(shop, clock)
        before = _figures(copy)
        clock(at(12, 9))
        refunds.cancel_order(shop, x, reason="customer asked", actor=factories.MANAGER)
        after = _figures(copy)
    copy.close()
    # First week: X and Y placed: gross 5000 + 7500, discounts 200 + 430; returns: Y's TEE-S at its paid
    # 2356 (its TEE-M was exchanged: the sale stands). Net 12500 − 630 − 2356 = 9514; AOV 11870 / 2 = 5935.
    first_week = {
        "orders": 2,
        "units": 5,
        "gross_minor": 12500,
        "discounts_minor": 630,
        "returns_minor": 2356,
        "cancellations_minor": 0,
        "net_minor": 9514,
        "other_refunds_minor": 0,
        "shipping_minor": 1000,
        "aov_minor": 5935,
    }
    assert before[0] == first_week
    assert before[1] == [{"period": "2025-03-03"} | first_week]
    # The cancellation a week later leaves the first week as it was and is booked in the second: X's
    # 5000 − 200 and its shipping 500 undone; its refund is the cancellation's, no other refund.
    assert after[:2] == before[:2]
    assert after[2] == {
        "orders": 0,
        "units": 0,
        "gross_minor": 0,
        "discounts_minor": 0,
        "returns_minor": 0,
        "cancellations_minor": 4800,
        "net_minor": -4800,
        "other_refunds_minor": 0,
        "shipping_minor": -500,
        "aov_minor": None,
    }
    assert before[2]["cancellations_minor"] == 0


def test_exchanges_and_returns_are_valued_after_the_order_discount(shop: Shop) -> None:
    copy = Warehouse(shop.db)
    with pytest.MonkeyPatch.context() as patch:
        _first_week(shop, pin_clock(patch))
    copy.sync()
    with copy.cursor() as cur:
        # TEE-M exchanged at its paid 2357 (2500 less its 143 share of the order discount), not 2500.
        assert returns.exchanges(cur, FIRST)["exchange_revenue_kept_minor"] == 2357
        # The cash refunded for the TEE-S is 2500 (the return refund takes line discounts only); the unit
        # was paid 2356, and that is what net sales take off.
        assert returns.refunds(cur, FIRST)["refunded_minor"] == 2500
        assert sales.sales_totals(cur, FIRST)["returns_minor"] == 2356
        # Y delivered 2357 + 4713; back 2357 + 2356 = 4713: 4713 / 7070 = 0.66662 (X was never delivered).
        value = returns.return_rates(cur, FIRST)
        assert (value["delivered_value_minor"], value["returned_value_minor"]) == (7070, 4713)
        assert value["return_rate_by_value"] == 0.6666
    copy.close()
