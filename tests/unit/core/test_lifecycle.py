"""Every transition of every aggregate, allowed and refused, against the tables in core.lifecycle."""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import pytest

from core.errors import DomainError, IllegalTransition
from core.lifecycle import (
    INITIAL_STATUS,
    ORDER_TRANSITIONS,
    RETURN_TRANSITIONS,
    SHIPMENT_TRANSITIONS,
    TRANSITIONS,
    OrderStatus,
    ReturnStatus,
    ShipmentStatus,
    can_transition,
    check_transition,
    set_status,
)

O, S, R = OrderStatus, ShipmentStatus, ReturnStatus  # noqa: E741 - short names keep the tables readable

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
}

STATUSES = {"order": list(OrderStatus), "shipment": list(ShipmentStatus), "return": list(ReturnStatus)}
PAIRS = [
    (aggregate, current, target)
    for aggregate, statuses in STATUSES.items()
    for current, target in itertools.product(statuses, statuses)
]


@dataclass
class Thing:
    status: str


def _id(pair: tuple[str, str, str]) -> str:
    return "-".join(pair)


@pytest.mark.parametrize("pair", PAIRS, ids=_id)
def test_every_pair_of_statuses_is_allowed_exactly_when_the_lifecycle_says(pair: tuple[str, str, str]) -> None:
    aggregate, current, target = pair
    thing = Thing(current)
    if (current, target) in EXPECTED[aggregate]:
        assert set_status(aggregate, thing, target) == (current, target)
        assert thing.status == target
        return
    with pytest.raises(IllegalTransition) as refused:
        set_status(aggregate, thing, target)
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
    assert INITIAL_STATUS == {"order": O.PLACED, "shipment": S.LABEL_CREATED, "return": R.REQUESTED}


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
    }
    for aggregate, path in paths.items():
        thing = Thing(path[0])
        for step in path[1:]:
            set_status(aggregate, thing, step)
        assert thing.status == path[-1]
