"""The time axis of the timeline: years to x, piecewise linear, and its ticks, in SVG units.

The axis is piecewise linear by year: every year gets a floor of room, and a year with many
events gets more (in proportion to the square root of its count), so that the sparse early
years stay readable and the dense year 2022 does not crush its marks together. A run of two
or more years where no event begins or ends is collapsed into one stretch ("2016–2020"): the
axis stays short whatever the dates, even an interval from year 285 to 9999.
"""

from __future__ import annotations

import datetime
import itertools
import math
from collections.abc import Mapping
from dataclasses import dataclass

from chronicle.model import Chronology, Event

WIDTH = 960.0            # the drawing's width in SVG units; it never renders narrower than this in pixels
MARGIN = 12.0            # left and right margins of the plot
YEAR_FLOOR = 1.6         # room every year gets, in shares
YEAR_PER_SQRT = 1.6      # extra room per square root of the year's events
RUN_SHARE = 2.0          # room for a collapsed run of empty years, in shares
CHAR_WIDTH = 6.4         # average width of a character of the 11-unit labels
MONTHS_SHORT = ("janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.", "oct.",
                "nov.", "déc.")


@dataclass(frozen=True)
class Segment:
    """A stretch of the axis: one year, or a run of years without any event, collapsed."""

    first: int   # first year
    last: int    # last year (== first for a single year)
    x0: float
    x1: float

    def x(self, day: datetime.date) -> float:
        """The x of the start of ``day``, linear within the segment."""
        start = datetime.date(self.first, 1, 1).toordinal()
        days = datetime.date(self.last, 12, 31).toordinal() + 1 - start
        return self.x0 + (self.x1 - self.x0) * (day.toordinal() - start) / days


@dataclass(frozen=True)
class Scale:
    """Days to x, segment by segment."""

    segments: tuple[Segment, ...]

    @property
    def left(self) -> float:
        """The x of the start of the axis."""
        return self.segments[0].x0

    @property
    def right(self) -> float:
        """The x of the end of the axis."""
        return self.segments[-1].x1

    def x(self, day: datetime.date) -> float:
        """The x of the start of ``day`` (clamped to the axis)."""
        if day.year < self.segments[0].first:
            return self.left
        if day.year > self.segments[-1].last:
            return self.right
        return next(s for s in self.segments if s.first <= day.year <= s.last).x(day)

    def x_end(self, day: datetime.date) -> float:
        """The x of the end of ``day`` (no day after it is built: 31 December 9999 has none)."""
        if day == datetime.date.max:
            return self.right
        return self.x(day + datetime.timedelta(days=1))

    def span(self, first: datetime.date, last: datetime.date) -> tuple[float, float]:
        """The x of the start of ``first`` and of the end of ``last``."""
        return self.x(first), self.x_end(last)


@dataclass(frozen=True)
class Tick:
    """A line of the axis: a year boundary (labelled in its middle) or a month."""

    x: float
    label: str
    label_x: float
    major: bool


def event_days(event: Event) -> tuple[datetime.date, datetime.date]:
    """The first and last possible day of an event (an open end is drawn as its start)."""
    first = event.date.start or event.date.end
    assert first is not None  # the check refuses dates open at both ends
    return first, event.date.end or first


def make_segments(occupied: set[int]) -> list[tuple[int, int]]:
    """Years from the first to the last occupied one; runs of two or more empty years collapsed."""
    if not occupied:
        return [(2000, 2000)]
    segments: list[tuple[int, int]] = []
    ordered = sorted(occupied)
    for year, following in itertools.pairwise([*ordered, ordered[-1] + 1]):
        segments.append((year, year))
        if following - year == 2:
            segments.append((year + 1, year + 1))
        elif following - year > 2:
            segments.append((year + 1, following - 1))
    return segments


def make_scale(chronology: Chronology, width: float = WIDTH, counts: Mapping[int, int] | None = None) -> Scale:
    """A scale over the chronology's years giving each year a floor of room plus more for its events;
    empty runs get one floor.

    ``counts`` (events by year) says which events give a year room: by default every event of the
    chronology; a channel's strip gives its own, so that it depends on its own events and on the
    chronology's years alone, not on the other channels' activity.
    """
    if counts is None:
        counts = {year: len(events) for year, events in chronology.by_year.items()}
    spans = make_segments(set(chronology.years))
    shares = [YEAR_FLOOR + YEAR_PER_SQRT * math.sqrt(counts.get(first, 0)) if first == last
              else RUN_SHARE for first, last in spans]
    unit = (width - 2 * MARGIN) / sum(shares)
    segments, x = [], MARGIN
    for (first, last), share in zip(spans, shares, strict=True):
        segments.append(Segment(first, last, round(x, 2), round(x + share * unit, 2)))
        x += share * unit
    return Scale(tuple(segments))


def segment_label(segment: Segment) -> str:
    """"2022", "’22" or nothing, as room allows; "2016–2020" for a collapsed run."""
    room = segment.x1 - segment.x0
    full = str(segment.first) if segment.first == segment.last else f"{segment.first}–{segment.last}"
    short = (f"’{segment.first % 100:02d}" if segment.first == segment.last
             else f"’{segment.first % 100:02d}–’{segment.last % 100:02d}")
    return full if room >= (len(full) + 1) * CHAR_WIDTH else short if room >= (len(short) + 1) * CHAR_WIDTH else ""


def make_ticks(scale: Scale) -> tuple[Tick, ...]:
    """A major tick per segment (label centred), month ticks where a single year has room for them."""
    ticks = []
    for segment in scale.segments:
        x0, x1 = segment.x0, segment.x1
        ticks.append(Tick(x0, segment_label(segment), round((x0 + x1) / 2, 2), True))
        month_width = (x1 - x0) / 12
        if segment.first != segment.last or month_width < 9:
            continue
        every = 1 if month_width >= 5.5 * CHAR_WIDTH else 3 if month_width >= 2 * CHAR_WIDTH else 12
        for month in range(2, 13):
            mx = segment.x(datetime.date(segment.first, month, 1))
            label = MONTHS_SHORT[month - 1] if (month - 1) % every == 0 else ""
            ticks.append(Tick(round(mx, 2), label, round(mx + month_width / 2, 2), False))
    ticks.append(Tick(scale.right, "", scale.right, True))
    return tuple(ticks)
