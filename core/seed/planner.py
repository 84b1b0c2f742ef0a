"""Random, realistic plans for ordinary orders: what is bought, how it is paid, held, packed and shipped."""

from __future__ import annotations

import random

from core.carriers import carrier as carrier_info
from core.events.fact import Actor
from core.policies import HoldPolicy, hold_reasons
from core.seed.catalog import Catalogue, VariantInfo
from core.seed.people import CustomerInfo, People
from core.seed.plans import LinePlan, OrderPlan, ShipmentPlan
from core.seed.reference import CANCEL_REASONS, CUSTOMISATION_NOTES, HOLD_CANCEL_REASONS, ORDER_NOTES
from core.seed.stamps import DAY, HOUR
from core.seed.transit import plan_transit
from core.seed.weighted import Weighted

CHANNELS = Weighted(("web", "shopify", "woocommerce", "api"), (55, 25, 12, 8))
DOMESTIC_CARRIERS = Weighted(("usps", "ups", "fedex"), (40, 32, 28))
LINE_COUNTS = Weighted((1, 2, 3, 4), (55, 28, 12, 5))
CANCEL_SHARE = 0.022  # confirmed orders cancelled on request (holds add the rest of the ~3%)
SPLIT_SHARE = 0.11  # of orders with two or more units
PROMO_SHARE = 0.18
FREE_SHIPPING_FROM = 7_500


def _variant(rng: random.Random, catalogue: Catalogue, taken: set[int]) -> VariantInfo:
    while True:
        found = catalogue.pick(rng)
        if found.id not in taken:
            taken.add(found.id)
            return found


def _lines(rng: random.Random, catalogue: Catalogue) -> list[LinePlan]:
    taken: set[int] = set()
    count = LINE_COUNTS.pick(rng)
    percent = rng.choice((10, 15, 20)) if rng.random() < PROMO_SHARE else 0
    lines = []
    for _ in range(count):
        variant = _variant(rng, catalogue, taken)
        quantity = 1 if rng.random() < 0.86 else rng.choice((2, 2, 3))
        lines.append(LinePlan(variant, quantity, variant.price_minor * quantity * percent // 100))
    return lines


def _carrier(rng: random.Random, customer: CustomerInfo) -> tuple[str, int]:
    if customer.international:
        return "dhl", 0
    carrier = DOMESTIC_CARRIERS.pick(rng)
    return carrier, int(rng.random() < 0.18)


def _charges(rng: random.Random, lines: list[LinePlan], service_index: int, international: bool) -> tuple[int, int]:
    """(shipping, tax): free standard shipping over $75, express and international always pay."""
    goods = sum(lp.variant.price_minor * lp.quantity - lp.discount_minor for lp in lines)
    if international:
        shipping = 2_495
    elif service_index:
        shipping = 1_495
    else:
        shipping = 0 if goods >= FREE_SHIPPING_FROM else 595
    tax = 0 if international else goods * rng.choice((0, 400, 600, 625, 725, 825, 887)) // 10_000
    return shipping, tax


def _note_and_score(rng: random.Random) -> tuple[str | None, int]:
    roll = rng.random()
    note = rng.choice(CUSTOMISATION_NOTES) if roll < 0.008 else rng.choice(ORDER_NOTES) if roll < 0.05 else None
    score = rng.randrange(76, 99) if rng.random() < 0.012 else int(rng.triangular(0, 60, 8))
    return note, score


def _working_delay(rng: random.Random, t: int, low: float, high: float) -> int:
    """Hours of staff time; weekends add a day or two."""
    delay = int(rng.uniform(low, high) * HOUR)
    weekday = ((t + delay) // DAY + 3) % 7
    return delay + (DAY * (7 - weekday) if weekday >= 5 else 0)


def _split(rng: random.Random, lines: list[LinePlan]) -> list[list[tuple[int, int]]]:
    units = [(index, lp.quantity) for index, lp in enumerate(lines)]
    if sum(q for _, q in units) < 2 or rng.random() >= SPLIT_SHARE:
        return [units]
    if len(units) == 1:
        index, quantity = units[0]
        first = rng.randrange(1, quantity)
        return [[(index, first)], [(index, quantity - first)]]
    cut = rng.randrange(1, len(units))
    return [units[:cut], units[cut:]]


def _shipments(rng: random.Random, plan: OrderPlan, ready: int, ship_by: tuple[str, int]) -> None:
    """Pack (maybe in two parcels, the second a little later) and send each parcel on its way."""
    customer, (carrier, service_index) = plan.customer, ship_by
    destination = f"{customer.address[2]}, {customer.address[3] or customer.address[5]}"
    created = ready
    for group in _split(rng, plan.lines):
        shipped = created + int(rng.uniform(0.5, 8) * HOUR)
        by_carrier = rng.random() < 0.4
        transit = plan_transit(rng, carrier, service_index, shipped, destination, customer.international)
        service = _service(carrier, service_index)
        sp = ShipmentPlan(carrier, service, service_index, group, created, transit.eta, shipped, by_carrier)
        sp.scans, sp.first_scan = transit.scans, transit.first_scan if by_carrier else None
        plan.shipments.append(sp)
        # The second parcel is packed while the first is still on its way (create_shipment requires it).
        deadline = transit.delivered - HOUR if transit.delivered is not None else created + 3 * DAY
        created = max(created, min(created + int(rng.uniform(4, 60) * HOUR), deadline))


def _service(carrier: str, index: int) -> str:
    services = carrier_info(carrier).services
    return services[min(index, len(services) - 1)]


def _after_confirmation(rng: random.Random, plan: OrderPlan, confirmed: int, ship_by: tuple[str, int]) -> None:
    ready = confirmed + _working_delay(rng, confirmed, 1.5, 30)
    if rng.random() < CANCEL_SHARE:
        when = confirmed + int(rng.uniform(0.2, 1.0) * (ready - confirmed))
        plan.cancel = (when, rng.choice(CANCEL_REASONS))
        if rng.random() < 0.3:  # the label was already printed: its shipment is cancelled too
            plan.shipments.append(_label_only(plan, when - 600, ship_by))
        return
    if rng.random() < 0.35:
        plan.processing = max(confirmed + 60, ready - int(rng.uniform(0.2, 2) * HOUR))
    _shipments(rng, plan, ready, ship_by)


def _label_only(plan: OrderPlan, created: int, ship_by: tuple[str, int]) -> ShipmentPlan:
    group = [(index, lp.quantity) for index, lp in enumerate(plan.lines)]
    carrier, index = ship_by
    return ShipmentPlan(carrier, _service(carrier, index), index, group, created, None, created + 30 * DAY, False)


def _review(rng: random.Random, plan: OrderPlan, ship_by: tuple[str, int]) -> tuple[int, tuple[str, int]] | None:
    """Staff decide on a held order: (confirmed at, how it ships) on release, None on cancel."""
    reason = plan.holds[0][0]
    decided = plan.placed + _working_delay(rng, plan.placed, 0.5, 20)
    cancel = rng.random() < (0.35 if reason == "fraud_score" else 0.12)
    plan.hold_decision = (decided, "cancel" if cancel else "release", HOLD_CANCEL_REASONS.get(reason, "on review"))
    if cancel:
        return None
    # A PO box goes with a carrier that delivers to it.
    return decided, (("usps", 0) if reason == "po_box" else ship_by)


def plan_order(rng: random.Random, catalogue: Catalogue, people: People, placed: int, policy: HoldPolicy) -> OrderPlan:
    """Everything about one ordinary order up to its last delivery (returns are planned separately)."""
    customer, new_customer = people.customer_for(rng, placed)
    channel = CHANNELS.pick(rng)
    actor = Actor("customer") if channel == "web" else Actor("integration", channel)
    carrier, service_index = _carrier(rng, customer)
    lines = _lines(rng, catalogue)
    shipping, tax = _charges(rng, lines, service_index, customer.international)
    note, score = _note_and_score(rng)
    plan = OrderPlan(placed, customer, new_customer, channel, actor, carrier, lines, shipping, tax, score, note)
    if note or customer.po_box or score > policy.fraud_score_threshold:  # otherwise there is nothing to find
        plan.holds = hold_reasons(
            carrier=carrier, address_lines=[customer.address[0], customer.address[1] or ""],
            fraud_score=score, note=note, policy=policy,
        )  # fmt: skip
    confirmed: tuple[int, tuple[str, int]] | None = (placed, (carrier, service_index))
    if plan.holds:
        confirmed = _review(rng, plan, (carrier, service_index))
    if confirmed is not None:
        _after_confirmation(rng, plan, *confirmed)
    return plan
