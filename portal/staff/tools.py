"""Bulk tools: ship from a CSV, webhook deliveries."""

from __future__ import annotations

import csv
import io

from flask import flash, redirect, request, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from core import characters
from core.errors import DomainError, ValidationFailed
from core.events.fact import Actor
from core.integrations import handlers
from core.permissions import Permission
from core.queries import webhooks
from core.queries.paging import wanted_page
from core.queries.staff import order_id_for
from core.services import fulfilment, ingest
from portal.staff import bp
from web.auth import permission_required, staff_required
from web.extensions import shop
from web.rendering import page

BULK_COLUMNS = ("order_number", "carrier", "tracking_number")
MAX_BULK_ROWS = 2000
SHOWN_BODY = 200_000  # characters of a body shown on its page; the download has it all


def _rows(upload: bytes) -> list[dict[str, str]]:
    try:
        text = upload.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ValidationFailed("The file is not UTF-8 text.", field="file") from None
    reader = csv.DictReader(io.StringIO(text))
    header = {(name or "").strip().lower() for name in reader.fieldnames or []}
    missing = [c for c in BULK_COLUMNS if c not in header]
    if missing:
        raise ValidationFailed(f"Missing column(s): {', '.join(missing)}.", field="file")
    rows = [{(k or "").strip().lower(): (v or "").strip() for k, v in row.items()} for row in reader]
    if len(rows) > MAX_BULK_ROWS:
        raise ValidationFailed(f"At most {MAX_BULK_ROWS} rows per file.", field="file")
    return rows


def _ship_row(row: dict[str, str], actor: Actor, notify: bool) -> str:
    """One row, one service call; the row goes in whole or not at all."""
    with shop().db.read() as session:
        order_id = order_id_for(session, row.get("order_number", ""))
    if order_id is None:
        raise ValidationFailed(f"No order {row.get('order_number')!r}.", field="order_number")
    fulfilment.ship_order(
        shop(),
        order_id,
        carrier_code=row.get("carrier", ""),
        service=row.get("service") or "Standard",
        tracking_number=row.get("tracking_number", ""),
        actor=actor,
        notify=notify,
    )
    return "shipped"


@bp.route("/bulk-ship", methods=["GET", "POST"])
@permission_required(Permission.SHIPMENT_CREATE)
def bulk_ship() -> tuple[str, int]:
    """Ship many orders from a CSV of order_number, carrier, tracking_number (optional service)."""
    results: list[tuple[int, dict[str, str], str, bool]] = []
    if request.method == "GET":
        return page("staff/bulk_ship.html", "results", results=results, error=None), 200
    upload = request.files.get("file")
    try:
        rows = _rows(upload.read() if upload else b"")
    except DomainError as error:
        return page("staff/bulk_ship.html", "results", results=results, error=error), 422
    actor, notify = current_user.actor, request.form.get("quiet") not in {"1", "on"}
    for number, row in enumerate(rows, start=2):  # row 1 is the header
        try:
            results.append((number, row, _ship_row(row, actor, notify), True))
        except DomainError as error:
            results.append((number, row, error.message, False))
    return page("staff/bulk_ship.html", "results", results=results, error=None), 200


@bp.get("/webhooks")
@staff_required
def webhook_deliveries() -> str:
    """Recent webhook deliveries and their processing outcome."""
    status = request.args.get("status") if request.args.get("status") in webhooks.STATUSES else None
    with shop().db.read() as session:
        found = webhooks.deliveries(session, status=status, page=wanted_page(request.args.get("page")))
    return page("staff/webhooks.html", "results", deliveries=found, status=status)


def _readable(body: bytes) -> tuple[str, bool]:
    """(the body as text staff can read, whether it is UTF-8): refused characters and bytes that
    are not UTF-8 are shown as escapes (``\\x00``), never dropped."""
    try:
        return characters.visible(body.decode("utf-8")), True
    except UnicodeDecodeError:
        return characters.visible(body.decode("utf-8", "backslashreplace")), False


@bp.get("/webhooks/<int:delivery_id>")
@staff_required
def webhook_delivery(delivery_id: int) -> str:
    """One delivery as it came (headers and raw body) and what processing made of it."""
    found = ingest.delivery(shop(), delivery_id)
    body, utf8 = _readable(found.body)
    return page("staff/webhook.html", "delivery", delivery=found, body=body, utf8=utf8, shown=SHOWN_BODY)


@bp.get("/webhooks/<int:delivery_id>/body")
@staff_required
def webhook_body(delivery_id: int) -> Response:
    """The raw body, byte for byte as it was signed, as a download."""
    found = ingest.delivery(shop(), delivery_id)
    name = f"{found.source}-{found.id}.body"
    return Response(
        found.body,
        mimetype="application/octet-stream",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


@bp.post("/webhooks/<int:delivery_id>/process")
@permission_required(Permission.WEBHOOK_REPROCESS)
def reprocess_delivery(delivery_id: int) -> Response | str:
    """Process a failed delivery again (e.g. after adding a missing SKU)."""
    outcome = handlers.process(shop(), delivery_id, retry_failed=True)
    flash(f"Delivery #{delivery_id}: {outcome}.", "success")
    return redirect(url_for("staff.webhook_deliveries"), code=303)
