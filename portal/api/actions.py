"""/api/v1 staff actions: each parses its body, calls the one service the staff hub's form calls,
and answers the order, return or refund as it is now.

A key acts with a role (``core.permissions``): the gate refuses an action the role lacks before the
body is read, and the service checks again with the order's state (a cancellation that gives money
back needs more). A refusal is a problem document (``auth.domain_problem``); nothing is written.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from flask import Response, jsonify

from core.domain.commands import ReturnLineInput
from core.permissions import Permission
from core.queries import api as queries
from core.queries.staff import order_id_for
from core.services import ordering, refunds, return_resolution, returns
from portal.api import bp
from portal.api.action_schemas import (
    Notified,
    OrderCancel,
    OrderHold,
    RefundCreate,
    ReturnCreate,
    ReturnReceive,
    ReturnReject,
    ReturnResolve,
    Rma,
)
from portal.api.auth import acting, idempotent, require_key
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


def _order(number: str, kind: type[T]) -> tuple[Any, T]:
    return _parsed(kind, number, OrderNumber, order_id_for, "order")  # type: ignore[no-any-return]


def _return(rma: str, kind: type[T]) -> tuple[Any, T]:
    return _parsed(kind, rma, Rma, queries.return_id_for, "return")  # type: ignore[no-any-return]


def _order_now(number: str) -> Response:
    with shop().db.read() as session:
        return jsonify(queries.order_json(session, number))


def _return_now(return_id: int, status: int = 200) -> Answer:
    with shop().db.read() as session:
        return jsonify(queries.return_json(session, return_id)), status


@bp.post("/orders/<number>/hold")
@require_key("write", permission=P.ORDER_HOLD)
@idempotent
def hold_order(number: str) -> Answer:
    """Put an order on hold for review."""
    order_id, body = _order(number, OrderHold)
    if isinstance(order_id, Response):
        return order_id
    detail = body.detail or ""
    ordering.hold_order(shop(), order_id, reason=body.reason, detail=detail, actor=acting(), notify=body.notify)
    return _order_now(number)


@bp.post("/orders/<number>/release")
@require_key("write", permission=P.ORDER_RELEASE)
@idempotent
def release_order(number: str) -> Answer:
    """Release a hold (an authorised payment is captured)."""
    order_id, body = _order(number, Notified)
    if isinstance(order_id, Response):
        return order_id
    ordering.release_order(shop(), order_id, actor=acting(), notify=body.notify)
    return _order_now(number)


@bp.post("/orders/<number>/cancel")
@require_key("write", permission=P.ORDER_CANCEL)
@idempotent
def cancel_order(number: str) -> Answer:
    """Cancel an order before anything ships (giving captured money back needs money.cancel_with_refund)."""
    order_id, body = _order(number, OrderCancel)
    if isinstance(order_id, Response):
        return order_id
    refunds.cancel_order(shop(), order_id, reason=body.reason, message=body.message, actor=acting(), notify=body.notify)
    return _order_now(number)


@bp.post("/orders/<number>/refunds")
@require_key("write", permission=P.REFUND)
@idempotent
def refund_order(number: str) -> Answer:
    """A goodwill refund of an amount staff choose."""
    order_id, body = _order(number, RefundCreate)
    if isinstance(order_id, Response):
        return order_id
    refund = refunds.refund_order(
        shop(), order_id, amount_minor=body.amount_minor, reason=body.reason, message=body.message,
        actor=acting(), notify=body.notify,
    )  # fmt: skip
    with shop().db.read() as session:
        return jsonify(queries.refund_json(session, refund.id)), 201


@bp.post("/orders/<number>/returns")
@require_key("write", permission=P.RETURN_OPEN)
@idempotent
def create_return(number: str) -> Answer:
    """Open a return for the customer (the return policy decides what may go back)."""
    order_id, body = _order(number, ReturnCreate)
    if isinstance(order_id, Response):
        return order_id
    items = [ReturnLineInput(line.line_id, line.quantity, line.reason) for line in body.lines]
    if len({item.order_line_id for item in items}) != len(items):
        return invalid({"lines": "Each line may appear once."})
    made = returns.request_return(shop(), order_id, items, note=body.note, actor=acting(), notify=body.notify)
    return _return_now(made.id, 201)


@bp.post("/returns/<rma>/approve")
@require_key("write", permission=P.RETURN_REVIEW)
@idempotent
def approve_return(rma: str) -> Answer:
    """Approve a requested return."""
    return_id, body = _return(rma, Notified)
    if isinstance(return_id, Response):
        return return_id
    returns.approve_return(shop(), return_id, actor=acting(), notify=body.notify)
    return _return_now(return_id)


@bp.post("/returns/<rma>/reject")
@require_key("write", permission=P.RETURN_REVIEW)
@idempotent
def reject_return(rma: str) -> Answer:
    """Reject a requested return, with the reason the customer reads."""
    return_id, body = _return(rma, ReturnReject)
    if isinstance(return_id, Response):
        return return_id
    returns.reject_return(shop(), return_id, reason=body.reason, actor=acting(), notify=body.notify)
    return _return_now(return_id)


@bp.post("/returns/<rma>/receive")
@require_key("write", permission=P.RETURN_RECEIVE)
@idempotent
def receive_return(rma: str) -> Answer:
    """The return parcel arrived: each line's condition; resellable items are restocked."""
    return_id, body = _return(rma, ReturnReceive)
    if isinstance(return_id, Response):
        return return_id
    conditions = {line.line_id: line.condition for line in body.lines}
    if len(conditions) != len(body.lines):
        return invalid({"lines": "Each line may appear once."})
    return_resolution.receive_return(shop(), return_id, conditions=conditions, actor=acting(), notify=body.notify)
    return _return_now(return_id)


@bp.post("/returns/<rma>/resolve")
@require_key("write", permission=P.RETURN_RESOLVE)
@idempotent
def resolve_return(rma: str) -> Answer:
    """Resolve a received return: refund it at the policy's amount, or pack its exchange."""
    return_id, body = _return(rma, ReturnResolve)
    if isinstance(return_id, Response):
        return return_id
    return_resolution.resolve_return(
        shop(), return_id, actor=acting(), notify=body.notify, exchange_carrier=body.exchange_carrier,
        exchange_tracking=body.exchange_tracking_number,
    )  # fmt: skip
    return _return_now(return_id)
