"""Read-side queries of stock for staff: variants found by SKU or title, the low-stock list, and one
variant's levels with its latest stock events. ``LOW`` is the one definition of low stock: the list,
the daily digest and the API all read it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, or_, select
from sqlalchemy.orm import Session

from core import characters
from core.events.catalogue import describe
from core.models import Event, Product, Variant
from core.queries.paging import Page, page_of

# At or below its reorder point, a SKU is due to be reordered (an empty shelf with no point set too).
LOW: ColumnElement[bool] = (Variant.on_hand - Variant.reserved) <= Variant.reorder_point
STOCK_EVENTS = ("stock.received", "stock.adjusted", "stock.set", "stock.restocked", "stock.reorder_needed")


@dataclass(frozen=True)
class StockRow:
    sku: str
    product: str
    title: str
    on_hand: int
    reserved: int
    reorder_point: int

    @property
    def available(self) -> int:
        return self.on_hand - self.reserved

    @property
    def low(self) -> bool:
        return self.available <= self.reorder_point


@dataclass(frozen=True)
class StockMove:
    at: datetime
    text: str
    actor: str
    reference: str | None


@dataclass(frozen=True)
class StockItem:
    row: StockRow
    backorders: bool
    moves: list[StockMove]


_COLUMNS = (Variant.sku, Product.name, Variant.title, Variant.on_hand, Variant.reserved, Variant.reorder_point)


def _rows(term: str = "", low: bool = False) -> Any:
    query = select(*_COLUMNS).join(Product, Product.id == Variant.product_id)
    if term:
        like = [column.icontains(term, autoescape=True) for column in (Variant.sku, Product.name, Variant.title)]
        query = query.where(or_(*like))
    return query.where(LOW) if low else query


def stock_list(session: Session, *, term: str = "", low: bool = False, page: int = 1) -> Page[StockRow]:
    """Variants whose SKU, product or variant title holds ``term`` (all when blank), ``low`` ones only
    if asked, by SKU, a page at a time. ``term`` is checked by the caller (``core.characters``)."""
    return page_of(session, _rows(term, low).order_by(Variant.sku), page, lambda found: StockRow(*found))


def low_stock(session: Session) -> list[StockRow]:
    """Every SKU at or below its reorder point, the emptiest first (the digest's list)."""
    query = _rows(low=True).order_by(Variant.on_hand - Variant.reserved - Variant.reorder_point, Variant.sku)
    return [StockRow(*found) for found in session.execute(query)]


def _move(event: Event) -> StockMove:
    who = event.actor_id or event.actor_type
    return StockMove(event.occurred_at, describe(event.type, event.payload), who, event.payload.get("reference"))


def stock_item(session: Session, sku: str, *, moves: int = 20) -> StockItem | None:
    """One variant's levels and its latest stock events, newest first; None for an unknown SKU."""
    if characters.refused(sku) is not None:
        return None
    found = session.execute(_rows().add_columns(Variant.id, Product.backorders).where(Variant.sku == sku)).first()
    if found is None:
        return None
    query = select(Event).where(Event.variant_id == found.id, Event.type.in_(STOCK_EVENTS))
    events = session.scalars(query.order_by(Event.id.desc()).limit(moves))
    return StockItem(StockRow(*found[:6]), found.backorders, [_move(e) for e in events])


def digest_sent(session: Session, key: str) -> bool:
    return session.scalar(select(Event.id).where(Event.idempotency_key == key)) is not None
