"""The arithmetic of temporal claims: does "84 days later" fit two events' date ranges?

Pure functions the check applies once to every claim (a claim that cannot hold is an error); its
judgements are the derived facts shown on channel and event pages.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date

# A month is 30.44 days rather than dateutil's calendar months (relativedelta): from every day of 2015-2025,
# n calendar months (n <= 60) differ from 30.44 n days by 3 days at most, well inside the ±15 days a
# month claim is allowed; and the events' dates are ranges of days, which calendar months do not shorten.
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


@dataclass(frozen=True)
class Judgement:
    """What the check found of one claim, once: its verdict, and for the pages, whether an order is
    certain (every possible day in that order) and the contacts a rank counted (the second event last)."""

    verdict: Verdict
    certain: bool = False
    counted: tuple[str, ...] = ()


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


# --- claims of order and of rank ------------------------------------------------------------------

CONTACT_KINDS = frozenset({"call", "meeting"})  # what a rank counts: "la deuxième conversation"
ORDINALS = ("premier", "deuxième", "troisième", "quatrième", "cinquième", "sixième", "septième", "huitième",
            "neuvième", "dixième")


def order_verdict(first: tuple[date | None, date | None], second: tuple[date | None, date | None],
                  order: str) -> tuple[bool, bool]:
    """(possible, certain) for "the first event happened ``order`` (before/after) the second".

    Possible when some day of the one falls strictly before some day of the other; certain when
    every day does. An open or unknown end allows anything.
    """
    (start_a, end_a), (start_b, end_b) = (first, second) if order == "before" else (second, first)
    possible = start_a is None or end_b is None or start_a < end_b
    certain = end_a is not None and start_b is not None and end_a < start_b
    return possible, certain


def rank_since(contacts: list[tuple[object, str]], since: tuple[object, str], subject: str) -> list[str]:
    """The contacts counted up to ``subject``, after ``since``: the subject is the last, its rank their number.

    ``contacts`` are (sort key, id) of the contacts on one channel, ``since`` the (sort key, id) of the
    event counted from; empty when ``subject`` is not among the contacts after ``since``.
    """
    counted = [event_id for key, event_id in sorted(contacts) if (key, event_id) > since]  # type: ignore[operator]
    return counted[:counted.index(subject) + 1] if subject in counted else []


def ordinal(rank: int) -> str:
    """French ordinal adjective: 1 -> "premier", 2 -> "deuxième", 12 -> "12e"."""
    return ORDINALS[rank - 1] if 1 <= rank <= len(ORDINALS) else f"{rank}e"


def describe_order(order: str) -> str:
    """ "avant" or "après"."""
    return "avant" if order == "before" else "après"
