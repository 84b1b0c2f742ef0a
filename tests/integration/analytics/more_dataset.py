"""A second small story, for the sales, fulfilment and delivery KPIs managers expect (test_more_kpis.py).

Same week as dataset.py: Monday 2025-03-03 to Sunday 2025-03-09 (UTC shop days), read as of Monday
2025-03-10 12:00 UTC. Prices: TEE-* 2500, MUG-1 1800. Every row is written through the real services.

| order | placed (UTC) | customer | what happens |
| P  | Tue 02-25 10:00 | ada | previous week; web; TEE-S; never shipped |
| O1 | Mon 03-03 10:00 | ada | web; 2×TEE-M + MUG-1 (line discount 200); SPLIT: UPS Ground parcel 1 (2×TEE-M) labelled Mon 11:00 (ETA 03-05), handed over Mon 15:00, first scan Tue 09:00 (in transit, new ETA 03-06), delivered Thu 03-06 10:00; UPS Ground parcel 2 (MUG-1) labelled Tue 08:00 (ETA 03-05), first scan Tue 14:00, failed attempt Wed 18:00, then a stale scan of Wed 08:00 with ETA 03-06 (older than the newest: changes nothing), delivered Thu 03-06 12:00 |
| O2 | Tue 03-04 09:00 | BOB@example.com | shopify; TEE-L; USPS Ground Advantage labelled Tue 10:00 (ETA 03-07), first scan Tue 20:00, out for delivery Fri 07:00 with ETA 03-08 (given ON the delivery day: ignored), delivered Fri 03-07 09:00 |
| O3 | Wed 03-05 10:00 | ada | web; TEE-S; FedEx Home Delivery labelled Wed 11:00 (ETA 03-07), handed over Wed 15:00, refund 300 Thu 12:00, first scan Thu 11:00, damaged Fri 03-07 10:00 (ETA 03-08), delivered Sat 03-08 10:00, refund of the rest (2200) Sat 15:00 |
| O4 | Thu 03-06 09:00 | cy  | web; TEE-M; cancelled Thu 10:00 "customer asked" |
| O5 | Thu 03-06 12:00 | dee | api; TEE-S; cancelled Fri 09:00 "fraud suspected" |
| O6 | Fri 03-07 09:00 | cy  | web; TEE-L; UPS Ground labelled Fri 10:00 (ETA 03-10), handed over Fri 15:00, first scan = lost Sun 03-09 10:00, refund 2500 Sun 12:00 |
| O7 | Sat 03-08 10:00 | eve | web; TEE-M; cancelled Sat 11:00 "customer asked" |
| O8 | Mon 03-10 09:00 | bob | next week: bob's second order, after the week's end |
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from core.domain.commands import LineInput
from core.services import fulfilment, refunds, tracking
from core.shop import Shop
from tests import factories

STAFF, MANAGER = factories.STAFF, factories.MANAGER
AS_OF = datetime(2025, 3, 10, 12, 0, tzinfo=UTC)
Clock = Callable[[datetime], None]


def at(day: int, hour: int, month: int = 3) -> datetime:
    return datetime(2025, month, day, hour, 0, tzinfo=UTC)


def _place(shop: Shop, clock: Clock, when: datetime, email: str, lines: list[LineInput], channel: str = "web") -> int:
    clock(when)
    return factories.place(shop, placed_at=when, email=email, lines=lines, channel=channel, shipping_minor=0).id


def _label(
    shop: Shop, clock: Clock, order_id: int, parcel: tuple[str, str, str], when: datetime, **extra: object
) -> int:
    clock(when)
    carrier, service, number = parcel
    made = fulfilment.create_shipment(
        shop, order_id, carrier_code=carrier, service=service, tracking_number=number, actor=STAFF, **extra
    )
    return made.id


def _hand_over(shop: Shop, clock: Clock, shipment_id: int, when: datetime) -> None:
    clock(when)
    fulfilment.ship_shipment(shop, shipment_id, actor=STAFF, occurred_at=when)


def _scan(shop: Shop, number: str, status: str, when: datetime, **extra: object) -> None:
    tracking.record_scan(shop, tracking.CarrierScan(number, status, when, "Springfield", **extra))  # type: ignore[arg-type]


def _refund(shop: Shop, clock: Clock, order_id: int, amount: int, when: datetime) -> None:
    clock(when)
    refunds.refund_order(shop, order_id, amount_minor=amount, reason="parcel trouble", actor=MANAGER)


def _cancel(shop: Shop, clock: Clock, order_id: int, reason: str, when: datetime) -> None:
    clock(when)
    refunds.cancel_order(shop, order_id, reason=reason, actor=MANAGER)


def _line_ids(shop: Shop, order_id: int) -> dict[str, int]:
    return {line.sku: line.id for line in factories.reload(shop, order_id).lines}


def _order_1(shop: Shop, clock: Clock, ids: dict[str, int]) -> None:
    lines = [LineInput("TEE-M", 2), LineInput("MUG-1", 1, discount_minor=200)]
    ids["O1"] = _place(shop, clock, at(3, 10), "ada@example.com", lines)
    line = _line_ids(shop, ids["O1"])
    first = _label(
        shop, clock, ids["O1"], ("ups", "Ground", "1ZMORE0001"), at(3, 11), eta=at(5, 0), lines={line["TEE-M"]: 2}
    )
    _hand_over(shop, clock, first, at(3, 15))
    _label(shop, clock, ids["O1"], ("ups", "Ground", "1ZMORE0002"), at(4, 8), eta=at(5, 0), lines={line["MUG-1"]: 1})
    _scan(shop, "1ZMORE0001", "in_transit", at(4, 9), eta=at(6, 0))
    _scan(shop, "1ZMORE0002", "in_transit", at(4, 14))
    _scan(shop, "1ZMORE0002", "exception", at(5, 18), exception_reason="failed_attempt")
    _scan(shop, "1ZMORE0002", "in_transit", at(5, 8), eta=at(6, 0))  # late news, stale: its ETA was never given
    _scan(shop, "1ZMORE0001", "delivered", at(6, 10))
    _scan(shop, "1ZMORE0002", "delivered", at(6, 12))


def _order_2(shop: Shop, clock: Clock, ids: dict[str, int]) -> None:
    ids["O2"] = _place(shop, clock, at(4, 9), "BOB@example.com", [LineInput("TEE-L", 1)], channel="shopify")
    _label(shop, clock, ids["O2"], ("usps", "Ground Advantage", "9400MORE0001"), at(4, 10), eta=at(7, 0))
    _scan(shop, "9400MORE0001", "in_transit", at(4, 20))
    _scan(shop, "9400MORE0001", "out_for_delivery", at(7, 7), eta=at(8, 0))
    _scan(shop, "9400MORE0001", "delivered", at(7, 9))


def _order_3(shop: Shop, clock: Clock, ids: dict[str, int]) -> None:
    ids["O3"] = _place(shop, clock, at(5, 10), "ada@example.com", [LineInput("TEE-S", 1)])
    parcel = _label(shop, clock, ids["O3"], ("fedex", "Home Delivery", "7700MORE0001"), at(5, 11), eta=at(7, 0))
    _hand_over(shop, clock, parcel, at(5, 15))
    _scan(shop, "7700MORE0001", "in_transit", at(6, 11))
    _refund(shop, clock, ids["O3"], 300, at(6, 12))
    _scan(shop, "7700MORE0001", "exception", at(7, 10), exception_reason="damaged", eta=at(8, 0))
    _scan(shop, "7700MORE0001", "delivered", at(8, 10))
    _refund(shop, clock, ids["O3"], 2200, at(8, 15))


def _cancelled(shop: Shop, clock: Clock, ids: dict[str, int]) -> None:
    ids["O4"] = _place(shop, clock, at(6, 9), "cy@example.com", [LineInput("TEE-M", 1)])
    _cancel(shop, clock, ids["O4"], "customer asked", at(6, 10))
    ids["O5"] = _place(shop, clock, at(6, 12), "dee@example.com", [LineInput("TEE-S", 1)], channel="api")
    _cancel(shop, clock, ids["O5"], "fraud suspected", at(7, 9))


def _order_6(shop: Shop, clock: Clock, ids: dict[str, int]) -> None:
    ids["O6"] = _place(shop, clock, at(7, 9), "cy@example.com", [LineInput("TEE-L", 1)])
    parcel = _label(shop, clock, ids["O6"], ("ups", "Ground", "1ZMORE0006"), at(7, 10), eta=at(10, 0))
    _hand_over(shop, clock, parcel, at(7, 15))
    _scan(shop, "1ZMORE0006", "exception", at(9, 10), exception_reason="lost")
    _refund(shop, clock, ids["O6"], 2500, at(9, 12))


def _later(shop: Shop, clock: Clock, ids: dict[str, int]) -> None:
    ids["O7"] = _place(shop, clock, at(8, 10), "eve@example.com", [LineInput("TEE-M", 1)])
    _cancel(shop, clock, ids["O7"], "customer asked", at(8, 11))
    ids["O8"] = _place(shop, clock, at(10, 9), "bob@example.com", [LineInput("TEE-S", 1)])


def build(shop: Shop, clock: Clock) -> dict[str, int]:
    """Write the story above; returns the order ids by name."""
    ids = {"P": _place(shop, clock, at(25, 10, 2), "ada@example.com", [LineInput("TEE-S", 1)])}
    for step in (_order_1, _order_2, _order_3, _cancelled, _order_6, _later):
        step(shop, clock, ids)
    clock(AS_OF)
    return ids
