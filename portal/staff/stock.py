"""Stock pages: find a SKU by SKU or title, the low-stock list, and one SKU's levels, where stock is
received against a reference or adjusted with a reason (plain forms, enhanced by htmx)."""

from __future__ import annotations

from flask import abort, flash, request, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from core.errors import DomainError, ValidationFailed
from core.permissions import Permission
from core.queries import stock as queries
from core.queries.paging import wanted_page
from core.services import inventory
from portal.staff import bp, forms
from web.auth import permission_required, staff_required
from web.extensions import shop
from web.rendering import go, is_htmx, no_store, page


@bp.get("/stock")
@staff_required
def stock() -> tuple[str, int]:
    """Every SKU's levels, found by SKU or title; ``low=1``: only those at or below their reorder point."""
    try:
        term, error = forms.search_term(request.args), None
    except ValidationFailed as refused:
        term, error = "", refused
    low = request.args.get("low") == "1"
    with shop().db.read() as session:
        found = queries.stock_list(session, term=term, low=low, page=wanted_page(request.args.get("page")))
    return page("staff/stock.html", "results", rows=found, term=term, low=low, error=error), 400 if error else 200


def _render(sku: str, *, error: DomainError | None = None, status: int = 200) -> tuple[str, int]:
    with shop().db.read() as session:
        item = queries.stock_item(session, sku)
    if item is None:
        abort(404, description=f"No SKU {sku[:64]}.")
    typed = request.form if error else {}
    may = current_user.may(Permission.STOCK_ADJUST)
    return page("staff/stock_item.html", "item", item=item, error=error, typed=typed, may_adjust=may), status


@bp.get("/stock/<sku>")
@staff_required
@no_store
def stock_item(sku: str) -> tuple[str, int]:
    """One SKU: on hand, reserved, available, its reorder point and its latest stock events."""
    return _render(sku)


def _receive(sku: str) -> str:
    quantity = forms.whole_number(request.form, "quantity", "The quantity received")
    if quantity is None:
        raise ValidationFailed("Enter how many arrived.", field="quantity")
    reference = forms.optional(request.form, "reference", 120) or None
    inventory.receive_stock(shop(), sku, quantity, reference=reference, actor=current_user.actor)
    return f"{quantity} × {sku} received."


def _adjust(sku: str) -> str:
    delta = forms.whole_number(request.form, "delta", "The change", signed=True)
    count = forms.whole_number(request.form, "count", "The new count")
    reason = forms.required(request.form, "reason", "A reason", 200)
    reference = forms.optional(request.form, "reference", 120) or None
    level = inventory.adjust_stock(
        shop(), sku, delta=delta, count=count, reason=reason, reference=reference, actor=current_user.actor
    )
    return f"{sku} now has {level.on_hand} on hand."


MOVES = {"receive": _receive, "adjust": _adjust}


@bp.post("/stock/<sku>/<move>")
@permission_required(Permission.STOCK_ADJUST)
def move_stock(sku: str, move: str) -> Response | tuple[str, int]:
    """Receive or adjust: one service call; htmx gets the SKU's block again, a browser a redirect."""
    handler = MOVES.get(move)
    if handler is None:
        abort(404, description=f"There is no stock action {move!r}.")
    try:
        message = handler(sku)
    except DomainError as error:
        return _render(sku, error=error, status=404 if error.code == "not_found" else 422)
    flash(message, "success")
    if is_htmx():
        return _render(sku)
    return go(url_for("staff.stock_item", sku=sku))


@bp.get("/stock/<sku>/<move>")
@staff_required
def after_move(sku: str, move: str) -> Response:
    """A refused form's address reloaded or reopened from history: back to the SKU's page."""
    return go(url_for("staff.stock_item", sku=sku))
