"""Typed SQLAlchemy 2 models. Importing this package registers every table on ``Base.metadata``."""

from core.models.access import ApiKey, RateLimitCounter, StaffUser
from core.models.events import Event, OutboxMessage, SendLogEntry, SinkMessage, SmsOptOut, Subscription
from core.models.integration import IdempotencyRecord, WebhookDelivery, WebhookEndpoint
from core.models.orders import Customer, Order, OrderAddress, OrderLine, Payment, Refund
from core.models.pages import ReadMark, TrackingPage
from core.models.products import Product, Variant
from core.models.returns import Return, ReturnLine
from core.models.settings import ShopSetting
from core.models.shipments import Shipment, ShipmentLine
from core.models.stores import StoreConnection, StoreVariantLink

__all__ = [
    "ApiKey",
    "Customer",
    "Event",
    "IdempotencyRecord",
    "Order",
    "OrderAddress",
    "OrderLine",
    "OutboxMessage",
    "Payment",
    "Product",
    "RateLimitCounter",
    "ReadMark",
    "Refund",
    "Return",
    "ReturnLine",
    "SendLogEntry",
    "Shipment",
    "ShipmentLine",
    "ShopSetting",
    "SinkMessage",
    "SmsOptOut",
    "StaffUser",
    "StoreConnection",
    "StoreVariantLink",
    "Subscription",
    "TrackingPage",
    "Variant",
    "WebhookDelivery",
    "WebhookEndpoint",
]
