"""Staff pages: the local mailbox, message previews for a real order, and undelivered messages (outbox
rows whose status is ``dead``) with their retry.

Every page is drawn in the staff frame (``staff/_layout.html`` of the web base) and named in its menu.
"""

from __future__ import annotations

from flask import Blueprint, Flask, Response, flash, redirect, render_template, request, url_for

from core.outbox import NOTIFICATION_CODES
from core.permissions import Permission
from core.queries.paging import wanted_page
from notifications import deadletters, mailbox, wiring
from notifications.preview import Preview, preview
from notifications.web import email_frame
from web import staffnav
from web.auth import permission_required, staff_required
from web.extensions import shop
from web.rendering import is_htmx, page
from web.times import stamp

bp = Blueprint("notifications_staff", __name__, url_prefix="/staff", template_folder="templates")
UNDELIVERED = "Undelivered messages"  # the page's one name: menu, title, heading and docs


def add_to_menu(app: Flask) -> None:
    for link in (
        staffnav.NavLink(UNDELIVERED, "notifications_staff.dead_notifications", 30),
        staffnav.NavLink("Mailbox", "notifications_staff.mailbox_list", 40),
        staffnav.NavLink("Message previews", "notifications_staff.preview_page", 50),
    ):
        staffnav.add(app, link)


@bp.get("/mailbox")
@staff_required
def mailbox_list() -> str:
    """Every message the local sink received, newest first."""
    found = mailbox.list_messages(
        shop(),
        channel=request.args.get("channel") or None,
        search=request.args.get("q", "")[:100],
        page=wanted_page(request.args.get("page")),
    )
    return render_template("notifications/mailbox.html", found=found, channel=request.args.get("channel", ""))


@bp.get("/mailbox/<int:message_id>")
@staff_required
def mailbox_message(message_id: int) -> str:
    """One message: headers, plain text, and the HTML in a sandboxed frame."""
    message = mailbox.get_message(shop(), message_id)
    headers = {"From": message.sender, "To": message.recipient, "Date": stamp(message.created_at)}
    return render_template("notifications/message.html", message=message, headers=headers | dict(message.headers))


@bp.get("/mailbox/<int:message_id>/body")
@staff_required
def mailbox_body(message_id: int) -> Response:
    """The stored HTML body, served under a CSP that allows no script at all."""
    message = mailbox.get_message(shop(), message_id)
    return email_frame(message.body_html or "<p>(no HTML part)</p>")


def _preview_args() -> tuple[str, str, str]:
    return (
        request.args.get("order", "")[:32].strip(),
        request.args.get("code", "shipped")[:48],
        request.args.get("channel", "email")[:8],
    )


@bp.get("/notifications/preview")
@staff_required
def preview_page() -> str:
    """Choose an order and a notification; see exactly what would be sent."""
    number, code, channel = _preview_args()
    shown: Preview | None = None
    if number:
        shown = preview(shop(), wiring.preparer_for_app(), number, code, channel)
    return render_template(
        "notifications/preview.html",
        shown=shown,
        number=number,
        code=code,
        channel=channel,
        codes=sorted(NOTIFICATION_CODES),
    )


@bp.get("/notifications/preview/body")
@staff_required
def preview_body() -> Response:
    """The previewed email's HTML, for the sandboxed frame."""
    number, code, _ = _preview_args()
    shown = preview(shop(), wiring.preparer_for_app(), number, code, "email")
    return email_frame(shown.rendered.html or "")


def _undelivered(number: int) -> str:
    found = deadletters.dead_page(shop(), number)
    return page("notifications/dead.html", "results", found=found, title=UNDELIVERED)


@bp.get("/notifications/dead")
@staff_required
def dead_notifications() -> str:
    """Messages that could not be delivered, with the error, a page at a time."""
    return _undelivered(wanted_page(request.args.get("page")))


@bp.post("/notifications/dead/retry")
@permission_required(Permission.NOTIFICATION_RETRY)
def retry_dead_notifications() -> Response | str:
    """Give the chosen dead messages (or all of them) a fresh set of attempts."""
    ids = [int(i) for i in request.form.getlist("id") if i.isdigit()]
    count = deadletters.retry_dead(shop(), ids if ids else None) if ids or request.form.get("all") else 0
    flash(
        f"{count} message{'s' if count != 1 else ''} queued again." if count else "Nothing chosen to retry.", "success"
    )
    if is_htmx():
        return _undelivered(1)
    return redirect(url_for("notifications_staff.dead_notifications"), code=303)
