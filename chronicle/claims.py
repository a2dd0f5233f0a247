"""The arithmetic of temporal claims: does "84 days later" fit two events' date ranges?

Pure functions shared by the check (a claim that cannot hold is an error) and the derived
facts shown on channel and event pages.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date

DAYS_PER_UNIT = {"days": 1.0, "weeks": 7.0, "months": 30.44}
# Tolerance in days around the claimed figure: how far a plain statement may round.
TOLERANCE = {"days": 0.0, "weeks": 3.0, "months": 15.0}
ABOUT_TOLERANCE = {"days": 2.0, "weeks": 7.0, "months": 30.0}
UNIT_FR = {"days": ("jour", "jours"), "weeks": ("semaine", "semaines"), "months": ("mois", "mois")}


@dataclass(frozen=True)
class Verdict:
    """The outcome of a claim check: the possible interval and whether the claim fits it."""

    holds: bool
    low: int | None          # fewest days possible between the two events (None: unbounded)
    high: int | None         # most days possible
    claimed_low: float
    claimed_high: float


def interval_days(first: tuple[date | None, date | None],
                  second: tuple[date | None, date | None]) -> tuple[int | None, int | None]:
    """Fewest and most days from an event with range ``first`` to one with range ``second``."""
    (start_a, end_a), (start_b, end_b) = first, second
    low = (start_b - end_a).days if start_b and end_a else None
    high = (end_b - start_a).days if end_b and start_a else None
    return low, high


def claimed_range(unit: str, count: int, about: bool, limit: str | None) -> tuple[float, float]:
    """The range of days a claim of ``count`` ``unit`` admits."""
    days = count * DAYS_PER_UNIT[unit]
    if limit == "under":
        return (0.0, days - 1e-9)
    if limit == "over":
        return (days + 1e-9, math.inf)
    slack = (ABOUT_TOLERANCE if about else TOLERANCE)[unit]
    return (days - slack, days + slack)


def evaluate(first: tuple[date | None, date | None], second: tuple[date | None, date | None],
             unit: str, count: int, about: bool = False, limit: str | None = None) -> Verdict:
    """Whether some pair of possible days of the two events fits the claim."""
    low, high = interval_days(first, second)
    claimed_low, claimed_high = claimed_range(unit, count, about, limit)
    lowest = -math.inf if low is None else low
    highest = math.inf if high is None else high
    holds = max(lowest, claimed_low) <= min(highest, claimed_high)
    return Verdict(holds, low, high, claimed_low, claimed_high)


def describe_claim(unit: str, count: int, about: bool, limit: str | None) -> str:
    """French words for what a claim states: "84 jours", "environ 5 mois", "moins de 2 mois"."""
    singular, plural = UNIT_FR[unit]
    words = f"{count} {singular if count == 1 else plural}"
    if limit == "under":
        return f"moins de {words}"
    if limit == "over":
        return f"plus de {words}"
    return f"environ {words}" if about else words


def describe_days(low: int | None, high: int | None) -> str:
    """French words for an interval of days: "84 jours", "de 150 à 179 jours"."""
    if low is None or high is None:
        return "durée indéterminée"
    if low == high:
        return f"{low} jour{'s' if abs(low) > 1 else ''}"
    return f"de {low} à {high} jours"
