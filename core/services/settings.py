"""Changing the shop's settings, and setting a new shop up: each one transaction, each change a
``settings.changed`` event naming who changed what, from what to what (``core.settings`` holds the rules)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from core.clock import utcnow
from core.errors import ValidationFailed
from core.events import shop as facts
from core.events.fact import Act, Actor
from core.events.log import SessionLog
from core.lifecycle import record
from core.models import ShopSetting, StaffUser, TrackingPage
from core.permissions import Permission
from core.queries.settings import stored_settings
from core.services.access import create_staff_user
from core.settings import DEFAULTS, ShopSettings, from_rows, parse_values, stored_text
from core.shop import Shop

SETUP = Actor("system", "setup")


def _defaults(shop: Shop) -> ShopSettings:
    return getattr(shop.settings, "defaults", DEFAULTS)


def _next_version(session: Session, now: datetime) -> int:
    """Above every earlier change, and distinct from a concurrent one's (microseconds since the epoch)."""
    newest = session.scalar(select(func.coalesce(func.max(ShopSetting.version), 0))) or 0
    return max(int(newest) + 1, int(now.timestamp() * 1_000_000))


def _store(session: Session, shop: Shop, values: Mapping[str, object], actor: Actor) -> dict[str, list[str]]:
    """Write the values that differ from the current ones; the changes as [old, new] text."""
    _, rows = stored_settings(session)
    before = from_rows(_defaults(shop), rows)
    changed = {key: value for key, value in values.items() if getattr(before, key) != value or key not in rows}
    now = utcnow()
    version = _next_version(session, now)
    for key, value in changed.items():
        row = session.get(ShopSetting, key) or ShopSetting(key=key)
        row.value, row.version, row.updated_at, row.updated_by = stored_text(value), version, now, actor.id
        session.add(row)
    after = from_rows(_defaults(shop), {**rows, **{k: stored_text(v) for k, v in changed.items()}})
    return {
        key: [before.value_text(key), after.value_text(key)]
        for key in changed
        if before.value_text(key) != after.value_text(key)
    }


def _record(session: Session, actor: Actor, changes: dict[str, list[str]]) -> None:
    if not changes:
        return
    record(SessionLog(session), Act(actor, utcnow()), facts.settings_changed(changes=changes))
    # Stored public pages carry the shop's name, logo and support contact: they are only a cache (portal.customer.ahead).
    session.execute(delete(TrackingPage))


def change_settings(shop: Shop, actor: Actor, raw: Mapping[str, str]) -> dict[str, list[str]]:
    """Save the settings given as text (key -> text); what changed, as [old, new]. Every value is checked
    before anything is written: one refused value (``InvalidSettings``, naming each) saves none."""
    shop.permissions.require(actor, Permission.SETTINGS_MANAGE)
    values = parse_values(raw)
    with shop.db.write() as session:
        changes = _store(session, shop, values, actor)
        _record(session, actor, changes)
    _forget(shop)
    return changes


def is_set_up(shop: Shop) -> bool:
    """Whether the shop has a manager (``flask setup`` made one, or ``users create`` did)."""
    with shop.db.read() as session:
        return session.scalar(select(StaffUser.id).where(StaffUser.role == "manager").limit(1)) is not None


def set_up(shop: Shop, *, manager_email: str, password: str, raw: Mapping[str, str], force: bool = False) -> StaffUser:
    """A new shop's first manager and its settings, in one transaction. A shop that has a manager already is
    refused unless ``force``: then only the settings are saved (and the manager added if new)."""
    values = parse_values(raw)
    with shop.db.unit_of_work() as session:  # the account's own write joins it: all or nothing
        already = is_set_up(shop)
        if already and not force:
            raise ValidationFailed(
                "This shop is already set up (it has a manager). Change settings on the staff hub's Settings page, "
                "or run setup again with --force-settings to overwrite them.",
                field="force",
            )
        user = _manager(shop, session, manager_email, password, keep=already)
        _record(session, SETUP, _store(session, shop, values, SETUP))
    _forget(shop)
    return user


def _manager(shop: Shop, session: Session, email: str, password: str, *, keep: bool) -> StaffUser:
    """The first manager (the same rules as ``users create``); on a forced re-run an existing account is kept."""
    from core.domain.commands import normalise_email

    found = session.scalar(select(StaffUser).where(StaffUser.email == normalise_email(email)))
    if found is not None and keep:
        return found
    return create_staff_user(shop, email=email, password=password, role="manager")


def _forget(shop: Shop) -> None:
    forget = getattr(shop.settings, "forget", None)
    if forget is not None:
        forget()
