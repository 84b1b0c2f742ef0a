"""What a message says, gathered from the event, its order and the order's current state.

The context is built once per event and level and shared by every recipient of it; only the
recipient block (and its unsubscribe link) differs. Templates read plain dicts.

Two levels (``core.outbox``): ``event_context`` is the order's own contact's (name, order number,
items, money, signed order links); ``parcel_context`` is everyone else's, and is built from the
parcel alone, never from the order, so no part of the order can reach a parcel-level message.

Both are written in the message's language (``Branding.voice``: the order's locale, else the shop's):
dates and money through ``web.formats``, core's wording through ``web.wording``; the context's
``language`` tells the renderer which catalogue the templates speak.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any, Protocol

from babel.support import NullTranslations
from sqlalchemy.orm import Session

from core.carriers import carrier
from core.domain.subscriptions import CONFIRM_WITHIN
from core.events.catalogue import EXCEPTION_TEXT, for_customer
from core.models import Event, Order, Return, Shipment, Subscription
from core.returning import address_lines
from core.settings import ShopSettings
from core.wording import translatable
from notifications.contents import expected_day, item, return_contents, shipment_contents
from web import formats, wording
from web.i18n import catalogue, message_language

Context = dict[str, Any]

HOLD_ACTIONS = {
    "payment_pending": translatable("Please complete your payment so we can start packing your order."),
    "address_unverified": translatable(
        "Please check your shipping address and reply to this email with any correction."
    ),
}
NO_HOLD_ACTION = translatable("Please contact us so we can continue.")
UNKNOWN_EXCEPTION = (translatable("A delivery problem"), translatable("We are looking into it."))


class Links(Protocol):
    """Absolute URLs for messages; the web layer builds them (signed tokens need the secret)."""

    def order(self, order_id: int) -> str: ...

    def unsubscribe(self, channel: str, address: str, order_id: int) -> str: ...

    def return_label(self, order_id: int, rma: str) -> str: ...

    def track(self, tracking_number: str) -> str: ...

    def confirm(self, subscription_id: int) -> str: ...


@dataclass(frozen=True)
class Branding:
    name: str
    logo_url: str | None
    primary_color: str
    accent_color: str
    support_email: str
    support_phone: str | None
    timezone: str
    locale: str = "en"  # the shop's language (SHOP_LOCALE)
    languages: tuple[str, ...] = ("en",)  # the languages it has catalogues for
    catalogues: str | None = None  # where they are compiled (None: the default instance folder)
    return_address: tuple[str, ...] = ()  # the return address setting, one line each (``core.returning``)

    def voice(self, order_locale: str | None) -> Voice:
        """The language a message to this order speaks, and its catalogue."""
        language = message_language(order_locale, self.languages, self.locale)
        return Voice(language, catalogue(language, self.catalogues))

    @classmethod
    def from_settings(cls, settings: ShopSettings, config: Mapping[str, Any]) -> Branding:
        """The shop's current settings (a manager changes them) and the app's languages (configuration)."""
        return cls(
            name=settings.shop_name,
            logo_url=settings.logo_url,
            primary_color=settings.primary_color,
            accent_color=settings.accent_color,
            support_email=settings.support_email,
            support_phone=settings.support_phone,
            timezone=settings.timezone,
            locale=config.get("SHOP_LOCALE") or "en",
            languages=tuple(config.get("SHIPLOG_LANGUAGES") or ("en",)),
            catalogues=config.get("BABEL_TRANSLATION_DIRECTORIES"),
            return_address=address_lines(settings.return_address),
        )


@dataclass(frozen=True)
class Voice:
    """A message's language and the catalogue its core wording is translated with."""

    language: str = "en"
    words: NullTranslations = field(default_factory=NullTranslations)


def _when(moment: datetime | None, zone: str, language: str) -> str | None:
    """ "Monday 1 June", "lunes, 1 de junio": the day in the shop's zone, in the message's language."""
    return formats.day(moment, language, zone, year=False) if moment is not None else None


def _exception(payload: Mapping[str, Any], shipment: Shipment | None, voice: Voice) -> dict[str, str] | None:
    reason = payload.get("exception_reason") or (shipment.exception_reason if shipment else None)
    if reason is None:
        return None
    headline, next_step = EXCEPTION_TEXT.get(reason, (str(reason).replace("_", " ").capitalize(), ""))
    words = voice.words
    return {
        "reason": reason,
        "headline": wording.text(payload.get("exception_text") or headline, words),
        "next_step": wording.text(payload.get("next_step") or next_step, words),
    }


def _order(order: Order) -> dict[str, Any]:
    name = order.customer.name if order.customer is not None else ""
    return {
        "id": order.id,
        "number": order.number,
        "first_name": (name.split() or [""])[0],
        "status": order.status,
        "lines": [item(line, line.quantity) for line in order.lines],
        "hold_reason": order.hold_reason,
    }


# A payload's ready-written money text and the minor units it was written from.
_MONEY_TEXTS = (("amount_text", ("amount_minor", "refund_minor")), ("refunded_text", ("refunded_minor",)))


def _payload(payload: dict[str, Any], order: Order, voice: Voice) -> dict[str, Any]:
    """The payload's ready-written texts (money, a hold's reason) again, in the message's language."""
    found = dict(payload)
    for text, sources in _MONEY_TEXTS:
        minor = next((found[key] for key in sources if isinstance(found.get(key), int)), None)
        if text in found and minor is not None:
            found[text] = formats.money(minor, order.currency, voice.language)
    if "total_text" in found:  # the order's total, written when it was placed or confirmed
        found["total_text"] = formats.money(order.total_minor, order.currency, voice.language)
    if "reason_text" in found:
        found["reason_text"] = wording.hold_reason(str(found.get("reason") or ""), voice.words)
    return found


def event_context(
    session: Session, event: Event, order: Order, *, links: Links, branding: Branding, voice: Voice | None = None
) -> Context:
    """Everything every recipient of ``event`` shares: never a staff-only field of its payload."""
    voice = voice or branding.voice(order.locale)
    payload = _payload(for_customer(event.type, event.payload), order, voice)
    shipment = session.get(Shipment, event.shipment_id) if event.shipment_id else None
    ret = session.get(Return, event.return_id) if event.return_id else None
    zone, language = branding.timezone, voice.language
    return {
        "shop": asdict(branding),
        "language": language,
        "order": _order(order),
        "event": {"code": event.type, "when": _when(event.occurred_at, zone, language), "payload": payload},
        "payload": payload,
        "order_url": links.order(order.id),
        "shipment": shipment_contents(session, order, shipment, zone, language, links) if shipment else None,
        "exception": _exception(payload, shipment, voice),
        "hold_action": voice.words.gettext(HOLD_ACTIONS.get(str(payload.get("reason")), NO_HOLD_ACTION)),
        "return": return_contents(order, ret, links, branding, voice.words.gettext) if ret else None,
    }


def for_recipient(shared: Context, channel: str, address: str, order_id: int, *, links: Links) -> Context:
    """The shared context plus who this copy goes to and how they stop it."""
    unsubscribe = links.unsubscribe(channel, address, order_id) if channel == "email" else None
    return shared | {"recipient": {"channel": channel, "address": address}, "unsubscribe_url": unsubscribe}


def _parcel(shipment: Shipment, reason: str | None, zone: str, links: Links, voice: Voice) -> dict[str, Any]:
    """What the parcel's public tracking page shows of it, less where it was last seen (a carrier's
    location can be the recipient's town); an exception in the catalogue's words only, never the carrier's."""
    known = carrier(shipment.carrier)
    headline, next_step = wording.exception(reason, voice.words, UNKNOWN_EXCEPTION)
    return {
        "kind": shipment.kind,
        "carrier_name": known.name,
        "tracking_number": shipment.tracking_number,
        "tracking_url": known.tracking_link(shipment.tracking_number) or None,
        "eta": expected_day(shipment, zone, voice.language),
        "track_url": links.track(shipment.tracking_number),
        "exception": {"headline": headline, "next_step": next_step},
    }


def _confirmation(sub: Subscription, zone: str, links: Links, language: str) -> dict[str, Any]:
    """How the address confirms: the link (email) or a reply of YES or the code (SMS), and until when."""
    return {
        "channel": sub.channel,
        "url": links.confirm(sub.id) if sub.channel == "email" else None,
        "code": sub.confirm_code,
        "until": _when(sub.consent_at + CONFIRM_WITHIN, zone, language),
    }


def parcel_context(
    session: Session, event: Event, *, links: Links, branding: Branding, voice: Voice | None = None
) -> Context:
    """What a parcel-level recipient may read: one parcel's public status and its tracking page
    (for a confirmation request, the parcel followed and how to confirm). No order is read here: the
    caller says which language (``voice``) the order's messages speak."""
    payload = event.payload or {}
    sub = (
        session.get(Subscription, payload.get("subscription_id") or 0)
        if event.type.startswith("subscription.")
        else None
    )
    shipment_id = sub.shipment_id if sub is not None else event.shipment_id
    shipment = session.get(Shipment, shipment_id) if shipment_id else None
    reason = payload.get("exception_reason") or (shipment.exception_reason if shipment is not None else None)
    zone, voice = branding.timezone, voice or branding.voice(None)
    return {
        "shop": asdict(branding),
        "language": voice.language,
        "event": {"code": event.type, "when": _when(event.occurred_at, zone, voice.language)},
        "parcel": _parcel(shipment, reason, zone, links, voice) if shipment is not None else None,
        "confirm": _confirmation(sub, zone, links, voice.language) if sub is not None else None,
    }
