"""Every staff list a page at a time (issue 14: queues stopped at 50, "In transit" had 107): counts,
pages past the end, and a stable order even when every row has the same time (ties go by id)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from core.clock import utcnow
from core.models import Order
from core.queries import money_log, staff, webhooks
from core.queries.paging import Page, wanted_page
from core.services import ingest, refunds
from core.shop import Shop
from tests import factories

SAME_MOMENT = utcnow() - timedelta(hours=2)


def _in_transit(shop: Shop, count: int) -> list[str]:
    """``count`` orders placed at one same moment, each with a parcel on its way."""
    factories.make_catalog(shop, on_hand=10 * count)
    for serial in range(count):
        order = factories.place(shop, phone=None, sms_consent=False, placed_at=SAME_MOMENT)
        factories.ship_all(shop, order.id, tracking_number=f"1ZPAGED{serial:08d}")
    with shop.db.read() as session:
        return list(session.scalars(select(Order.number).order_by(Order.id.desc())))


def test_the_in_transit_queue_of_107_reads_in_three_pages(shop: Shop) -> None:
    expected = _in_transit(shop, 107)
    with shop.db.read() as session:
        pages = [staff.hub(session, queue_code="in_transit", page=n) for n in (1, 2, 3)]
        past_the_end = staff.hub(session, queue_code="in_transit", page=99)
        searched = staff.hub(session, term="ada@example.com", page=3)
    assert pages[0].counts["in_transit"] == 107
    assert [(p.rows.first, p.rows.last, p.rows.total, p.rows.pages) for p in pages] == [
        (1, 50, 107, 3),
        (51, 100, 107, 3),
        (101, 107, 107, 3),
    ]
    assert [row.number for p in pages for row in p.rows.rows] == expected
    assert (past_the_end.rows.number, len(past_the_end.rows.rows)) == (3, 7)
    assert (searched.queue, searched.rows.total, [r.number for r in searched.rows.rows]) == ("", 107, expected[100:])


def test_an_unknown_queue_is_the_hold_queue(shop: Shop) -> None:
    with shop.db.read() as session:
        found = staff.hub(session, queue_code="nope")
    assert (found.queue, found.rows.total, found.rows.first, found.rows.pages) == ("on_hold", 0, 0, 1)


def test_webhook_deliveries_and_the_money_log_are_paged(shop: Shop, confirmed_order: Order) -> None:
    for serial in range(53):
        ingest.store_delivery(shop, ingest.Incoming("easypost", f"evt-{serial}", "tracker.updated", {}, b"{}"))
    for _ in range(51):
        refunds.refund_order(shop, confirmed_order.id, amount_minor=1, reason="goodwill", actor=factories.MANAGER)
    with shop.db.read() as session:
        second = webhooks.deliveries(session, page=2)
        first = webhooks.deliveries(session, page=1)
        log = money_log.money_log(session, page=2)
    assert (second.total, len(second.rows), second.first) == (53, 3, 51)
    assert [d.delivery_id for d in first.rows + second.rows] == [f"evt-{n}" for n in range(52, -1, -1)]
    assert (log.found.total, len(log.moves), log.page, log.has_more) == (51, 1, 2, False)


@pytest.mark.parametrize(
    ("raw", "number"), [(None, 1), ("", 1), ("3", 3), ("0", 1), ("-2", 1), ("²", 1), ("1e3", 1), ("9" * 40, 100_000)]
)
def test_a_page_number_from_a_query_string(raw: str | None, number: int) -> None:
    assert wanted_page(raw) == number


def test_page_links_around_the_current_page() -> None:
    assert Page(list(range(50)), 1000, 10).around() == [1, 8, 9, 10, 11, 12, 20]
    assert Page([], 0, 1).around() == [1]
