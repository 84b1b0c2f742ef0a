"""The shop's own settings, which a manager changes from the staff hub: what each one is, the rule its value
must meet, and the environment variable that gives its default while it is unset.

One rule, one place: ``flask setup``, the settings page and the start-up defaults all check a value here.
A value is stored as text (``shop_settings``, one row per setting that was ever set) and read back through
``ShopSettings``; whatever is unset reads its default (the environment's, else the value below).
Secrets and infrastructure (database, keys, mail server) are not settings: they stay in the environment.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, fields, replace
from zoneinfo import available_timezones

from babel.numbers import is_currency

from core import characters, contrast
from core.errors import ValidationFailed
from core.policies import HoldPolicy, ReturnPolicy

# What the shop's colours are drawn against (app.css, staff.css, the email layouts): each must reach 4.5:1
# with all of these. The brand carries white text and is the colour of links on cards and on the canvas; the
# emails' accent button carries dark text.
BACKGROUNDS: dict[str, tuple[str, ...]] = {"primary_color": ("#ffffff", "#f4f6f9"), "accent_color": ("#111827",)}
_URL = re.compile(r"https?://[^\s\"'<>]+")
_PHONE = re.compile(r"\+?[0-9 ()./-]{5,30}")
_TRUE, _FALSE = {"1", "true", "yes", "on"}, {"0", "false", "no", "off", ""}


@dataclass(frozen=True)
class ShopSettings:
    """Every setting's current value; each default is the demo's (``make run`` works with none set)."""

    shop_name: str = "Shiplog Demo Store"
    logo_url: str | None = None
    primary_color: str = "#1f4f82"
    accent_color: str = "#f2a900"
    support_email: str = "support@example.com"
    support_phone: str | None = None
    return_address: str | None = None  # lines separated by new lines or ";" (core.returning)
    return_window_days: int = 30
    restocking_fee_bps: int = 0
    returns_auto_approve: bool = True
    fraud_score_threshold: int = 75
    timezone: str = "America/New_York"
    currency: str = "USD"

    def return_policy(self, base: ReturnPolicy | None = None) -> ReturnPolicy:
        return replace(
            base or ReturnPolicy(),
            window_days=self.return_window_days,
            restocking_fee_bps=self.restocking_fee_bps,
            auto_approve=self.returns_auto_approve,
        )

    def hold_policy(self, base: HoldPolicy | None = None) -> HoldPolicy:
        return replace(base or HoldPolicy(), fraud_score_threshold=self.fraud_score_threshold)

    def value_text(self, key: str) -> str:
        """A value as the form and the audit show it."""
        value = getattr(self, key)
        if isinstance(value, bool):
            return "yes" if value else "no"
        return "" if value is None else str(value)


KEYS = tuple(f.name for f in fields(ShopSettings))
DEFAULTS = ShopSettings()


class InvalidSettings(ValidationFailed):
    """Values refused, each with its field's own message; nothing was saved."""

    def __init__(self, errors: Mapping[str, str]) -> None:
        first = next(iter(errors))
        super().__init__(errors[first], field=first)
        self.errors = dict(errors)


def _text(limit: int, label: str, *, optional: bool = False, multiline: bool = False) -> Callable[[str], object]:
    def parse(raw: str) -> object:
        value = raw.strip()
        if not value:
            if optional:
                return None
            raise ValueError(f"{label} is required.")
        if len(value) > limit:
            raise ValueError(f"{label} can be at most {limit} characters.")
        bad = characters.refused(value, multiline=multiline)
        if bad is not None:
            raise ValueError(f"{label} contains a character that is not allowed: {characters.describe(bad)}.")
        return value

    return parse


def _whole(low: int, high: int, label: str) -> Callable[[str], object]:
    def parse(raw: str) -> object:
        value = raw.strip()
        if not re.fullmatch(r"-?[0-9]{1,9}", value):
            raise ValueError(f"{label} must be a whole number from {low} to {high}.")
        if not low <= int(value) <= high:
            raise ValueError(f"{label} must be from {low} to {high}, not {int(value)}.")
        return int(value)

    return parse


def _flag(raw: str) -> object:
    value = raw.strip().lower()
    if value not in _TRUE | _FALSE:
        raise ValueError("Answer yes or no.")
    return value in _TRUE


def _email(raw: str) -> object:
    from core.domain.commands import normalise_email

    try:
        return normalise_email(raw)
    except ValidationFailed as refused:
        raise ValueError(refused.message) from None


def _url(raw: str) -> object:
    value = _text(500, "The logo URL", optional=True)(raw)
    if value is not None and not _URL.fullmatch(str(value)):
        raise ValueError("The logo URL must start with https:// (or http://) and hold no spaces or quotes.")
    return value


def _phone(raw: str) -> object:
    value = _text(30, "The support phone", optional=True)(raw)
    if value is not None and not _PHONE.fullmatch(str(value)):
        raise ValueError("A phone number holds digits, spaces, +, ( ) . or -, e.g. +1 312 555 0100.")
    return value


def _colour(key: str, label: str) -> Callable[[str], object]:
    def parse(raw: str) -> object:
        value = raw.strip().lower()
        if contrast.parse(value) is None:
            raise ValueError(f"{label} must be a colour like #1f4f82.")
        against = BACKGROUNDS[key]
        worst = min(against, key=lambda c: contrast.ratio(value, c))
        if contrast.ratio(value, worst) < contrast.TEXT:
            suggestion = contrast.accessible(value, against)
            raise ValueError(
                f"{label} {value} has a contrast of {contrast.ratio(value, worst):.2f}:1 against {worst}, where it is "
                f"drawn; text needs {contrast.TEXT}:1. The nearest colour that reads is {suggestion}."
            )
        return value

    return parse


def _zone(raw: str) -> object:
    value = raw.strip()
    if value not in available_timezones():
        raise ValueError(f"{value!r} is not an IANA time zone, such as Europe/Berlin or America/Chicago.")
    return value


def _currency(raw: str) -> object:
    value = raw.strip().upper()
    if not re.fullmatch(r"[A-Z]{3}", value) or not is_currency(value):
        raise ValueError(f"{raw.strip()!r} is not an ISO 4217 currency code, such as USD, EUR or GBP.")
    return value


@dataclass(frozen=True)
class Setting:
    key: str
    label: str  # the form's label; messages start with it
    env: str  # the environment variable that gives the default while it is unset
    parse: Callable[[str], object]  # text -> value, or ValueError with the message a person reads
    group: str  # the settings page's section
    hint: str = ""


SETTINGS: tuple[Setting, ...] = (
    Setting("shop_name", "Shop name", "SHOP_NAME", _text(120, "The shop name"), "Branding"),
    Setting("logo_url", "Logo URL", "SHOP_LOGO_URL", _url, "Branding", "An image at https://…, 32 px high."),
    Setting("primary_color", "Primary colour", "SHOP_PRIMARY_COLOR", _colour("primary_color", "The primary colour"),
            "Branding", "Header and links: white text must read on it (4.5:1)."),
    Setting("accent_color", "Accent colour", "SHOP_ACCENT_COLOR", _colour("accent_color", "The accent colour"),
            "Branding", "Buttons in emails: dark text must read on it (4.5:1)."),
    Setting("support_email", "Support email", "SHOP_SUPPORT_EMAIL", _email, "Support contact",
            "Shown on every customer page; replies to emails go here unless MAIL_REPLY_TO is set."),
    Setting("support_phone", "Support phone", "SHOP_SUPPORT_PHONE", _phone, "Support contact"),
    Setting("return_address", "Return address", "SHOP_RETURN_ADDRESS",
            _text(500, "The return address", optional=True, multiline=True), "Returns",
            "One line each. Printed on return labels, return pages and emails."),
    Setting("return_window_days", "Return window (days)", "RETURN_WINDOW_DAYS",
            _whole(0, 365, "The return window"), "Returns", "Counted from delivery."),
    Setting("restocking_fee_bps", "Restocking fee (basis points)", "RESTOCKING_FEE_BPS",
            _whole(0, 10_000, "The restocking fee"), "Returns", "100 = 1% of each refunded line."),
    Setting("returns_auto_approve", "Approve returns automatically", "RETURNS_AUTO_APPROVE", _flag, "Returns",
            "Damaged or wrong items always wait for staff."),
    Setting("fraud_score_threshold", "Hold threshold (fraud score)", "FRAUD_SCORE_THRESHOLD",
            _whole(0, 100, "The hold threshold"), "Orders", "Orders scoring above it wait for review."),
    Setting("timezone", "Time zone", "SHOP_TIMEZONE", _zone, "Shop", "The shop's clock on every page and message."),
    Setting("currency", "Currency", "SHOP_CURRENCY", _currency, "Shop", "ISO 4217, e.g. USD."),
)  # fmt: skip
BY_KEY: dict[str, Setting] = {s.key: s for s in SETTINGS}


def parse_values(raw: Mapping[str, str]) -> dict[str, object]:
    """The given settings (key -> text) as values; every refused one is named in one ``InvalidSettings``."""
    values: dict[str, object] = {}
    errors: dict[str, str] = {}
    for key, text in raw.items():
        setting = BY_KEY.get(key)
        if setting is None:
            errors[key] = f"There is no setting {key!r}."
            continue
        try:
            values[key] = setting.parse(text if isinstance(text, str) else str(text))
        except ValueError as refused:
            errors[key] = str(refused)
    if errors:
        raise InvalidSettings(errors)
    return values


def with_values(base: ShopSettings, values: Mapping[str, object]) -> ShopSettings:
    return replace(base, **{k: v for k, v in values.items() if k in BY_KEY})


def defaults_from(environment: Mapping[str, object]) -> ShopSettings:
    """The defaults an install's environment (or configuration, by the same names) gives; a value there
    that breaks its rule is left at the built-in default, and the start-up log says so (``check_defaults``)."""
    found: dict[str, object] = {}
    for setting in SETTINGS:
        raw = environment.get(setting.env)
        if raw is None or raw == "":
            continue
        try:
            found[setting.key] = setting.parse(raw if isinstance(raw, str) else _as_text(raw))
        except ValueError:
            continue
    return with_values(DEFAULTS, found)


def check_defaults(environment: Mapping[str, object]) -> list[str]:
    """What the start-up log says about environment defaults a setting's rule refuses."""
    problems = []
    for setting in SETTINGS:
        raw = environment.get(setting.env)
        if raw is None or raw == "":
            continue
        try:
            setting.parse(raw if isinstance(raw, str) else _as_text(raw))
        except ValueError as refused:
            problems.append(f"{setting.env}: {refused} Using {DEFAULTS.value_text(setting.key) or '(unset)'}.")
    return problems


def _as_text(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def stored_text(value: object) -> str | None:
    """A value as its row keeps it (None: unset)."""
    return None if value is None else _as_text(value)


def from_rows(base: ShopSettings, rows: Mapping[str, str | None]) -> ShopSettings:
    """The stored rows over ``base``; a row the rules no longer accept is ignored (its default shows)."""
    values: dict[str, object] = {}
    for key, text in rows.items():
        setting = BY_KEY.get(key)
        if setting is None:
            continue
        if text is None:
            values[key] = None if getattr(DEFAULTS, key) is None else getattr(base, key)
            continue
        try:
            values[key] = setting.parse(text)
        except ValueError:
            continue
    return with_values(base, values)
