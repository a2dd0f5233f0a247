"""Silences in French: a duration rounded for reading, its two bounds, and the exact figures.

"environ deux ans sans contact connu, de mi-2022 au 27 novembre 2024". A silence runs from
the last known contact before it to the first one after; each contact's date may be a day,
a month, a year, a season, an approximate or uncertain date, an interval ("somewhere between")
or open on one side. The sentence names each bound as a reader would say it (an interval
becomes "mi-2022", "début février 2022"), and ``exact_text`` keeps the figures and the dates as
the records give them. Pure functions of dates and day counts; no markup.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from chronicle.dates import MONTHS_FR, EdtfDate, format_day, month_end

NUMBERS_FR = ("zéro", "un", "deux", "trois", "quatre", "cinq", "six", "sept", "huit", "neuf", "dix")
DAYS_PER_MONTH = 30.44
DAYS_PER_YEAR = 365.25
EXACT_DAYS_UNDER = 100   # an exact count below this reads best in days ("84 jours")
DAYS_UNDER = 60          # a range whose longest is below this stays in days ("de 3 à 10 jours")
MONTHS_UNDER = 730       # ... below this, in months; beyond, in years and half-years
CLOSE_RATIO = 1.5        # a range whose ends are this close reads "environ <middle>"
SEASONS = {3: ("le", "printemps"), 6: ("l'", "été"), 9: ("l'", "automne"), 12: ("l'", "hiver")}


@dataclass(frozen=True)
class Moment:
    """A contact's date as a reader names it: "11 février 2022", "mi-2022", "l'été 2022".

    ``kind`` is day, month, year, season, part (début/mi/fin of a month or a year); ``body``
    has no article; ``year`` is repeated in ``body`` unless ``short`` is asked for.
    """

    kind: str
    body: str
    short: str            # the body without its year (for "du 18 février au 13 mai 2022")
    year: int
    suffix: str = ""      # " environ", " (date incertaine)"
    rounded: bool = False  # the body rounds a range of days

    def text(self, with_year: bool = True) -> str:
        """The body, with or without its year, and the qualifiers."""
        return (self.body if with_year else self.short) + self.suffix


def number(n: int) -> str:
    """A count as French press style writes it: letters up to ten, digits beyond."""
    return NUMBERS_FR[n] if 0 <= n <= 10 else str(n)


def _unit(n: float, unit: str) -> str:
    """ "un mois", "trois mois", "un an et demi", "deux ans": ``n`` in months or years (halves)."""
    if unit == "mois":
        return f"{number(round(n))} mois"
    whole, half = int(n), n - int(n) >= 0.5
    if whole == 0:
        return "six mois"
    years = f"{number(whole)} an{'s' if whole > 1 else ''}"
    return f"{years} et demi" if half else years


def _de(words: str) -> str:
    """ "de" before a count, elided before "un"."""
    return f"d'{words}" if words.startswith("un") else f"de {words}"


def _days(n: int) -> str:
    return "un jour" if n == 1 else f"{n} jours"


def _in_units(low: int, high: int) -> tuple[str, float, float]:
    """The unit of a range, and its ends in that unit (years rounded to halves)."""
    if high < MONTHS_UNDER:
        return "mois", round(low / DAYS_PER_MONTH), round(high / DAYS_PER_MONTH)
    return "ans", _years(low), _years(high)


def _years(days: int) -> float:
    """Years, to the half only when the half is the nearest reading (2.26 years: "deux ans")."""
    years = days / DAYS_PER_YEAR
    return int(years) + 0.5 if abs(years - int(years) - 0.5) < 0.15 else float(round(years))


def duration_words(low: int, high: int | None, approximate: bool = False) -> str:
    """A length of time rounded for reading: "84 jours", "environ deux ans", "de trois à dix mois".

    ``high`` None: no upper bound ("au moins trois mois"). ``approximate``: a bound of the
    silence is itself approximate, so even an exact count reads "environ".
    """
    if high is None:
        return f"au moins {_days(low)}" if low < DAYS_UNDER else f"au moins {_floor_words(low)}"
    if low == high:
        if low < EXACT_DAYS_UNDER:
            return f"environ {_days(low)}" if approximate else _days(low)
        if approximate:
            return f"environ {_rounded_words(low)}"
        return f"{_days(low)} (environ {_rounded_words(low)})"  # exact, and said as a reader counts
    if high < DAYS_UNDER:
        return f"au plus {_days(high)}" if low == 0 else f"de {low} à {high} jours"
    unit, lo, hi = _in_units(low, high)
    if lo == 0:
        return f"au plus {_rounded_words(high)}" if low == 0 else f"{_de(_days(low))} à {_rounded_words(high)}"
    if lo == hi or hi / lo <= CLOSE_RATIO:
        return f"environ {_rounded_words((low + high) // 2)}"
    if unit == "mois":
        return f"{_de(number(int(lo)))} à {_unit(hi, 'mois')}"
    return f"{_de(_unit(lo, 'ans'))} à {_unit(hi, 'ans')}"


def _rounded_words(days: int) -> str:
    """One length rounded: days below 60, months below two years, then years by halves."""
    if days < DAYS_UNDER:
        return _days(days)
    if days < MONTHS_UNDER:
        months = round(days / DAYS_PER_MONTH)
        return {12: "un an", 18: "un an et demi", 24: "deux ans"}.get(months) or _unit(months, "mois")
    return _unit(_years(days), "ans")


def _floor_words(days: int) -> str:
    """A lower bound rounded down (an "au moins" must not overstate)."""
    if days < MONTHS_UNDER:
        return _unit(max(1, int(days / DAYS_PER_MONTH)), "mois")
    return _unit(int(2 * days / DAYS_PER_YEAR) / 2, "ans")


def exact_days(low: int, high: int | None) -> str:
    """The count as computed: "84 jours", "de 724 à 928 jours", "au moins 92 jours"."""
    if high is None:
        return f"au moins {_days(low)}"
    return _days(low) if low == high else f"de {low} à {high} jours"


# --- the bounds ------------------------------------------------------------------------------


def _qualifiers(date: EdtfDate) -> str:
    if date.approximate and date.uncertain:
        return " environ (date incertaine)"
    return " environ" if date.approximate else " (date incertaine)" if date.uncertain else ""


def moment(first: datetime.date, last: datetime.date, date: EdtfDate | None = None) -> Moment:
    """The reader's name for the range of days ``first``..``last`` (a contact's possible days)."""
    suffix = _qualifiers(date) if date is not None else ""
    month = MONTHS_FR[first.month - 1]
    if first == last:
        day = format_day(first)
        return Moment("day", day, day.rsplit(" ", 1)[0], first.year, suffix)
    if first.day == 1 and last == month_end(first.year, first.month):
        return Moment("month", f"{month} {first.year}", month, first.year, suffix)
    if (first.month, first.day, last.month, last.day) == (1, 1, 12, 31) and first.year == last.year:
        return Moment("year", str(first.year), str(first.year), first.year, suffix)
    if first.day == 1 and first.month in SEASONS and last == month_end(first.year, first.month + 2):
        name = SEASONS[first.month][1]
        return Moment("season", f"{name} {first.year}", name, first.year, suffix)
    return _rounded(first, last, suffix)


def _rounded(first: datetime.date, last: datetime.date, suffix: str) -> Moment:
    """A range that is no calendar unit, named by its middle at a grain that suits its length."""
    span = (last - first).days + 1
    middle = first + datetime.timedelta(days=(span - 1) // 2)
    month = MONTHS_FR[middle.month - 1]
    if span <= 12:
        part = "début" if middle.day <= 10 else "mi" if middle.day <= 20 else "fin"
        body = f"mi-{month}" if part == "mi" else f"{part} {month}"
        return Moment("part", f"{body} {middle.year}", body, middle.year, suffix, True)
    if span <= 62:
        return Moment("month", f"{month} {middle.year}", month, middle.year, suffix, True)
    if span <= 366:
        part = "début" if middle.month <= 4 else "mi" if middle.month <= 8 else "fin"
        body = f"mi-{middle.year}" if part == "mi" else f"{part} {middle.year}"
        return Moment("part", body, body, middle.year, suffix, True)
    return Moment("year", str(middle.year), str(middle.year), middle.year, " environ", True)


def _starts_with_vowel(text: str) -> bool:
    return text[:1] in "aeiouyéèêàâîôûAEIOUYÉ"


def _lead(m: Moment, text: str, day: str, spring: str, season: str) -> str | None:
    """``text`` after the word a day or a season takes ("printemps" its own); None for other kinds."""
    if m.kind == "day":
        return day + text
    if m.kind == "season":
        return (spring if text.startswith("printemps") else season) + text
    return None


def _from(m: Moment, with_year: bool) -> str:
    """ "du 11 février", "de février", "d'avril", "de l'été", "du printemps", "de mi-2022"."""
    text = m.text(with_year)
    return _lead(m, text, "du ", "du ", "de l'") or (f"d'{text}" if _starts_with_vowel(text) else f"de {text}")


def _to(m: Moment) -> str:
    """ "au 13 mai 2022", "à mai 2022", "à l'été 2022", "au printemps 2022", "à la mi-mai 2022"."""
    text = m.text()
    return _lead(m, text, "au ", "au ", "à l'") or (f"à la {text}" if text.startswith("mi-") else f"à {text}")


def _at(m: Moment) -> str:
    """ "le 1er mars 2022", "en mars 2022", "en 2022", "au printemps 2022", "en été 2022", "mi-2022"."""
    text = m.text()
    return _lead(m, text, "le ", "au ", "en ") or (text if m.kind == "part" else f"en {text}")


def _since(m: Moment) -> str:
    """ "depuis le 11 février 2022", "depuis février 2022", "depuis l'été 2022"."""
    text = m.text()
    return _lead(m, text, "depuis le ", "depuis le ", "depuis l'") or f"depuis {text}"


def _until(m: Moment) -> str:
    """ "jusqu'au 13 mai 2022", "jusqu'en mai 2022", "jusqu'à l'été 2022", "jusqu'à la mi-mai 2022"."""
    if m.kind in ("month", "year"):
        return f"jusqu'en {m.text()}"
    return "jusqu'" + _to(m)


def at_words(date: EdtfDate) -> str:
    """A date after "à la date de ...,": "le 5 décembre 2024 (date incertaine)", "en mai 2022"."""
    first, last = date.start or date.end, date.end or date.start
    assert first is not None and last is not None
    return _at(moment(first, last, date))


def span_words(before: EdtfDate, after: EdtfDate) -> str:
    """Where a silence lies: "du 18 février au 13 mai 2022", "de mi-2022 au 27 novembre 2024".

    ``before`` is the date of the contact that opens the silence, ``after`` of the one that
    closes it. A side open or unknown ("../2022-03-01", "2022-05-13/..") has one bound only:
    "depuis un contact au plus tard le 1er mars 2022 jusqu'au 13 mai 2022".
    """
    left = moment(before.start, before.end, before) if before.start and before.end else None
    right = moment(after.start, after.end, after) if after.start and after.end else None
    if left and right:
        # the left's year goes when the right repeats it ("du 18 février au 13 mai 2022")
        same = (left.year == right.year and left.kind in ("day", "month", "season") and not left.suffix
                and right.short != right.body)
        if same and left.kind == right.kind == "day" and left.short.split(" ")[1:] == right.short.split(" ")[1:]:
            return f"du {left.short.split(' ')[0]} au {right.text()}"  # du 1er au 11 février 2022
        return f"{_from(left, not same)} {_to(right)}"
    start = _since(left) if left else (
        f"depuis un contact au plus tard {_at(moment(before.end, before.end, before))}" if before.end
        else "depuis un contact de date inconnue")
    end = _until(right) if right else (
        f"jusqu'à un contact au plus tôt {_at(moment(after.start, after.start, after))}" if after.start
        else "jusqu'à un contact de date inconnue")
    return f"{start} {end}"


def silence_sentence(before: EdtfDate, after: EdtfDate, low: int, high: int | None) -> str:
    """ "Environ deux ans sans contact connu, de mi-2022 au 27 novembre 2024"."""
    vague = any(d.approximate or d.uncertain or d.interval or d.precision != "day" for d in (before, after))
    words = duration_words(low, high, vague)
    text = f"{words} sans contact connu, {span_words(before, after)}"
    return text[0].upper() + text[1:]


def exact_text(before: EdtfDate, after: EdtfDate, low: int, high: int | None) -> str:
    """The figures as computed, the dates as recorded: for readers who check."""
    return (f"Exactement : {exact_days(low, high)} ; contact d'avant : {before.display()} ; "
            f"contact d'après : {after.display()}.")


def silence_label(low: int, high: int | None, vague: bool = False) -> str:
    """The short label drawn on the timeline: the rounded length alone ("84 jours", "environ deux ans").

    An exact count of 100 days or more is rounded too: the tooltip and the channel page keep it.
    """
    if low == high and low >= EXACT_DAYS_UNDER:
        return f"environ {_rounded_words(low)}"
    return duration_words(low, high, vague)
