"""The order page and its actions (plain forms, enhanced by htmx)."""

from __future__ import annotations

from flask import abort, flash, redirect, request, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from core.carriers import CARRIERS
from core.clock import utcnow
from core.errors import DomainError, NotPermitted
from core.events.catalogue import EXCEPTION_TEXT, HOLD_REASON_TEXT
from core.policies import CONDITIONS, RETURN_REASONS
from core.queries import staff_order as queries
from portal.staff import bp
from portal.staff.actions import ACTIONS, SCAN_CHOICES
from web.auth import require, staff_required
from web.extensions import shop
from web.rendering import is_htmx, page

CHOICES = {
    "hold_reasons": HOLD_REASON_TEXT,
    "exception_reasons": {code: text for code, (text, _) in EXCEPTION_TEXT.items()},
    "scan_statuses": sorted(SCAN_CHOICES),
    "conditions": CONDITIONS,
    "return_reasons": RETURN_REASONS,
    "carriers": {code: c.name for code, c in CARRIERS.items()},
}


def _detail(number: str) -> queries.StaffOrder:
    with shop().db.read() as session:
        found = queries.staff_order(session, number, policy=shop().return_policy, now=utcnow())
    if found is None:
        abort(404, description=f"No order {number}.")
    return found


def _render(number: str, *, error: DomainError | None = None, status: int = 200, refused: str = "") -> tuple[str, int]:
    """The order page; after a refused ``refused`` action its form shows again what was typed."""
    detail = _detail(number)
    typed = {"action": refused, "form": request.form} if refused else {"action": "", "form": {}}
    return page("staff/order.html", "order", detail=detail, error=error, typed=typed, **CHOICES), status


@bp.app_template_global("staff_may")
def staff_may(action: str) -> bool:
    """Whether the signed-in member's role has what the hub's ``action`` needs (the forms ask)."""
    return bool(current_user.may(ACTIONS[action].permission))


@bp.get("/orders/<number>")
@staff_required
def order(number: str) -> tuple[str, int]:
    """Everything about one order, its full timeline and every action this member's role allows."""
    return _render(number)


@bp.get("/orders/<number>/<action>")
@staff_required
def after_action(number: str, action: str) -> Response:
    """A refused action's page, reloaded or reopened from history (without JavaScript the browser stays
    on the action's address): back to the order page, not a "method not allowed"."""
    return redirect(url_for("staff.order", number=number), code=303)


@bp.post("/orders/<number>/<action>")
@staff_required
def act(number: str, action: str) -> Response | tuple[str, int]:
    """Run one action: one service call; htmx gets the refreshed order block, a browser a redirect.
    A role without the action's permission is refused (403) before its form is read."""
    handler = ACTIONS.get(action)
    if handler is None:
        abort(404, description=f"There is no action {action!r}.")
    try:
        require(handler.permission)
        message = handler.run(_detail(number), request.form, current_user.actor)
    except NotPermitted as refused:
        return _render(number, error=refused, status=403)
    except DomainError as error:
        return _render(number, error=error, status=422, refused=action)
    flash(message, "success")
    if is_htmx():
        return _render(number)
    return redirect(url_for("staff.order", number=number), code=303)
