"""The geometry of the visual timeline: lanes, marks, silences and a time axis, in SVG units.

A pure function of the chronology and its silences, like ``derive``: no URL, no markup. The
plan turns the geometry into links and labels; the template only draws it.

The axis is piecewise linear by year: every year gets a floor of room, and a year with many
events gets more (in proportion to the square root of its count), so that the sparse early
years stay readable and the dense year 2022 does not crush its marks together.
"""

from __future__ import annotations

import datetime
import math
from collections.abc import Sequence
from dataclasses import dataclass

from chronicle.claims import describe_days
from chronicle.derive import Silence
from chronicle.model import Chronology, Event

WIDTH = 960.0            # the drawing's width in SVG units (it scales to the page)
MARGIN = 12.0            # left and right margins of the plot
LANE_HEIGHT = 64.0       # one channel: its name, a row of silence labels, the marks, another row
LANE_NAME = 13.0         # baseline of the name, from the lane's top
LANE_LINE = 36.0         # centre line of the marks, from the lane's top
GAP_OFFSET = 8.0         # a silence is a bracket just under the centre line (bars never hide it)
LABEL_ROWS = (22.0, -10.0)  # baselines of the silence labels, from the centre line: below, then above
AXIS_HEIGHT = 34.0
TOP = 4.0
RADIUS = 6.0             # a mark for a day
BAR_HEIGHT = 8.0        # a mark for a month, a year or an interval
MIN_BAR = 8.0
YEAR_FLOOR = 1.6         # room every year gets, in shares
YEAR_PER_SQRT = 1.6      # extra room per square root of the year's events
CHAR_WIDTH = 6.4         # average width of a character of the 11-unit labels
MONTHS_SHORT = ("janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.", "oct.",
                "nov.", "déc.")


@dataclass(frozen=True)
class Scale:
    """Days to x: each year ``year`` spans ``[x0, x1)``, linear within the year."""

    years: tuple[tuple[int, float, float], ...]

    def x(self, day: datetime.date) -> float:
        """The x of the start of ``day`` (clamped to the axis)."""
        first, last = self.years[0], self.years[-1]
        if day.year < first[0]:
            return first[1]
        if day.year > last[0]:
            return last[2]
        _, x0, x1 = next(y for y in self.years if y[0] == day.year)
        start = datetime.date(day.year, 1, 1)
        length = (datetime.date(day.year + 1, 1, 1) - start).days
        return x0 + (x1 - x0) * (day - start).days / length

    def span(self, first: datetime.date, last: datetime.date) -> tuple[float, float]:
        """The x of the start of ``first`` and of the end of ``last``."""
        return self.x(first), self.x(last + datetime.timedelta(days=1))


@dataclass(frozen=True)
class Tick:
    """A line of the axis: a year boundary (labelled in its middle) or a month."""

    x: float
    label: str
    label_x: float
    major: bool


@dataclass(frozen=True)
class Mark:
    """An event on a lane: a dot for a day, a bar for anything vaguer."""

    event: Event
    x: float        # centre for a dot, left edge for a bar
    width: float    # 0 for a dot
    y: float        # centre line
    kind: str


@dataclass(frozen=True)
class Gap:
    """A silence of a channel drawn between its two contacts, with its length as a label."""

    silence: Silence
    x1: float
    x2: float
    y: float
    label: str
    label_x: float
    label_y: float


@dataclass(frozen=True)
class Lane:
    """One channel (None: the events on no channel) across the whole period."""

    channel: str | None
    top: float
    label_y: float  # baseline of the lane's name
    y: float        # centre line of its marks
    marks: tuple[Mark, ...]
    gaps: tuple[Gap, ...]


@dataclass(frozen=True)
class Timeline:
    """The whole drawing."""

    width: float
    height: float
    axis_y: float
    left: float     # the plot's extent
    right: float
    focus: float    # x of the start of the busiest year (where a narrow screen should scroll to)
    lanes: tuple[Lane, ...]
    ticks: tuple[Tick, ...]


def event_days(event: Event) -> tuple[datetime.date, datetime.date]:
    """The first and last possible day of an event (an open end is drawn as its start)."""
    first = event.date.start or event.date.end
    assert first is not None  # the check refuses dates open at both ends
    return first, event.date.end or first


def period(chronology: Chronology) -> tuple[int, int]:
    """The first and last year of the chronology's events (this year alone when there is none)."""
    if not chronology.events:
        return 2000, 2000
    days = [day for event in chronology.events for day in event_days(event)]
    return min(days).year, max(days).year


def make_scale(chronology: Chronology, width: float = WIDTH) -> Scale:
    """A year-by-year scale giving each year a floor of room plus more for its events."""
    first, last = period(chronology)
    counts = {year: len(chronology.by_year.get(year, ())) for year in range(first, last + 1)}
    shares = {year: YEAR_FLOOR + YEAR_PER_SQRT * math.sqrt(count) for year, count in counts.items()}
    unit = (width - 2 * MARGIN) / sum(shares.values())
    years, x = [], MARGIN
    for year, share in shares.items():
        years.append((year, round(x, 2), round(x + share * unit, 2)))
        x += share * unit
    return Scale(tuple(years))


def make_ticks(scale: Scale) -> tuple[Tick, ...]:
    """A major tick per year (label centred), month ticks where a year has room for them."""
    ticks = []
    for year, x0, x1 in scale.years:
        label = str(year) if x1 - x0 >= 5 * CHAR_WIDTH else f"’{year % 100:02d}" if x1 - x0 >= 3 * CHAR_WIDTH else ""
        ticks.append(Tick(x0, label, round((x0 + x1) / 2, 2), True))
        month_width = (x1 - x0) / 12
        if month_width < 9:
            continue
        every = 1 if month_width >= 5.5 * CHAR_WIDTH else 3 if month_width >= 2 * CHAR_WIDTH else 12
        for month in range(2, 13):
            mx = scale.x(datetime.date(year, month, 1))
            label = MONTHS_SHORT[month - 1] if (month - 1) % every == 0 else ""
            ticks.append(Tick(round(mx, 2), label, round(mx + month_width / 2, 2), False))
    last = scale.years[-1][2]
    ticks.append(Tick(last, "", last, True))
    return tuple(ticks)


def place_mark(event: Event, scale: Scale, y: float) -> Mark:
    """A dot at the middle of a day, or a bar over a vaguer date's whole range."""
    first, last = event_days(event)
    x0, x1 = scale.span(first, last)
    if first == last:
        return Mark(event, round((x0 + x1) / 2, 2), 0.0, y, event.kind)
    if x1 - x0 < MIN_BAR:
        middle = (x0 + x1) / 2
        x0, x1 = middle - MIN_BAR / 2, middle + MIN_BAR / 2
    return Mark(event, round(x0, 2), round(x1 - x0, 2), y, event.kind)


def place_gaps(silences: Sequence[Silence], scale: Scale, y: float) -> tuple[Gap, ...]:
    """Each silence as a line between its contacts, labels above the line or, if crowded, below."""
    gaps: list[Gap] = []
    taken: dict[float, list[tuple[float, float]]] = {}
    for silence in sorted(silences, key=lambda s: event_days(s.before)[1]):
        x1 = scale.span(*event_days(silence.before))[1]
        x2 = scale.x(event_days(silence.after)[0])
        label = describe_days(silence.low, silence.high)
        half = len(label) * CHAR_WIDTH / 2
        centre = min(max((x1 + x2) / 2, scale.years[0][1] + half), scale.years[-1][2] - half)
        label_y = None
        for row in (y + offset for offset in LABEL_ROWS):
            if all(right < centre - half - 4 or left > centre + half + 4 for left, right in taken.get(row, [])):
                label_y = row
                taken.setdefault(row, []).append((centre - half, centre + half))
                break
        gaps.append(Gap(silence, round(x1, 2), round(x2, 2), y + GAP_OFFSET, label if label_y else "",
                        round(centre, 2), label_y or y))
    return tuple(gaps)


def lane_order(chronology: Chronology, channels: Sequence[str] | None) -> list[str | None]:
    """The lanes: the channels asked for, or every channel by its first event, then "no channel"."""
    if channels is not None:
        return list(channels)
    def first_day(channel_id: str) -> tuple[int, str]:
        events = chronology.by_channel.get(channel_id, ())
        return (events[0].date.sort_key()[0] if events else 10**9, channel_id)
    order: list[str | None] = sorted(chronology.channels, key=first_day)
    if any(not event.channels for event in chronology.events):
        order.append(None)
    return order


def build_timeline(chronology: Chronology, silences: dict[str, tuple[Silence, ...]],
                   channels: Sequence[str] | None = None, width: float = WIDTH) -> Timeline:
    """The timeline of ``channels`` (default: every channel, and a lane for events on none)."""
    scale = make_scale(chronology, width)
    lanes = []
    for position, channel in enumerate(lane_order(chronology, channels)):
        top = TOP + position * LANE_HEIGHT
        y = top + LANE_LINE
        events = (chronology.by_channel.get(channel, ()) if channel is not None
                  else tuple(e for e in chronology.events if not e.channels))
        # bars under dots: a long interval never hides an event dated to the day
        marks = tuple(sorted((place_mark(event, scale, y) for event in events), key=lambda m: -m.width))
        gaps = place_gaps(silences.get(channel, ()), scale, y) if channel is not None else ()
        lanes.append(Lane(channel, top, top + LANE_NAME, y, marks, gaps))
    axis_y = TOP + len(lanes) * LANE_HEIGHT
    busiest = max(scale.years, key=lambda year: (len(chronology.by_year.get(year[0], ())), year[0]))
    return Timeline(width, axis_y + AXIS_HEIGHT, axis_y, MARGIN, width - MARGIN, busiest[1], tuple(lanes),
                    make_ticks(scale))
