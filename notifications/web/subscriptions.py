"""Double opt-in by email: the confirmation link opens a page, and its button confirms.

GET never confirms, because mail scanners fetch links; only the button's POST does. Like the
unsubscribe link, the signed token is the credential, so the POST needs no CSRF token (and the
page starts no session). An expired or withdrawn request gets a page that says so, never a 500.
"""

from __future__ import annotations

from flask import Blueprint, abort, render_template, url_for
from flask_babel import gettext

from core.errors import DomainError
from core.queries.subscriptions import SubscriptionView, subscription_view
from core.services.subscriptions import confirm_by_link
from core.wording import translatable
from notifications.links import CONFIRM_PATH
from web.extensions import client_ip, limiter, shop
from web.i18n import use_order_locale
from web.tokens import LinkExpired, LinkInvalid, confirm_from_token

bp = Blueprint("subscriptions", __name__, template_folder="templates")
EXPIRED = translatable("This confirmation link has expired. To get parcel updates, sign up again on the tracking page.")


def _view(token: str) -> SubscriptionView:
    try:
        subscription_id = confirm_from_token(token)
    except LinkExpired:
        abort(410, description=gettext(EXPIRED))
    except LinkInvalid:
        abort(
            404, description=gettext("This confirmation link is not valid. Please use the link from the email we sent.")
        )
    with shop().db.read() as session:
        found = subscription_view(session, subscription_id)
    if found is None:
        abort(404, description=gettext("That request no longer exists. Sign up again on the tracking page."))
    use_order_locale(found.locale)
    return found


def _page(token: str, view: SubscriptionView, **extra: object) -> str:
    track = url_for("customer.track", number=view.tracking_number) if view.tracking_number else None
    return render_template("notifications/confirm.html", token=token, view=view, track_url=track, **extra)


@bp.get(f"{CONFIRM_PATH}<token>")
def confirm_page(token: str) -> str:
    """Ask the address to confirm (or say it already has)."""
    return _page(token, _view(token))


@bp.post(f"{CONFIRM_PATH}<token>")
@limiter.limit("30/minute")
def confirm_now(token: str) -> tuple[str, int] | str:
    """Confirm the subscription the token names; again: the same answer, nothing new recorded."""
    view = _view(token)
    try:
        confirm_by_link(shop(), view.id, source=f"confirmation link from {client_ip()}")
    except DomainError as error:
        return _page(token, view, error=gettext(error.message)), 410
    return _page(token, view, done=True)
