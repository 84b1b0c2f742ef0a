"""The money log: who refunded, cancelled with a refund or voided what (managers, by default)."""

from __future__ import annotations

from flask import request

from core.permissions import Permission
from core.queries import money
from portal.staff import bp
from web.auth import permission_required
from web.extensions import shop
from web.rendering import page


@bp.get("/money")
@permission_required(Permission.MONEY_AUDIT)
def money_log() -> str:
    """Every refund and void, newest first: who, when, order, amount, internal reason, message to the customer."""
    number = request.args.get("page", "1")
    who = request.args.get("who", "").strip()[:120] or None
    with shop().db.read() as session:
        found = money.money_log(session, page=int(number) if number.isdigit() else 1, who=who)
    return page("staff/money.html", "results", log=found)
