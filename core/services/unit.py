"""A service's unit: the domain rules' ``Unit`` over one database transaction."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

from sqlalchemy import inspect
from sqlalchemy.orm import Session
from sqlalchemy.orm.util import identity_key

from core.domain.unit import Gateway, Stock
from core.events.fact import Act, Fact, Transitions
from core.events.log import SessionLog
from core.models.links import parents
from core.payments import Refunded
from core.policies import PaymentPolicy
from core.services.stock import SessionStock
from core.shop import Shop

T = TypeVar("T")


class SessionUnit:
    def __init__(
        self,
        session: Session,
        gateway: Gateway,
        payment_policy: PaymentPolicy | None = None,
        stock: Stock | None = None,
    ) -> None:
        self.session = session
        self.gateway = gateway
        self.payment_policy = payment_policy or PaymentPolicy()
        self.log = SessionLog(session)
        self.stock: Stock = stock or SessionStock(session, self.log)

    def create(self, model: type[T], **columns: Any) -> T:
        return self.create_all(model, [columns])[0]

    def create_all(self, model: type[T], rows: list[dict[str, Any]]) -> list[T]:
        """New rows, inserted now so they have ids (facts name them)."""
        made = [model(**columns) for columns in rows]
        self.session.add_all(made)
        self.session.flush()
        for entity in made:
            self._stale_collections(entity)
        return made

    def _stale_collections(self, entity: object) -> None:
        """A parent already loaded with its collection must see the new row on its next read."""
        for foreign_key, parent_model, collection in parents(type(entity)):
            key = identity_key(parent_model, getattr(entity, foreign_key))
            parent = self.session.identity_map.get(key)
            if parent is not None and collection in inspect(parent).dict:
                self.session.expire(parent, [collection])

    def append(self, fact: Fact, act: Act, transitions: Transitions | None) -> None:
        self.log.append(fact, act, transitions)


@contextmanager
def unit_of_work(shop: Shop) -> Iterator[SessionUnit]:
    """One write transaction of ``shop``'s database, as a ``Unit``."""
    with shop.db.write() as session:
        yield SessionUnit(session, shop.gateway, shop.payment_policy)


class _NoStock:
    """History's stock: what sold before Shiplog left the shelf long ago, so nothing moves."""

    def reserve(self, variant_id: int, quantity: int) -> None:
        return None

    def release(self, variant_id: int, quantity: int) -> None:
        return None

    def consume(self, variant_id: int, quantity: int) -> None:
        return None

    def restock(self, variant_id: int, quantity: int) -> None:
        return None


class _PastPayments:
    """History's gateway: the money moved before Shiplog, so it is recorded and no processor is asked."""

    def capture(self, reference: str, amount_minor: int, *, key: str) -> None:
        return None

    def void(self, reference: str, *, key: str) -> None:
        return None

    def refund(self, reference: str, amount_minor: int, *, key: str) -> Refunded:
        return Refunded(f"{reference[:57]}-refund")


@contextmanager
def history_unit(shop: Shop) -> Iterator[SessionUnit]:
    """One write transaction for imported history: the same rules, but no stock moves and no gateway call
    (the money was taken, and given back, when it happened)."""
    with shop.db.write() as session:
        yield SessionUnit(session, _PastPayments(), PaymentPolicy(), _NoStock())
