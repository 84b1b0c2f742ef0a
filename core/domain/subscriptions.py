"""The rules of a subscription made on a public page: anyone may ask, only the address itself confirms.

Double opt-in: a request records the consent shown (wording, time, page and client) and plans one
message, the confirmation request (an email link, or an SMS to answer YES or with its code). Until the
address confirms, it hears nothing else (``core.outbox.hears``); a request not confirmed within
``CONFIRM_WITHIN`` is void. Asking again soon, or too often for one address, sends nothing new, so the
form cannot be used to flood somebody's inbox or phone.
"""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta

from core.models import Subscription

CONFIRM_WITHIN = timedelta(days=7)  # the confirmation link expires with it
ASK_AGAIN_AFTER = timedelta(minutes=10)  # the same request again sooner sends nothing new
ASKS_PER_ADDRESS_PER_DAY = 3  # confirmation requests to one address (over every parcel) in 24 hours
CODE_DIGITS = 6


def new_code() -> str:
    return f"{secrets.randbelow(10**CODE_DIGITS):0{CODE_DIGITS}d}"


def is_confirmed(sub: Subscription) -> bool:
    return sub.confirmed_at is not None and sub.unsubscribed_at is None


def is_awaiting(sub: Subscription, now: datetime) -> bool:
    """Asked for, not withdrawn, not yet confirmed, and still in time to be."""
    if sub.unsubscribed_at is not None or sub.confirmed_at is not None or sub.consent_at is None:
        return False
    return now - sub.consent_at < CONFIRM_WITHIN


def should_ask(sub: Subscription, now: datetime, asked_today: int) -> bool:
    """Does this request send a confirmation? Not to a confirmed address (it hears updates already),
    not again within ``ASK_AGAIN_AFTER``, and not past the address's daily allowance."""
    if is_confirmed(sub):
        return False
    if is_awaiting(sub, now) and now - sub.consent_at < ASK_AGAIN_AFTER:
        return False
    return asked_today < ASKS_PER_ADDRESS_PER_DAY


def ask(sub: Subscription, *, scope: str, consent_text: str, consent_source: str, now: datetime) -> None:
    """(Re)start the request: the consent now given, a new code, nothing confirmed."""
    sub.scope, sub.consent_text, sub.consent_source = scope, consent_text[:2000], consent_source[:300]
    sub.consent_at, sub.unsubscribed_at, sub.confirm_code = now, None, new_code()
    sub.confirmed_at = sub.confirmed_via = sub.confirmed_source = None


def confirm(sub: Subscription, *, via: str, source: str, now: datetime) -> None:
    """The address answered: how, from where and when is kept with the consent; the code is spent."""
    sub.confirmed_at, sub.confirmed_via, sub.confirmed_source = now, via, source[:300]
    sub.confirm_code = None
