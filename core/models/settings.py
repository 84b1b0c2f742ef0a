"""The shop's settings a manager changes (``core.settings``): one row per setting ever set, its value as text.

``version`` is the change that wrote the row, numbered across the table: every process reads
``max(version)`` to know whether its cached settings are still current (``core.shop.StoredSettings``).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from core.db import Base, UTCDateTime


class ShopSetting(Base):
    __tablename__ = "shop_settings"

    key: Mapped[str] = mapped_column(String(40), primary_key=True)
    value: Mapped[str | None] = mapped_column(Text)  # None: back to the default
    version: Mapped[int] = mapped_column(BigInteger)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_by: Mapped[str | None] = mapped_column(String(120))  # the staff member's id, or "setup"
