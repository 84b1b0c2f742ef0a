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


class PaymentRefused(DomainError):
    """The card processor refused a move on a payment already taken: a capture (the authorisation
    expired, or the bank declined) or a refund. The service records the refusal, then re-raises."""

    code = "payment_refused"

    def __init__(self, message: str, *, reason: str, expired: bool = False, field: str | None = None) -> None:
        super().__init__(message, field=field)
        self.reason = reason  # the processor's code, e.g. "payment_intent_unexpected_state"
        self.expired = expired
        # Set by the rule that asked (core.domain.payments), for the service that records the refusal.
        self.operation: str = ""  # capture | refund
        self.payment_id: int | None = None
        self.amount_minor = 0


class GatewayUnavailable(DomainError):
    """The card processor did not answer, or answered with an error of its own: nothing changed
    here, and the same call may be tried again (it carries the same idempotency key)."""

    code = "gateway_unavailable"


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
