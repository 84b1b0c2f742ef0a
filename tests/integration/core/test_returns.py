"""Returns: eligibility, approval by policy, the over-return guard, receipt, refund and exchange."""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import timedelta

import pytest

from core.clock import utcnow
from core.domain.commands import LineInput, ReturnLineInput
from core.errors import IllegalTransition, NotEligible, OutOfStock, ValidationFailed
from core.models import Order
from core.policies import ReturnPolicy
from core.services import fulfilment, ordering, refunds, return_resolution, returns
from core.shop import Shop
from tests import factories
from tests.integration.core import support

STAFF, MANAGER, CUSTOMER = support.STAFF, support.MANAGER, support.CUSTOMER


@pytest.fixture
def tees(shop: Shop, catalog: dict[str, int]) -> Order:
    """Delivered: 1 × TEE-S at $25 and 2 × TEE-M at $25 less $5 off the line, $5 shipping."""
    order = factories.place(shop, lines=[LineInput("TEE-S", 1), LineInput("TEE-M", 2, discount_minor=500)])
    factories.ship_all(shop, order.id, "1ZTEES00001")
    factories.deliver(shop, "1ZTEES00001")
    return support.order(shop, order.id)


def _ask(shop: Shop, order: Order, *items: tuple[str, int, str], **kwargs: object):  # type: ignore[no-untyped-def]
    ids = support.line_ids(shop, order.id)
    lines = [ReturnLineInput(ids[sku], qty, reason) for sku, qty, reason in items]
    return returns.request_return(shop, order.id, lines, actor=CUSTOMER, **kwargs)  # type: ignore[arg-type]


def _returning(shop: Shop, order_id: int) -> dict[str, tuple[int, int]]:
    return {ln.sku: (ln.qty_returning, ln.qty_returned) for ln in support.order(shop, order_id).lines}


def test_an_eligible_return_is_approved_automatically(shop: Shop, delivered_order: Order) -> None:
    ret = _ask(shop, delivered_order, ("TEE-M", 1, "too_small"), note="a bit tight")

    stored = support.get_return(shop, ret.id)
    assert stored.status == "approved"
    assert stored.rma.startswith("RMA-")
    assert stored.customer_note == "a bit tight"
    assert [(ln.quantity, ln.reason, ln.resolution) for ln in stored.lines] == [(1, "too_small", "refund")]
    assert _returning(shop, delivered_order.id)["TEE-M"] == (1, 0)
    requested, approved = support.events(shop, return_id=ret.id)
    assert (requested.type, requested.actor_type, requested.visibility) == ("return.requested", "customer", "customer")
    assert (approved.type, approved.actor_type) == ("return.approved", "system")
    assert ("return_approved", "email") in support.outbox_templates(shop, delivered_order.id)


def test_a_reason_that_needs_review_waits_for_staff(shop: Shop, delivered_order: Order) -> None:
    ret = _ask(shop, delivered_order, ("TEE-M", 1, "damaged"))
    assert support.get_return(shop, ret.id).status == "requested"
    returns.approve_return(shop, ret.id, actor=STAFF)
    assert support.get_return(shop, ret.id).status == "approved"
    assert support.events(shop, return_id=ret.id)[-1].actor_type == "staff"


def test_a_shop_without_auto_approval_reviews_everything(shop: Shop, delivered_order: Order) -> None:
    shop.return_policy = ReturnPolicy(auto_approve=False)
    ret = _ask(shop, delivered_order, ("TEE-M", 1, "too_small"))
    assert support.get_return(shop, ret.id).status == "requested"


def test_ineligible_requests_write_nothing(shop: Shop, delivered_order: Order, confirmed_order: Order) -> None:
    before = support.row_counts(shop)
    with pytest.raises(NotEligible) as final:
        _ask(shop, delivered_order, ("MUG-1", 1, "changed_mind"))
    assert str(final.value) == "Enamel Mug: Final sale: this item cannot be returned."
    with pytest.raises(NotEligible) as too_many:
        _ask(shop, delivered_order, ("TEE-M", 3, "too_small"))
    assert str(too_many.value) == "Classic Tee: you can return up to 2."
    late = utcnow() + timedelta(days=31)
    with pytest.raises(NotEligible) as closed:
        _ask(shop, delivered_order, ("TEE-M", 1, "too_small"), now=late)
    delivered_at = support.events(shop, delivered_order.id, type="shipment.delivered")[0].occurred_at
    closes = (delivered_at + timedelta(days=30)).date()
    assert str(closed.value) == f"Classic Tee: Return window closed on {closes:%-d %B %Y}."
    with pytest.raises(ValidationFailed, match="Pick a reason from the list for Classic Tee"):
        _ask(shop, delivered_order, ("TEE-M", 1, "bored"))
    with pytest.raises(ValidationFailed, match="at least 1"):
        _ask(shop, delivered_order, ("TEE-M", 0, "too_small"))
    with pytest.raises(ValidationFailed, match="Choose at least one item"):
        returns.request_return(shop, delivered_order.id, [], actor=CUSTOMER)
    assert support.row_counts(shop) == before


def test_an_undelivered_order_cannot_be_returned(shop: Shop, shipped_order: Order) -> None:
    with pytest.raises(NotEligible, match=r"Classic Tee: Not delivered yet\."):
        _ask(shop, shipped_order, ("TEE-M", 1, "too_small"))


def test_the_same_form_submitted_twice_gives_one_return(shop: Shop, delivered_order: Order) -> None:
    token = uuid.uuid4().hex
    first = _ask(shop, delivered_order, ("TEE-M", 1, "too_small"), client_token=token)
    before = support.row_counts(shop)
    again = _ask(shop, delivered_order, ("TEE-M", 1, "too_small"), client_token=token)
    assert again.id == first.id
    assert support.row_counts(shop) == before
    assert _returning(shop, delivered_order.id)["TEE-M"] == (1, 0)


def test_a_line_cannot_be_returned_twice_over(shop: Shop, delivered_order: Order) -> None:
    _ask(shop, delivered_order, ("TEE-M", 2, "too_small"))
    with pytest.raises(NotEligible) as refused:
        _ask(shop, delivered_order, ("TEE-M", 1, "too_small"))
    assert str(refused.value) == "Classic Tee: Already returned, or on a return in progress."


@pytest.mark.parametrize("end", ["reject", "cancel"])
def test_reject_or_cancel_gives_the_quantity_back(shop: Shop, delivered_order: Order, end: str) -> None:
    ret = _ask(shop, delivered_order, ("TEE-M", 2, "damaged"))
    if end == "reject":
        returns.reject_return(shop, ret.id, reason="worn", actor=STAFF)
    else:
        returns.cancel_return(shop, ret.id, actor=CUSTOMER)
    stored = support.get_return(shop, ret.id)
    assert stored.status == {"reject": "rejected", "cancel": "cancelled"}[end]
    assert _returning(shop, delivered_order.id)["TEE-M"] == (0, 0)
    last = support.events(shop, return_id=ret.id)[-1]
    assert last.type == f"return.{stored.status}"
    assert _ask(shop, delivered_order, ("TEE-M", 2, "too_small")).id != ret.id, "the quantity is returnable again"


def test_once_shipped_back_a_return_cannot_be_cancelled(shop: Shop, delivered_order: Order) -> None:
    ret = _ask(shop, delivered_order, ("TEE-M", 1, "too_small"))
    return_resolution.mark_return_in_transit(shop, ret.id, tracking_number=" 9400abc123 ", actor=CUSTOMER)
    stored = support.get_return(shop, ret.id)
    assert (stored.status, stored.return_tracking_number) == ("in_transit", "9400ABC123")
    with pytest.raises(IllegalTransition) as refused:
        returns.cancel_return(shop, ret.id, actor=CUSTOMER)
    assert str(refused.value) == (
        "A return that is in transit cannot become cancelled. From in transit it can only become: received."
    )
    assert _returning(shop, delivered_order.id)["TEE-M"] == (1, 0)


def test_rejecting_an_approved_return_is_refused(shop: Shop, delivered_order: Order) -> None:
    ret = _ask(shop, delivered_order, ("TEE-M", 1, "too_small"))
    with pytest.raises(IllegalTransition, match="A return that is approved cannot become rejected"):
        returns.reject_return(shop, ret.id, reason="no", actor=STAFF)


def test_receipt_restocks_resellable_items_only(shop: Shop, tees: Order) -> None:
    ret = _ask(shop, tees, ("TEE-S", 1, "too_small"), ("TEE-M", 2, "too_large"))
    lines = {ln.order_line_id: ln.id for ln in support.get_return(shop, ret.id).lines}
    ids = support.line_ids(shop, tees.id)
    conditions = {lines[ids["TEE-S"]]: "resellable", lines[ids["TEE-M"]]: "damaged"}

    return_resolution.receive_return(shop, ret.id, conditions=conditions, actor=STAFF)

    stored = support.get_return(shop, ret.id)
    assert stored.status == "received"
    assert {ln.order_line_id: (ln.condition, ln.restocked_qty) for ln in stored.lines} == {
        ids["TEE-S"]: ("resellable", 1),
        ids["TEE-M"]: ("damaged", 0),
    }
    assert support.stock(shop, "TEE-S") == (50, 0), "49 after shipping, one back on the shelf"
    assert support.stock(shop, "TEE-M") == (48, 0), "damaged items are written off"
    assert _returning(shop, tees.id) == {"TEE-S": (1, 1), "TEE-M": (2, 2)}
    restocked = support.events(shop, tees.id, type="stock.restocked")
    assert [(e.payload["sku"], e.payload["quantity"]) for e in restocked] == [("TEE-S", 1)]


def test_receipt_refuses_unknown_conditions_and_lines(shop: Shop, tees: Order) -> None:
    ret = _ask(shop, tees, ("TEE-S", 1, "too_small"))
    line_id = support.get_return(shop, ret.id).lines[0].id
    with pytest.raises(ValidationFailed, match="Unknown condition 'meh'"):
        return_resolution.receive_return(shop, ret.id, conditions={line_id: "meh"}, actor=STAFF)
    with pytest.raises(ValidationFailed, match="has no line 999999"):
        return_resolution.receive_return(shop, ret.id, conditions={999999: "damaged"}, actor=STAFF)
    assert support.get_return(shop, ret.id).status == "approved"
    assert support.stock(shop, "TEE-S") == (49, 0)


def test_refund_is_the_paid_price_less_the_restocking_fee_and_never_shipping(shop: Shop, tees: Order) -> None:
    shop.return_policy = replace(shop.return_policy, restocking_fee_bps=1000)
    ret = _ask(shop, tees, ("TEE-S", 1, "too_small"), ("TEE-M", 2, "too_large"))
    return_resolution.receive_return(shop, ret.id, actor=STAFF)
    return_resolution.resolve_return(shop, ret.id, actor=STAFF)

    # TEE-S 2500 + TEE-M (2 × 2500 − 500) = 7000; 10 % fee = 700; the $5 shipping stays paid.
    stored = support.get_return(shop, ret.id)
    assert (stored.status, stored.restocking_fee_minor) == ("refunded", 700)
    (refund,) = support.refunds(shop, tees.id)
    assert (refund.amount_minor, refund.return_id, refund.reason) == (6300, ret.id, f"return {stored.rma}")
    assert support.payment(shop, tees.id).refunded_minor == 6300
    resolved = support.events(shop, return_id=ret.id, type="return.refunded")[0]
    assert resolved.payload | {"transitions": None} == {
        "rma": stored.rma,
        "refund_minor": 6300,
        "restocking_fee_minor": 700,
        "amount_text": "$63.00",
        "transitions": None,
    }
    assert support.events(shop, return_id=ret.id, type="refund.issued")[0].notify is False

    return_resolution.close_return(shop, ret.id, actor=STAFF)
    assert support.get_return(shop, ret.id).status == "closed"
    with pytest.raises(IllegalTransition):
        return_resolution.resolve_return(shop, ret.id, actor=STAFF)


def test_a_return_refund_never_exceeds_what_is_left_after_goodwill(shop: Shop, tees: Order) -> None:
    refunds.refund_order(shop, tees.id, amount_minor=7000, reason="goodwill", actor=MANAGER)  # 500 left of 7500
    ret = _ask(shop, tees, ("TEE-S", 1, "too_small"))
    return_resolution.receive_return(shop, ret.id, actor=STAFF)
    return_resolution.resolve_return(shop, ret.id, actor=STAFF)
    pay = support.payment(shop, tees.id)
    assert (pay.captured_minor, pay.refunded_minor) == (7500, 7500)
    resolved = support.events(shop, return_id=ret.id, type="return.refunded")[0]
    assert (resolved.payload["refund_minor"], resolved.payload["refund_due_minor"]) == (500, 2500)


def test_an_exchange_reserves_ships_and_closes(shop: Shop, delivered_order: Order, catalog: dict[str, int]) -> None:
    ids = support.line_ids(shop, delivered_order.id)
    item = ReturnLineInput(ids["TEE-M"], 1, "too_small", resolution="exchange", exchange_variant_id=catalog["TEE-L"])
    ret = returns.request_return(shop, delivered_order.id, [item], actor=CUSTOMER)
    assert support.stock(shop, "TEE-L") == (50, 1), "the replacement is reserved when the return is opened"

    return_resolution.receive_return(shop, ret.id, actor=STAFF)
    with pytest.raises(ValidationFailed, match="needs a tracking number"):
        return_resolution.resolve_return(shop, ret.id, actor=STAFF)
    with pytest.raises(ValidationFailed, match="already used"):
        return_resolution.resolve_return(shop, ret.id, actor=STAFF, exchange_tracking="1Z999AA10123456784")
    return_resolution.resolve_return(shop, ret.id, actor=STAFF, exchange_tracking="1zswap0001")

    assert support.get_return(shop, ret.id).status == "exchanged"
    assert support.refunds(shop, delivered_order.id) == []
    exchanged = support.events(shop, return_id=ret.id, type="return.exchanged")[0]
    parcel = support.shipment(shop, exchanged.payload["shipment_id"])
    assert (parcel.kind, parcel.status, parcel.return_id, parcel.tracking_number) == (
        "exchange",
        "label_created",
        ret.id,
        "1ZSWAP0001",
    )
    assert [(i.variant_id, i.quantity) for i in parcel.lines] == [(catalog["TEE-L"], 1)]
    replacement = parcel.lines[0].order_line_id
    assert exchanged.payload["items"] == [["TEE-L", 1, replacement, ids["TEE-M"]]]

    fulfilment.ship_shipment(shop, parcel.id, actor=STAFF)
    assert support.stock(shop, "TEE-L") == (49, 0)
    shipped = support.events(shop, delivered_order.id)[-1]
    assert (shipped.type, shipped.payload["carrier_name"]) == ("exchange.shipped", "USPS")
    assert ("exchange_shipped", "email") in support.outbox_templates(shop, delivered_order.id)
    assert support.order(shop, delivered_order.id).status == "delivered", "an exchange does not re-ship the order"
    factories.deliver(shop, "1ZSWAP0001")
    return_resolution.close_return(shop, ret.id, actor=STAFF)
    ordering.close_order(shop, delivered_order.id, actor=STAFF)
    assert support.order(shop, delivered_order.id).status == "closed"


def test_an_exchange_needs_stock_and_the_same_product(
    shop: Shop, delivered_order: Order, catalog: dict[str, int]
) -> None:
    ids = support.line_ids(shop, delivered_order.id)
    factories.place(shop, lines=[LineInput("TEE-L", 50)])  # nothing left of TEE-L
    before = support.row_counts(shop)
    wanted = ReturnLineInput(ids["TEE-M"], 1, "too_small", resolution="exchange", exchange_variant_id=catalog["TEE-L"])
    with pytest.raises(OutOfStock, match=r"Only 0 of TEE-L left in stock; 1 requested\."):
        returns.request_return(shop, delivered_order.id, [wanted], actor=CUSTOMER)
    mug = replace(wanted, exchange_variant_id=catalog["MUG-1"])
    with pytest.raises(ValidationFailed, match="another variant of the same product"):
        returns.request_return(shop, delivered_order.id, [mug], actor=CUSTOMER)
    assert support.row_counts(shop) == before
    assert _returning(shop, delivered_order.id)["TEE-M"] == (0, 0)


def test_cancelling_an_exchange_releases_its_reservation(
    shop: Shop, delivered_order: Order, catalog: dict[str, int]
) -> None:
    ids = support.line_ids(shop, delivered_order.id)
    item = ReturnLineInput(ids["TEE-M"], 2, "damaged", resolution="exchange", exchange_variant_id=catalog["TEE-S"])
    ret = returns.request_return(shop, delivered_order.id, [item], actor=CUSTOMER)
    assert support.stock(shop, "TEE-S") == (50, 2)
    returns.cancel_return(shop, ret.id, actor=CUSTOMER)
    assert support.stock(shop, "TEE-S") == (50, 0)


def test_an_open_return_keeps_the_order_open(shop: Shop, delivered_order: Order) -> None:
    ret = _ask(shop, delivered_order, ("TEE-M", 1, "too_small"))
    with pytest.raises(IllegalTransition, match=r"This order has an open return; close it first\."):
        ordering.close_order(shop, delivered_order.id, actor=STAFF)
    return_resolution.receive_return(shop, ret.id, actor=STAFF)
    return_resolution.resolve_return(shop, ret.id, actor=STAFF)
    ordering.close_order(shop, delivered_order.id, actor=STAFF)
    assert support.order(shop, delivered_order.id).status == "closed"
