"""A synthetic translation task: dates in many human formats -> ISO 8601.

Deterministic for a seed, so the embedded default translation corpus is the same on
every machine. Formats are unambiguous: slashes are month/day/year (US), dots are
day.month.year, and two-digit years 50-99 mean 19xx, 00-49 mean 20xx.
"""

from __future__ import annotations

import calendar
import datetime as dt
import random

MONTHS = list(calendar.month_name)[1:]
MONTHS_SHORT = list(calendar.month_abbr)[1:]
WEEKDAYS = list(calendar.day_name)
WEEKDAYS_SHORT = list(calendar.day_abbr)
FIRST = dt.date(1950, 1, 1).toordinal()
LAST = dt.date(2049, 12, 31).toordinal()


def _ordinal(day: int) -> str:
    if 10 <= day % 100 <= 20:
        return f"{day}th"
    return f"{day}{ {1: 'st', 2: 'nd', 3: 'rd'}.get(day % 10, 'th') }"


def _formats(d: dt.date) -> list[str]:
    month, month_short = MONTHS[d.month - 1], MONTHS_SHORT[d.month - 1]
    weekday, weekday_short = WEEKDAYS[d.weekday()], WEEKDAYS_SHORT[d.weekday()]
    yy = f"{d.year % 100:02d}"
    return [
        f"{d.day} {month} {d.year}",
        f"{weekday}, {d.day} {month} {d.year}",
        f"{d.month:02d}/{d.day:02d}/{yy}",
        f"{d.month}/{d.day}/{d.year}",
        f"{month} {_ordinal(d.day)}, {yy}",
        f"{month} {d.day}, {d.year}",
        f"{month_short} {d.day} {d.year}",
        f"{weekday_short} {d.day} {month_short} {d.year}",
        f"{d.day:02d}.{d.month:02d}.{d.year}",
        f"{_ordinal(d.day)} of {month}, {d.year}",
        f"{d.day} {month_short.lower()} {yy}",
        f"{month.upper()} {d.day} {d.year}",
    ]


def date_pairs(size: int, seed: int = 0) -> list[tuple[str, str]]:
    """``size`` (human date, ISO date) pairs drawn uniformly over 1950-2049."""
    if size < 1:
        raise ValueError(f"size must be >= 1, got {size}")
    rng = random.Random(seed)
    pairs = []
    for _ in range(size):
        day = dt.date.fromordinal(rng.randint(FIRST, LAST))
        pairs.append((rng.choice(_formats(day)), day.isoformat()))
    return pairs
