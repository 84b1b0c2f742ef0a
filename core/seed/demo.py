"""The demo customer's orders: hand-written plans that show off the portal, at fixed times before "now".

They are the first orders of every seeded history, so their numbers and tracking numbers
depend only on ``--seed``.
"""

from __future__ import annotations

from core.events.fact import Actor
from core.seed.catalog import Catalogue, VariantInfo
from core.seed.people import CustomerInfo, People
from core.seed.plans import LinePlan, OrderPlan, ReturnItem, ReturnPlan, Scan, ShipmentPlan
from core.seed.stamps import DAY, HOUR

DEMO_EMAIL = "demo@example.com"
DEMO_NAME = "Alex Morgan"
DEMO_PHONE = "+12025550143"
DEMO_ADDRESS = ("742 Evergreen Terrace", None, "Springfield", "IL", "62701", "US")
DEMO_PLACE = "Springfield, IL"
WEB = Actor("customer")


def _sku(catalogue: Catalogue, sku: str) -> VariantInfo:
    return next(v for v in catalogue.variants if v.sku == sku)


def _journey(shipped: int, hub: str, last: list[tuple[int, str]]) -> list[Scan]:
    """A first sorting scan a few hours after hand-over, then the given (time, status) steps."""
    scans = [Scan(shipped + 5 * HOUR, "in_transit", hub, "Arrived at facility")]
    messages = {"out_for_delivery": "Out for delivery", "delivered": "Delivered, front door"}
    scans.extend(Scan(t, status, DEMO_PLACE, messages.get(status, "In transit")) for t, status in last)
    return scans


def _parcel(carrier: str, service: str, items: list[tuple[int, int]], created: int, scans: list[Scan]) -> ShipmentPlan:
    shipped = created + 3 * HOUR
    eta = created + 4 * DAY
    plan = ShipmentPlan(carrier, service, 0, items, created, eta, shipped, True, scans)
    plan.first_scan = Scan(shipped, "in_transit", "Regional Facility, Chicago, IL", "Picked up by carrier")
    return plan


def _order(customer: CustomerInfo, placed: int, lines: list[LinePlan], shipping: int = 0) -> OrderPlan:
    return OrderPlan(placed, customer, False, "web", WEB, "ups", lines, shipping, 0, 4)


def _split_in_transit(catalogue: Catalogue, customer: CustomerInfo, now: int) -> OrderPlan:
    """Two parcels: the first delivered yesterday, the second out for delivery now."""
    placed = now - 4 * DAY
    lines = [LinePlan(_sku(catalogue, "TEE-NAVY-M"), 1, 0), LinePlan(_sku(catalogue, "SNK-WHITE-9"), 1, 0)]
    plan = _order(customer, placed, lines)
    first = _journey(
        placed + 6 * HOUR,
        "Worldport, Louisville, KY",
        [(now - DAY, "out_for_delivery"), (now - DAY + 4 * HOUR, "delivered")],
    )
    second = _journey(
        placed + DAY, "Network Distribution Center, Jersey City, NJ", [(now - 2 * HOUR, "out_for_delivery")]
    )
    plan.shipments = [
        _parcel("ups", "Ground", [(0, 1)], placed + 2 * HOUR, first),
        _parcel("usps", "Ground Advantage", [(1, 1)], placed + 20 * HOUR, second),
    ]
    return plan


def _delivered_recently(catalogue: Catalogue, customer: CustomerInfo, now: int) -> OrderPlan:
    """Delivered three days ago: the sweater can be returned, the final-sale mugs cannot."""
    placed = now - 7 * DAY
    lines = [LinePlan(_sku(catalogue, "MER-CHARCO-L"), 1, 0), LinePlan(_sku(catalogue, "MUG-WHITE-ONESIZ"), 2, 0)]
    plan = _order(customer, placed, lines)
    scans = _journey(
        placed + 8 * HOUR, "Memphis, TN", [(now - 3 * DAY - 4 * HOUR, "out_for_delivery"), (now - 3 * DAY, "delivered")]
    )
    plan.shipments = [_parcel("fedex", "Home Delivery", [(0, 1), (1, 2)], placed + 3 * HOUR, scans)]
    return plan


def _with_open_return(catalogue: Catalogue, customer: CustomerInfo, now: int) -> OrderPlan:
    """Jeans sent back for a refund; the parcel is on its way to the warehouse."""
    placed = now - 20 * DAY
    lines = [LinePlan(_sku(catalogue, "JNS-INDIGO-32"), 1, 0), LinePlan(_sku(catalogue, "PKT-OLIVE-M"), 1, 0)]
    plan = _order(customer, placed, lines, shipping=595)
    scans = _journey(
        placed + 7 * HOUR,
        "Denver, CO",
        [(now - 15 * DAY - 5 * HOUR, "out_for_delivery"), (now - 15 * DAY, "delivered")],
    )
    plan.shipments = [_parcel("usps", "Ground Advantage", [(0, 1), (1, 1)], placed + 4 * HOUR, scans)]
    ret = ReturnPlan(now - 5 * DAY, [ReturnItem(0, 1, "too_large", "refund")], "Fits larger than expected.")
    ret.in_transit = now - 3 * DAY
    plan.returns = [ret]
    return plan


def _exchange(catalogue: Catalogue, customer: CustomerInfo, now: int) -> OrderPlan:
    """A hoodie exchanged for the next size up; the replacement is on its way."""
    placed = now - 30 * DAY
    hoodie = _sku(catalogue, "HOD-BLACK-M")
    plan = _order(customer, placed, [LinePlan(hoodie, 1, 0)], shipping=595)
    scans = _journey(
        placed + 7 * HOUR,
        "Hodgkins, IL",
        [(now - 25 * DAY - 5 * HOUR, "out_for_delivery"), (now - 25 * DAY, "delivered")],
    )
    plan.shipments = [_parcel("ups", "Ground", [(0, 1)], placed + 4 * HOUR, scans)]
    larger = _sku(catalogue, "HOD-BLACK-L")
    ret = ReturnPlan(
        now - 9 * DAY, [ReturnItem(0, 1, "too_small", "exchange", larger)], "Too snug across the shoulders."
    )
    ret.in_transit, ret.received, ret.resolved = now - 7 * DAY, now - 3 * DAY, now - 2 * DAY
    exchange_scans = [Scan(now - DAY + 6 * HOUR, "in_transit", "Regional Facility, Chicago, IL", "Departed facility")]
    ret.exchange = _parcel("usps", "Ground Advantage", [(0, 1)], now - 2 * DAY + HOUR, exchange_scans)
    ret.exchange.eta = None  # resolve_return creates exchange parcels without an estimate
    plan.returns = [ret]
    return plan


def demo_customer(people: People, created: int) -> CustomerInfo:
    made = CustomerInfo(people.next_id, DEMO_EMAIL, DEMO_NAME, DEMO_PHONE, True, DEMO_ADDRESS, created)
    people.next_id += 1
    return made


def demo_plans(catalogue: Catalogue, people: People, now: int) -> list[OrderPlan]:
    """The demo customer's four orders, oldest first."""
    customer = demo_customer(people, now - 30 * DAY)
    plans = [
        _exchange(catalogue, customer, now),
        _with_open_return(catalogue, customer, now),
        _delivered_recently(catalogue, customer, now),
        _split_in_transit(catalogue, customer, now),
    ]
    plans[0].new_customer = True  # kept out of the repeat-customer pool: these four are the whole story
    return plans
