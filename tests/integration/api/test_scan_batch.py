"""The batch path (``scan_batch.record_scans``) and the one-by-one path (``tracking.record_scan``)
leave the same projection, the same events and the same notifications, on both backends."""

from __future__ import annotations

import zlib
from contextlib import suppress
from datetime import datetime, timedelta
from itertools import zip_longest
from typing import Any

from sqlalchemy import select

from core import replay
from core.clock import utcnow
from core.errors import DomainError
from core.models import Event, Order, OutboxMessage, Shipment
from core.services import fulfilment, scan_batch, tracking
from core.shop import Shop
from tests import factories


def _labelled(shop: Shop, number: str, email: str) -> int:
    # A card of its own: twins compare their orders, and one card on a fourth order counts as velocity (core.risk).
    order = factories.place(shop, email=email, card=str(4_000_000_000_000_000 + zlib.crc32(number.encode())))
    shipment = fulfilment.create_shipment(
        shop, order.id, carrier_code="ups", service="Ground", tracking_number=number, actor=factories.STAFF
    )
    return shipment.id


def _scans(number: str, t: datetime) -> list[tracking.CarrierScan]:
    scan = tracking.CarrierScan
    return [
        scan(number, "in_transit", t, "Memphis, TN", "Picked up", external_id="1"),
        scan(number, "out_for_delivery", t + timedelta(hours=5), "Springfield", external_id="2"),
        scan(number, "in_transit", t + timedelta(hours=1), "Late report", external_id="3"),  # stale
        scan(number, "exception", t + timedelta(hours=6), exception_reason="delay", external_id="4"),
        scan(number, "exception", t + timedelta(hours=7), exception_reason="lost", external_id="5"),
        scan(
            number,
            "exception",
            t + timedelta(hours=8),
            exception_reason="lost",
            eta=t + timedelta(days=2),
            external_id="6",
        ),
        scan(number, "in_transit", t + timedelta(hours=9), "Found", external_id="7"),
        scan(number, "delivered", t + timedelta(hours=12), "Porch", external_id="8"),
        scan(number, "in_transit", t + timedelta(hours=13), external_id="9"),  # refused: delivered is final
        scan(number, "in_transit", t + timedelta(hours=2), external_id="1"),  # duplicate
    ]


def _state(shop: Shop, shipment_id: int) -> dict[str, Any]:
    with shop.db.read() as session:
        shipment = session.get_one(Shipment, shipment_id)
        order = session.get_one(Order, shipment.order_id)
        events = session.scalars(
            select(Event).where(Event.shipment_id == shipment_id, Event.type != "shipment.created").order_by(Event.id)
        )
        strip = {"tracking_number", "items"}  # differ by order and line ids only
        log = [
            (e.type, e.visibility, e.notify, e.occurred_at, {k: v for k, v in e.payload.items() if k not in strip})
            for e in events
        ]
        outbox = list(
            session.scalars(
                select(OutboxMessage.template).where(OutboxMessage.order_id == order.id).order_by(OutboxMessage.id)
            )
        )
        columns = (
            "status",
            "exception_reason",
            "last_scan_at",
            "last_location",
            "current_eta",
            "shipped_at",
            "delivered_at",
        )
        return {
            "shipment": {c: getattr(shipment, c) for c in columns},
            "order": (order.status, order.version, [(line.qty_shipped, line.qty_delivered) for line in order.lines]),
            "events": log,
            "outbox": outbox,
        }


def test_batch_and_single_paths_agree(shop: Shop, catalog: dict[str, int]) -> None:
    one_by_one = _labelled(shop, "1ZSINGLEPATH1", "single@example.com")
    batched = _labelled(shop, "1ZBATCHPATH01", "batch@example.com")

    start = utcnow() + timedelta(minutes=1)
    single_outcomes = []
    for scan in _scans("1ZSINGLEPATH1", start):
        try:
            tracking.record_scan(shop, scan)
            single_outcomes.append("recorded")
        except DomainError as error:
            single_outcomes.append(error.code)
    batch_outcomes = scan_batch.record_scans(shop, _scans("1ZBATCHPATH01", start))

    assert single_outcomes[-2:] == ["illegal_transition", "duplicate_event"]
    assert [o.outcome for o in batch_outcomes][-2:] == ["rejected", "duplicate"]
    assert all(o.event_id for o in batch_outcomes if o.outcome == "recorded")
    single, batch = _state(shop, one_by_one), _state(shop, batched)
    assert batch["shipment"] == single["shipment"]
    assert batch["order"] == single["order"]
    assert batch["events"] == single["events"]
    assert batch["outbox"] == single["outbox"]
    assert single["shipment"]["status"] == "delivered"
    with shop.db.read() as session:
        assert replay.differences(session) == []


def test_a_big_mixed_batch_matches_the_one_by_one_path(shop: Shop, catalog: dict[str, int]) -> None:
    """Three parcels' scans interleaved in one batch big enough to be written optimistically,
    with times kept in stored form and only changed columns written: each parcel ends as its
    twin fed one scan at a time."""
    twins = [(f"1ZSINGLE{i:05d}", f"1ZBATCHED{i:04d}") for i in range(3)]
    ids = {n: _labelled(shop, n, f"{n.lower()}@example.com") for pair in twins for n in pair}
    start = utcnow() + timedelta(minutes=1)

    def scans(number: str, twin: int) -> list[tracking.CarrierScan]:
        if twin == 0:  # delivered (a scan the batch hands to the ORM path) and then refused
            return _scans(number, start)
        later = tracking.CarrierScan(number, "out_for_delivery", start + timedelta(hours=10), external_id="10")
        return [*_scans(number, start)[:7], later, _scans(number, start)[-1]]  # still on its way at the end

    for twin, (single, _) in enumerate(twins):
        for scan in scans(single, twin):
            with suppress(DomainError):  # the refused and the duplicate scan, as in the batch
                tracking.record_scan(shop, scan)
    per_parcel = [scans(batched, twin) for twin, (_, batched) in enumerate(twins)]
    interleaved = [scan for group in zip_longest(*per_parcel) for scan in group if scan is not None]
    assert len(interleaved) >= scan_batch._OPTIMISTIC_FROM
    outcomes = scan_batch.record_scans(shop, interleaved)

    assert [o.outcome for o in outcomes].count("recorded") == 3 * 8
    for single, batched in twins:
        assert _state(shop, ids[batched]) == _state(shop, ids[single])


def _parcels(shop: Shop, count: int) -> list[str]:
    numbers = [f"1ZMANY{i:07d}" for i in range(count)]
    for i, number in enumerate(numbers):
        factories.ship_all(shop, factories.place(shop, email=f"m{i}@example.com").id, tracking_number=number)
    return numbers


def _recorded_keys(shop: Shop, outcomes: list[scan_batch.ScanOutcome]) -> list[str]:
    ids = [o.event_id for o in outcomes if o.outcome == "recorded"]
    with shop.db.read() as session:
        found = dict(session.execute(select(Event.id, Event.idempotency_key).where(Event.id.in_(ids))).tuples().all())
    return [found[i] for i in ids]


def test_big_batches_of_new_events_are_written_without_a_lookup_and_ids_match(
    shop: Shop, catalog: dict[str, int]
) -> None:
    numbers = _parcels(shop, 25)  # above the size where the batch writes optimistically
    when = utcnow() + timedelta(minutes=5)
    scans = [tracking.CarrierScan(n, "in_transit", when, "Hub", external_id=f"new-{n}") for n in numbers]
    outcomes = scan_batch.record_scans(shop, scans)

    assert [o.outcome for o in outcomes] == ["recorded"] * 25
    assert _recorded_keys(shop, outcomes) == [f"carrier:{n}:new-{n}" for n in numbers]
    with shop.db.read() as session:
        assert replay.differences(session) == []


def test_a_big_batch_with_a_known_event_is_redone_with_the_duplicate_check(shop: Shop, catalog: dict[str, int]) -> None:
    numbers = _parcels(shop, 25)
    when = utcnow() + timedelta(minutes=5)
    tracking.record_scan(shop, tracking.CarrierScan(numbers[3], "out_for_delivery", when, external_id="known"))
    scans = [tracking.CarrierScan(n, "in_transit", when + timedelta(hours=1), external_id=f"e-{n}") for n in numbers]
    scans[3] = tracking.CarrierScan(numbers[3], "out_for_delivery", when, external_id="known")
    scans.append(tracking.CarrierScan(numbers[0], "delivered", when + timedelta(hours=2), external_id="known-too"))
    outcomes = scan_batch.record_scans(shop, scans)

    assert [o.outcome for o in outcomes].count("recorded") == 25
    assert outcomes[3].outcome == "duplicate"
    assert outcomes[25].code == "shipment.delivered"
    with shop.db.read() as session:
        statuses = dict(session.execute(select(Shipment.tracking_number, Shipment.status)).tuples().all())
        assert statuses[numbers[3]] == "out_for_delivery"  # the repeat changed nothing
        assert statuses[numbers[0]] == "delivered"
        assert statuses[numbers[1]] == "in_transit"
        assert replay.differences(session) == []
