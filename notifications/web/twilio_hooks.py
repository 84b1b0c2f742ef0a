"""Twilio webhooks: delivery status callbacks and inbound SMS (STOP / START).

Both refuse (403, nothing written) any request whose ``X-Twilio-Signature`` does not match
the URL Twilio called, which is rebuilt from ``PUBLIC_BASE_URL`` so it holds behind a TLS
proxy. They are exempt from CSRF: the signature is the credential.
"""

from __future__ import annotations

from flask import Blueprint, Response, abort, current_app, request
from twilio.request_validator import SIGNATURE_HEADER, RequestValidator, get_signature_algorithm

from core.services.subscriptions import normalise_phone, set_sms_opt_out
from notifications import reports
from notifications.links import INBOUND_SMS_PATH, STATUS_CALLBACK_PATH
from web.extensions import shop

bp = Blueprint("twilio_hooks", __name__)

STOP_WORDS = frozenset({"STOP", "STOPALL", "UNSUBSCRIBE", "END", "QUIT", "REVOKE", "OPTOUT", "CANCEL"})
START_WORDS = frozenset({"START", "UNSTOP"})
EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response></Response>'


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


@bp.post(INBOUND_SMS_PATH)
def inbound_sms() -> Response:
    """STOP-style keywords opt the number out of every SMS; START or UNSTOP opt it back in."""
    require_signature()
    word = keyword(request.form.get("Body", "")[:160])
    if word in STOP_WORDS or word in START_WORDS:
        phone = normalise_phone(request.form.get("From", ""))
        set_sms_opt_out(shop(), phone, opted_out=word in STOP_WORDS)
    # Twilio's own opt-out handling sends the confirmation text; we add nothing.
    return Response(EMPTY_TWIML, mimetype="text/xml")
