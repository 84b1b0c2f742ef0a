"""What each filter in use restricts, in words, for the JSON (``filters_applied``) and the page."""

from __future__ import annotations

from core.analytics.definitions import CARRIER_FILTERED

_ORDER_FILTER_NOTES = {
    "channel": "Orders of that channel, in every KPI.",
    "sku": "Orders with a line of that product (their whole figures), in every KPI.",
}
CARRIER_NOTE = (
    "Only that carrier's parcels, in the parcel KPIs (transit time, on time, exceptions, in transit,"
    " first attempt, lost or damaged, ETA accuracy, label → first scan)."
    " Order KPIs (sales, fulfilment, cancellations, order to door, returns) ignore it:"
    " an order has no carrier until it is labelled."
)


def filters_applied(channel: str | None, carrier: str | None, sku: str | None) -> list[dict[str, object]]:
    """What each filter in use restricts, for the JSON and the page (``filters_applied``)."""
    found: list[dict[str, object]] = []
    for name, value in (("channel", channel), ("sku", sku)):
        if value:
            found.append(
                {
                    "filter": "product" if name == "sku" else name,
                    "value": value,
                    "applies_to": "all",
                    "note": _ORDER_FILTER_NOTES[name],
                }
            )
    if carrier:
        found.append(
            {"filter": "carrier", "value": carrier, "applies_to": sorted(CARRIER_FILTERED), "note": CARRIER_NOTE}
        )
    return found
