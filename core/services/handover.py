"""Pack and hand over in one step: a store or a CSV says "this order left with this tracking number".

``fulfilment.create_shipment`` followed by ``fulfilment.ship_shipment`` is two transactions;
bulk shipping and store fulfilments need both or neither, so this is one.
"""

from __future__ import annotations

from datetime import datetime

from core.clock import utcnow
from core.errors import IllegalTransition
from core.events import Actor, append_event
from core.lifecycle import OrderStatus, ShipmentStatus, set_status
from core.models import Shipment, ShipmentLine
from core.services.common import load_order
from core.services.fulfilment import SHIPPABLE, _packed, _pick_lines, check_tracking, ship_in_session, shipment_payload
from core.shop import Shop


def ship_order(
    shop: Shop,
    order_id: int,
    *,
    carrier_code: str,
    service: str,
    tracking_number: str,
    lines: dict[int, int] | None = None,
    occurred_at: datetime | None = None,
    actor: Actor,
    notify: bool = True,
) -> Shipment:
    """Create a shipment for ``lines`` (default: everything left to pack) and mark it shipped."""
    with shop.db.write() as session:
        order = load_order(session, order_id)
        if order.status not in SHIPPABLE:
            raise IllegalTransition(f"An order that is {order.status.replace('_', ' ')} cannot be shipped.")
        chosen = _pick_lines(order, _packed(session, order.id), lines)
        shipment = Shipment(
            order_id=order.id,
            kind="outbound",
            carrier=carrier_code.strip().lower(),
            service=service,
            tracking_number=check_tracking(session, tracking_number),
            status=ShipmentStatus.LABEL_CREATED,
            created_at=utcnow(),
        )
        session.add(shipment)
        session.flush()
        by_id = {line.id: line for line in order.lines}
        session.add_all(
            ShipmentLine(shipment_id=shipment.id, order_line_id=i, variant_id=by_id[i].variant_id, quantity=q)
            for i, q in chosen.items()
        )
        session.flush()
        session.refresh(shipment, ["lines"])
        transitions = {"shipment": ("", ShipmentStatus.LABEL_CREATED)}
        if order.status == OrderStatus.CONFIRMED:
            transitions["order"] = set_status("order", order, OrderStatus.PROCESSING)
        append_event(
            session,
            "shipment.created",
            order=order,
            actor=actor,
            notify=notify,
            shipment_id=shipment.id,
            transitions=transitions,
            payload=shipment_payload(shipment),
        )
        ship_in_session(session, order, shipment, actor=actor, notify=notify, occurred_at=occurred_at)
        return shipment
