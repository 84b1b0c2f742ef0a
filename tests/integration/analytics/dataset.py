"""A small hand-built shop history for the KPI tests, made through the real services.

Current period: Monday 2025-03-03 to Sunday 2025-03-09; the KPIs are read "as of" Monday
2025-03-10 12:00 UTC. Previous period: 2025-02-24 to 2025-03-02. Prices: TEE-* 2500, MUG-1 1800.

| order | placed (UTC)   | what happens |
| A | Mon 03-03 10:00 | 2×TEE-M + MUG-1, order discount 500, shipping 500; UPS Ground, shipped Tue 10:00, delivered Wed 16:00 (ETA Thu); 1×TEE-M returned (too_small) 03-06 09:00, refunded 2500 on 03-07 09:00 |
| B | Mon 03-03 12:00 | shopify; TEE-S (line discount 300) + TEE-L, no shipping; split: USPS parcel 1 (TEE-S) shipped Mon 18:00, delivered Thu 18:00 (ETA Thu); parcel 2 (TEE-L) shipped Wed 12:00, delay exception Thu 08:00, delivered Sat 12:00 (ETA Fri, late); goodwill refund 1000 on 03-08; TEE-L exchanged for TEE-M (too_large) 03-09 |
| C | Tue 03-04 09:00 | TEE-M, shipping 500; cancelled Tue 11:00 (refund 3000, left out of sales) |
| D | Wed 03-05 08:00 | 3×TEE-S, fraud score 90: on hold (fraud_score), never released |
| E | Thu 03-06 09:00 | TEE-L; FedEx Home Delivery shipped Fri 21:00 (ETA 03-10), lost Sun 10:00 |
| F | Fri 03-07 15:00 | 2×TEE-L; confirmed, not shipped |
| G | Sat 03-08 10:00 | api; TEE-M; UPS Ground shipped Sun 10:00 (ETA 03-12), in transit |
| H | Tue 02-25 10:00 | previous period; TEE-S; UPS shipped 02-26 10:00, delivered 02-28 10:00 (ETA 02-28); return (changed_mind) requested 03-04, approved, still open |
| I | Mon 03-03 09:00 | TEE-S; UPS shipped Mon 15:00, delivered Wed 09:00 (ETA Wed); return (damaged) requested 03-07, rejected |

Services that take no time argument read ``core.clock.utcnow``; the ``clock`` fixture pins it, so
every row and event carries the time of the story above (no row is written by hand).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from core.domain.commands import LineInput, ReturnLineInput
from core.services import fulfilment, refunds, return_resolution, returns, tracking
from core.shop import Shop
from tests import factories

STAFF, MANAGER = factories.STAFF, factories.MANAGER
AS_OF = datetime(2025, 3, 10, 12, 0, tzinfo=UTC)


def at(day: int, hour: int, month: int = 3) -> datetime:
    return datetime(2025, month, day, hour, 0, tzinfo=UTC)


def _place(shop: Shop, when: datetime, lines: list[LineInput], **extra: object) -> int:
    return factories.place(shop, placed_at=when, lines=lines, **extra).id


def _ship(
    shop: Shop,
    order_id: int,
    carrier: str,
    service: str,
    number: str,
    *,
    shipped: datetime,
    eta: datetime,
    lines: dict[int, int] | None = None,
) -> int:
    shipment = fulfilment.create_shipment(
        shop, order_id, carrier_code=carrier, service=service, tracking_number=number, lines=lines, eta=eta, actor=STAFF
    )
    fulfilment.ship_shipment(shop, shipment.id, actor=STAFF, occurred_at=shipped)
    return shipment.id


def _scan(shop: Shop, number: str, status: str, when: datetime, reason: str | None = None) -> None:
    tracking.record_scan(shop, tracking.CarrierScan(number, status, when, "Springfield", exception_reason=reason))


def _line_ids(shop: Shop, order_id: int) -> dict[str, int]:
    return {line.sku: line.id for line in factories.reload(shop, order_id).lines}


def build(shop: Shop, set_clock: Callable[[datetime], None], catalog: dict[str, int]) -> dict[str, int]:
    """Write the story above; returns the order ids by letter."""
    ids: dict[str, int] = {}
    steps = [_order_h, _order_a, _order_b, _order_i, _order_c, _order_d, _order_e, _order_f, _order_g, _returns]
    for step in steps:
        step(shop, set_clock, catalog, ids)
    set_clock(AS_OF)
    return ids


def _order_h(shop: Shop, clock: Callable[[datetime], None], catalog: dict[str, int], ids: dict[str, int]) -> None:
    clock(at(25, 10, 2))
    ids["H"] = _place(shop, at(25, 10, 2), [LineInput("TEE-S", 1)], shipping_minor=500)
    clock(at(26, 9, 2))
    _ship(shop, ids["H"], "ups", "Ground", "1ZHHHH0001", shipped=at(26, 10, 2), eta=at(28, 0, 2))
    _scan(shop, "1ZHHHH0001", "delivered", at(28, 10, 2))


def _order_a(shop: Shop, clock: Callable[[datetime], None], catalog: dict[str, int], ids: dict[str, int]) -> None:
    clock(at(3, 10))
    lines = [LineInput("TEE-M", 2), LineInput("MUG-1", 1)]
    ids["A"] = _place(shop, at(3, 10), lines, shipping_minor=500, discount_minor=500)
    clock(at(4, 9))
    _ship(shop, ids["A"], "ups", "Ground", "1ZAAAA0001", shipped=at(4, 10), eta=at(6, 0))
    _scan(shop, "1ZAAAA0001", "delivered", at(5, 16))


def _order_b(shop: Shop, clock: Callable[[datetime], None], catalog: dict[str, int], ids: dict[str, int]) -> None:
    clock(at(3, 12))
    lines = [LineInput("TEE-S", 1, discount_minor=300), LineInput("TEE-L", 1)]
    ids["B"] = _place(shop, at(3, 12), lines, channel="shopify", shipping_minor=0)
    line = _line_ids(shop, ids["B"])
    clock(at(3, 17))
    _ship(
        shop,
        ids["B"],
        "usps",
        "Ground Advantage",
        "9400BBBB0001",
        shipped=at(3, 18),
        eta=at(6, 0),
        lines={line["TEE-S"]: 1},
    )
    clock(at(5, 11))
    _ship(
        shop,
        ids["B"],
        "usps",
        "Ground Advantage",
        "9400BBBB0002",
        shipped=at(5, 12),
        eta=at(7, 0),
        lines={line["TEE-L"]: 1},
    )
    _scan(shop, "9400BBBB0001", "delivered", at(6, 18))
    _scan(shop, "9400BBBB0002", "exception", at(6, 8), reason="delay")
    _scan(shop, "9400BBBB0002", "delivered", at(8, 12))
    clock(at(8, 13))
    refunds.refund_order(shop, ids["B"], amount_minor=1000, reason="late parcel", actor=MANAGER)


def _order_i(shop: Shop, clock: Callable[[datetime], None], catalog: dict[str, int], ids: dict[str, int]) -> None:
    clock(at(3, 9))
    ids["I"] = _place(shop, at(3, 9), [LineInput("TEE-S", 1)], shipping_minor=500)
    clock(at(3, 14))
    _ship(shop, ids["I"], "ups", "Ground", "1ZIIII0001", shipped=at(3, 15), eta=at(5, 0))
    _scan(shop, "1ZIIII0001", "delivered", at(5, 9))


def _order_c(shop: Shop, clock: Callable[[datetime], None], catalog: dict[str, int], ids: dict[str, int]) -> None:
    clock(at(4, 9))
    ids["C"] = _place(shop, at(4, 9), [LineInput("TEE-M", 1)], shipping_minor=500)
    clock(at(4, 11))
    refunds.cancel_order(shop, ids["C"], reason="customer asked", actor=MANAGER)


def _order_d(shop: Shop, clock: Callable[[datetime], None], catalog: dict[str, int], ids: dict[str, int]) -> None:
    clock(at(5, 8))
    ids["D"] = _place(shop, at(5, 8), [LineInput("TEE-S", 3)], shipping_minor=500, fraud_score=90)


def _order_e(shop: Shop, clock: Callable[[datetime], None], catalog: dict[str, int], ids: dict[str, int]) -> None:
    clock(at(6, 9))
    ids["E"] = _place(shop, at(6, 9), [LineInput("TEE-L", 1)], shipping_minor=500, carrier="fedex")
    clock(at(7, 20))
    _ship(shop, ids["E"], "fedex", "Home Delivery", "7700EEEE0001", shipped=at(7, 21), eta=at(10, 0))
    _scan(shop, "7700EEEE0001", "exception", at(9, 10), reason="lost")


def _order_f(shop: Shop, clock: Callable[[datetime], None], catalog: dict[str, int], ids: dict[str, int]) -> None:
    clock(at(7, 15))
    ids["F"] = _place(shop, at(7, 15), [LineInput("TEE-L", 2)], shipping_minor=500)


def _order_g(shop: Shop, clock: Callable[[datetime], None], catalog: dict[str, int], ids: dict[str, int]) -> None:
    clock(at(8, 10))
    ids["G"] = _place(shop, at(8, 10), [LineInput("TEE-M", 1)], shipping_minor=500, channel="api")
    clock(at(9, 9))
    _ship(shop, ids["G"], "ups", "Ground", "1ZGGGG0001", shipped=at(9, 10), eta=at(12, 0))


def _ask(shop: Shop, order_id: int, item: ReturnLineInput, when: datetime) -> int:
    return returns.request_return(shop, order_id, [item], actor=factories.CUSTOMER, now=when).id


def _returns(shop: Shop, clock: Callable[[datetime], None], catalog: dict[str, int], ids: dict[str, int]) -> None:
    clock(at(4, 8))
    _ask(shop, ids["H"], ReturnLineInput(_line_ids(shop, ids["H"])["TEE-S"], 1, "changed_mind"), at(4, 8))
    clock(at(6, 9))
    ret_a = _ask(shop, ids["A"], ReturnLineInput(_line_ids(shop, ids["A"])["TEE-M"], 1, "too_small"), at(6, 9))
    clock(at(7, 8))
    return_resolution.receive_return(shop, ret_a, actor=STAFF)
    ret_i = _ask(shop, ids["I"], ReturnLineInput(_line_ids(shop, ids["I"])["TEE-S"], 1, "damaged"), at(7, 8))
    returns.reject_return(shop, ret_i, reason="wear and tear", actor=STAFF)
    clock(at(7, 9))
    return_resolution.resolve_return(shop, ret_a, actor=STAFF)
    clock(at(9, 10))
    swap = ReturnLineInput(_line_ids(shop, ids["B"])["TEE-L"], 1, "too_large", "exchange", catalog["TEE-M"])
    ret_b = _ask(shop, ids["B"], swap, at(9, 10))
    clock(at(9, 11))
    return_resolution.receive_return(shop, ret_b, actor=STAFF)
    clock(at(9, 12))
    return_resolution.resolve_return(shop, ret_b, actor=STAFF, exchange_tracking="EXCH000B01")
