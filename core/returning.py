"""How a customer sends a return back: one wording for the return page, its label and the emails.

The RMA goes on the outside of the parcel (the printed label, or written by hand when there is no
printer): the returns desk reads it before the parcel is opened. The page, the label and the emails
all take their steps from here, so they cannot disagree. Without a configured return address the
steps say to ask for it, and promise no address they do not have.
"""

from __future__ import annotations

import re

ON_THE_PARCEL = "Tape the label to the outside of the parcel: its code tells us whose return it is before we open it."
_SEPARATORS = re.compile(r"\s*(?:\n|;)\s*")


def address_lines(raw: str | None) -> tuple[str, ...]:
    """The return address as printed, one line each (configured with new lines or ``;`` between them)."""
    return tuple(line for line in _SEPARATORS.split((raw or "").strip()) if line)


def where_to_send(*, rma: str, address: tuple[str, ...], support_email: str) -> str:
    if address:
        return f"Send it to {', '.join(address)} from any post office or carrier drop-off point."
    return f"Before you send it, email {support_email} with {rma} and we will reply with the address to send it to."


def send_back_steps(*, shop_name: str, rma: str, address: tuple[str, ...], support_email: str) -> tuple[str, ...]:
    """What to do, in order, once a return is booked."""
    where = where_to_send(rma=rma, address=address, support_email=support_email)
    return (
        "Pack the items securely.",
        f"Print the return label and tape it to the outside of the parcel. No printer? Write {rma} clearly "
        "on the outside of the parcel instead.",
        where,
        f"{shop_name} refunds you or sends your exchange once the parcel has arrived and been checked.",
    )
