"""The event log is append-only, transactions roll back whole, and every code written is catalogued."""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event, select

from core.domain.commands import LineInput, ReturnLineInput
from core.errors import OutOfStock
from core.events.catalogue import EVENT_TYPES
from core.models import Event, Order, Product
from core.services import fulfilment, ordering, refunds, return_resolution, returns, subscriptions, tracking
from core.shop import Shop
from tests import factories
from tests.integration.core import support

STAFF, MANAGER, CUSTOMER = support.STAFF, support.MANAGER, support.CUSTOMER
SERVICES = Path(__file__).resolve().parents[3] / "core" / "services"
TOUCHES_EVENTS = re.compile(r'^\s*(UPDATE|DELETE\s+FROM|TRUNCATE)\s+(TABLE\s+)?"?events"?\b', re.IGNORECASE)


def full_scenario(shop: Shop, catalog: dict[str, int]) -> list[int]:
    """Every service once: capture, hold, release, split ship, scans, return, exchange, refund, cancel."""
    held = factories.place(shop, fraud_score=99, lines=[LineInput("TEE-M", 2), LineInput("TEE-S", 1)])
    ordering.release_order(shop, held.id, actor=STAFF)
    ordering.add_note(shop, held.id, text="gift", for_customer=True, actor=STAFF)
    subscriptions.subscribe(
        shop, held.id, channel="email", address="fan@example.com", scope="all", consent_text="yes", consent_source="t"
    )
    ids = support.line_ids(shop, held.id)
    first = fulfilment.create_shipment(
        shop, held.id, carrier_code="ups", service="Ground", tracking_number="1ZLOG00001", lines={ids["TEE-M"]: 2},
        actor=STAFF,
    )  # fmt: skip
    fulfilment.ship_shipment(shop, first.id, actor=STAFF)
    factories.deliver(shop, "1ZLOG00001")
    factories.ship_all(shop, held.id, "1ZLOG00002")
    tracking.record_scan(shop, tracking.CarrierScan("1ZLOG00002", "exception", factories.utcnow(), None, None, "delay"))
    factories.deliver(shop, "1ZLOG00002")
    swap = ReturnLineInput(ids["TEE-M"], 1, "too_small", resolution="exchange", exchange_variant_id=catalog["TEE-L"])
    ret = returns.request_return(
        shop, held.id, [swap, ReturnLineInput(ids["TEE-S"], 1, "changed_mind")], actor=CUSTOMER
    )
    return_resolution.mark_return_in_transit(shop, ret.id, tracking_number="9400RET01", actor=CUSTOMER)
    return_resolution.receive_return(shop, ret.id, actor=STAFF)
    resolved = return_resolution.resolve_return(shop, ret.id, actor=STAFF, exchange_tracking="1ZSWAP0002")
    swap_parcel = support.events(shop, return_id=resolved.id, type="return.exchanged")[0].payload["shipment_id"]
    fulfilment.ship_shipment(shop, swap_parcel, actor=STAFF)
    return_resolution.close_return(shop, ret.id, actor=STAFF)
    refunds.refund_order(shop, held.id, amount_minor=100, reason="sorry", actor=MANAGER)
    ordering.close_order(shop, held.id, actor=STAFF)
    cancelled = factories.place(shop)
    refunds.cancel_order(shop, cancelled.id, reason="changed mind", actor=MANAGER)
    return [held.id, cancelled.id]


@pytest.fixture
def statements(shop: Shop) -> Iterator[list[str]]:
    """Every SQL statement the database receives while the test runs."""
    seen: list[str] = []

    def record(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        seen.append(statement)

    event.listen(shop.db.engine, "before_cursor_execute", record)
    yield seen
    event.remove(shop.db.engine, "before_cursor_execute", record)


def test_a_full_scenario_only_ever_inserts_into_events(
    shop: Shop, catalog: dict[str, int], statements: list[str]
) -> None:
    order_ids = full_scenario(shop, catalog)

    assert [support.order(shop, i).status for i in order_ids] == ["closed", "cancelled"]
    assert TOUCHES_EVENTS.match('UPDATE "events" SET payload = 1'), "the check itself must be able to fail"
    inserts = [s for s in statements if re.match(r"\s*INSERT INTO\s+\"?events\b", s, re.IGNORECASE)]
    assert inserts, "the listener must see the event inserts"
    assert len(support.events(shop)) == 35  # order.risk_scored included: the held order came with a fraud score
    assert [s for s in statements if TOUCHES_EVENTS.match(s)] == []
    assert support.differences(shop) == []


def test_every_event_type_written_is_in_the_catalogue(shop: Shop, catalog: dict[str, int]) -> None:
    full_scenario(shop, catalog)
    with shop.db.read() as session:
        written = set(session.scalars(select(Event.type).distinct()))
        keys = list(session.scalars(select(Event.idempotency_key)))
    assert written <= set(EVENT_TYPES)
    assert len(written) >= 22
    assert len(keys) == len(set(keys))


def test_events_carry_source_and_record_times_actor_and_visibility(shop: Shop, catalog: dict[str, int]) -> None:
    full_scenario(shop, catalog)
    for row in support.events(shop):
        assert row.occurred_at.tzinfo is not None
        assert row.recorded_at.tzinfo is not None
        assert row.actor_type in {"customer", "staff", "system", "carrier", "integration"}
        assert row.visibility == EVENT_TYPES[row.type].visibility


def test_no_service_module_can_update_or_delete_an_event() -> None:
    offenders = []
    for path in [*sorted(SERVICES.glob("*.py")), SERVICES.parent / "events" / "log.py"]:
        for node in ast.walk(ast.parse(path.read_text())):
            if not isinstance(node, ast.Call):
                continue
            name = getattr(node.func, "id", getattr(node.func, "attr", ""))
            targets = [getattr(arg, "id", None) for arg in node.args]
            if name in {"update", "delete"} and "Event" in targets:
                offenders.append(f"{path.name}:{node.lineno} {name}(Event)")
            if name == "delete" and isinstance(node.func, ast.Attribute) and "event" in ast.unparse(node).lower():
                offenders.append(f"{path.name}:{node.lineno} {ast.unparse(node)}")
            for arg in node.args:
                if isinstance(arg, ast.Constant) and isinstance(arg.value, str) and TOUCHES_EVENTS.match(arg.value):
                    offenders.append(f"{path.name}:{node.lineno} raw SQL on events")
    assert offenders == []


def test_write_rolls_back_everything_on_error(shop: Shop) -> None:
    class Boom(Exception):
        pass

    def write_then_fail() -> None:
        with shop.db.write() as session:
            session.add(Product(handle="ghost", name="Ghost"))
            session.flush()
            raise Boom

    with pytest.raises(Boom):
        write_then_fail()
    with shop.db.read() as session:
        assert session.scalar(select(Product).where(Product.handle == "ghost")) is None


def test_a_refused_service_call_rolls_back_its_earlier_writes(shop: Shop, catalog: dict[str, int]) -> None:
    before = support.row_counts(shop)
    with pytest.raises(OutOfStock):
        factories.place(shop, lines=[LineInput("TEE-S", 1), LineInput("TEE-M", 999)])
    assert support.row_counts(shop) == before
    with shop.db.read() as session:
        assert session.scalar(select(Order.id)) is None
