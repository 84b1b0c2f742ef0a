"""Twilio webhooks: delivery status callbacks and inbound SMS (STOP / START, and YES or a code to confirm).

Both refuse (403, nothing written) any request whose ``X-Twilio-Signature`` does not match
the URL Twilio called, which is rebuilt from ``PUBLIC_BASE_URL`` so it holds behind a TLS
proxy. They are exempt from CSRF: the signature is the credential.
"""

from __future__ import annotations

import re
from xml.sax.saxutils import escape

from flask import Blueprint, Response, abort, current_app, request
from twilio.request_validator import SIGNATURE_HEADER, RequestValidator, get_signature_algorithm

from core.domain.subscriptions import CODE_DIGITS
from core.errors import ValidationFailed
from core.queries.orders import order_locale
from core.services.subscriptions import confirm_by_reply, normalise_phone, set_sms_opt_out
from notifications import reports
from notifications.links import INBOUND_SMS_PATH, STATUS_CALLBACK_PATH
from web.extensions import shop
from web.i18n import for_message
from web.shop_settings import settings

bp = Blueprint("twilio_hooks", __name__)

STOP_WORDS = frozenset({"STOP", "STOPALL", "UNSUBSCRIBE", "END", "QUIT", "REVOKE", "OPTOUT", "CANCEL"})
START_WORDS = frozenset({"START", "UNSTOP"})
YES_WORDS = frozenset({"YES", "Y"})
CODE = re.compile(rf"\d{{{CODE_DIGITS}}}")


def _signed_url() -> str:
    query = request.query_string.decode("latin-1")
    return current_app.config["PUBLIC_BASE_URL"] + request.path + (f"?{query}" if query else "")


def require_signature() -> None:
    token = current_app.config.get("TWILIO_AUTH_TOKEN")
    signature = request.headers.get(SIGNATURE_HEADER, "")
    if not token or not signature:
        abort(403, description="Missing or unusable Twilio signature.")
    algorithm = get_signature_algorithm(request.headers.get("X-Twilio-Webhooks-Signature-Settings"))
    if not RequestValidator(token).validate(_signed_url(), request.form, signature, algorithm=algorithm):
        abort(403, description="The Twilio signature does not match this request.")


@bp.post(STATUS_CALLBACK_PATH)
def status_callback() -> Response:
    """A delivery report: statuses only ever move forward, repeats are harmless; it settles a send in doubt,
    and marks nothing sent that we never sent."""
    require_signature()
    sid, status = request.form.get("MessageSid", "")[:64], request.form.get("MessageStatus", "").lower()[:24]
    if not sid or not status:
        abort(400, description="MessageSid and MessageStatus are required.")
    code = request.form.get("ErrorCode")
    reports.record_provider_status(
        shop().db,
        provider_id=sid,
        status=status,
        outbox_id=request.args.get("outbox", type=int),
        attempt=request.args.get("attempt", type=int),  # with the outbox id: the send this report is about
        error=f"Twilio delivery error {code}" if code else None,
    )
    return Response(status=204)


def keyword(body: str) -> str:
    """The opt-out keyword a message is, if any: the whole message, any case, stray punctuation ignored."""
    return body.strip().strip(".!").strip().upper()


def _twiml(reply: str | None) -> Response:
    """The answer to an inbound SMS: empty, or one text back."""
    body = f"<Message>{escape(reply)}</Message>" if reply else ""
    return Response(f'<?xml version="1.0" encoding="UTF-8"?><Response>{body}</Response>', mimetype="text/xml")


def _confirm(phone: str, word: str) -> str | None:
    """YES confirms the number's newest open subscription request, a code the request that sent it."""
    sid = request.form.get("MessageSid", "")[:64]
    source = f"SMS reply {word[:12]!r} from {phone}" + (f" ({sid})" if sid else "")
    done = confirm_by_reply(shop(), phone, code=None if word in YES_WORDS else word, source=source)
    if done is None:
        return None
    with shop().db.read() as session:
        _, words = for_message(order_locale(session, done.order_id))
    reply = words.gettext("%(shop)s: confirmed. You will get texts about this parcel. STOP to opt out.")
    return reply % {"shop": settings().shop_name}


@bp.post(INBOUND_SMS_PATH)
def inbound_sms() -> Response:
    """STOP-style keywords opt the number out of every SMS; START or UNSTOP opt it back in;
    YES or a confirmation code confirms a subscription this number asked for."""
    require_signature()
    word = keyword(request.form.get("Body", "")[:160])
    if word in STOP_WORDS or word in START_WORDS:
        phone = normalise_phone(request.form.get("From", ""))
        set_sms_opt_out(shop(), phone, opted_out=word in STOP_WORDS)
        return _twiml(None)  # Twilio's own opt-out handling sends the confirmation text; we add nothing
    if word not in YES_WORDS and not CODE.fullmatch(word):
        return _twiml(None)
    try:
        phone = normalise_phone(request.form.get("From", ""))
    except ValidationFailed:  # a short code or an alphanumeric sender: no subscriber of ours
        return _twiml(None)
    return _twiml(_confirm(phone, word))
