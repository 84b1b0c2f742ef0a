"""Who may do what: the permission table (role -> actions), as data a shop changes in configuration.

Every staff action names one permission here. The table is checked by ``PermissionTable.require``,
which the services call with the acting ``Actor`` (so whatever calls them for a staff member, the
staff hub today or a CLI command or API endpoint later, meets the same rule), and which the staff
pages read to refuse a route early and to draw only the buttons a role may use.
Staff actors are subject to it, and so are API keys, each of which acts with a role; a customer, a
carrier, a store integration or the system acts through its own channel, with its own proof (a
signed link, a webhook signature).

docs/permissions.md shows the default table; ``tests/unit/core/test_permissions.py`` checks that
the page equals ``markdown(PermissionTable())``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum

from core.errors import NotPermitted, ValidationFailed
from core.events.fact import Actor

ROLES = ("staff", "manager")


class Permission(StrEnum):
    ORDER_HOLD = "order.hold"
    ORDER_RELEASE = "order.release"
    ORDER_CANCEL = "order.cancel"
    ORDER_NOTE = "order.note"
    SHIPMENT_CREATE = "shipment.create"
    SHIPMENT_UPDATE = "shipment.update"
    RETURN_OPEN = "return.open"
    RETURN_REVIEW = "return.review"
    RETURN_RECEIVE = "return.receive"
    RETURN_RESOLVE = "return.resolve"
    RETURN_OVERRIDE = "return.override"
    CATALOG_EDIT = "catalog.edit"
    STOCK_ADJUST = "stock.adjust"
    WEBHOOK_REPROCESS = "webhook.reprocess"
    WEBHOOK_MANAGE = "webhook.manage"
    NOTIFICATION_RETRY = "notification.retry"
    DASHBOARD_VIEW = "dashboard.view"
    SETTINGS_MANAGE = "settings.manage"
    REFUND = "money.refund"
    CANCEL_WITH_REFUND = "money.cancel_with_refund"
    RESTOCKING_FEE_OVERRIDE = "money.restocking_fee_override"
    STORE_CREDIT = "money.store_credit"
    MONEY_AUDIT = "money.audit"
    MONEY_REPORTS = "money.reports"


P = Permission

# What each permission lets a person do, as the docs and the refusal messages say it.
WHAT: dict[Permission, str] = {
    P.ORDER_HOLD: "Put an order on hold",
    P.ORDER_RELEASE: "Release a hold (an authorised payment is captured)",
    P.ORDER_CANCEL: "Cancel an order that has nothing to give back (an authorisation is voided)",
    P.ORDER_NOTE: "Add an internal or customer note",
    P.SHIPMENT_CREATE: "Create and ship shipments, one order or a bulk CSV",
    P.SHIPMENT_UPDATE: "Mark a shipment shipped or delivered, add a carrier event",
    P.RETURN_OPEN: "Open a return for the customer",
    P.RETURN_REVIEW: "Approve or reject a return",
    P.RETURN_RECEIVE: "Receive a return (resellable items are restocked)",
    P.RETURN_RESOLVE: "Resolve a received return: refund it at the return policy's amount, or send its exchange",
    P.RETURN_OVERRIDE: "Take back a final-sale or out-of-window item that arrived damaged or was the wrong item, with a reason",
    P.CATALOG_EDIT: "Add and change products and variants (prices, options, reorder points), import a catalogue",
    P.STOCK_ADJUST: "Receive stock against a reference, adjust or set a count with a reason",
    P.WEBHOOK_REPROCESS: "Process a stored webhook delivery again",
    P.WEBHOOK_MANAGE: "Add and remove outbound webhook endpoints (they receive every event they subscribe to)",
    P.NOTIFICATION_RETRY: "Send undelivered messages again",
    P.DASHBOARD_VIEW: "Read the KPI dashboard (its money figures need `money.reports`)",
    P.SETTINGS_MANAGE: "Change the shop's settings: branding, support contact, return address and policy, hold threshold",
    P.REFUND: "Issue a refund of an amount staff choose (goodwill)",
    P.CANCEL_WITH_REFUND: "Cancel an order whose captured payment is refunded",
    P.RESTOCKING_FEE_OVERRIDE: "Override a return's restocking fee (no such action yet)",
    P.STORE_CREDIT: "Issue store credit (no such action yet)",
    P.MONEY_AUDIT: "Read the money log: who refunded, cancelled with a refund or voided what",
    P.MONEY_REPORTS: "See money figures on the KPI dashboard",
}

# Money actions and money figures: managers only unless a shop grants them to staff.
MONEY: frozenset[Permission] = frozenset(p for p in Permission if p.value.startswith("money."))
# What else only managers may do by default: overriding the return policy, changing the shop's settings,
# and sending the shop's events (customers' names and addresses among them) to a new place.
MANAGERS_ONLY: frozenset[Permission] = MONEY | {P.RETURN_OVERRIDE, P.SETTINGS_MANAGE, P.WEBHOOK_MANAGE}


def _defaults() -> dict[str, frozenset[Permission]]:
    return {"staff": frozenset(Permission) - MANAGERS_ONLY, "manager": frozenset(Permission)}


def cancel_needs(given_back_minor: int) -> tuple[Permission, ...]:
    """What cancelling an order needs: more when it gives money back (see ``payments.given_back_on_cancel``)."""
    return (P.ORDER_CANCEL, P.CANCEL_WITH_REFUND) if given_back_minor > 0 else (P.ORDER_CANCEL,)


def parse_permissions(text: str | None, *, setting: str) -> frozenset[Permission]:
    """A comma-separated list of permission codes (configuration); an unknown code is refused."""
    names = {name.strip() for name in (text or "").split(",") if name.strip()}
    known = {p.value for p in Permission}
    unknown = sorted(names - known)
    if unknown:
        raise ValidationFailed(f"{setting}: unknown permission(s) {', '.join(unknown)}.", field=setting)
    return frozenset(Permission(name) for name in names)


@dataclass(frozen=True)
class PermissionTable:
    """role -> permissions. A role that is not in the table may do nothing."""

    grants: Mapping[str, frozenset[Permission]] = field(default_factory=_defaults)

    @classmethod
    def for_shop(
        cls, *, staff_also: Iterable[Permission] = (), staff_not: Iterable[Permission] = ()
    ) -> PermissionTable:
        """The default table with the shop's changes to the staff role (managers may always do everything)."""
        grants = _defaults()
        grants["staff"] = (grants["staff"] | frozenset(staff_also)) - frozenset(staff_not)
        return cls(grants)

    def allows(self, role: str | None, permission: Permission) -> bool:
        return role is not None and permission in self.grants.get(role, frozenset())

    def require(self, actor: Actor, permission: Permission) -> None:
        """Refuse a staff actor, or an API key (which acts with a role), whose role lacks ``permission``;
        other actors are not staff's to limit."""
        if (actor.type != "staff" and actor.role is None) or self.allows(actor.role, permission):
            return
        what = WHAT[permission]
        role = actor.role or "no role"
        raise NotPermitted(f"Your role ({role}) may not do this: {what[0].lower()}{what[1:]}. Ask a manager.")


def markdown(table: PermissionTable) -> str:
    """The table as the Markdown docs/permissions.md shows: one row per permission, one column per role."""
    head = ["| permission | what it allows | " + " | ".join(ROLES) + " |", "| --- | --- |" + " --- |" * len(ROLES)]
    rows = [
        f"| `{p.value}` | {WHAT[p]} | " + " | ".join("yes" if table.allows(r, p) else "no" for r in ROLES) + " |"
        for p in Permission
    ]
    return "\n".join(head + rows) + "\n"
