"""When orders are placed: a gently growing store, busier on weekdays and in US evenings."""

from __future__ import annotations

import random

from core.seed.stamps import DAY, HOUR

# Relative order volume per UTC hour (00 UTC is a US evening).
HOURLY = (
    1.0, 0.9, 0.7, 0.45, 0.25, 0.15, 0.1, 0.1, 0.12, 0.18, 0.28, 0.4,
    0.55, 0.7, 0.8, 0.85, 0.9, 0.9, 0.9, 0.95, 1.0, 1.0, 1.0, 1.0,
)  # fmt: skip
WEEKDAY = (1.05, 1.0, 1.0, 1.02, 0.95, 0.8, 0.9)  # Monday first
GROWTH = 0.25  # the last day sells this much more than the first


def _day_counts(rng: random.Random, orders: int, days: int, first_day: int) -> list[int]:
    weights = []
    for index in range(days):
        weekday = (first_day + index + 3) % 7  # 1970-01-01 was a Thursday
        trend = 1 + GROWTH * index / max(days - 1, 1)
        weights.append(trend * WEEKDAY[weekday] * rng.lognormvariate(0, 0.08))
    total = sum(weights)
    counts = [int(orders * w / total) for w in weights]
    for index in rng.sample(range(days), k=min(days, orders - sum(counts))):
        counts[index] += 1
    while sum(counts) < orders:  # only when there are more leftovers than days
        counts[rng.randrange(days)] += 1
    return counts


def placement_times(rng: random.Random, orders: int, days: int, now: int) -> list[int]:
    """``orders`` placement times over the ``days`` before ``now``, sorted."""
    start = now - days * DAY
    counts = _day_counts(rng, orders, days, start // DAY)
    times: list[int] = []
    peak = max(HOURLY)
    for index, count in enumerate(counts):
        day_start = start + index * DAY
        made = 0
        while made < count:
            t = day_start + rng.randrange(DAY)
            if rng.random() * peak < HOURLY[(t % DAY) // HOUR]:
                times.append(min(t, now - 60))
                made += 1
    times.sort()
    return times
