"""/api/v1 staff actions: each parses its body, calls the one service the staff hub's form calls,
and answers the order, return or refund as it is now.

A key acts with a role (``core.permissions``): the gate refuses an action the role lacks before the
body is read, and the service checks again with the order's state (a cancellation that gives money
back needs more). A refusal is a problem document (``auth.domain_problem``); nothing is written.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from flask import Response, jsonify

from core.domain.commands import ReturnLineInput
from core.permissions import Permission
from core.queries import api as queries
from core.queries import products as product_queries
from core.queries.staff import order_id_for
from core.services import ordering, refunds, return_resolution, returns
from portal.api import bp
from portal.api.action_schemas import (
    Notified,
    OrderCancel,
    OrderHold,
    RefundCreate,
    ReturnCreate,
    ReturnLineRequest,
    ReturnReceive,
    ReturnReject,
    ReturnResolve,
    Rma,
)
from portal.api.auth import idempotent, key_actor, require_key
from portal.api.bodies import conforms, invalid, read
from portal.api.schemas import OrderNumber
from web.errors import problem
from web.extensions import shop

T = TypeVar("T")
P = Permission
Answer = Response | tuple[Response, int]


def _parsed(kind: type[T], ident: str, shape: Any, find: Callable[[Any, str], int | None], what: str) -> Any:
    """(the id ``ident`` names, the body as a ``kind``), or the problem to send: 404 for an id that
    cannot exist (checked before the body), the body's 4xx, 404 for one that does not."""
    missing = problem(404, "Not found", f"No {what} {ident[:40]!r}.")
    if not conforms(ident, shape):
        return missing, None
    body, error = read(kind)
    if body is None:
        return error, None
    with shop().db.read() as session:
        found = find(session, ident)
    return (missing, None) if found is None else (found, body)


def _acting_on(shape: Any, find: Callable[[Any, str], int | None], what: str) -> Callable[[type[Any]], Any]:
    """A decorator for actions on one ``what``: the view is called with the path's id, the row's id and
    the body as a ``kind``, or not at all when ``_parsed`` has a problem to send."""

    def reading(kind: type[Any]) -> Callable[[Callable[..., Answer]], Callable[..., Answer]]:
        def wrap(view: Callable[..., Answer]) -> Callable[..., Answer]:
            @wraps(view)
            def run(**path: str) -> Answer:  # the one path variable, by its name (number, rma)
                (ident,) = path.values()
                found, body = _parsed(kind, ident, shape, find, what)
                return found if isinstance(found, Response) else view(ident, found, body)

            return run

        return wrap

    return reading


on_order = _acting_on(OrderNumber, order_id_for, "order")
on_return = _acting_on(Rma, queries.return_id_for, "return")


def _order_now(number: str) -> Response:
    with shop().db.read() as session:
        return jsonify(queries.order_json(session, number))


def _return_now(return_id: int, status: int = 200) -> Answer:
    with shop().db.read() as session:
        return jsonify(queries.return_json(session, return_id)), status


@bp.post("/orders/<number>/hold")
@require_key("write", permission=P.ORDER_HOLD)
@idempotent
@on_order(OrderHold)
def hold_order(number: str, order_id: int, body: OrderHold) -> Answer:
    """Put an order on hold for review."""
    detail = body.detail or ""
    ordering.hold_order(shop(), order_id, reason=body.reason, detail=detail, actor=key_actor(), notify=body.notify)
    return _order_now(number)


@bp.post("/orders/<number>/release")
@require_key("write", permission=P.ORDER_RELEASE)
@idempotent
@on_order(Notified)
def release_order(number: str, order_id: int, body: Notified) -> Answer:
    """Release a hold (an authorised payment is captured)."""
    ordering.release_order(shop(), order_id, actor=key_actor(), notify=body.notify)
    return _order_now(number)


@bp.post("/orders/<number>/cancel")
@require_key("write", permission=P.ORDER_CANCEL)
@idempotent
@on_order(OrderCancel)
def cancel_order(number: str, order_id: int, body: OrderCancel) -> Answer:
    """Cancel an order before anything ships (giving captured money back needs money.cancel_with_refund)."""
    refunds.cancel_order(
        shop(), order_id, reason=body.reason, message=body.message, actor=key_actor(), notify=body.notify
    )
    return _order_now(number)


@bp.post("/orders/<number>/refunds")
@require_key("write", permission=P.REFUND)
@idempotent
@on_order(RefundCreate)
def refund_order(number: str, order_id: int, body: RefundCreate) -> Answer:
    """A goodwill refund of an amount staff choose."""
    refund = refunds.refund_order(
        shop(), order_id, amount_minor=body.amount_minor, reason=body.reason, message=body.message,
        actor=key_actor(), notify=body.notify,
    )  # fmt: skip
    with shop().db.read() as session:
        return jsonify(queries.refund_json(session, refund.id)), 201


def _return_lines(lines: list[ReturnLineRequest]) -> list[ReturnLineInput] | Response:
    """The lines as the service takes them, each replacement SKU its variant; or the 422 naming the line."""
    with shop().db.read() as session:
        variants = product_queries.variant_ids(session, {line.exchange_sku for line in lines if line.exchange_sku})
    items = []
    for index, line in enumerate(lines):
        field, exchanging = f"lines[{index}].exchange_sku", line.resolution == "exchange"
        if exchanging and line.exchange_sku is None:
            return invalid({field: "An exchange line names the SKU of its replacement."})
        if not exchanging and line.exchange_sku is not None:
            return invalid({field: "Only an exchange line names a replacement SKU."})
        variant = variants.get(line.exchange_sku or "")
        if exchanging and variant is None:
            return invalid({field: f"No variant with SKU {line.exchange_sku!r}."})
        items.append(ReturnLineInput(line.line_id, line.quantity, line.reason, line.resolution, variant))
    if len({item.order_line_id for item in items}) != len(items):
        return invalid({"lines": "Each line may appear once."})
    return items


@bp.post("/orders/<number>/returns")
@require_key("write", permission=P.RETURN_OPEN)
@idempotent
@on_order(ReturnCreate)
def create_return(number: str, order_id: int, body: ReturnCreate) -> Answer:
    """Open a return for the customer: refund or exchange lines (the return policy decides what may go back)."""
    items = _return_lines(body.lines)
    if isinstance(items, Response):
        return items
    made = returns.request_return(shop(), order_id, items, note=body.note, actor=key_actor(), notify=body.notify)
    return _return_now(made.id, 201)


@bp.post("/returns/<rma>/approve")
@require_key("write", permission=P.RETURN_REVIEW)
@idempotent
@on_return(Notified)
def approve_return(rma: str, return_id: int, body: Notified) -> Answer:
    """Approve a requested return."""
    returns.approve_return(shop(), return_id, actor=key_actor(), notify=body.notify)
    return _return_now(return_id)


@bp.post("/returns/<rma>/reject")
@require_key("write", permission=P.RETURN_REVIEW)
@idempotent
@on_return(ReturnReject)
def reject_return(rma: str, return_id: int, body: ReturnReject) -> Answer:
    """Reject a requested return, with the reason the customer reads."""
    returns.reject_return(shop(), return_id, reason=body.reason, actor=key_actor(), notify=body.notify)
    return _return_now(return_id)


@bp.post("/returns/<rma>/receive")
@require_key("write", permission=P.RETURN_RECEIVE)
@idempotent
@on_return(ReturnReceive)
def receive_return(rma: str, return_id: int, body: ReturnReceive) -> Answer:
    """The return parcel arrived: each line's condition; resellable items are restocked."""
    conditions = {line.line_id: line.condition for line in body.lines}
    if len(conditions) != len(body.lines):
        return invalid({"lines": "Each line may appear once."})
    return_resolution.receive_return(shop(), return_id, conditions=conditions, actor=key_actor(), notify=body.notify)
    return _return_now(return_id)


@bp.post("/returns/<rma>/resolve")
@require_key("write", permission=P.RETURN_RESOLVE)
@idempotent
@on_return(ReturnResolve)
def resolve_return(rma: str, return_id: int, body: ReturnResolve) -> Answer:
    """Resolve a received return: refund it at the policy's amount, or pack its exchange."""
    return_resolution.resolve_return(
        shop(), return_id, actor=key_actor(), notify=body.notify, exchange_carrier=body.exchange_carrier,
        exchange_tracking=body.exchange_tracking_number,
    )  # fmt: skip
    return _return_now(return_id)
