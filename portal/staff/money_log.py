"""The money log: who refunded, cancelled with a refund or voided what (managers, by default)."""

from __future__ import annotations

from flask import request

from core.permissions import Permission
from core.queries import money_log as queries
from core.queries.paging import wanted_page
from portal.staff import bp
from web.auth import permission_required
from web.extensions import shop
from web.rendering import page


@bp.get("/money")
@permission_required(Permission.MONEY_AUDIT)
def money_log() -> str:
    """Every refund and void, newest first: who, when, order, amount, internal reason, message to the customer."""
    number = wanted_page(request.args.get("page"))
    # An actor id is printable text; NUL and other control characters are dropped before they reach SQL.
    who = "".join(ch for ch in request.args.get("who", "") if ch.isprintable()).strip()[:120] or None
    with shop().db.read() as session:
        found = queries.money_log(session, page=number, who=who)
    return page("staff/money_log.html", "results", log=found)
