"""EDTF dates (levels 0 and 1): ranges, a sort key and a French display form.

A hand-written parser rather than the ``edtf`` package: ``bench/dates.md`` gives the
figures and the reasons (speed, open intervals, winter, reversed intervals, French errors).
"""

from __future__ import annotations

import calendar
import datetime
import re
from dataclasses import dataclass
from functools import cache

MONTHS_FR = (
    "janvier", "février", "mars", "avril", "mai", "juin",
    "juillet", "août", "septembre", "octobre", "novembre", "décembre",
)  # fmt: skip

# Level 1 seasons, northern hemisphere: (article, name, first month); each lasts three months,
# so winter runs from December into February of the next year.
_SEASONS = {21: ("le ", "printemps", 3), 22: ("l'", "été", 6), 23: ("l'", "automne", 9),
            24: ("l'", "hiver", 12)}  # fmt: skip

_ACCEPTED = (
    "formes acceptées : 2022-05-13, 2022-05, 2022, 2022-02~ (vers), 2022-11? (incertain), "
    "2022-03-01/2022-11-29 (entre deux dates), 2022-03-01/.. (depuis)."
)
_UNSUPPORTED = {
    "year": "les années hors de 0001–9999 ne sont pas prises en charge.",
    "time": "les heures ne sont pas prises en charge, seulement les jours.",
    "set": "les listes de dates ([…] ou {…}, niveau 2 d'EDTF) ne sont pas prises en charge.",
    "significant": "les chiffres significatifs (S, niveau 2 d'EDTF) ne sont pas pris en charge.",
    "partial": "les signes ?, ~ et % sur une partie de la date (niveau 2 d'EDTF) ne sont pas "
    "pris en charge ; placez-les à la fin de la date.",
    "unspecified": "les chiffres inconnus (X) à cet endroit (niveau 2 d'EDTF) ne sont pas pris en charge.",
    "interval-x": "les chiffres inconnus (X) dans un intervalle (niveau 2 d'EDTF) ne sont pas "
    "pris en charge.",
    "division": "les divisions de l'année 25 à 41 (niveau 2 d'EDTF) ne sont pas prises en "
    "charge ; saisons acceptées : 21 à 24.",
}

# re.ASCII: \d would also match Arabic-Indic, full-width... digits, which int() reads as ASCII ones:
# "٢٠٢٢-05-13" must be refused, not published as 2022 with its text shown as written.
_POINT = re.compile(r"(\d{4}|\d{3}X|\d{2}XX)(?:-(\d{2}|XX)(?:-(\d{2}|XX))?)?([?~%]?)", re.ASCII)
_ANY_X = re.compile(r"[\dX]{4}(?:-[\dX]{2}){0,2}", re.ASCII)  # the shape of a date, X anywhere
_OPEN, _UNKNOWN = "..", ""
_PRECISION_RANK = {"year": 0, "month": 1, "day": 2}
# "jusqu'" + à + article, "à partir" + de + article
_AFTER_A = {"le ": "au ", "les ": "aux ", "l'": "à l'", "": "en "}
_AFTER_DE = {"le ": "du ", "les ": "des ", "l'": "de l'", "": "de "}
_LAST_DAY = datetime.date(9999, 12, 31)
# What "~" (approximate) adds on each side of a date's range, in days, for the arithmetic of silences and
# claims: "vers le 3 décembre" may be a few days off, "vers mars" half a month, "vers 2021" half a year.
# Displays and sorting keep the written range. Documented in CONTRIBUTING.md and on the about page.
APPROXIMATE_DAYS = {"day": 3, "month": 15, "year": 182}


class DateError(ValueError):
    """A date an editor wrote that cannot be read; ``message`` is a French sentence."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class _Point:
    """One date of an EDTF string (a whole date, or one end of an interval)."""

    kind: str  # day, month, year, season, decade, century, month-xx, year-xx, year-xx-xx
    year: int
    month: int  # 1-12, a season code 21-24, or 0 when unknown or absent
    day: int  # 0 when unknown or absent
    start: datetime.date
    end: datetime.date
    approximate: bool
    uncertain: bool

    @property
    def precision(self) -> str:
        """``day``, ``month`` or ``year``: the finest part written."""
        if self.kind == "day":
            return "day"
        return "month" if self.kind in ("month", "season", "month-xx") else "year"

    @property
    def article(self) -> str:
        """The article French puts before the body after "vers", "entre"... ("le 13 mai")."""
        if self.kind == "season":
            return _SEASONS[self.month][0]
        return {"day": "le ", "decade": "les ", "century": "les "}.get(self.kind, "")

    def body(self, with_year: bool = True) -> str:
        """The date in words without article: "1er mars 2022", "printemps", "années 2010"."""
        year = f" {self.year}" if with_year else ""
        if self.kind == "day":
            return f"{_ordinal(self.day)} {MONTHS_FR[self.month - 1]}{year}"
        if self.kind in ("month", "month-xx"):
            return f"{MONTHS_FR[self.month - 1]}{year}"
        if self.kind == "season":
            return f"{_SEASONS[self.month][1]}{year}"
        if self.kind == "decade":
            return f"années {self.start.year}"
        if self.kind == "century":
            return f"années {self.start.year} à {self.end.year}"
        return str(self.year)

    def notes(self) -> list[str]:
        """What the X digits leave unknown, in words."""
        unknown = {"year-xx": "mois inconnu", "year-xx-xx": "mois et jour inconnus",
                   "month-xx": "jour inconnu"}  # fmt: skip
        return [unknown[self.kind]] if self.kind in unknown else []


@dataclass(frozen=True)
class EdtfDate:
    """A parsed EDTF date: the text as written, its range of days and its qualifiers."""

    text: str
    start: datetime.date | None
    end: datetime.date | None
    precision: str
    approximate: bool
    uncertain: bool
    interval: bool
    open_end: bool
    open_start: bool

    @property
    def unknown_start(self) -> bool:
        """True for an interval whose start is left empty ("/2022")."""
        return self.interval and self.start is None and not self.open_start

    @property
    def unknown_end(self) -> bool:
        """True for an interval whose end is left empty ("2022-03-01/")."""
        return self.interval and self.end is None and not self.open_end

    def sort_key(self) -> tuple[int, int, int, str]:
        """Key ordering events by start (open first), end (open last), coarser first, text.

        An unknown start ("/2022-03-21": some day up to then) sorts at its end, where pages place it,
        rather than before every other event."""
        known = self.start or (self.end if self.unknown_start else None)
        start = known.toordinal() if known else 0
        end = self.end.toordinal() if self.end else _LAST_DAY.toordinal() + 1
        return (start, end, _PRECISION_RANK[self.precision], self.text)

    def display(self) -> str:
        """The date in French for readers: "13 mai 2022", "entre mars et novembre 2022"."""
        first, last = _split(self.text)
        if not self.interval:
            assert first is not None
            return _display_single(first)
        return _display_interval(first, last, self.open_start, self.open_end)

    def reach(self) -> tuple[datetime.date | None, datetime.date | None]:
        """The earliest and latest possible days, each approximate end widened by ``APPROXIMATE_DAYS``."""
        first, last = _split(self.text)
        return _widen(self.start, first, -1), _widen(self.end, last, 1)

    def iso_start(self) -> str | None:
        """Earliest possible day as ``YYYY-MM-DD``, None when open or unknown."""
        return self.start.isoformat() if self.start else None

    def iso_end(self) -> str | None:
        """Latest possible day as ``YYYY-MM-DD``, None when open or unknown."""
        return self.end.isoformat() if self.end else None


@cache  # with ``_split``'s: 0.8 s of CPU from check to plan at 10,000 events (``bench/tricks.py``)
def parse_edtf(text: str) -> EdtfDate:
    """Parse an EDTF string (levels 0 and 1) into an EdtfDate; raise DateError if invalid."""
    if not isinstance(text, str):
        raise DateError(f"« {text} » : la date doit être du texte ; écrivez-la entre guillemets.")
    text = text.strip(" ")  # spaces only: "2022\n" or "2022\u2003" is not a date (whole-string validation)
    first, last = _split(text)
    main = first or last
    assert main is not None
    points = [point for point in (first, last) if point is not None]
    left, slash, right = text.partition("/")
    return EdtfDate(
        text,
        start=first.start if first else None,
        end=last.end if last else None,
        precision=main.precision,
        approximate=any(point.approximate for point in points),
        uncertain=any(point.uncertain for point in points),
        interval=bool(slash),
        open_end=right == _OPEN,
        open_start=left == _OPEN,
    )


def format_day(day: datetime.date) -> str:
    """A day in French: "13 mai 2022", "1er mars 2022"."""
    return f"{_ordinal(day.day)} {MONTHS_FR[day.month - 1]} {day.year}"


def _widen(day: datetime.date | None, point: _Point | None, sign: int) -> datetime.date | None:
    """``day`` moved outwards by the margin of an approximate ``point`` (within the supported years)."""
    if day is None or point is None or not point.approximate:
        return day
    try:
        return day + datetime.timedelta(days=sign * APPROXIMATE_DAYS[point.precision])
    except OverflowError:
        return day


def days_between(first: datetime.date, second: datetime.date) -> int:
    """Number of days from ``first`` to ``second`` (negative when second is earlier)."""
    return (second - first).days


# --- parsing ---------------------------------------------------------------------------


@cache  # ``EdtfDate.display`` and ``reach`` split again the text of dates already parsed
def _split(text: str) -> tuple[_Point | None, _Point | None]:
    """The two ends of a stripped EDTF string (the same point twice for a single date)."""
    if re.search(r"[0-9]T", text):
        raise _unsupported(text, "time")
    if "[" in text or "{" in text:
        raise _unsupported(text, "set")
    if not text:
        raise DateError(f"La date est vide ; {_ACCEPTED}")
    parts = text.split("/")
    if len(parts) == 1:
        point = _parse_point(text, text)
        return point, point
    if len(parts) > 2:
        raise _malformed(text)
    left, right = parts
    if left in (_OPEN, _UNKNOWN) and right in (_OPEN, _UNKNOWN):
        raise DateError(f"« {text} » : un intervalle doit avoir au moins une date connue.")
    first = None if left in (_OPEN, _UNKNOWN) else _parse_bound(left, text)
    last = None if right in (_OPEN, _UNKNOWN) else _parse_bound(right, text)
    if first and last and last.end < first.start:
        raise DateError(
            f"« {text} » : l'intervalle finit avant de commencer (fin : {last.body()} ; début : {first.body()})."
        )
    return first, last


def _parse_bound(part: str, text: str) -> _Point:
    """One end of an interval: level 1 forbids X digits there."""
    point = _parse_point(part, text)
    if point.kind in ("decade", "century", "month-xx", "year-xx", "year-xx-xx"):
        raise _unsupported(text, "interval-x")
    return point


def _parse_point(part: str, text: str) -> _Point:
    """Parse one date (``text`` is the whole string, for messages)."""
    if part[:1] in ("Y", "-", "+"):
        raise _unsupported(text, "year")
    match = _POINT.fullmatch(part)
    if match is None:
        raise _explain_failure(part, text)
    year, month, day, qualifier = match.groups()
    flags = (qualifier in ("~", "%"), qualifier in ("?", "%"))
    if "X" in year:
        if month is not None:
            raise _unsupported(text, "unspecified")
        return _unspecified_year(year, flags)
    if year == "0000":
        raise _unsupported(text, "year")
    if month is None:
        return _range("year", int(year), 0, 0, flags)
    if month == "XX":
        if day not in (None, "XX"):
            raise _unsupported(text, "unspecified")
        return _range("year-xx" if day is None else "year-xx-xx", int(year), 0, 0, flags)
    return _parse_month(text, int(year), int(month), day, flags)


def _parse_month(text: str, year: int, month: int, day: str | None, flags: tuple[bool, bool]) -> _Point:
    """A date with a known month (or season) and maybe a day."""
    if 21 <= month <= 41 and day is None:
        if month > 24:
            raise _unsupported(text, "division")
        return _range("season", year, month, 0, flags)
    if not 1 <= month <= 12 or day == "00":
        raise _malformed(text)
    if day is None or day == "XX":
        return _range("month" if day is None else "month-xx", year, month, 0, flags)
    if int(day) > calendar.monthrange(year, month)[1]:
        raise DateError(
            f"« {text} » n'est pas une date EDTF valide : "
            f"le {int(day)} {MONTHS_FR[month - 1]} {year} n'existe pas."
        )
    return _range("day", year, month, int(day), flags)


def _range(kind: str, year: int, month: int, day: int, flags: tuple[bool, bool]) -> _Point:
    """Build a point and its range of days from its known parts."""
    if kind == "day":
        start = end = datetime.date(year, month, day)
    elif kind == "season":
        start = datetime.date(year, _SEASONS[month][2], 1)
        end = month_end(year, _SEASONS[month][2] + 2)
    elif kind in ("month", "month-xx"):
        start, end = datetime.date(year, month, 1), month_end(year, month)
    else:
        start, end = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    return _Point(kind, year, month, day, start, end, *flags)


def _unspecified_year(year: str, flags: tuple[bool, bool]) -> _Point:
    """201X (a decade) or 20XX (a hundred years), with no month allowed after."""
    first = max(int(year.replace("X", "0")), 1)
    last = int(year.replace("X", "9"))
    kind = "decade" if year.count("X") == 1 else "century"
    start, end = datetime.date(first, 1, 1), datetime.date(last, 12, 31)
    return _Point(kind, first, 0, 0, start, end, *flags)


def month_end(year: int, month: int) -> datetime.date:
    """Last day of ``month`` of ``year``; months past 12 roll into the next year."""
    year, month = year + (month - 1) // 12, (month - 1) % 12 + 1
    if year > _LAST_DAY.year:
        return _LAST_DAY
    return datetime.date(year, month, calendar.monthrange(year, month)[1])


def _explain_failure(part: str, text: str) -> DateError:
    """The most helpful error for a date that does not match level 0 or 1."""
    if re.search(r"[0-9]S[0-9]", part):
        return _unsupported(text, "significant")
    if re.search(r"[?~%][^?~%]", part) and _ANY_X.fullmatch(re.sub(r"[?~%]", "", part)):
        return _unsupported(text, "partial")
    if "X" in part and _ANY_X.fullmatch(part.rstrip("?~%")):
        return _unsupported(text, "unspecified")
    return _malformed(text)


def _malformed(text: str) -> DateError:
    return DateError(f"« {text} » n'est pas une date EDTF valide ; {_ACCEPTED}")


def _unsupported(text: str, feature: str) -> DateError:
    return DateError(f"« {text} » : {_UNSUPPORTED[feature]}")


# --- display ---------------------------------------------------------------------------


def _ordinal(day: int) -> str:
    return "1er" if day == 1 else str(day)


def _display_single(point: _Point) -> str:
    """ "vers février 2022", "novembre 2022 (date incertaine)", "2004 (mois inconnu)"."""
    text = point.body()
    if point.approximate:
        text = f"vers {point.article}{text}"
    notes = point.notes() + (["date incertaine"] if point.uncertain else [])
    return _with_notes(text, notes)


def _display_interval(first: _Point | None, last: _Point | None, open_start: bool, open_end: bool) -> str:
    """ "entre le 1er mars et le 29 novembre 2022", "depuis...", "jusqu'en...", "à partir..."."""
    notes = _qualifier_notes(first, "début") + _qualifier_notes(last, "fin")
    if first and last:
        shared = first.year == last.year and first.month and last.month
        text = f"entre {first.article}{first.body(not shared)} et {last.article}{last.body()}"
    elif first:
        if open_end:
            text = f"depuis {first.article}{first.body()}"
        else:
            text = f"à partir {_AFTER_DE[first.article]}{first.body()}"
            notes.append("fin inconnue")
    else:
        assert last is not None
        text = f"jusqu'{_AFTER_A[last.article]}{last.body()}"
        if not open_start:
            notes.insert(0, "début inconnu")
    return _with_notes(text, notes)


def _qualifier_notes(point: _Point | None, end_name: str) -> list[str]:
    """ "début incertain", "fin approximative et incertaine"... for one end of an interval."""
    if point is None or not (point.approximate or point.uncertain):
        return []
    feminine = end_name == "fin"
    words = []
    if point.approximate:
        words.append("approximative" if feminine else "approximatif")
    if point.uncertain:
        words.append("incertaine" if feminine else "incertain")
    return [f"{end_name} {' et '.join(words)}"]


def _with_notes(text: str, notes: list[str]) -> str:
    return f"{text} ({', '.join(notes)})" if notes else text
