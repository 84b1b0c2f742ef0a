"""What happens after delivery: goodwill and lost-parcel refunds, returns and exchanges, closing the order."""

from __future__ import annotations

import random

from core.money import paid_unit_minor
from core.policies import ReturnPolicy
from core.seed.plans import LinePlan, OrderPlan, ReturnItem, ReturnPlan, ShipmentPlan
from core.seed.reference import REJECT_REASONS, RETURN_NOTES
from core.seed.stamps import DAY, HOUR
from core.seed.transit import plan_transit
from core.seed.weighted import Weighted

RETURN_SHARE = 0.075
REASONS = Weighted(
    ("too_small", "too_large", "not_as_described", "changed_mind", "damaged", "wrong_item", "other"),
    (24, 19, 12, 22, 5, 4, 6),
)
CONDITIONS = Weighted(("resellable", "damaged", "unsellable"), (85, 5, 10))


def _paid(lp: LinePlan, quantity: int) -> int:
    return paid_unit_minor(lp.variant.price_minor, lp.quantity, lp.discount_minor) * quantity


def _lost_refund(rng: random.Random, plan: OrderPlan, lost: list[ShipmentPlan]) -> None:
    amount = sum(_paid(plan.lines[index], qty) for sp in lost for index, qty in sp.items)
    when = max(sp.scans[-1].t for sp in lost) + int(rng.uniform(1, 4) * DAY)
    reason = "parcel lost by the carrier" if lost[0].scans[-1].reason == "lost" else "parcel returned to sender"
    plan.refund = (when, amount, reason)


def _goodwill(rng: random.Random, plan: OrderPlan, delivered: int, late: bool) -> None:
    spare = plan.shipping_minor + plan.tax_minor  # never needed by a return refund, so always refundable
    if spare <= 0 or rng.random() >= (0.25 if late else 0.01):
        return
    amount = min(spare, rng.choice((500, 1000, 1500)))
    reason = "goodwill: late delivery" if late else "goodwill: packaging damaged"
    plan.refund = (delivered + int(rng.uniform(2, 30) * HOUR), amount, reason)


def _reason(rng: random.Random, damaged: bool, late: bool) -> str:
    if damaged and rng.random() < 0.6:
        return "damaged"
    if late and rng.random() < 0.25:
        return "arrived_late"
    return REASONS.pick(rng)


def _items(rng: random.Random, plan: OrderPlan, damaged: bool, late: bool) -> list[ReturnItem]:
    candidates = [index for index, lp in enumerate(plan.lines) if not lp.variant.final_sale]
    chosen = rng.sample(candidates, k=min(len(candidates), 1 if rng.random() < 0.8 else 2))
    items = []
    for index in chosen:
        lp = plan.lines[index]
        reason = _reason(rng, damaged, late)
        item = ReturnItem(index, rng.randrange(1, lp.quantity + 1), reason, "refund")
        if reason in ("too_small", "too_large") and lp.variant.siblings and rng.random() < 0.5:
            item.resolution, item.exchange = "exchange", rng.choice(lp.variant.siblings)
        item.condition = "damaged" if reason == "damaged" else CONDITIONS.pick(rng)
        items.append(item)
    return items


def _review(rng: random.Random, ret: ReturnPlan, policy: ReturnPolicy) -> int | None:
    """When the return was approved, or None if staff rejected it."""
    if not policy.needs_review({item.reason for item in ret.items}):
        return ret.requested
    decided = ret.requested + int(rng.uniform(3, 30) * HOUR)
    if rng.random() < 0.15:
        ret.decision = (decided, "reject", rng.choice(REJECT_REASONS))
        return None
    ret.decision = (decided, "approve", "")
    return decided


def _exchange(rng: random.Random, plan: OrderPlan, ret: ReturnPlan, resolved: int) -> None:
    group = [(item.line, item.quantity) for item in ret.items if item.exchange is not None]
    shipped = resolved + int(rng.uniform(3, 20) * HOUR)
    address = plan.customer.address
    destination = f"{address[2]}, {address[3] or address[5]}"
    transit = plan_transit(rng, "usps", 0, shipped, destination, plan.customer.international)
    by_carrier = rng.random() < 0.5
    ret.exchange = ShipmentPlan("usps", "Ground Advantage", 0, group, resolved, None, shipped, by_carrier)
    ret.exchange.scans, ret.exchange.first_scan = transit.scans, transit.first_scan if by_carrier else None
    if transit.delivered is not None:
        ret.closed = transit.delivered + int(rng.uniform(1, 3) * DAY)


def _return(
    rng: random.Random, plan: OrderPlan, window: tuple[int, int], flags: tuple[bool, bool], policy: ReturnPolicy
) -> int | None:
    """Plan one return; gives the time after which the order may close (None: it never settles)."""
    first_delivery, last_delivery = window
    items = _items(rng, plan, *flags)
    if not items:
        return last_delivery
    requested = min(last_delivery + int(rng.uniform(0.3, 20) * DAY), first_delivery + (policy.window_days - 2) * DAY)
    ret = ReturnPlan(max(requested, last_delivery + HOUR), items, rng.choice(RETURN_NOTES) or None)
    plan.returns.append(ret)
    approved = _review(rng, ret, policy)
    if approved is None:
        return ret.decision[0] if ret.decision else None
    if rng.random() < 0.06:
        ret.cancelled = approved + int(rng.uniform(1, 4) * DAY)
        return ret.cancelled
    ret.in_transit = approved + int(rng.uniform(0.5, 6) * DAY)
    ret.received = ret.in_transit + int(rng.lognormvariate(1.1, 0.35) * DAY)
    ret.resolved = ret.received + int(rng.uniform(1, 30) * HOUR)
    if any(item.exchange is not None for item in items):
        _exchange(rng, plan, ret, ret.resolved)
        return ret.resolved
    ret.closed = ret.resolved + int(rng.uniform(1, 3) * DAY)
    return ret.closed


def plan_aftercare(rng: random.Random, plan: OrderPlan, policy: ReturnPolicy) -> None:
    """Refunds, returns and closing for an order whose parcels are all planned."""
    parcels = [sp for sp in plan.shipments if sp.scans]
    if plan.cancel is not None or not parcels:
        return
    lost = [sp for sp in parcels if sp.delivered_at() is None]
    if lost:
        _lost_refund(rng, plan, lost)
        return
    deliveries = [sp.delivered_at() or 0 for sp in parcels]
    last = max(deliveries)
    late = any(sp.eta is not None and (sp.delivered_at() or 0) > sp.eta for sp in parcels)
    damaged = any(scan.reason == "damaged" for sp in parcels for scan in sp.scans)
    _goodwill(rng, plan, last, late)
    settled: int | None = last
    share = RETURN_SHARE + (0.35 if damaged else 0) + (0.08 if late else 0)
    if rng.random() < share and policy.window_days >= 3:
        settled = _return(rng, plan, (min(deliveries), last), (damaged, late), policy)
    if settled is not None:
        plan.close = max(last + policy.window_days * DAY, settled) + int(rng.uniform(2, 12) * HOUR)
