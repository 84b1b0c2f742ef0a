"""Order lookup (number plus email or phone), the signed order page, its live block and subscriptions."""

from __future__ import annotations

from flask import abort, flash, request, url_for
from flask_babel import gettext
from werkzeug.wrappers import Response

from core.clock import utcnow
from core.errors import DomainError, ValidationFailed
from core.queries.orders import OrderView, lookup_row, order_view
from core.wording import translatable
from portal.customer import access, forms, subscribing
from portal.customer.blueprint import bp
from web.extensions import limiter, shop
from web.i18n import use_order_locale
from web.rendering import go, is_htmx, page, render_block
from web.tokens import order_token

NOT_FOUND = translatable(
    "We could not find an order with that number and that email address or phone number. "
    "Check both against your confirmation email and try again."
)


@bp.post("/lookup")
@limiter.limit(access.lookup_limit)
@limiter.limit(access.order_number_limit, key_func=access.order_number_key)
def find_order() -> Response | tuple[str, int]:
    """Open an order by number plus email or phone; a miss never says which half was wrong."""
    try:
        wanted = forms.parse_lookup(request.form)
    except ValidationFailed as error:
        return _lookup_failed(error.field or "number", gettext(error.message), 422)
    with shop().db.read() as session:
        found = lookup_row(session, wanted.number)
    if not access.matches(found, wanted) or found is None:
        return _lookup_failed("lookup", gettext(NOT_FOUND), 404)
    return go(url_for("customer.order", token=order_token(found.order_id)))


def _lookup_failed(field: str, message: str, status: int) -> tuple[str, int]:
    return page("customer/lookup.html", block="lookup_result", errors={field: message}, expired=False), status


def _view(token: str) -> OrderView:
    order_id = access.order_id_from(token)
    with shop().db.read() as session:
        view = order_view(session, order_id, shop().return_policy, utcnow())
    if view is None:
        abort(404, description=gettext("That order no longer exists. Please contact us if you need help."))
    use_order_locale(view.locale)
    return view


def _context(view: OrderView, token: str, notice: str | None = None) -> dict[str, object]:
    return {
        "view": view,
        "token": token,
        "notice": notice,
        "poll_seconds": access.poll_seconds(),
        "subscribe_url": url_for("customer.order_subscribe", token=token),
        "consent_text": subscribing.consent(),
    }


@bp.get("/orders/<token>")
def order(token: str) -> str:
    """The whole order: items, parcels and their timelines, money, returns, masked addresses."""
    view = _view(token)
    return page("customer/order.html", **_context(view, token))


@bp.get("/orders/<token>/live")
@limiter.limit(access.poll_limit)
def order_live(token: str) -> str:
    """The polled part of the order page, with a notice when something new arrived since ``v``."""
    view = _view(token)
    seen = request.args.get("v", type=int)
    notice = "This order has been updated." if seen is not None and seen < view.version else None
    return render_block("customer/order.html", "live", **_context(view, token, notice))


@bp.post("/orders/<token>/subscribe")
@limiter.limit(access.lookup_limit)
def order_subscribe(token: str) -> Response | tuple[str, int] | str:
    """Ask for updates on this order's parcels at another email and/or phone: each confirms first,
    then hears parcel-level news only (order-level messages go to the order's own contact alone)."""
    view = _view(token)
    try:
        done = subscribing.subscribe_from_form(view.id, None, url_for("customer.order", token="-"))
    except DomainError as error:
        context = _context(view, token) | {"sub_errors": {error.field or "email": error.message}}
        return page("customer/order.html", block="subscribe", form=request.form, **context), 422
    if is_htmx():
        return render_block("customer/order.html", "subscribe", done=done, **_context(view, token))
    flash(subscribing.confirmation(done), "success")
    return go(url_for("customer.order", token=token) + "#subscribe")
