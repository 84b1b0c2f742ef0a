"""The /api/v1 response shapes, written once, as msgspec Structs: the OpenAPI document's
components are generated from them (``portal.api.openapi``) and the schemathesis test checks
every answer against that document.

Answers may carry more fields than these (the shapes are open), and a field that is neither
required nor nullable is ``X | UnsetType = UNSET``.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from msgspec import UNSET, Meta, Struct, UnsetType

from portal.api.schemas import Time


class Event(Struct, kw_only=True):
    id: int
    type: str
    text: str
    order_number: Annotated[
        str | None, Meta(description="null for an event about no order: stock, the catalogue, the shop's settings.")
    ]
    shipment_id: int | None = None
    return_id: int | None = None
    occurred_at: Time
    recorded_at: Time
    actor_type: str | UnsetType = UNSET
    visibility: Literal["public", "customer", "internal"]
    payload: dict[str, Any]


class ShipmentLine(Struct, kw_only=True):
    line_id: int
    quantity: int


class Shipment(Struct, kw_only=True):
    id: int
    order_number: str
    kind: str | UnsetType = UNSET
    carrier: str
    service: str | UnsetType = UNSET
    tracking_number: str
    status: str
    exception_reason: str | None = None
    shipped_at: Time | None = None
    delivered_at: Time | None = None
    current_eta: Time | None = None
    lines: list[ShipmentLine]


class OrderLine(Struct, kw_only=True):
    id: int
    sku: str
    name: str | UnsetType = UNSET
    variant_title: str | UnsetType = UNSET
    quantity: int
    unit_price_minor: int
    discount_minor: int | UnsetType = UNSET
    qty_shipped: int | UnsetType = UNSET
    qty_delivered: int | UnsetType = UNSET
    qty_returned: int | UnsetType = UNSET
    replaces_line_id: int | None = None  # an exchange's replacement item: the line it replaces


class OrderAddress(Struct, kw_only=True):
    name: str | None
    line1: str | None
    line2: str | None = None
    city: str | None
    region: str | None = None
    postal_code: str | None
    country: str | None


class Order(Struct, kw_only=True):
    id: int
    number: str
    status: str
    hold_reason: str | None = None
    channel: str | UnsetType = UNSET
    source_ref: str | None = None
    email: str
    currency: str
    locale: str | None = None
    subtotal_minor: int | UnsetType = UNSET
    discount_minor: int | UnsetType = UNSET
    shipping_minor: int | UnsetType = UNSET
    tax_minor: int | UnsetType = UNSET
    total_minor: int
    placed_at: Time
    lines: list[OrderLine]
    shipping_address: OrderAddress | None = None
    shipments: list[Shipment]
    events: list[Event]


class ReturnLine(Struct, kw_only=True):
    id: int
    order_line_id: int
    quantity: int
    reason: str
    resolution: Literal["refund", "exchange"]
    exchange_sku: str | None = None  # the replacement's SKU, for an exchange line
    condition: str | None = None
    restocked_qty: int


class Return(Struct, kw_only=True):
    id: int
    rma: str
    order_number: str
    status: str
    restocking_fee_minor: int
    created_at: Time
    lines: list[ReturnLine]
    events: list[Event]


class Refund(Struct, kw_only=True):
    id: int
    order_number: str
    amount_minor: int
    currency: str
    reason: Annotated[str, Meta(description="The internal reason staff gave (never shown to the customer).")]
    reference: str
    created_at: Time


class TrackingEventResult(Struct, kw_only=True):
    index: int
    outcome: Literal["recorded", "duplicate", "rejected"]
    event_id: int | None = None
    code: str | None = None
    field: str | None = None
    message: str | None = None


class TrackingEventBatchResult(Struct, kw_only=True):
    recorded: int
    duplicates: int
    rejected: int
    results: list[TrackingEventResult]


class CursorPage(Struct, kw_only=True):
    """A page read after a cursor (``portal.api.auth.cursor_page``)."""

    next_cursor: Annotated[int, Meta(description="Pass as `after` to get the next page.")]
    has_more: bool


class EventPage(CursorPage, kw_only=True):
    events: list[Event]


class StockLevel(Struct, kw_only=True):
    sku: str
    on_hand: int
    reserved: Annotated[int, Meta(description="Promised to orders not yet shipped.")]
    available: Annotated[int, Meta(description="on_hand - reserved: what can still be sold.")]
    reorder_point: int


class Variant(StockLevel, kw_only=True):
    product_handle: str
    title: str
    option_values: list[str]
    price_minor: int
    compare_at_minor: int | None
    currency: str
    weight_grams: int | None
    image_url: str | None
    barcode: str | None
    final_sale: bool


class Product(Struct, kw_only=True):
    id: int
    handle: str
    title: str
    option_names: list[str]
    image_url: str | None
    return_policy_group: str | None
    backorders: bool
    variants: list[Variant]


class ProductPage(CursorPage, kw_only=True):
    products: list[Product]


class Problem(Struct, kw_only=True):
    type: str
    title: str
    status: int
    detail: str
    errors: (
        Annotated[
            dict[str, str],
            Meta(description="One message per offending field, keyed by its path (e.g. lines[0].sku)."),
        ]
        | UnsetType
    ) = UNSET


# Response header fields, described once here like the bodies (``portal.api.quota`` writes them).
RateLimitPolicy = Annotated[
    str,
    Meta(
        description=(
            "This key's rate-limit policies (draft-ietf-httpapi-ratelimit-headers-10): each names its quota `q` "
            'and window `w` in seconds, e.g. `"6000-per-1-minute";q=6000;w=60`.'
        )
    ),
]
RateLimit = Annotated[
    str,
    Meta(
        description=(
            "What is left of each policy after this request: `r` requests remaining, `t` seconds until the "
            'window resets, e.g. `"6000-per-1-minute";r=5999;t=42`.'
        )
    ),
]
RetryAfter = Annotated[
    str,
    Meta(pattern="^[0-9]+$", description="Seconds to wait before the key's used-up window has reset."),
]

Allow = Annotated[str, Meta(description="The methods this path takes, e.g. `GET, HEAD, OPTIONS`.")]


RESPONSES: tuple[type[Struct], ...] = (
    Order,
    Return,
    Refund,
    Shipment,
    TrackingEventResult,
    TrackingEventBatchResult,
    EventPage,
    Product,
    ProductPage,
    Variant,
    StockLevel,
    Problem,
)
