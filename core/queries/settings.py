"""The shop's stored settings and the version they are at (``core.models.settings``)."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core.models import ShopSetting


def settings_version(session: Session) -> int:
    """The newest change's number (0: nothing was ever set): one indexed-free read of a table of a dozen rows."""
    return int(session.scalar(select(func.coalesce(func.max(ShopSetting.version), 0))) or 0)


def stored_settings(session: Session) -> tuple[int, dict[str, str | None]]:
    """(version, key -> stored text) as of one read."""
    rows = session.execute(select(ShopSetting.key, ShopSetting.value, ShopSetting.version)).all()
    return max((row.version for row in rows), default=0), {row.key: row.value for row in rows}
