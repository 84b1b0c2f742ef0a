"""The warehouse's fact tables: their DuckDB shape and the SQLAlchemy Core query that fills each one.

Every fact row carries ``order_id``: when events arrive for an order, all of that order's rows are
replaced, which keeps the incremental refresh simple and exact. Times are naive UTC ``TIMESTAMP``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import Select, func, or_, select, type_coerce
from sqlalchemy.sql.sqltypes import NullType

from core.events.shipments import SCANNED
from core.lifecycle import RefundStatus
from core.models import Customer, Event, Order, OrderLine, Refund, Return, ReturnLine, Shipment


def _raw(column: object) -> object:
    """Skip per-row Python conversion: the loader converts whole columns at once (much faster)."""
    return type_coerce(column, NullType())


@dataclass(frozen=True)
class FactTable:
    name: str
    ddl: str  # column definitions, in select order
    query: Callable[[], Select[tuple[object, ...]]]
    id_column: object  # keyset paging column in the source
    order_column: object  # the source column holding the order id
    times: tuple[str, ...] = ()
    nullable_ints: tuple[str, ...] = ()
    sort_by: str = ""  # the column date ranges filter on, if any

    @property
    def columns(self) -> list[str]:
        return [part.split()[0] for part in self.ddl.split(",")]


def _orders() -> Select[tuple[object, ...]]:
    return select(
        Order.id,
        Order.number,
        Order.channel,
        Order.status,
        Order.hold_reason,
        _raw(Order.placed_at),
        _raw(Order.shipped_at),
        _raw(Order.delivered_at),
        _raw(Order.cancelled_at),
        Order.subtotal_minor,
        Order.discount_minor,
        Order.shipping_minor,
        # Units per order, kept with the order: every change to a line appends an event on its order,
        # so the order is re-read whenever this can change.
        select(func.coalesce(func.sum(OrderLine.quantity), 0))
        .where(OrderLine.order_id == Order.id, OrderLine.replaces_line_id.is_(None))
        .scalar_subquery(),
        # Who ordered, to tell new customers from returning ones and who returns often (never shown or
        # exported): the customer's own (lower-cased, unique) email, since an order's contact address may
        # differ per order; an order without a customer record by its own address, normalised the same way.
        func.coalesce(
            select(Customer.email).where(Customer.id == Order.customer_id).scalar_subquery(),
            func.lower(func.trim(Order.email)),
        ),
        Order.currency,  # money KPIs add up the reporting currency's orders only (docs/kpis.md, Currency)
    )


def _lines() -> Select[tuple[object, ...]]:
    """The lines sold: an exchange's replacement lines are neither sales nor (docs/kpis.md) deliveries."""
    return select(
        OrderLine.id,
        OrderLine.order_id,
        OrderLine.sku,
        OrderLine.quantity,
        OrderLine.unit_price_minor,
        OrderLine.discount_minor,
        OrderLine.qty_delivered,
    ).where(OrderLine.replaces_line_id.is_(None))


def _shipments() -> Select[tuple[object, ...]]:
    return select(
        Shipment.id,
        Shipment.order_id,
        Shipment.kind,
        Shipment.carrier,
        Shipment.service,
        Shipment.status,
        Shipment.exception_reason,
        _raw(Shipment.shipped_at),
        _raw(Shipment.delivered_at),
        _raw(Shipment.original_eta),
        _raw(Shipment.created_at),  # the label was created with the parcel's row
        # The first carrier scan: a staff hand-over is not one, so the pickup delay stays visible.
        _raw(
            select(func.min(Event.occurred_at))
            .where(Event.shipment_id == Shipment.id, Event.type.in_(list(SCANNED)))
            .scalar_subquery()
        ),
    )


def _event_facts(code: str, key: str) -> Callable[[], Select[tuple[object, ...]]]:
    def query() -> Select[tuple[object, ...]]:
        return select(
            Event.id, Event.order_id, Event.shipment_id, Event.payload[key].as_string(), _raw(Event.occurred_at)
        ).where(Event.type == code, Event.order_id.is_not(None))

    return query


def _etas() -> Select[tuple[object, ...]]:
    """Every ETA a carrier scan gave, with when it was given (ETA accuracy, ``delivery_more``). A stale
    scan's ETA (older than a scan already applied) was never given: the parcel's ETA did not change."""
    eta = Event.payload["eta"].as_string()
    columns = (Event.id, Event.order_id, Event.shipment_id, _raw(eta), _raw(Event.occurred_at))
    given = (Event.type.in_(list(SCANNED)), Event.order_id.is_not(None), eta.is_not(None))
    return select(*columns).where(*given, Event.payload["stale"].as_boolean().is_not(True))


def _moved(aggregate: str) -> object:
    """The status an event moved ``aggregate`` to (``payload.transitions``, see ``core.lifecycle.record``)."""
    return Event.payload[("transitions", aggregate, 1)].as_string()


def _moves() -> Select[tuple[object, ...]]:
    """Every status change of an order, parcel or return, with its time: the snapshot KPIs read the
    status each had at the end of a period from these, not the status it has now."""
    targets = [_moved(aggregate) for aggregate in ("order", "shipment", "return")]
    columns = (Event.id, Event.order_id, Event.shipment_id, Event.return_id, *targets, _raw(Event.occurred_at))
    return select(*columns).where(Event.order_id.is_not(None), or_(*(t.is_not(None) for t in targets)))  # type: ignore[attr-defined]


def _returns() -> Select[tuple[object, ...]]:
    """``resolved_at``: when it was refunded or exchanged (net sales book returned goods on that day)."""
    return select(Return.id, Return.order_id, Return.status, _raw(Return.created_at), _raw(Return.resolved_at))


def _return_lines() -> Select[tuple[object, ...]]:
    return select(
        ReturnLine.id,
        Return.order_id,
        ReturnLine.return_id,
        ReturnLine.order_line_id,
        ReturnLine.quantity,
        ReturnLine.reason,
        ReturnLine.resolution,
        ReturnLine.restocked_qty,
    ).join(Return, Return.id == ReturnLine.return_id)


def _refunds() -> Select[tuple[object, ...]]:
    """Money given back: a refund the processor has not confirmed (pending) or refused is not. A change
    of its status is an event on its order, so the order's rows are read again (``warehouse.sync``)."""
    columns = (Refund.id, Refund.order_id, Refund.return_id, Refund.amount_minor, _raw(Refund.created_at), _cause())
    return select(*columns).where(Refund.status == RefundStatus.SUCCEEDED)


def _cause() -> object:
    """What a refund was for (return, cancellation or goodwill), as its ``refund.issued`` event says: the
    rule that tells them apart lives where the refund is made (``core.events.orders.refund_issued``)."""
    issued = Event.payload["refund_id"].as_integer() == Refund.id
    return (
        select(func.max(Event.payload["cause"].as_string()))
        .where(Event.order_id == Refund.order_id, Event.type == "refund.issued", issued)
        .scalar_subquery()
    )


_EVENT_DDL = "id BIGINT, order_id BIGINT, shipment_id BIGINT, reason VARCHAR, occurred_at TIMESTAMP"

FACT_TABLES: tuple[FactTable, ...] = (
    FactTable(
        "orders_f",
        "order_id BIGINT, number VARCHAR, channel VARCHAR, status VARCHAR, hold_reason VARCHAR,"
        " placed_at TIMESTAMP, shipped_at TIMESTAMP, delivered_at TIMESTAMP, cancelled_at TIMESTAMP,"
        " subtotal_minor BIGINT, discount_minor BIGINT, shipping_minor BIGINT, units BIGINT,"
        " customer_email VARCHAR, currency VARCHAR",
        _orders,
        Order.id,
        Order.id,
        times=("placed_at", "shipped_at", "delivered_at", "cancelled_at"),
        sort_by="placed_at",
    ),
    FactTable(
        "lines_f",
        "id BIGINT, order_id BIGINT, sku VARCHAR, quantity BIGINT, unit_price_minor BIGINT,"
        " discount_minor BIGINT, qty_delivered BIGINT",
        _lines,
        OrderLine.id,
        OrderLine.order_id,
        sort_by="order_id",
    ),
    FactTable(
        "shipments_f",
        "id BIGINT, order_id BIGINT, kind VARCHAR, carrier VARCHAR, service VARCHAR, status VARCHAR,"
        " exception_reason VARCHAR, shipped_at TIMESTAMP, delivered_at TIMESTAMP, original_eta TIMESTAMP,"
        " label_created_at TIMESTAMP, first_scan_at TIMESTAMP",
        _shipments,
        Shipment.id,
        Shipment.order_id,
        times=("shipped_at", "delivered_at", "original_eta", "label_created_at", "first_scan_at"),
        sort_by="shipped_at",
    ),
    FactTable(
        "exceptions_f",
        _EVENT_DDL,
        _event_facts("shipment.exception", "exception_reason"),
        Event.id,
        Event.order_id,
        times=("occurred_at",),
        nullable_ints=("shipment_id",),
    ),
    FactTable(
        "holds_f",
        _EVENT_DDL,
        _event_facts("order.held", "reason"),
        Event.id,
        Event.order_id,
        times=("occurred_at",),
        nullable_ints=("shipment_id",),
    ),
    FactTable(
        "cancels_f",
        _EVENT_DDL,
        _event_facts("order.cancelled", "reason"),
        Event.id,
        Event.order_id,
        times=("occurred_at",),
        nullable_ints=("shipment_id",),
    ),
    FactTable(
        "etas_f",
        "id BIGINT, order_id BIGINT, shipment_id BIGINT, eta TIMESTAMP, occurred_at TIMESTAMP",
        _etas,
        Event.id,
        Event.order_id,
        times=("eta", "occurred_at"),
    ),
    FactTable(
        "moves_f",
        "id BIGINT, order_id BIGINT, shipment_id BIGINT, return_id BIGINT, order_to VARCHAR, shipment_to VARCHAR,"
        " return_to VARCHAR, occurred_at TIMESTAMP",
        _moves,
        Event.id,
        Event.order_id,
        times=("occurred_at",),
        nullable_ints=("shipment_id", "return_id"),
        sort_by="occurred_at",
    ),
    FactTable(
        "returns_f",
        "id BIGINT, order_id BIGINT, status VARCHAR, created_at TIMESTAMP, resolved_at TIMESTAMP",
        _returns,
        Return.id,
        Return.order_id,
        times=("created_at", "resolved_at"),
    ),
    FactTable(
        "return_lines_f",
        "id BIGINT, order_id BIGINT, return_id BIGINT, order_line_id BIGINT, quantity BIGINT,"
        " reason VARCHAR, resolution VARCHAR, restocked_qty BIGINT",
        _return_lines,
        ReturnLine.id,
        Return.order_id,
    ),
    FactTable(
        "refunds_f",
        "id BIGINT, order_id BIGINT, return_id BIGINT, amount_minor BIGINT, created_at TIMESTAMP, cause VARCHAR",
        _refunds,
        Refund.id,
        Refund.order_id,
        times=("created_at",),
        nullable_ints=("return_id",),
    ),
)

# Hour arithmetic shared by every KPI. Business time counts Monday-Friday only (of the times given:
# the KPIs pass shop-local times): business seconds since a Monday are whole weeks × 5 days plus the
# weekday part of the last week. ``shop_local``: a naive UTC timestamp as wall-clock time in ``zone``.
MACROS = (
    "CREATE OR REPLACE MACRO hours_between(a, b) AS date_diff('second', a, b) / 3600.0",
    "CREATE OR REPLACE MACRO biz_seconds(t) AS"
    " (date_diff('second', TIMESTAMP '1970-01-05', t) // 604800) * 432000"
    " + least(date_diff('second', TIMESTAMP '1970-01-05', t) % 604800, 432000)",
    "CREATE OR REPLACE MACRO biz_hours_between(a, b) AS (biz_seconds(b) - biz_seconds(a)) / 3600.0",
    "CREATE OR REPLACE MACRO shop_local(ts, zone) AS timezone(zone, timezone('UTC', ts))",
)
