"""Domain errors. Each carries a message a person can read and act on."""

from __future__ import annotations


class DomainError(Exception):
    """A request the domain refuses; nothing was written."""

    code = "domain_error"

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class NotFound(DomainError):
    code = "not_found"


class ValidationFailed(DomainError):
    code = "validation_failed"


class IllegalTransition(DomainError):
    code = "illegal_transition"


class OutOfStock(DomainError):
    code = "out_of_stock"


class PaymentDeclined(DomainError):
    code = "payment_declined"


class RefundTooLarge(DomainError):
    code = "refund_too_large"


class NotPermitted(DomainError):
    """The acting staff member's role may not do this (``core.permissions``)."""

    code = "not_permitted"


class NotEligible(DomainError):
    code = "not_eligible"


class DuplicateEvent(DomainError):
    """The same external event was already recorded; callers treat this as success."""

    code = "duplicate_event"
