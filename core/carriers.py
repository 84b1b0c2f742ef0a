"""The carriers Shiplog knows: display names, tracking links, and what they accept."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import quote


@dataclass(frozen=True)
class Carrier:
    code: str
    name: str
    tracking_url: str  # ``{number}`` is replaced by the URL-quoted tracking number
    services: tuple[str, ...]
    accepts_po_box: bool

    def tracking_link(self, number: str) -> str:
        return self.tracking_url.format(number=quote(number, safe=""))


CARRIERS: dict[str, Carrier] = {
    c.code: c
    for c in (
        Carrier(
            "usps",
            "USPS",
            "https://tools.usps.com/go/TrackConfirmAction?tLabels={number}",
            ("Ground Advantage", "Priority Mail"),
            True,
        ),
        Carrier("ups", "UPS", "https://www.ups.com/track?tracknum={number}", ("Ground", "2nd Day Air"), False),
        Carrier(
            "fedex",
            "FedEx",
            "https://www.fedex.com/fedextrack/?trknbr={number}",
            ("Home Delivery", "Express Saver"),
            False,
        ),
        Carrier(
            "dhl",
            "DHL Express",
            "https://www.dhl.com/en/express/tracking.html?AWB={number}",
            ("Express Worldwide",),
            False,
        ),
    )
}


@lru_cache(maxsize=256)  # every shipment event describes its carrier: a batch asks a thousand times
def carrier(code: str) -> Carrier:
    """Known carriers get their own details; an unknown code still gets a readable name."""
    found = CARRIERS.get(code.lower())
    if found is not None:
        return found
    return Carrier(code.lower(), code.upper(), "", ("Standard",), True)
