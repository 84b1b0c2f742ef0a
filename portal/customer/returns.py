"""Self-service returns: choose, review, confirm, then a status page, a printable label and cancel."""

from __future__ import annotations

import re
import secrets

from flask import abort, current_app, flash, request, session, url_for
from flask_babel import gettext
from werkzeug.wrappers import Response

from core.clock import utcnow
from core.errors import DomainError
from core.events.fact import Actor
from core.policies import RETURN_REASONS
from core.queries import returns as queries
from core.queries.orders import OrderView, order_view
from core.services.returns import cancel_return, request_return
from portal.customer import access, forms, texts
from portal.customer.blueprint import bp
from portal.customer.qr import qr_svg
from web.extensions import limiter, shop
from web.i18n import use_order_locale
from web.rendering import go, page, render_block

RMA = re.compile(r"RMA-[A-Z0-9]{8}")
CUSTOMER = Actor("customer")


def _order(token: str) -> tuple[OrderView, dict[int, list[queries.VariantOption]]]:
    order_id = access.order_id_from(token)
    with shop().db.read() as db:
        view = order_view(db, order_id, shop().return_policy, utcnow())
        options = queries.exchange_options(db, order_id)
    if view is None:
        abort(404, description=gettext("That order no longer exists."))
    use_order_locale(view.locale)
    return view, options


def _client_token(order_id: int) -> str:
    """One token per order per browser session: two tabs or a back button reuse it,
    and a token that already made a return is replaced so a later return can be made."""
    tokens = dict(session.get("return_tokens") or {})
    token = tokens.get(str(order_id))
    if token:
        with shop().db.read() as db:
            if queries.rma_for_token(db, order_id, token) is not None:
                token = None
    if not token:
        token = secrets.token_urlsafe(24)
        tokens = dict(list(tokens.items())[-19:]) | {str(order_id): token}
        session["return_tokens"] = tokens
    return str(token)


def _form_context(view: OrderView, options: dict[int, list[queries.VariantOption]], token: str) -> dict[str, object]:
    return {"view": view, "options": options, "token": token, "reasons": RETURN_REASONS}


@bp.route("/orders/<token>/returns/new", methods=["GET", "POST"])
def return_new(token: str) -> str:
    """Step 1: each line's eligibility in the policy's words; pick lines, quantities and reasons."""
    view, options = _order(token)
    form = request.form if request.method == "POST" else {}
    client_token = form.get("client_token") or _client_token(view.id)
    context = _form_context(view, options, token)
    return page("customer/return_new.html", form=form, errors={}, client_token=client_token, **context)


def _parse(view: OrderView, options: dict[int, list[queries.VariantOption]]):  # type: ignore[no-untyped-def]
    returnable = {line.id: line.eligibility.max_quantity for line in view.lines if line.eligibility.eligible}
    exchanges = {line_id: {o.id for o in found} for line_id, found in options.items()}
    return forms.parse_return(request.form, returnable, exchanges)


def _form_again(view, options, token: str, error: DomainError) -> tuple[str, int]:  # type: ignore[no-untyped-def]
    errors = {error.field or "lines": error.message}
    client_token = request.form.get("client_token") or _client_token(view.id)
    context = _form_context(view, options, token) | {"form": request.form, "errors": errors}
    return page("customer/return_new.html", client_token=client_token, **context), 422


@bp.post("/orders/<token>/returns/review")
@limiter.limit(access.lookup_limit)
def return_review(token: str) -> str | tuple[str, int]:
    """Step 2: the refund estimate (less any restocking fee) and the exchange summary."""
    view, options = _order(token)
    try:
        client_token = forms.client_token(request.form)
        items, note = _parse(view, options)
    except DomainError as error:
        return _form_again(view, options, token, error)
    with shop().db.read() as db:
        refund, fee = queries.estimate_refund(db, view.id, items, shop().return_policy)
    titles = {o.id: o.title for found in options.values() for o in found}
    lines = {line.id: line for line in view.lines}
    context = _form_context(view, options, token)
    return page(
        "customer/return_review.html",
        items=[(lines[i.order_line_id], i, titles.get(i.exchange_variant_id or 0, "")) for i in items],
        note=note,
        refund=refund,
        fee=fee,
        form=request.form,
        client_token=client_token,
        **context,
    )


@bp.post("/orders/<token>/returns")
@limiter.limit(access.lookup_limit)
def return_create(token: str) -> Response | tuple[str, int]:
    """Step 3: record the return. The form's token makes a repeat submit find the first return."""
    view, options = _order(token)
    try:
        client_token = forms.client_token(request.form)
        with shop().db.read() as db:
            already = queries.rma_for_token(db, view.id, client_token)
        if already is None:
            items, note = _parse(view, options)
            already = request_return(shop(), view.id, items, client_token=client_token, note=note, actor=CUSTOMER).rma
    except DomainError as error:
        return _form_again(view, options, token, error)
    return go(url_for("customer.return_status", token=token, rma=already, created=1))


def _return(token: str, rma: str) -> tuple[int, queries.ReturnView]:
    """The return a link opens: any of the order's with a view link, only its own with a return link."""
    order_id = access.return_order_from(token, rma)
    found = None
    if RMA.fullmatch(rma):
        with shop().db.read() as db:
            found = queries.return_view(db, order_id, rma)
    if found is None:
        abort(404, description=gettext("We could not find that return on this order."))
    use_order_locale(found.locale)
    return order_id, found


def _status_context(token: str, ret: queries.ReturnView) -> dict[str, object]:
    with shop().db.read() as db:
        refund, fee = queries.return_estimate(db, ret.id, shop().return_policy)
    name = current_app.config["SHOP_NAME"]
    return {
        "ret": ret,
        "token": token,
        "refund": refund,
        "fee": fee,
        "instructions": texts.return_instructions(name, ret.rma),
        "poll_seconds": access.poll_seconds(),
        "created": request.args.get("created") == "1",
        "order_link": access.is_view_link(token),  # a return link opens this return, not the order
    }


@bp.get("/orders/<token>/returns/<rma>")
def return_status(token: str, rma: str) -> str:
    """The return's own page: RMA, status, timeline, instructions, label link and cancel."""
    _, ret = _return(token, rma)
    return page("customer/return_status.html", **_status_context(token, ret))


@bp.get("/orders/<token>/returns/<rma>/live")
@limiter.limit(access.poll_limit)
def return_live(token: str, rma: str) -> str:
    """The polled status block of the return page."""
    _, ret = _return(token, rma)
    seen = request.args.get("v", "")
    context = _status_context(token, ret) | {"notice": seen and seen != ret.status}
    return render_block("customer/return_status.html", "live", **context)


@bp.get("/orders/<token>/returns/<rma>/label")
def return_label(token: str, rma: str) -> str:
    """A printable return label with a QR code of the RMA."""
    order_id, ret = _return(token, rma)
    with shop().db.read() as db:
        view = order_view(db, order_id, shop().return_policy, utcnow())
    shop_name = current_app.config["SHOP_NAME"]
    address = current_app.config.get("SHOP_RETURN_ADDRESS") or gettext("%(shop)s Returns", shop=shop_name)
    qr = qr_svg(ret.rma, label=gettext("QR code of return number %(rma)s", rma=ret.rma))
    return page("customer/return_label.html", ret=ret, view=view, token=token, qr=qr, address=address)


@bp.post("/orders/<token>/returns/<rma>/cancel")
@limiter.limit(access.lookup_limit)
def return_cancel(token: str, rma: str) -> Response | tuple[str, int]:
    """Cancel the return; allowed until the parcel is on its way back, and only with the box ticked
    (the browser asks for it; this holds without JavaScript or with a hand-made request)."""
    _, ret = _return(token, rma)
    if ret.status not in queries.CANCELLABLE:
        context = _status_context(token, ret) | {
            "error": gettext("This return is already on its way back, so it can no longer be cancelled.")
        }
        return page("customer/return_status.html", **context), 409
    if request.form.get("confirm") not in {"yes", "on", "1"}:
        context = _status_context(token, ret) | {
            "error": gettext("Tick the box to confirm that you want to cancel this return.")
        }
        return page("customer/return_status.html", **context), 422
    try:
        cancel_return(shop(), ret.id, actor=CUSTOMER)
    except DomainError as error:
        return page("customer/return_status.html", **(_status_context(token, ret) | {"error": error.message})), 409
    flash(gettext("Return %(rma)s is cancelled. Nothing more to do.", rma=ret.rma), "success")
    return go(url_for("customer.return_status", token=token, rma=ret.rma))
