"""The staff page of outbound webhooks: the endpoints (managers add and remove them), and every
delivery with its status, attempts and the receiver's answer, each replayable.

Each action is one call (``core.services.webhooks`` for endpoints, ``webhook_deliveries.replay``),
then post/redirect/get; the page's list is a block of the same template for htmx.
"""

from __future__ import annotations

from flask import Blueprint, Flask, Response, flash, redirect, request, url_for
from flask_login import current_user

from core.errors import DomainError, ValidationFailed
from core.events.catalogue import EVENT_TYPES
from core.outbox.webhooks import EVERY
from core.permissions import Permission
from core.queries.paging import wanted_page
from core.services import webhooks as services
from notifications import webhook_deliveries
from web import staffnav
from web.auth import permission_required, staff_required
from web.extensions import shop
from web.rendering import page

bp = Blueprint("webhooks_out", __name__, url_prefix="/staff/outbound-webhooks", template_folder="templates")
TITLE = "Outbound webhooks"  # the page's one name: menu, title, heading and docs


def add_to_menu(app: Flask) -> None:
    staffnav.add(app, staffnav.NavLink(TITLE, "webhooks_out.index", 65))


def _back() -> Response:
    return redirect(url_for("webhooks_out.index"), code=303)


@bp.get("/")
@staff_required
def index() -> str:
    """The endpoints and the deliveries, newest first, a page at a time (filtered by status)."""
    status = request.args.get("status") if request.args.get("status") in webhook_deliveries.STATUSES else None
    found = webhook_deliveries.deliveries_page(shop(), wanted_page(request.args.get("page")), status)
    return page(
        "notifications/webhooks.html", "results", title=TITLE, found=found, status=status,
        endpoints=webhook_deliveries.endpoints(shop()), event_types=[EVERY, *EVENT_TYPES],
        statuses=webhook_deliveries.STATUSES,
    )  # fmt: skip


@bp.post("/endpoints")
@permission_required(Permission.WEBHOOK_MANAGE)
def add_endpoint() -> Response:
    """Subscribe a URL to the chosen event types; its signing secret is shown on the page."""
    try:
        services.add_endpoint(
            shop(), url=request.form.get("url", ""), event_types=request.form.getlist("event_type"),
            description=request.form.get("description", ""), actor=current_user.actor,
        )  # fmt: skip
    except DomainError as error:
        flash(error.message, "error")
        return _back()
    flash("Endpoint added: give its signing secret to the receiver (docs/webhooks.md).", "success")
    return _back()


@bp.post("/endpoints/<int:endpoint_id>/remove")
@permission_required(Permission.WEBHOOK_MANAGE)
def remove_endpoint(endpoint_id: int) -> Response:
    """Stop delivering to an endpoint (deliveries not yet sent are skipped)."""
    try:
        if request.form.get("confirm") not in {"1", "on", "yes"}:
            raise ValidationFailed("Tick the box to confirm: the endpoint stops hearing events.", field="confirm")
        services.remove_endpoint(shop(), endpoint_id, actor=current_user.actor)
    except DomainError as error:
        flash(error.message, "error")
        return _back()
    flash(f"Endpoint #{endpoint_id} removed.", "success")
    return _back()


@bp.post("/deliveries/<int:delivery_id>/replay")
@permission_required(Permission.NOTIFICATION_RETRY)
def replay_delivery(delivery_id: int) -> Response:
    """Send one delivery again, with a fresh set of attempts."""
    if webhook_deliveries.replay(shop(), delivery_id):
        flash(f"Delivery #{delivery_id} queued again.", "success")
    else:
        flash(f"Delivery #{delivery_id} is not one that can be sent again now.", "error")
    return _back()
