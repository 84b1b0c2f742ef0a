"""Every transition of every aggregate, allowed and refused, against the tables in core.lifecycle."""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from datetime import UTC, datetime

import pytest

from core.errors import DomainError, IllegalTransition
from core.events.fact import Act, Actor, Fact, Transitions
from core.lifecycle import (
    INITIAL_STATUS,
    ORDER_TRANSITIONS,
    PAYMENT_TRANSITIONS,
    RETURN_TRANSITIONS,
    SHIPMENT_TRANSITIONS,
    TRANSITIONS,
    Move,
    OrderStatus,
    PaymentStatus,
    RefundStatus,
    ReturnStatus,
    ShipmentStatus,
    can_transition,
    check_transition,
    initial,
    record,
)

O, S, R, P = OrderStatus, ShipmentStatus, ReturnStatus, PaymentStatus  # noqa: E741 - short names keep the tables readable

# The lifecycle the foundation issue describes, written out edge by edge so a change to the
# tables has to be made twice (here and there) on purpose.
EXPECTED: dict[str, set[tuple[str, str]]] = {
    "order": {
        (O.PLACED, O.ON_HOLD),
        (O.PLACED, O.CONFIRMED),
        (O.PLACED, O.CANCELLED),
        (O.ON_HOLD, O.RELEASED),
        (O.ON_HOLD, O.CANCELLED),
        (O.RELEASED, O.CONFIRMED),
        (O.RELEASED, O.ON_HOLD),
        (O.RELEASED, O.CANCELLED),
        (O.CONFIRMED, O.PROCESSING),
        (O.CONFIRMED, O.PARTIALLY_SHIPPED),
        (O.CONFIRMED, O.SHIPPED),
        (O.CONFIRMED, O.ON_HOLD),
        (O.CONFIRMED, O.CANCELLED),
        (O.PROCESSING, O.PARTIALLY_SHIPPED),
        (O.PROCESSING, O.SHIPPED),
        (O.PROCESSING, O.CANCELLED),
        (O.PARTIALLY_SHIPPED, O.SHIPPED),
        (O.PARTIALLY_SHIPPED, O.PARTIALLY_DELIVERED),
        (O.SHIPPED, O.PARTIALLY_DELIVERED),
        (O.SHIPPED, O.DELIVERED),
        (O.PARTIALLY_DELIVERED, O.DELIVERED),
        (O.DELIVERED, O.CLOSED),
    },
    "shipment": {
        (S.LABEL_CREATED, S.IN_TRANSIT),
        (S.LABEL_CREATED, S.EXCEPTION),
        (S.LABEL_CREATED, S.CANCELLED),
        *((a, b) for a in (S.IN_TRANSIT, S.OUT_FOR_DELIVERY) for b in (S.IN_TRANSIT, S.OUT_FOR_DELIVERY) if a != b),
        *((a, b) for a in (S.IN_TRANSIT, S.OUT_FOR_DELIVERY) for b in (S.AVAILABLE_FOR_PICKUP, S.DELIVERED)),
        (S.IN_TRANSIT, S.EXCEPTION),
        (S.OUT_FOR_DELIVERY, S.EXCEPTION),
        (S.AVAILABLE_FOR_PICKUP, S.DELIVERED),
        (S.AVAILABLE_FOR_PICKUP, S.EXCEPTION),
        (S.AVAILABLE_FOR_PICKUP, S.IN_TRANSIT),
        # An exception recovers into any moving status, or changes its sub-reason.
        *(
            (S.EXCEPTION, b)
            for b in (S.IN_TRANSIT, S.OUT_FOR_DELIVERY, S.AVAILABLE_FOR_PICKUP, S.DELIVERED, S.EXCEPTION)
        ),
    },
    "return": {
        (R.REQUESTED, R.APPROVED),
        (R.REQUESTED, R.REJECTED),
        (R.REQUESTED, R.CANCELLED),
        (R.APPROVED, R.IN_TRANSIT),
        (R.APPROVED, R.RECEIVED),
        (R.APPROVED, R.CANCELLED),
        (R.IN_TRANSIT, R.RECEIVED),
        (R.RECEIVED, R.REFUNDED),
        (R.RECEIVED, R.EXCHANGED),
        (R.REFUNDED, R.CLOSED),
        (R.EXCHANGED, R.CLOSED),
    },
    "payment": {
        (P.AUTHORIZED, P.CAPTURED),
        (P.AUTHORIZED, P.VOIDED),
        (P.AUTHORIZED, P.FAILED),
        (P.AUTHORIZED, P.EXPIRED),
    },
    "refund": {
        (RefundStatus.PENDING, RefundStatus.SUCCEEDED),
        (RefundStatus.PENDING, RefundStatus.FAILED),
    },
}

STATUSES = {
    "order": list(OrderStatus),
    "shipment": list(ShipmentStatus),
    "return": list(ReturnStatus),
    "payment": list(PaymentStatus),
    "refund": list(RefundStatus),
}
PAIRS = [
    (aggregate, current, target)
    for aggregate, statuses in STATUSES.items()
    for current, target in itertools.product(statuses, statuses)
]


@dataclass
class Thing:
    status: str


class Log:
    """An event log that keeps what it is given."""

    def __init__(self) -> None:
        self.appended: list[tuple[Fact, Act, Transitions | None]] = []

    def append(self, fact: Fact, act: Act, transitions: Transitions | None) -> None:
        self.appended.append((fact, act, transitions))


ACT = Act(Actor("staff", "1"), datetime(2026, 1, 5, 9, 0, tzinfo=UTC))


def move(aggregate: str, thing: Thing, target: str) -> Log:
    log = Log()
    record(log, ACT, Fact("order.processing", {}), Move(aggregate, thing, target))
    return log


def _id(pair: tuple[str, str, str]) -> str:
    return "-".join(pair)


@pytest.mark.parametrize("pair", PAIRS, ids=_id)
def test_every_pair_of_statuses_is_allowed_exactly_when_the_lifecycle_says(pair: tuple[str, str, str]) -> None:
    aggregate, current, target = pair
    thing = Thing(current)
    if (current, target) in EXPECTED[aggregate]:
        log = move(aggregate, thing, target)
        assert thing.status == target
        assert log.appended[0][2] == {aggregate: [current, target]}
        return
    with pytest.raises(IllegalTransition) as refused:
        move(aggregate, thing, target)
    assert thing.status == current, "a refused transition must leave the status alone"
    message = str(refused.value)
    assert current.replace("_", " ") in message
    assert target.replace("_", " ") in message
    assert message.startswith(("A ", "An "))
    assert refused.value.field == "status"


def test_tables_cover_every_status_and_nothing_else() -> None:
    for aggregate, table in TRANSITIONS.items():
        assert set(table) == set(STATUSES[aggregate])
        for targets in table.values():
            assert targets <= set(STATUSES[aggregate])
    assert ORDER_TRANSITIONS is TRANSITIONS["order"]
    assert SHIPMENT_TRANSITIONS is TRANSITIONS["shipment"]
    assert RETURN_TRANSITIONS is TRANSITIONS["return"]
    assert PAYMENT_TRANSITIONS is TRANSITIONS["payment"]


def test_every_allowed_pair_in_the_tables_is_expected() -> None:
    for aggregate, table in TRANSITIONS.items():
        actual = {(a, b) for a, targets in table.items() for b in targets}
        assert actual == EXPECTED[aggregate]


def test_refusal_message_reads_well_and_lists_the_way_forward() -> None:
    with pytest.raises(IllegalTransition) as refused:
        check_transition("order", O.PARTIALLY_SHIPPED, O.CANCELLED)
    assert str(refused.value) == (
        "An order that is partially shipped cannot become cancelled. "
        "From partially shipped it can only become: partially delivered, shipped."
    )


def test_refusal_from_a_final_status_says_it_is_final() -> None:
    with pytest.raises(IllegalTransition) as refused:
        check_transition("return", R.CLOSED, R.REQUESTED)
    assert str(refused.value) == "A return that is closed cannot become requested. It is closed, which is final."


def test_illegal_transition_is_a_domain_error_and_unknown_aggregates_are_refused() -> None:
    assert issubclass(IllegalTransition, DomainError)
    with pytest.raises(IllegalTransition, match="no lifecycle"):
        check_transition("parcel", "a", "b")
    assert not can_transition("order", "nonsense", O.PLACED)


def test_initial_statuses_are_where_each_aggregate_starts() -> None:
    assert INITIAL_STATUS == {
        "order": O.PLACED,
        "shipment": S.LABEL_CREATED,
        "return": R.REQUESTED,
        "payment": P.AUTHORIZED,
        "refund": RefundStatus.PENDING,
    }


def test_a_refund_is_born_as_the_processor_answered_and_nothing_else_is() -> None:
    assert initial("refund", "succeeded") == "succeeded"
    assert initial("refund", "failed") == "failed"
    with pytest.raises(IllegalTransition):
        initial("payment", "captured")


def test_the_happy_paths_walk_through_the_tables() -> None:
    paths = {
        "order": [
            O.PLACED,
            O.ON_HOLD,
            O.RELEASED,
            O.CONFIRMED,
            O.PROCESSING,
            O.PARTIALLY_SHIPPED,
            O.SHIPPED,
            O.PARTIALLY_DELIVERED,
            O.DELIVERED,
            O.CLOSED,
        ],
        "shipment": [S.LABEL_CREATED, S.IN_TRANSIT, S.EXCEPTION, S.IN_TRANSIT, S.OUT_FOR_DELIVERY, S.DELIVERED],
        "return": [R.REQUESTED, R.APPROVED, R.IN_TRANSIT, R.RECEIVED, R.EXCHANGED, R.CLOSED],
        "payment": [P.AUTHORIZED, P.CAPTURED],
    }
    for aggregate, path in paths.items():
        thing = Thing(path[0])
        for step in path[1:]:
            move(aggregate, thing, step)
        assert thing.status == path[-1]


def test_record_checks_every_move_before_it_assigns_any() -> None:
    order, shipment, log = Thing(O.CONFIRMED), Thing(S.DELIVERED), Log()
    with pytest.raises(IllegalTransition):
        record(
            log,
            ACT,
            Fact("order.processing", {}),
            Move("order", order, O.PROCESSING),
            Move("shipment", shipment, S.IN_TRANSIT),
        )
    assert (order.status, shipment.status, log.appended) == (O.CONFIRMED, S.DELIVERED, [])


def test_record_appends_the_fact_with_every_move_it_made() -> None:
    order, shipment, log = Thing(O.CONFIRMED), Thing(S.LABEL_CREATED), Log()
    fact = Fact("shipment.shipped", {"items": []}, order_id=1, shipment_id=2)
    record(log, ACT, fact, Move("shipment", shipment, S.IN_TRANSIT), Move("order", order, O.SHIPPED))
    assert log.appended == [
        (fact, ACT, {"shipment": [S.LABEL_CREATED, S.IN_TRANSIT], "order": [O.CONFIRMED, O.SHIPPED]})
    ]


def test_a_new_entity_is_born_in_its_initial_status_and_recorded_from_nothing() -> None:
    payment, log = Thing(initial("payment")), Log()
    record(log, ACT, Fact("payment.authorized", {}), Move.new("payment", payment))
    assert log.appended[0][2] == {"payment": ["", P.AUTHORIZED]}
    with pytest.raises(IllegalTransition, match="starts as placed"):
        record(Log(), ACT, Fact("order.placed", {}), Move.new("order", Thing(O.CONFIRMED)))


def test_an_event_without_moves_records_no_transitions() -> None:
    log = Log()
    record(log, ACT, Fact("note.internal_added", {"text": "hi"}))
    assert log.appended[0][2] is None
