"""Stock on the shelf: received against a reference, adjusted by a count or a correction with a
reason, or set outright. Each is one transaction and one event with the level before and after;
orders waiting for the SKU on backorder take what arrived in that same transaction. And the daily
low-stock digest to staff, recorded with its emails in the outbox."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date

from sqlalchemy.exc import IntegrityError

from core import characters
from core.clock import utcnow
from core.domain.stock import change_on_hand
from core.errors import ValidationFailed
from core.events import products as facts
from core.events.fact import SYSTEM, Act, Actor
from core.lifecycle import record
from core.models import Variant
from core.outbox import staff
from core.permissions import Permission
from core.queries import stock as queries
from core.services.backorders import fill_backorders
from core.services.products import load_variant
from core.services.unit import SessionUnit, unit_of_work
from core.shop import Shop

MAX_UNITS = 1_000_000  # far above a shelf; keeps a typo (an extra zero or three) from becoming stock


@dataclass(frozen=True)
class Level:
    """A variant's stock as staff read it."""

    sku: str
    on_hand: int
    reserved: int
    available: int
    reorder_point: int

    @classmethod
    def of(cls, variant: Variant) -> Level:
        return cls(variant.sku, variant.on_hand, variant.reserved, variant.available, variant.reorder_point)


def _words(reason: str, reference: str | None) -> tuple[str, str | None]:
    reason = characters.check(reason.strip(), "reason")
    if not 0 < len(reason) <= 200:
        raise ValidationFailed("Say why the count changes (up to 200 characters).", field="reason")
    reference = characters.check(reference.strip(), "reference") if reference else None
    if reference is not None and len(reference) > 120:
        raise ValidationFailed("A reference is at most 120 characters.", field="reference")
    return reason, reference or None


def _units(value: int, name: str, *, least: int) -> int:
    if not least <= value <= MAX_UNITS:
        raise ValidationFailed(f"{name} must be between {least} and {MAX_UNITS:,}.", field=name)
    return value


def receive_stock(shop: Shop, sku: str, quantity: int, *, reference: str | None, actor: Actor) -> Level:
    """``quantity`` units arrived (a delivery, a purchase order ``reference``)."""
    shop.permissions.require(actor, Permission.STOCK_ADJUST)
    _units(quantity, "quantity", least=1)
    _, reference = _words("received", reference)
    with unit_of_work(shop) as unit:
        variant = load_variant(unit, sku)
        after = _units(variant.on_hand + quantity, "quantity", least=0)
        act = Act(actor, utcnow())
        change_on_hand(unit, act, variant, after, facts.stock_received, reference=reference)
        fill_backorders(unit, act, variant)
        return Level.of(variant)


def adjust_stock(
    shop: Shop, sku: str, *, delta: int | None = None, count: int | None = None, reason: str,
    reference: str | None = None, actor: Actor,
) -> Level:  # fmt: skip
    """Change on hand by ``delta`` (``stock.adjusted``) or set it to ``count`` (``stock.set``): one of the two."""
    shop.permissions.require(actor, Permission.STOCK_ADJUST)
    if (delta is None) == (count is None):
        raise ValidationFailed("Give either a change (delta) or a new count (set), not both.", field="delta")
    if delta == 0:
        raise ValidationFailed("A change of zero changes nothing.", field="delta")
    reason, reference = _words(reason, reference)
    with unit_of_work(shop) as unit:
        variant = load_variant(unit, sku)
        after = _units(variant.on_hand + delta if delta is not None else count or 0, "quantity", least=0)
        fact = facts.stock_adjusted if delta is not None else facts.stock_set
        act = Act(actor, utcnow())
        change_on_hand(unit, act, variant, after, fact, reason=reason, reference=reference)
        fill_backorders(unit, act, variant)
        return Level.of(variant)


@dataclass(frozen=True)
class Digest:
    """What ``record_stock_digest`` did."""

    outcome: str  # queued | nothing_low | no_recipients | already_sent
    skus: int = 0
    emails: int = 0


def record_stock_digest(shop: Shop, *, day: date) -> Digest:
    """``day``'s low-stock digest: the SKUs at or below their reorder point, recorded once a day with an
    email to each active member of staff (``core.outbox.staff``) in the same transaction, for the
    dispatcher to deliver. Nothing when nothing is low or nobody would read it."""
    try:
        with unit_of_work(shop) as unit:
            return _digest(unit, day)
    except IntegrityError:
        with shop.db.read() as session:  # another run recorded the day at the same moment: it sends it
            if queries.digest_sent(session, facts.DIGEST_KEY.format(day=day.isoformat())):
                return Digest("already_sent")
        raise


def _digest(unit: SessionUnit, day: date) -> Digest:
    session = unit.session
    if queries.digest_sent(session, facts.DIGEST_KEY.format(day=day.isoformat())):
        return Digest("already_sent")
    rows, readers = queries.low_stock(session), staff.readers(session)
    if not rows or not readers:
        return Digest("nothing_low" if not rows else "no_recipients", len(rows))
    lines = [asdict(row) | {"available": row.available} for row in rows]
    fact = facts.stock_digest_sent(day=day.isoformat(), lines=lines, recipients=len(readers))
    record(unit, Act(SYSTEM, utcnow()), fact)  # the log plans one email per reader (``core.outbox.staff``)
    return Digest("queued", len(rows), len(readers))
