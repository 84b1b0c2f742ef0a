"""The shop's stored settings, the version they are at (``core.models.settings``), and who changed them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core.clock import as_utc
from core.models import Event, ShopSetting


def settings_version(session: Session) -> int:
    """The newest change's number (0: nothing was ever set): one indexed-free read of a table of a dozen rows."""
    return int(session.scalar(select(func.coalesce(func.max(ShopSetting.version), 0))) or 0)


def stored_settings(session: Session) -> tuple[int, dict[str, str | None]]:
    """(version, key -> stored text) as of one read."""
    rows = session.execute(select(ShopSetting.key, ShopSetting.value, ShopSetting.version)).all()
    return max((row.version for row in rows), default=0), {row.key: row.value for row in rows}


@dataclass(frozen=True)
class SettingsChange:
    """One save of the settings page (or of ``flask setup``): who, when, and each setting's old and new value."""

    at: datetime
    who: str
    changes: dict[str, list[str]]


def recent_changes(session: Session, limit: int = 20) -> list[SettingsChange]:
    """The newest ``settings.changed`` events, newest first: the settings' audit trail."""
    rows = session.execute(
        select(Event.occurred_at, Event.actor_type, Event.actor_id, Event.payload)
        .where(Event.type == "settings.changed")
        .order_by(Event.id.desc())
        .limit(limit)
    ).all()
    return [SettingsChange(as_utc(r.occurred_at), r.actor_id or r.actor_type, dict(r.payload["changes"])) for r in rows]
