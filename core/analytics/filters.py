"""The filters every KPI takes: a date range plus channel, carrier and product, and the SLA settings.

Pure data and parsing. Dates are whole days of the shop's time zone (``timezone``, from
``SHOP_TIMEZONE``): a manager's "14 Sep" is New York's 14 Sep, not UTC's. ``end`` is inclusive. ``as_of`` is "now" for the
snapshot KPIs (orders waiting, parcels in transit, return windows), passed in so results are
reproducible in tests and comparable between periods.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, replace
from datetime import UTC, date, datetime, time, timedelta

from core.clock import utcnow, zone
from core.errors import ValidationFailed

GRANULARITIES = ("day", "week", "month")
MAX_RANGE_DAYS = 3660


@dataclass(frozen=True)
class Filters:
    start: date
    end: date  # inclusive
    channel: str | None = None
    carrier: str | None = None
    sku: str | None = None
    granularity: str = "day"
    sla_hours: int = 48
    sla_business: bool = True  # count only Monday-Friday hours towards the SLA
    return_window_days: int = 30
    as_of: datetime | None = None
    timezone: str = "UTC"  # the shop's zone: days, periods, business hours and due days follow it

    def _midnight(self, day: date) -> datetime:
        """The shop-local midnight starting ``day``, as naive UTC (the warehouse stores naive UTC)."""
        local = datetime.combine(day, time.min, tzinfo=zone(self.timezone))
        return local.astimezone(UTC).replace(tzinfo=None)

    @property
    def start_at(self) -> datetime:
        """The first instant of the range."""
        return self._midnight(self.start)

    @property
    def end_at(self) -> datetime:
        """The first instant after the range (exclusive bound)."""
        return self._midnight(self.end + timedelta(days=1))

    @property
    def now(self) -> datetime:
        """``as_of`` as naive UTC; the moment snapshot KPIs are taken relative to."""
        moment = self.as_of or utcnow()
        return moment.astimezone(UTC).replace(tzinfo=None) if moment.tzinfo else moment

    @property
    def snapshot_at(self) -> datetime:
        """Snapshots describe the end of the range, or now if the range is still running."""
        return min(self.end_at, self.now)

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def previous(self) -> Filters:
        """The period of the same length that ends the day before this one starts."""
        end = self.start - timedelta(days=1)
        return replace(self, start=end - timedelta(days=self.days - 1), end=end)

    def cache_key(self) -> tuple[object, ...]:
        values = asdict(self)
        values["as_of"] = None  # snapshots move with the clock; the cache TTL covers that
        return tuple(sorted(values.items()))

    def as_dict(self) -> dict[str, object]:
        return {
            "from": self.start.isoformat(),
            "to": self.end.isoformat(),
            "channel": self.channel,
            "carrier": self.carrier,
            "product": self.sku,
            "granularity": self.granularity,
            "sla_hours": self.sla_hours,
            "sla_business": self.sla_business,
            "return_window_days": self.return_window_days,
            "timezone": self.timezone,
        }


def filters_to_json(f: Filters) -> dict[str, object]:
    """Every field, for a view request another process answers (``core.analytics.views``)."""
    values = asdict(f)
    values |= {
        "start": f.start.isoformat(),
        "end": f.end.isoformat(),
        "as_of": f.as_of.isoformat() if f.as_of else None,
    }
    return values


def filters_from_json(data: Mapping[str, object]) -> Filters:
    values = dict(data)
    values |= {"start": date.fromisoformat(str(data["start"])), "end": date.fromisoformat(str(data["end"]))}
    values["as_of"] = datetime.fromisoformat(str(data["as_of"])) if data.get("as_of") else None
    return Filters(**values)  # type: ignore[arg-type]


def _date(raw: str | None, field: str, default: date) -> date:
    if raw is None or raw == "":
        return default
    try:
        return date.fromisoformat(raw[:10])
    except ValueError:
        raise ValidationFailed(f"{field} must be a date like 2025-03-31, not {raw!r}.", field=field) from None


def _int(raw: str | None, field: str, default: int, low: int, high: int) -> int:
    if raw is None or raw == "":
        return default
    if not raw.strip().isdigit() or not low <= int(raw) <= high:
        raise ValidationFailed(f"{field} must be a whole number from {low} to {high}.", field=field)
    return int(raw)


def _text(raw: str | None, field: str) -> str | None:
    value = (raw or "").strip()
    if len(value) > 64:
        raise ValidationFailed(f"{field} is too long.", field=field)
    return value or None


def parse_filters(
    args: Mapping[str, str], *, today: date | None = None, window_days: int = 30, timezone: str = "UTC"
) -> Filters:
    """Filters from query-string style arguments (``from``, ``to``, ``channel``, ``carrier``, ``product``...).

    Defaults to the last 30 days, ending today on the shop's clock (``timezone``). Raises
    ``ValidationFailed`` with the offending field."""
    today = today or utcnow().astimezone(zone(timezone)).date()
    end = _date(args.get("to"), "to", today)
    start = _date(args.get("from"), "from", end - timedelta(days=29))
    if start > end:
        raise ValidationFailed("'from' must be on or before 'to'.", field="from")
    if (end - start).days > MAX_RANGE_DAYS:
        raise ValidationFailed(f"The range can be at most {MAX_RANGE_DAYS} days.", field="from")
    granularity = args.get("granularity") or "day"
    if granularity not in GRANULARITIES:
        raise ValidationFailed("granularity must be day, week or month.", field="granularity")
    return Filters(
        start=start,
        end=end,
        channel=_text(args.get("channel"), "channel"),
        carrier=_text(args.get("carrier"), "carrier"),
        sku=_text(args.get("product"), "product"),
        granularity=granularity,
        sla_hours=_int(args.get("sla_hours"), "sla_hours", 48, 1, 24 * 60),
        sla_business=(args.get("sla_business") or "1") not in {"0", "false", "no", "off"},
        return_window_days=_int(args.get("return_window_days"), "return_window_days", window_days, 1, 365),
        timezone=timezone,
    )
