"""How a customer sends a return back: one wording for the return page, its label and the emails.

The RMA goes on the outside of the parcel (the printed label, or written by hand when there is no
printer): the returns desk reads it before the parcel is opened. The page, the label and the emails
all take their steps from here, so they cannot disagree. Without a configured return address the
steps say to ask for it, and promise no address they do not have.

The words are core's English, marked for the catalogue (``core.wording``); a page or a message hands
in its own ``gettext`` to read them in the customer's language.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from core.wording import translatable

Gettext = Callable[[str], str]

ON_THE_PARCEL = translatable(
    "Tape the label to the outside of the parcel: its code tells us whose return it is before we open it."
)
_PACK = translatable("Pack the items securely.")
_LABEL = translatable(
    "Print the return label and tape it to the outside of the parcel. No printer? Write {rma} clearly on the "
    "outside of the parcel instead."
)
_SEND_TO = translatable("Send it to {address} from any post office or carrier drop-off point.")
_ASK_FOR_ADDRESS = translatable(
    "Before you send it, email {support} with {rma} and we will reply with the address to send it to."
)
_THEN = translatable("{shop} refunds you or sends your exchange once the parcel has arrived and been checked.")
_SEPARATORS = re.compile(r"\s*(?:\n|;)\s*")


def _same(text: str) -> str:
    return text


def _said(text: str, tr: Gettext, **values: str) -> str:
    """``text`` in the reader's language with its values filled in; English if a translation slipped."""
    try:
        return tr(text).format(**values)
    except (IndexError, KeyError, ValueError):
        return text.format(**values)


def address_lines(raw: str | None) -> tuple[str, ...]:
    """The return address as printed, one line each (configured with new lines or ``;`` between them)."""
    return tuple(line for line in _SEPARATORS.split((raw or "").strip()) if line)


def where_to_send(*, rma: str, address: tuple[str, ...], support_email: str, tr: Gettext = _same) -> str:
    if address:
        return _said(_SEND_TO, tr, address=", ".join(address))
    return _said(_ASK_FOR_ADDRESS, tr, support=support_email, rma=rma)


def send_back_steps(
    *, shop_name: str, rma: str, address: tuple[str, ...], support_email: str, tr: Gettext = _same
) -> tuple[str, ...]:
    """What to do, in order, once a return is booked."""
    return (
        _said(_PACK, tr),
        _said(_LABEL, tr, rma=rma),
        where_to_send(rma=rma, address=address, support_email=support_email, tr=tr),
        _said(_THEN, tr, shop=shop_name),
    )
