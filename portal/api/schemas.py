"""The /api/v1 request shapes and parameters, each written once, as msgspec Structs.

Everything else derives from them: request bodies are decoded straight into these types and
refused ones explained field by field (``portal.api.bodies``), and the OpenAPI document's
components and parameters are generated from them (``portal.api.openapi``). A class docstring
or a ``Meta(description=...)`` here is what the document says. Response shapes are in
``portal.api.responses``.

A field that may be left out but not sent as null is ``X | UnsetType = UNSET``; the views pass
only the fields a client sent, so the service's own defaults apply.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from msgspec import UNSET, Meta, Struct, UnsetType

from core import locales
from core.characters import LINE_CHARACTER, LINES_CHARACTER

NO_FINAL_NEWLINE = "(?!\\n)"
# The longest URL (path and query, as sent) the API reads: well under gunicorn's request-line limit
# (4094 bytes), which gunicorn answers itself, so the API's own 414 is the one clients meet.
MAX_URL_BYTES = 2048


def whole(regex: str) -> str:
    """``regex`` anchored at both ends. Python's ``$`` also matches before a final newline and
    JSON Schema's (ECMA-262) does not; the lookahead makes both refuse ``"ups\\n"``."""
    return f"^{regex}${NO_FINAL_NEWLINE}"


# Free text: every field refuses control characters and unpaired surrogates (core.characters),
# so a 422 names the field before the text reaches a service or the database.
LINE = whole(f"{LINE_CHARACTER}*")
LINES = whole(f"{LINES_CHARACTER}*")

TrackingNumber = Annotated[str, Meta(pattern=whole("[A-Za-z0-9-]{6,64}"))]
OrderNumber = Annotated[str, Meta(pattern=whole("[A-Za-z0-9-]{1,32}"))]
Carrier = Annotated[str, Meta(pattern=whole("[a-z0-9]{2,32}"))]
Name = Annotated[str, Meta(min_length=1, max_length=200, pattern=LINE)]
Quantity = Annotated[int, Meta(ge=1, le=10_000)]
Minor = Annotated[int, Meta(ge=0, le=2_000_000_000)]
Time = Annotated[datetime, Meta(tz=True, description="RFC 3339, with a time zone (Z or an offset).")]
IdempotencyKey = Annotated[str, Meta(min_length=1, max_length=200, pattern=whole("[\\x21-\\x7e]+"))]

ShipmentStatus = Literal["in_transit", "out_for_delivery", "available_for_pickup", "delivered", "exception"]
ExceptionReason = Literal["delay", "customs", "failed_attempt", "damaged", "lost", "returned_to_sender"]


class Closed(Struct, forbid_unknown_fields=True):
    """Base of the request bodies: a field the API does not know is refused, not ignored."""


class Address(Closed, kw_only=True):
    name: Name
    line1: Name
    line2: Annotated[str, Meta(max_length=200, pattern=LINE)] | None = None
    city: Annotated[str, Meta(min_length=1, max_length=100, pattern=LINE)]
    region: Annotated[str, Meta(max_length=100, pattern=LINE)] | None = None
    postal_code: Annotated[str, Meta(min_length=1, max_length=20, pattern=LINE)]
    country: Annotated[str, Meta(pattern=whole("[A-Za-z]{2}"), description="ISO 3166-1 alpha-2")]


class OrderLineInput(Closed, kw_only=True):
    sku: Annotated[str, Meta(min_length=1, max_length=64, pattern=LINE)]
    quantity: Quantity
    unit_price_minor: Minor | None = None
    discount_minor: Minor | UnsetType = UNSET


class OrderCreate(Closed, kw_only=True):
    email: Annotated[str, Meta(min_length=3, max_length=254, pattern=LINE)]
    name: Name
    phone: Annotated[str, Meta(pattern=whole("\\+[1-9][0-9]{6,14}"), description="E.164")] | None = None
    sms_consent: bool | UnsetType = UNSET
    lines: Annotated[list[OrderLineInput], Meta(min_length=1, max_length=100)]
    shipping_address: Address
    billing_address: Address | None = None
    source_ref: Annotated[str, Meta(min_length=1, max_length=64, pattern=LINE)] | None = None
    number: OrderNumber | None = None
    carrier: Carrier | UnsetType = UNSET
    currency: Annotated[str, Meta(pattern=whole("[A-Z]{3}"))] | UnsetType = UNSET
    locale: (
        Annotated[
            str,
            Meta(
                max_length=locales.MAX_LENGTH,
                pattern=whole(locales.PATTERN),
                description="The customer's language, a BCP 47 tag such as es, es-MX or de-DE: "
                "their pages and messages use it when the shop speaks it.",
            ),
        ]
        | None
    ) = None
    shipping_minor: Minor | UnsetType = UNSET
    discount_minor: Minor | UnsetType = UNSET
    tax_minor: Minor | UnsetType = UNSET
    fraud_score: (
        Annotated[
            int,
            Meta(
                ge=0,
                le=100,
                description="Your own fraud score, if you have one: Shiplog scores every order itself and adds "
                "this as one more signal. It can raise the score, never lower it (docs/risk.md).",
            ),
        ]
        | UnsetType
    ) = UNSET
    client_ip: (
        Annotated[
            str,
            Meta(
                max_length=45,
                pattern=whole("[0-9A-Fa-f:.]{2,45}"),
                description="The shopper's IP address as your checkout saw it (IPv4 or IPv6): the risk "
                "scorer counts recent orders from it.",
            ),
        ]
        | None
    ) = None
    note: Annotated[str, Meta(max_length=2000, pattern=LINES)] | None = None
    payment_pending: bool | UnsetType = UNSET
    card: (
        Annotated[
            str,
            Meta(
                min_length=1,
                max_length=64,
                pattern=whole("[A-Za-z0-9_]+"),
                description="The card to authorise: the Stripe payment method id (pm_...) from the shop's "
                "checkout when the shop takes payments through Stripe; a test card number with the demo gateway.",
            ),
        ]
        | UnsetType
    ) = UNSET
    placed_at: Time | None = None


class ShipmentLineInput(Closed, kw_only=True):
    line_id: Annotated[int, Meta(ge=1, le=2_000_000_000)]
    quantity: Quantity


class ShipmentCreate(Closed, kw_only=True):
    carrier: Carrier
    service: Annotated[str, Meta(min_length=1, max_length=48, pattern=LINE)] = "Standard"
    tracking_number: TrackingNumber
    lines: (
        Annotated[
            list[ShipmentLineInput],
            Meta(
                min_length=1,
                max_length=100,
                description="Order line ids and quantities; leave out to pack everything not yet packed.",
            ),
        ]
        | UnsetType
    ) = UNSET
    eta: Time | None = None


class TrackingEventInput(Closed, kw_only=True, gc=False):  # never in a cycle; see bench/README.md
    tracking_number: TrackingNumber
    status: ShipmentStatus
    occurred_at: Time
    location: Annotated[str, Meta(max_length=120, pattern=LINE)] | None = None
    message: Annotated[str, Meta(max_length=300, pattern=LINE)] | None = None
    exception_reason: ExceptionReason | None = None
    eta: Time | None = None
    external_id: (
        Annotated[
            str,
            Meta(
                min_length=1,
                max_length=120,
                pattern=LINE,
                description="The carrier's own event id: a repeat is recorded once.",
            ),
        ]
        | None
    ) = None


class TrackingEventBatch(Closed, kw_only=True):
    events: Annotated[list[TrackingEventInput], Meta(min_length=1, max_length=1000)]


class EventQuery(Closed, kw_only=True):
    """The query parameters of ``GET /events``."""

    after: Annotated[
        int,
        Meta(
            ge=0,
            le=9_000_000_000_000_000_000,
            description="Cursor: the id of the last event already seen (0 for the start).",
        ),
    ] = 0
    limit: Annotated[int, Meta(ge=1, le=1000)] = 100


Sku = Annotated[str, Meta(pattern=whole("[\\x21-\\x7e]{1,64}"), description="1 to 64 visible ASCII characters.")]
Currency = Annotated[str, Meta(pattern=whole("[A-Z]{3}"), description="ISO 4217, e.g. USD.")]
Url = Annotated[str, Meta(max_length=500, pattern=whole("https?://[\\x21-\\x7e]+"))]
OptionValue = Annotated[str, Meta(min_length=1, max_length=60, pattern=LINE)]
Units = Annotated[int, Meta(ge=0, le=1_000_000)]


class VariantFields(Closed, kw_only=True):
    """What a variant is, apart from its SKU and stock; each may be left out (the service's default,
    or the variant's value as it is when changing one)."""

    title: Annotated[str, Meta(min_length=1, max_length=120, pattern=LINE)] | UnsetType = UNSET
    option_values: (
        Annotated[list[OptionValue], Meta(max_length=3, description="One per option of the product, in order.")]
        | UnsetType
    ) = UNSET
    price_minor: Minor | UnsetType = UNSET
    compare_at_minor: Minor | UnsetType | None = UNSET
    currency: Currency | UnsetType = UNSET
    weight_grams: Minor | UnsetType | None = UNSET
    image_url: Url | UnsetType | None = UNSET
    barcode: Sku | UnsetType | None = UNSET
    final_sale: bool | UnsetType = UNSET
    reorder_point: Units | UnsetType = UNSET


class VariantCreate(VariantFields, kw_only=True):
    sku: Sku
    price_minor: Minor
    on_hand: (
        Annotated[
            int, Meta(ge=0, le=1_000_000, description="Set as the count on hand (`stock.set`); leave out to keep it.")
        ]
        | UnsetType
    ) = UNSET


class ProductCreate(Closed, kw_only=True):
    """A product with its variants: created, or brought up to date when its handle is known
    (variants by SKU; variants not named stay as they are)."""

    handle: Annotated[str, Meta(pattern=whole("[a-z0-9][a-z0-9_-]{0,119}"))]
    title: Name
    option_names: Annotated[
        list[Annotated[str, Meta(min_length=1, max_length=40, pattern=LINE)]], Meta(max_length=3)
    ] = []
    image_url: Url | None = None
    return_policy_group: Annotated[str, Meta(pattern=whole("[a-z0-9][a-z0-9_-]{0,39}"))] | None = None
    backorders: Annotated[bool, Meta(description="Sell when out of stock: the order waits for stock.")] = False
    variants: Annotated[list[VariantCreate], Meta(min_length=1, max_length=100)]


class VariantPatch(VariantFields, kw_only=True):
    """The fields to change; the others stay. Stock moves through `/inventory-adjustments`."""


class InventoryAdjustment(Closed, kw_only=True):
    """Change a SKU's count on hand by `delta`, or `set` it: exactly one of the two."""

    sku: Sku
    delta: (
        Annotated[int, Meta(ge=-1_000_000, le=1_000_000, description="Units added (or taken away, negative).")] | None
    ) = None
    set: Units | None = None
    reason: Annotated[
        str, Meta(min_length=1, max_length=200, pattern=LINE, description="Why: received, damaged, stocktake.")
    ]
    reference: (
        Annotated[str, Meta(max_length=120, pattern=LINE, description="A delivery, purchase order or count.")] | None
    ) = None


class ProductQuery(Closed, kw_only=True):
    """The query parameters of ``GET /products``."""

    after: Annotated[
        int, Meta(ge=0, le=9_000_000_000_000_000_000, description="Cursor: the id of the last product already seen.")
    ] = 0
    limit: Annotated[int, Meta(ge=1, le=250)] = 50


REQUEST_BODIES: tuple[type[Closed], ...] = (
    OrderCreate, ShipmentCreate, TrackingEventInput, TrackingEventBatch, ProductCreate, VariantPatch, InventoryAdjustment,
)  # fmt: skip
