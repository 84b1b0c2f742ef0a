"""Public pages rendered ahead of their first view, and how far the renderer has read the event log.

A parcel's public tracking page is the same bytes for everyone who reads it in one language, so it is
rendered once after each change of its order (by ``flask --app wsgi tracking-pages --follow``) and a
first view only reads it back. A row is only ever a cache: the page is served only while ``version``
is still the order's version and ``valid_on`` (the shop day its "today" and "tomorrow" were worked out
for; null: it says none) is today; otherwise the page is rendered on the spot, as without the table.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import BigInteger, Date, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from core.db import Base, UTCDateTime

ANY_LANGUAGE = "*"  # the order's own locale decides the page's language, whatever the visitor reads


class TrackingPage(Base):
    __tablename__ = "tracking_pages"
    __table_args__ = (Index("ix_tracking_pages_valid_on", "valid_on"),)

    shipment_id: Mapped[int] = mapped_column(ForeignKey("shipments.id"), primary_key=True)
    language: Mapped[str] = mapped_column(String(8), primary_key=True)  # a language code, or ANY_LANGUAGE
    version: Mapped[int]  # the order's version the page was rendered from
    valid_on: Mapped[date | None] = mapped_column(Date)
    html: Mapped[str] = mapped_column(Text)
    rendered_at: Mapped[datetime] = mapped_column(UTCDateTime)


class ReadMark(Base):
    """The last event id a follower of the log (a read model's renderer) has handled, by follower name."""

    __tablename__ = "read_marks"

    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    event_id: Mapped[int] = mapped_column(BigInteger)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
