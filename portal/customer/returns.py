"""Self-service returns: choose, review, confirm, then a status page, a printable label and cancel.

Each step is a page of its own (post, redirect, get) that the browser never keeps (``no_store``): Back
or Reload asks the server, so a confirmed return shows as confirmed, never as a form to send again.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from flask import abort, flash, request, url_for
from flask_babel import gettext
from werkzeug.wrappers import Response

from core.clock import utcnow
from core.domain.commands import ReturnLineInput
from core.errors import DomainError
from core.events.fact import Actor
from core.policies import RETURN_REASONS
from core.queries import returns as queries
from core.queries.orders import OrderView, order_view
from core.returning import ON_THE_PARCEL, address_lines, send_back_steps, where_to_send
from core.services.returns import cancel_return, request_return
from portal.customer import access, drafts, forms
from portal.customer.blueprint import bp
from portal.customer.qr import qr_svg
from web.extensions import limiter, shop
from web.i18n import use_order_locale
from web.rendering import go, no_store, page, render_block
from web.shop_settings import settings

RMA = re.compile(r"RMA-[A-Z0-9]{8}")
CUSTOMER = Actor("customer")
Options = dict[int, list[queries.VariantOption]]


def _order(token: str) -> tuple[OrderView, Options]:
    order_id = access.order_id_from(token)
    with shop().db.read() as db:
        view = order_view(db, order_id, shop().return_policy, utcnow())
        options = queries.exchange_options(db, order_id)
    if view is None:
        abort(404, description=gettext("That order no longer exists."))
    use_order_locale(view.locale)
    return view, options


def _made(order_id: int, client_token: str) -> str | None:
    """The RMA this form token already created, if it did."""
    with shop().db.read() as db:
        return queries.rma_for_token(db, order_id, client_token)


def _draft(order_id: int) -> drafts.Draft:
    found = drafts.current(order_id)
    return drafts.start(order_id, used=found is not None and _made(order_id, found.client_token) is not None)


def _form_context(view: OrderView, options: Options, token: str) -> dict[str, object]:
    return {"view": view, "options": options, "token": token, "reasons": RETURN_REASONS}


@bp.route("/orders/<token>/returns/new", methods=["GET", "POST"])
@no_store
def return_new(token: str) -> str:
    """Step 1: each line's eligibility in the policy's words; pick lines, quantities and reasons
    (what was chosen before comes back: from the review's "Change something", or from Back)."""
    view, options = _order(token)
    draft = _draft(view.id)
    form = request.form if request.method == "POST" else draft.form
    client_token = form.get("client_token") or draft.client_token
    context = _form_context(view, options, token)
    return page("customer/return_new.html", form=form, errors={}, client_token=client_token, **context)


def _parse(view: OrderView, options: Options, form: Mapping[str, str]) -> tuple[list[ReturnLineInput], str | None]:
    returnable = {line.id: line.eligibility.max_quantity for line in view.lines if line.eligibility.eligible}
    exchanges = {line_id: {o.id for o in found} for line_id, found in options.items()}
    return forms.parse_return(form, returnable, exchanges)


def _form_again(
    view: OrderView, options: Options, token: str, error: DomainError, form: Mapping[str, str]
) -> tuple[str, int]:
    errors = {error.field or "lines": error.message}
    client_token = form.get("client_token") or _draft(view.id).client_token
    context = _form_context(view, options, token) | {"form": form, "errors": errors}
    return page("customer/return_new.html", client_token=client_token, **context), 422


@bp.post("/orders/<token>/returns/review")
@limiter.limit(access.lookup_limit)
@no_store
def return_review(token: str) -> Response | tuple[str, int] | str:
    """Step 1 sent: the choices are checked and kept, then the review page is loaded."""
    view, options = _order(token)
    try:
        client_token = forms.client_token(request.form)
        items, note = _parse(view, options, request.form)
    except DomainError as error:
        return _form_again(view, options, token, error, request.form)
    if drafts.keep(view.id, client_token, request.form):
        return go(url_for("customer.return_review_page", token=token))
    return _review(view, options, token, request.form, items, note)  # too long to keep: reviewed at once


@bp.get("/orders/<token>/returns/review")
@no_store
def return_review_page(token: str) -> Response | tuple[str, int] | str:
    """Step 2: the refund estimate (less any restocking fee) and the exchange summary; once the
    return is confirmed, this address shows the return itself."""
    view, options = _order(token)
    draft = drafts.current(view.id)
    if draft is None or not draft.form:
        return go(url_for("customer.return_new", token=token))
    made = _made(view.id, draft.client_token)
    if made is not None:
        return go(url_for("customer.return_status", token=token, rma=made))
    try:
        items, note = _parse(view, options, draft.form)
    except DomainError as error:  # something changed since (the last size sold out): choose again
        return _form_again(view, options, token, error, draft.form)
    return _review(view, options, token, draft.form, items, note)


def _review(
    view: OrderView, options: Options, token: str, form: Mapping[str, str], items: list[ReturnLineInput],
    note: str | None,
) -> str:  # fmt: skip
    with shop().db.read() as db:
        refund, fee = queries.estimate_refund(db, view.id, items, shop().return_policy)
    titles = {o.id: o.title for found in options.values() for o in found}
    lines = {line.id: line for line in view.lines}
    chosen = [(lines[i.order_line_id], i, titles.get(i.exchange_variant_id or 0, "")) for i in items]
    context = _form_context(view, options, token)
    return page("customer/return_review.html", items=chosen, note=note, refund=refund, fee=fee, form=form, **context)


@bp.post("/orders/<token>/returns")
@limiter.limit(access.lookup_limit)
@no_store
def return_create(token: str) -> Response | tuple[str, int]:
    """Step 3: record the return. The form's token makes a repeat submit find the first return."""
    view, options = _order(token)
    try:
        client_token = forms.client_token(request.form)
        already = _made(view.id, client_token)
        if already is None:
            items, note = _parse(view, options, request.form)
            already = request_return(shop(), view.id, items, client_token=client_token, note=note, actor=CUSTOMER).rma
    except DomainError as error:
        return _form_again(view, options, token, error, request.form)
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


def _sending(rma: str) -> dict[str, object]:
    """Where and how the parcel goes back: the same steps as the return emails (``core.returning``)."""
    current = settings()
    address = address_lines(current.return_address)
    support, name = current.support_email, current.shop_name
    return {
        "address": address,
        "where": where_to_send(rma=rma, address=address, support_email=support, tr=gettext),
        "instructions": send_back_steps(shop_name=name, rma=rma, address=address, support_email=support, tr=gettext),
        "on_the_parcel": gettext(ON_THE_PARCEL),
    }


def _status_context(token: str, ret: queries.ReturnView) -> dict[str, object]:
    with shop().db.read() as db:
        refund, fee = queries.return_estimate(db, ret.id, shop().return_policy)
    return {
        "ret": ret,
        "token": token,
        "refund": refund,
        "fee": fee,
        "poll_seconds": access.poll_seconds(),
        "created": request.args.get("created") == "1",
        "order_link": access.is_view_link(token),  # a return link opens this return, not the order
        **_sending(ret.rma),
    }


@bp.get("/orders/<token>/returns/<rma>")
@no_store
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
@no_store
def return_label(token: str, rma: str) -> str:
    """A printable return label with a QR code of the RMA."""
    order_id, ret = _return(token, rma)
    with shop().db.read() as db:
        view = order_view(db, order_id, shop().return_policy, utcnow())
    qr = qr_svg(ret.rma, label=gettext("QR code of return number %(rma)s", rma=ret.rma))
    return page("customer/return_label.html", ret=ret, view=view, token=token, qr=qr, **_sending(ret.rma))


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
