"""The money log: every refund and void read back from the event log, with who, when, order, amount and why."""

from __future__ import annotations

from sqlalchemy import func, select

from core.domain.commands import ReturnLineInput
from core.events.fact import Actor
from core.models import Order, Refund
from core.queries.money_log import money_log
from core.services import refunds, return_resolution, returns
from core.shop import Shop
from tests import factories
from tests.integration.core import support

STAFF, MANAGER = support.STAFF, support.MANAGER
SHOPIFY = Actor("integration", "shopify")


def _story(shop: Shop) -> tuple[dict[str, Order], str]:
    """A goodwill refund, a cancellation that refunds, one that voids, a store's cancellation, a return's refund
    (the orders by name, and the return's RMA)."""
    factories.make_catalog(shop)
    made = {name: factories.place(shop) for name in ("goodwill", "cancelled", "store")}
    made["held"] = factories.place(shop, fraud_score=90)
    refunds.refund_order(shop, made["goodwill"].id, amount_minor=1000, reason="late", message="Sorry!", actor=MANAGER)
    refunds.cancel_order(shop, made["cancelled"].id, reason="customer asked", message="Done.", actor=MANAGER)
    refunds.cancel_order(shop, made["held"].id, reason="fraud confirmed", actor=STAFF)
    refunds.cancel_order(shop, made["store"].id, reason="cancelled in shopify", actor=SHOPIFY)
    made["returned"] = factories.place(shop)
    factories.ship_all(shop, made["returned"].id)
    factories.deliver(shop, factories.TRACKING)
    tee = next(line for line in factories.reload(shop, made["returned"].id).lines if line.sku == "TEE-M")
    ret = returns.request_return(shop, made["returned"].id, [ReturnLineInput(tee.id, 1, "too_small")], actor=STAFF)
    with shop.db.read() as session:
        conditions = {line.id: "resellable" for line in session.get_one(type(ret), ret.id).lines}
    return_resolution.receive_return(shop, ret.id, conditions=conditions, actor=STAFF)
    return_resolution.resolve_return(shop, ret.id, actor=STAFF)
    return made, ret.rma


def test_every_refund_and_void_with_who_what_and_why(shop: Shop) -> None:
    made, rma = _story(shop)
    with shop.db.read() as session:
        log = money_log(session)
        refunded = session.scalar(select(func.sum(Refund.amount_minor)))
    found = {(m.order_number, m.who, m.kind, m.amount_minor, m.reason, m.customer_message) for m in log.moves}
    assert found == {
        (made["goodwill"].number, "test-manager", "goodwill", 1000, "late", "Sorry!"),
        (made["cancelled"].number, "test-manager", "cancellation", 7300, "customer asked", "Done."),
        (made["held"].number, "test-staff", "void", 7300, "fraud confirmed", ""),
        (made["store"].number, "integration:shopify", "cancellation", 7300, "cancelled in shopify", ""),
        (made["returned"].number, "test-staff", "return", 2500, f"return {rma}", ""),
    }
    # A cancellation's refund is its one row: the refunds in the log add up to the money given back.
    assert sum(m.amount_minor for m in log.moves if m.kind != "void") == refunded
    assert [m.occurred_at for m in log.moves] == sorted((m.occurred_at for m in log.moves), reverse=True)
    assert not log.has_more


def test_pages_and_one_persons_moves(shop: Shop) -> None:
    _story(shop)
    with shop.db.read() as session:
        first = money_log(session, per_page=2)
        second = money_log(session, page=2, per_page=2)
        third = money_log(session, page=3, per_page=2)
        staff_only = money_log(session, who="test-staff")
    assert (len(first.moves), first.has_more, len(second.moves), second.has_more) == (2, True, 2, True)
    assert (len(third.moves), third.has_more) == (1, False)
    ids = [m.event_id for m in first.moves + second.moves + third.moves]
    assert len(set(ids)) == 5
    assert {m.kind for m in staff_only.moves} == {"void", "return"}
