"""Returns the story (dataset.py) does not tell: a wrong item and a damaged one taken back, an item
written off on arrival, and customers on both sides of the "returns often" threshold. A small shop
history of its own, made through the real services, read in the week Mon 2025-04-07 to Sun 04-13.

| order | customer | placed (UTC) | what happens |
| P1 | bob  | Mon 04-07 10:00 | TEE-M; returned (wrong item) 04-09 10:00, approved by review, received damaged 04-10 10:00 (written off), refunded 12:00 |
| P2 | bob  | Mon 04-07 11:00 | 2×TEE-S; returned (too small) 04-09 09:00, received 04-11 09:00 (both back in stock) |
| P3 | bob  | Mon 04-07 12:00 | TEE-L; kept |
| Q1 | cara | Tue 04-08 10:00 | TEE-M; returned (changed my mind) 04-10 09:00, received 15:00 (back in stock) |
| Q2 | cara | Tue 04-08 11:00 | TEE-M; "damaged" claim 04-10 10:00, rejected on review |
| D1-D5 | dan | Wed 04-09 09:00-13:00 | TEE-S each; D1 and D2 returned (too large) 04-11, not yet received |
| E1 | erin | Fri 04-11 10:00 | TEE-L; labelled (promised Sat 04-12), never shipped: 26 business hours, inside the SLA |

Every other order is shipped 2 h after placing (promised two days later) and delivered the next day.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select

from core.analytics import perfect_order, returns_more
from core.analytics.filters import Filters
from core.analytics.sql import Cursor
from core.analytics.warehouse import Warehouse
from core.domain.commands import LineInput, ReturnLineInput
from core.models import ReturnLine
from core.payments import FakeGateway
from core.services import fulfilment, return_resolution, returns, tracking
from core.shop import Shop
from tests import factories
from tests.integration.analytics.conftest import open_database, pin_clock

STAFF, MANAGER = factories.STAFF, factories.MANAGER
AS_OF = datetime(2025, 4, 14, 12, 0, tzinfo=UTC)
WEEK = Filters(date(2025, 4, 7), date(2025, 4, 13), as_of=AS_OF)


def at(day: int, hour: int) -> datetime:
    return datetime(2025, 4, day, hour, 0, tzinfo=UTC)


class Story:
    def __init__(self, shop: Shop, clock: Callable[[datetime], None]) -> None:
        self.shop, self.clock, self.parcels = shop, clock, 0

    def delivered(self, email: str, placed: datetime, sku: str, quantity: int = 1) -> int:
        """An order placed, shipped 2 h later (promised two days after placing), delivered the next day."""
        self.clock(placed)
        order_id = factories.place(self.shop, email=email, placed_at=placed, lines=[LineInput(sku, quantity)]).id
        self.parcels += 1
        number = f"9400FAULT{self.parcels:04d}"
        parcel = fulfilment.create_shipment(
            self.shop, order_id, carrier_code="usps", service="Ground Advantage", tracking_number=number,
            lines=None, eta=placed.replace(hour=0) + (at(3, 0) - at(1, 0)), actor=STAFF,
        )  # fmt: skip
        fulfilment.ship_shipment(self.shop, parcel.id, actor=STAFF, occurred_at=placed.replace(hour=placed.hour + 2))
        delivered = placed + (at(2, 0) - at(1, 0))
        tracking.record_scan(self.shop, tracking.CarrierScan(number, "delivered", delivered, "Springfield"))
        return order_id

    def ask(self, order_id: int, reason: str, when: datetime, quantity: int = 1) -> int:
        self.clock(when)
        line = factories.reload(self.shop, order_id).lines[0].id
        item = ReturnLineInput(line, quantity, reason)
        return returns.request_return(self.shop, order_id, [item], actor=factories.CUSTOMER, now=when).id

    def receive(self, return_id: int, when: datetime, condition: str = "resellable") -> None:
        self.clock(when)
        with self.shop.db.read() as session:
            lines = session.scalars(select(ReturnLine.id).where(ReturnLine.return_id == return_id)).all()
        conditions = dict.fromkeys(lines, condition)
        return_resolution.receive_return(self.shop, return_id, conditions=conditions, actor=STAFF)


def build(story: Story) -> None:
    p1, p2 = (
        story.delivered("bob@example.com", at(7, 10), "TEE-M"),
        story.delivered("bob@example.com", at(7, 11), "TEE-S", 2),
    )
    story.delivered("bob@example.com", at(7, 12), "TEE-L")
    q1, q2 = (
        story.delivered("cara@example.com", at(8, 10), "TEE-M"),
        story.delivered("cara@example.com", at(8, 11), "TEE-M"),
    )
    dan = [story.delivered("dan@example.com", at(9, 9 + n), "TEE-S") for n in range(5)]
    wrong = story.ask(p1, "wrong_item", at(9, 10))
    story.clock(at(9, 12))
    returns.approve_return(story.shop, wrong, actor=MANAGER)
    small = story.ask(p2, "too_small", at(9, 9), quantity=2)
    story.receive(wrong, at(10, 10), condition="damaged")
    story.clock(at(10, 12))
    return_resolution.resolve_return(story.shop, wrong, actor=STAFF)
    story.receive(small, at(11, 9))
    story.receive(story.ask(q1, "changed_mind", at(10, 9)), at(10, 15))
    claim = story.ask(q2, "damaged", at(10, 10))
    returns.reject_return(story.shop, claim, reason="no damage on the photos", actor=STAFF)
    for order_id in dan[:2]:
        story.ask(order_id, "too_large", at(11, 10))
    story.clock(at(11, 10))
    erin = factories.place(story.shop, email="erin@example.com", placed_at=at(11, 10), lines=[LineInput("TEE-L", 1)])
    fulfilment.create_shipment(
        story.shop, erin.id, carrier_code="usps", service="Ground Advantage", tracking_number="9400FAULT9999",
        lines=None, eta=at(12, 0), actor=STAFF,
    )  # fmt: skip
    story.clock(AS_OF)


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def cur(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Cursor]:
    database = open_database(request.param, request, tmp_path_factory)
    shop = Shop(db=database, gateway=FakeGateway())
    with pytest.MonkeyPatch.context() as patch:
        factories.make_catalog(shop)
        build(Story(shop, pin_clock(patch)))
    copy = Warehouse(database)
    copy.sync()
    with copy.cursor() as cursor:
        yield cursor
    copy.close()
    database.dispose()


def test_a_wrong_item_returned_fails_the_perfect_order(cur: Cursor) -> None:
    # Ten orders (bob 3, cara 2, dan 5) delivered on time within the SLA; P1 came back as the wrong item.
    # E1's label was promised for Saturday but never left: no parcel of it is late; its outcome is unknown. Q2's "damaged" claim
    # was rejected: not a fault.
    assert perfect_order.perfect_orders(cur, WEEK) == {
        "perfect_order_judged": 10,
        "perfect_orders": 9,
        "perfect_order_rate": 0.9,
        "perfect_order_late_shipment": 0,
        "perfect_order_late_delivery": 0,
        "perfect_order_exception": 0,
        "perfect_order_returned_damaged_or_wrong": 1,
    }
    [failed] = perfect_order.perfect_order_failures(cur, WEEK)
    assert (failed["placed_at"], failed["reasons"]) == ("2025-04-07T10:00", ["returned_damaged_or_wrong"])


def test_an_item_written_off_on_arrival_is_not_restocked(cur: Cursor) -> None:
    # Received in the week: P1's 1 (damaged), P2's 2 and Q1's 1 (resellable); D1 and D2's not yet.
    assert returns_more.restocking(cur, WEEK) == {"received_units": 4, "restocked_units": 3, "restock_rate": 0.75}


def test_legs_and_rejections(cur: Cursor) -> None:
    # Request → received: Q1 6 h, P1 24 h, P2 48 h (p90 = 24 + 0.8 × 24). Received → refund: P1, 2 h.
    legs = returns_more.return_legs(cur, WEEK)
    assert (legs["request_to_received_median_hours"], legs["request_to_received_p90_hours"]) == (24.0, 43.2)
    assert (legs["received_refunds"], legs["received_to_refund_median_hours"]) == (1, 2.0)
    # Decided: P1 (on review), P2, Q1, D1, D2 approved; Q2 rejected.
    assert returns_more.rejections(cur, WEEK) == {"returns_decided": 6, "returns_rejected": 1, "rejection_rate": 0.1667}


def test_only_customers_over_the_threshold_return_often(cur: Cursor) -> None:
    # bob 2 of 3 orders returned: listed. cara 1 of 2 (her second claim was rejected): one return is
    # chance. dan 2 of 5: under half his orders.
    assert returns_more.frequent_returners(cur, WEEK) == [
        {
            "customer": "bob@example.com",
            "delivered_orders": 3,
            "returned_orders": 2,
            "returns": 2,
            "return_rate_by_orders": 0.6667,
        }
    ]
