"""The staff order hub: queues and search, the order page and its actions, bulk tools."""

from __future__ import annotations

from flask import Blueprint, Flask, request

from core.errors import ValidationFailed
from core.permissions import Permission
from core.queries import staff as queries
from core.queries.paging import wanted_page
from portal.staff import forms
from web import staffnav
from web.auth import staff_required
from web.extensions import shop
from web.rendering import page

bp = Blueprint("staff", __name__, url_prefix="/staff", template_folder="templates")


@bp.get("/")
@staff_required
def index() -> tuple[str, int]:
    """The order hub's home: queues and search, a page at a time (400, with the reason, for a search
    that cannot match: the queue is shown under it)."""
    try:
        term, error = forms.search_term(request.args), None
    except ValidationFailed as refused:
        term, error = "", refused
    number = wanted_page(request.args.get("page"))
    with shop().db.read() as session:
        found = queries.hub(session, term=term, queue_code=request.args.get("queue", ""), page=number)
    context = {"hub": found, "queues": queries.QUEUES, "error": error}
    return page("staff/index.html", "results", **context), 400 if error else 200


def init_app(app: Flask) -> None:
    """The hub's pages in the staff menu (``web.staffnav``)."""
    for link in (
        staffnav.NavLink("Order hub", "staff.index", 10),
        staffnav.NavLink("Bulk ship", "staff.bulk_ship", 20, Permission.SHIPMENT_CREATE),
        staffnav.NavLink("Stock", "staff.stock", 30),
        staffnav.NavLink("Webhook deliveries", "staff.webhook_deliveries", 60),
        staffnav.NavLink("Money log", "staff.money_log", 70, Permission.MONEY_AUDIT),
        staffnav.NavLink("Settings", "staff.shop_settings", 90, Permission.SETTINGS_MANAGE),
    ):
        staffnav.add(app, link)


from portal.staff import money_log, orders, settings, stock, tools  # noqa: E402,F401  (registers the routes)
