"""The blueprint and its template filters (times in the shop's timezone, money)."""

from __future__ import annotations

from datetime import datetime

from flask import Blueprint

from core.money import money_text
from portal.customer import texts
from web.times import shop_time

bp = Blueprint("customer", __name__, template_folder="templates")


@bp.app_template_filter("when")
def when(moment: datetime | None) -> str:
    """ "Tue 4 Mar 2025, 3:12 PM EST" in the shop's timezone."""
    if moment is None:
        return ""
    return shop_time(moment).strftime("%a %-d %b %Y, %-I:%M %p %Z")


@bp.app_template_filter("day")
def day(moment: datetime | None) -> str:
    """ "Thursday 6 March 2025" in the shop's timezone."""
    if moment is None:
        return ""
    return shop_time(moment).strftime("%A %-d %B %Y")


@bp.app_template_filter("iso")
def iso(moment: datetime | None) -> str:
    return "" if moment is None else moment.isoformat()


@bp.app_template_filter("money")
def money(amount_minor: int, currency: str = "USD") -> str:
    return money_text(int(amount_minor), currency)


@bp.context_processor
def _texts() -> dict[str, object]:
    """Customer-facing wording, available to every portal template."""
    return {"texts": texts}
