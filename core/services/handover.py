"""Pack and hand over in one step: a store or a CSV says "this order left with this tracking number".

``fulfilment.create_shipment`` followed by ``fulfilment.ship_shipment`` is two transactions;
bulk shipping and store fulfilments need both or neither, so this is one.
"""

from __future__ import annotations

from datetime import datetime

from core.events.log import Actor
from core.models import Shipment
from core.services.common import load_order
from core.services.fulfilment import Parcel, pack_in_session, ship_in_session
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
        parcel = Parcel(carrier_code, service, tracking_number, lines)
        shipment = pack_in_session(session, order, parcel, actor=actor, notify=notify)
        ship_in_session(session, order, shipment, actor=actor, notify=notify, occurred_at=occurred_at)
        return shipment
