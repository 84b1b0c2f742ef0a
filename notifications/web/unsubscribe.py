"""One-click unsubscribe (RFC 8058): a confirm page on GET, the unsubscribe itself on POST.

GET never unsubscribes, because mail scanners fetch links. Mail clients POST
``List-Unsubscribe=One-Click`` to the same URL without a CSRF token, so the route is
exempt from CSRF: the signed token is the credential. Posting it again changes nothing
and records nothing (``core.services.subscriptions.unsubscribe``).
"""

from __future__ import annotations

from flask import Blueprint, abort, render_template, request
from flask_babel import gettext

from core.queries.orders import order_locale
from core.services.subscriptions import unsubscribe
from core.wording import translatable
from web.extensions import limiter, shop
from web.i18n import use_order_locale
from web.tokens import LinkExpired, LinkInvalid, unsubscribe_from_token

bp = Blueprint("unsubscribe", __name__, template_folder="templates")
EXPIRED = translatable(
    "This unsubscribe link has expired. Please use the link in your latest message, "
    "reply STOP to a text, or write to us and we will stop the updates."
)


def _decode(token: str) -> tuple[str, str, int | None]:
    try:
        found = unsubscribe_from_token(token[:1000])
    except LinkExpired:
        abort(410, description=gettext(EXPIRED))
    except LinkInvalid:
        abort(
            404,
            description=gettext("This unsubscribe link is not valid. Please use the link from your latest message."),
        )
    if found[2] is not None:  # the order's messages spoke its locale: so does this page
        with shop().db.read() as session:
            use_order_locale(order_locale(session, found[2]))
    return found


def _masked(address: str) -> str:
    name, at, domain = address.partition("@")
    return f"{name[:2]}…@{domain}" if at else f"…{address[-4:]}"


@bp.get("/unsubscribe/<token>")
def confirm(token: str) -> str:
    """Ask before unsubscribing."""
    _, address, _ = _decode(token)
    return render_template("notifications/unsubscribe.html", token=token, address=_masked(address), done=False)


@bp.post("/unsubscribe/<token>")
@limiter.limit("30/minute")
def unsubscribe_now(token: str) -> str:
    """Stop this order's updates to the address in the token (one-click or the confirm button)."""
    channel, address, order_id = _decode(token)
    unsubscribe(shop(), channel=channel, address=address, order_id=order_id)
    one_click = request.form.get("List-Unsubscribe") == "One-Click"
    return render_template(
        "notifications/unsubscribe.html", token=token, address=_masked(address), done=True, one_click=one_click
    )
