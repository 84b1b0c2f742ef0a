"""The services check the shop's permission table with the acting role: refused means nothing moved."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from core.errors import NotPermitted
from core.models import Event, Order, Refund
from core.permissions import Permission, PermissionTable
from core.services import ordering, refunds
from core.shop import Shop
from tests import factories
from tests.integration.core import support

STAFF, MANAGER = support.STAFF, support.MANAGER


def _written(shop: Shop) -> tuple[int, int, int]:
    with shop.db.read() as session:
        events = session.scalar(select(func.count()).select_from(Event)) or 0
        refunds_made = session.scalar(select(func.count()).select_from(Refund)) or 0
    return events, refunds_made, len(shop.gateway.calls)


def test_staff_may_not_refund(shop: Shop, confirmed_order: Order) -> None:
    before = _written(shop)
    with pytest.raises(NotPermitted, match="issue a refund"):
        refunds.refund_order(shop, confirmed_order.id, amount_minor=500, reason="goodwill", actor=STAFF)
    assert _written(shop) == before
    refunds.refund_order(shop, confirmed_order.id, amount_minor=500, reason="goodwill", actor=MANAGER)
    assert support.payment(shop, confirmed_order.id).refunded_minor == 500


def test_staff_may_not_cancel_an_order_that_gives_money_back(shop: Shop, confirmed_order: Order) -> None:
    before = _written(shop)
    with pytest.raises(NotPermitted, match="cancel an order whose captured payment is refunded"):
        refunds.cancel_order(shop, confirmed_order.id, reason="asked", actor=STAFF)
    assert _written(shop) == before
    assert factories.reload(shop, confirmed_order.id).status == "confirmed"


def test_staff_may_cancel_an_order_that_was_only_authorised(shop: Shop, held_order: Order) -> None:
    refunds.cancel_order(shop, held_order.id, reason="fraud confirmed", actor=STAFF)
    assert factories.reload(shop, held_order.id).status == "cancelled"
    assert support.payment(shop, held_order.id).status == "voided"


def test_a_shop_may_give_staff_the_refund(shop: Shop, confirmed_order: Order) -> None:
    shop.permissions = PermissionTable.for_shop(staff_also={Permission.REFUND, Permission.CANCEL_WITH_REFUND})
    refunds.refund_order(shop, confirmed_order.id, amount_minor=500, reason="goodwill", actor=STAFF)
    refunds.cancel_order(shop, confirmed_order.id, reason="asked", actor=STAFF)
    assert factories.reload(shop, confirmed_order.id).status == "cancelled"


def test_a_shop_may_take_a_plain_action_from_staff(shop: Shop, confirmed_order: Order) -> None:
    shop.permissions = PermissionTable.for_shop(staff_not={Permission.ORDER_HOLD})
    with pytest.raises(NotPermitted):
        ordering.hold_order(shop, confirmed_order.id, actor=STAFF)
    ordering.hold_order(shop, confirmed_order.id, actor=MANAGER)
    assert factories.reload(shop, confirmed_order.id).status == "on_hold"
