"""A manager's override of the return policy (issue 14): items the policy refuses (final sale, window
closed) taken back because they arrived damaged or were the wrong item, with the override and its
reason in the event. One rule decides: the staff page reads the same verdict the service enforces."""

from __future__ import annotations

from datetime import timedelta

import pytest

from core.clock import utcnow
from core.domain.commands import ReturnLineInput, ReturnOverride
from core.errors import NotEligible, NotPermitted, ValidationFailed
from core.events.catalogue import for_customer
from core.models import Order
from core.queries.orders import order_view
from core.queries.staff_order import staff_order
from core.services import returns
from core.shop import Shop
from tests.integration.core import support

STAFF, MANAGER = support.STAFF, support.MANAGER
CHIPPED = ReturnOverride("Chipped in transit; photo in ticket 4411")


def _ask(shop: Shop, order: Order, sku: str, qty: int, reason: str, **kwargs: object):  # type: ignore[no-untyped-def]
    line = support.line_ids(shop, order.id)[sku]
    return returns.request_return(shop, order.id, [ReturnLineInput(line, qty, reason)], **kwargs)  # type: ignore[arg-type]


def test_the_staff_page_reads_the_rule_that_refuses(shop: Shop, delivered_order: Order) -> None:
    """Offered: what the service accepts; refused: what it refuses, with its words and the override room."""
    with shop.db.read() as session:
        detail = staff_order(session, delivered_order.number, policy=shop.return_policy, now=utcnow())
    assert detail is not None
    assert [(c.item.sku, c.check.max_quantity) for c in detail.returnable] == [("TEE-M", 2)]
    refused = detail.not_returnable
    assert [(c.item.sku, c.check.code, c.check.message, c.check.override_quantity) for c in refused] == [
        ("MUG-1", "final_sale", "Final sale: this item cannot be returned.", 1)
    ]
    with pytest.raises(NotEligible, match=r"Enamel Mug: Final sale: this item cannot be returned\."):
        _ask(shop, delivered_order, "MUG-1", 1, "damaged", actor=MANAGER)


def test_a_manager_takes_back_a_damaged_final_sale_item(shop: Shop, delivered_order: Order) -> None:
    ret = _ask(shop, delivered_order, "MUG-1", 1, "damaged", override=CHIPPED, actor=MANAGER)

    stored = support.get_return(shop, ret.id)
    assert [(line.quantity, line.reason) for line in stored.lines] == [(1, "damaged")]
    mug = support.line_ids(shop, delivered_order.id)["MUG-1"]
    requested = support.events(shop, return_id=ret.id, type="return.requested")[0]
    assert requested.actor_id == MANAGER.id
    assert requested.payload["override"] == {"reason": CHIPPED.reason, "lines": [[mug, "MUG-1", "final_sale"]]}
    assert "override" not in for_customer("return.requested", requested.payload)
    with shop.db.read() as session:
        detail = staff_order(session, delivered_order.number, policy=shop.return_policy, now=utcnow())
        customer = order_view(session, delivered_order.id, shop.return_policy, utcnow())
    shown = next(item for item in detail.timeline if item.code == "return.requested")  # type: ignore[union-attr]
    assert shown.detail == f"Manager override for MUG-1 (final sale): {CHIPPED.reason}"
    assert CHIPPED.reason not in repr(customer)


def test_an_override_reaches_past_the_window_but_no_further(shop: Shop, delivered_order: Order) -> None:
    late = utcnow() + timedelta(days=45)
    with pytest.raises(NotEligible, match="Return window closed"):
        _ask(shop, delivered_order, "TEE-M", 1, "damaged", actor=MANAGER, now=late)
    with pytest.raises(NotEligible, match="you can return up to 2"):
        _ask(shop, delivered_order, "TEE-M", 3, "damaged", override=CHIPPED, actor=MANAGER, now=late)
    ret = _ask(shop, delivered_order, "TEE-M", 2, "wrong_item", override=CHIPPED, actor=MANAGER, now=late)
    requested = support.events(shop, return_id=ret.id, type="return.requested")[0]
    assert requested.payload["override"]["lines"][0][1:] == ["TEE-M", "window_closed"]


def test_what_an_override_cannot_do_writes_nothing(shop: Shop, delivered_order: Order) -> None:
    before = support.row_counts(shop)
    with pytest.raises(NotEligible, match="only as arrived damaged or wrong item sent"):
        _ask(shop, delivered_order, "MUG-1", 1, "changed_mind", override=CHIPPED, actor=MANAGER)
    with pytest.raises(NotPermitted, match=r"Your role \(staff\) may not do this: take back a final-sale"):
        _ask(shop, delivered_order, "MUG-1", 1, "damaged", override=CHIPPED, actor=STAFF)
    with pytest.raises(ValidationFailed, match="Give the override a reason"):
        _ask(shop, delivered_order, "MUG-1", 1, "damaged", override=ReturnOverride("  "), actor=MANAGER)
    assert support.row_counts(shop) == before


def test_nothing_overrides_an_undelivered_line(shop: Shop, shipped_order: Order) -> None:
    with pytest.raises(NotEligible, match="Not delivered yet"):
        _ask(shop, shipped_order, "TEE-M", 1, "damaged", override=CHIPPED, actor=MANAGER)


def test_an_override_no_line_needed_is_not_recorded(shop: Shop, delivered_order: Order) -> None:
    ret = _ask(shop, delivered_order, "TEE-M", 1, "damaged", override=CHIPPED, actor=MANAGER)
    requested = support.events(shop, return_id=ret.id, type="return.requested")[0]
    assert "override" not in requested.payload
