"""The geometry of the visual timeline: lanes, marks, silences and a time axis, in SVG units.

A pure function of the chronology and its silences, like ``derive``: no URL, no markup. The
plan turns the geometry into links and labels; the template only draws it.

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
RUN_SHARE = 2.0          # room for a collapsed run of empty years, in shares
CHAR_WIDTH = 6.4         # average width of a character of the 11-unit labels
DETAIL_LIMIT = 200       # above this many marks, a drawing counts events by lane and year instead
MAX_LANES = 12           # ... and keeps only the busiest channels, so that it stays bounded and readable
TALLY_HEIGHT = 12.0
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
class Tally:
    """The events of a lane in one year, drawn as one bar with their count (large chronologies)."""

    year: int
    count: int
    x: float
    width: float
    y: float


@dataclass(frozen=True)
class Lane:
    """One channel (None: the events on no channel) across the whole period."""

    channel: str | None
    top: float
    label_y: float  # baseline of the lane's name
    y: float        # centre line of its marks
    marks: tuple[Mark, ...]
    gaps: tuple[Gap, ...]
    tallies: tuple[Tally, ...] = ()


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
    runs: tuple[tuple[float, float], ...] = ()  # x extents of the collapsed runs of empty years


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


def make_scale(chronology: Chronology, width: float = WIDTH) -> Scale:
    """A scale giving each year a floor of room plus more for its events; empty runs get one floor."""
    spans = make_segments(set(chronology.years))
    shares = [YEAR_FLOOR + YEAR_PER_SQRT * math.sqrt(len(chronology.by_year.get(first, ()))) if first == last
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
        x1 = scale.x_end(event_days(silence.before)[1])
        x2 = scale.x(event_days(silence.after)[0])
        label = describe_days(silence.low, silence.high)
        half = len(label) * CHAR_WIDTH / 2
        centre = min(max((x1 + x2) / 2, scale.left + half), scale.right - half)
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


def lane_events(chronology: Chronology, channel: str | None) -> tuple[Event, ...]:
    """The events of a lane: those of a channel, or those on no channel."""
    if channel is not None:
        return chronology.by_channel.get(channel, ())
    return tuple(e for e in chronology.events if not e.channels)


def tally_events(events: Sequence[Event], scale: Scale, y: float) -> tuple[Tally, ...]:
    """One bar per year over the year's stretch of the axis, with the count of ``events`` in it."""
    counts: dict[int, int] = {}
    for event in events:
        counts[event.year] = counts.get(event.year, 0) + 1
    years = {s.first: s for s in scale.segments if s.first == s.last}
    return tuple(Tally(year, count, round(years[year].x0 + 1, 2), round(years[year].x1 - years[year].x0 - 2, 2), y)
                 for year, count in sorted(counts.items()) if year in years)


def build_timeline(chronology: Chronology, silences: dict[str, tuple[Silence, ...]],
                   channels: Sequence[str] | None = None, width: float = WIDTH) -> Timeline:
    """The timeline of ``channels`` (default: every channel, and a lane for events on none).

    Past ``DETAIL_LIMIT`` events, each lane shows a count per year (and only the ``MAX_LANES``
    busiest channels get one): the drawing stays the same size whatever the chronology's.
    """
    scale = make_scale(chronology, width)
    order = lane_order(chronology, channels)
    events_of = {channel: lane_events(chronology, channel) for channel in order}
    tallied = sum(len(events) for events in events_of.values()) > DETAIL_LIMIT
    if tallied and len(order) > MAX_LANES:
        busiest = set(sorted(order, key=lambda c: -len(events_of[c]))[:MAX_LANES])
        order = [channel for channel in order if channel in busiest]
    lanes = []
    for position, channel in enumerate(order):
        top = TOP + position * LANE_HEIGHT
        y = top + LANE_LINE
        events = events_of[channel]
        if tallied:
            lanes.append(Lane(channel, top, top + LANE_NAME, y, (), (), tally_events(events, scale, y)))
            continue
        # bars under dots: a long interval never hides an event dated to the day
        marks = tuple(sorted((place_mark(event, scale, y) for event in events), key=lambda m: -m.width))
        gaps = place_gaps(silences.get(channel, ()), scale, y) if channel is not None else ()
        lanes.append(Lane(channel, top, top + LANE_NAME, y, marks, gaps))
    axis_y = TOP + len(lanes) * LANE_HEIGHT
    busiest_year = max(scale.segments, key=lambda s: (len(chronology.by_year.get(s.first, ()))
                                                      if s.first == s.last else -1, s.first))
    runs = tuple((s.x0, s.x1) for s in scale.segments if s.first != s.last)
    return Timeline(width, axis_y + AXIS_HEIGHT, axis_y, MARGIN, width - MARGIN, busiest_year.x0, tuple(lanes),
                    make_ticks(scale), runs)
