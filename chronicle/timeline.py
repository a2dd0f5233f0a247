"""The geometry of the visual timeline: lanes, marks, silences and a time axis, in SVG units.

A pure function of the chronology, its silences and its claims, like ``derive``: no URL, no markup. The
plan turns the geometry into links and labels; the template only draws it.

Each lane is a strip of its own: marks packed in rows so that no two targets touch, then its
silences under them. The axis (years to x) is ``chronicle.axis``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace

from chronicle.axis import MARGIN, WIDTH, Scale, Tick, event_days, make_scale, make_ticks
from chronicle.derive import ClaimCheck, Silence
from chronicle.model import Chronology, Event
from chronicle.wording import silence_label

TARGET = 24.0            # the least width and height of a mark's target (WCAG 2.2, 2.5.8)
ROW = 28.0               # rows of marks in a lane, centre to centre (a target and room around it)
SPACING = 3.0            # least room between two targets of a row
GLYPH = 7.0              # half the size of a kind's glyph
BAND_HEIGHT = 14.0       # a band of uncertainty
LANE_PAD = 4.0
GAP_DROP = 14.0          # the silence bracket, under the last row of marks (targets apart)
LABEL_ROWS = (22.0, 37.0, 52.0, 67.0)  # baselines of silence labels' lines, under the bracket (clear of its target)
LINE = 15.0              # from one line of a label to the next
WRAP = 26                # a label longer than this many characters goes on two lines or more
FRAME_ROW = 15.0         # rows of the frames' labels, at the top of the axis strip
YEAR_ROW = 14.0
MONTH_ROW = 14.0
LABEL_CHAR = 6.6         # ... measured with room to spare for the silence and frame labels (bold, 11 units)
CALLOUT_GAP = 4.0        # between a key event's glyph target and its callout
CALLOUT_LIMIT = 64       # a callout longer than this is cut at a word and ends with "…"
DETAIL_LIMIT = 200       # above this many marks, a drawing counts events by lane and year instead
MAX_LANES = 12           # ... and keeps only the busiest channels, so that it stays bounded and readable
TALLY_HEIGHT = 24.0

Claims = Mapping[str, Sequence[ClaimCheck]]  # the claims naming each event, by its id (``Facts.claims_of_event``)


@dataclass(frozen=True)
class Mark:
    """An event on a lane: a glyph for a day; for anything vaguer, a hatched band over its possible days.

    Every mark is a target at least ``TARGET`` units wide and high (a unit is at least a pixel:
    the drawing never shrinks below ``WIDTH`` pixels); marks that would touch go to another row.
    """

    event: Event
    x: float        # centre for a day, left edge for a band
    width: float    # 0 for a day
    y: float        # centre line of its row
    kind: str
    row: int = 0
    callout: str = ""     # a key event's visible label, written in its row beside its glyph
    callout_left: bool = False  # ... on the left of the glyph (near the end of the axis)

    @property
    def body(self) -> tuple[float, float]:
        """The left and right of the mark's drawing and target, its callout aside."""
        if self.width < TARGET:  # a day, or a range drawn narrower than a finger
            middle = self.x + self.width / 2
            return middle - TARGET / 2, middle + TARGET / 2
        return self.x, self.x + self.width

    @property
    def extent(self) -> tuple[float, float]:
        """The left and right of the mark's target, its callout included (a tap on the words opens it)."""
        left, right = self.body
        if not self.callout:
            return left, right
        width = CALLOUT_GAP + label_width([self.callout])
        return (left - width, right) if self.callout_left else (left, right + width)

    @property
    def callout_x(self) -> float:
        """Where the callout's text is anchored (its start, or its end when on the left)."""
        left, right = self.body
        return left - CALLOUT_GAP if self.callout_left else right + CALLOUT_GAP


@dataclass(frozen=True)
class Gap:
    """A silence of a channel drawn between its two contacts, its rounded length as a label."""

    silence: Silence
    x1: float
    x2: float
    y: float
    label: str      # "" when no row had room for it (the link still carries the whole sentence)
    label_x: float
    label_y: float  # baseline of its first line
    quoted: bool = False  # the label is a source's own words (a claim about this silence)
    lines: tuple[str, ...] = ()  # the label wrapped
    quote: str = ""  # a source's words about this silence (shown or not), from a claim between its contacts

    @property
    def bottom(self) -> float:
        """The baseline of the label's last line."""
        return self.label_y + LINE * (len(self.lines) - 1)


@dataclass(frozen=True)
class Frame:
    """A moment that frames the story (the invasion): a line or band across every lane, labelled."""

    event: Event
    x0: float
    x1: float
    label: str
    label_x: float
    label_y: float  # baseline of its first line
    anchor: str     # "start" or "end"
    lines: tuple[str, ...] = ()


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
    """One channel (None: the events on no channel) across the whole period, in its own strip."""

    channel: str | None
    height: float
    marks: tuple[Mark, ...]   # in time order
    gaps: tuple[Gap, ...]     # in time order
    tallies: tuple[Tally, ...] = ()


@dataclass(frozen=True)
class Timeline:
    """The whole drawing: an axis strip (frames' labels, years, months), then a strip per lane."""

    width: float
    axis_height: float
    left: float     # the plot's extent
    right: float
    focus: float    # x of the start of the busiest year (where a narrow screen starts)
    lanes: tuple[Lane, ...]
    ticks: tuple[Tick, ...]
    runs: tuple[tuple[float, float], ...] = ()  # x extents of the collapsed runs of empty years
    frames: tuple[Frame, ...] = ()
    year_y: float = 0.0   # baselines of the year and month labels in the axis strip
    month_y: float = 0.0


def place_mark(event: Event, scale: Scale, y: float = 0.0) -> Mark:
    """A glyph at the middle of a day, or a band over a vaguer date's whole range (its target: ``extent``)."""
    first, last = event_days(event)
    x0, x1 = scale.span(first, last)
    if first == last:
        return Mark(event, round((x0 + x1) / 2, 2), 0.0, y, event.kind)
    return Mark(event, round(x0, 2), round(max(x1 - x0, 1.0), 2), y, event.kind)


def pack(marks: Sequence[Mark], top: float) -> tuple[tuple[Mark, ...], int]:
    """Marks (in time order, returned so), each in the first row where its target touches no other;
    and the rows used. Marks with a callout are placed first: they get the top rows, where their
    words are read first and never hidden behind a crowd."""
    rows: list[list[tuple[float, float]]] = []
    placed: dict[int, Mark] = {}
    for index in sorted(range(len(marks)), key=lambda i: not marks[i].callout):
        left, right = marks[index].extent
        row = next((r for r, spans in enumerate(rows)
                    if all(right + SPACING <= a or b + SPACING <= left for a, b in spans)), len(rows))
        if row == len(rows):
            rows.append([])
        rows[row].append((left, right))
        placed[index] = replace(marks[index], y=round(top + TARGET / 2 + row * ROW, 2), row=row)
    return tuple(placed[i] for i in range(len(marks))), len(rows)


def callout_text(event: Event, limit: int = CALLOUT_LIMIT) -> str:
    """A key event's visible label: its title up to the first comma, cut at a word past ``limit``."""
    text = event.title.split(", ")[0]
    if len(text) <= limit:
        return text
    return text[:limit - 1].rsplit(" ", 1)[0].rstrip(" ,;:–-") + "…"


def with_callout(mark: Mark, right_end: float) -> Mark:
    """``mark`` labelled with its callout, on the right of its glyph unless that would leave the drawing."""
    text = callout_text(mark.event)
    labelled = replace(mark, callout=text)
    return labelled if labelled.extent[1] <= right_end else replace(labelled, callout_left=True)


def wrap(text: str, limit: int = WRAP) -> tuple[str, ...]:
    """``text`` in lines of at most ``limit`` characters, cut between words (a longer word stays whole)."""
    lines: list[str] = []
    for word in text.split(" "):
        if lines and len(lines[-1]) + 1 + len(word) <= limit:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return tuple(lines)


def label_width(lines: Sequence[str]) -> float:
    """The width a label's longest line takes, with room to spare (``LABEL_CHAR``)."""
    return max((len(line) for line in lines), default=0) * LABEL_CHAR


def place_gaps(silences: Sequence[Silence], scale: Scale, y: float, claims: Claims) -> tuple[Gap, ...]:
    """Each silence as a bracket between its contacts, its label in the first rows with room for it.

    A label is centred on its silence, kept inside the drawing, wrapped past ``WRAP`` characters
    (a narrow screen shows it whole); a source's words about the silence (a claim between its two
    contacts, among ``claims``) replace the computed length. No room: no label (the link keeps the
    whole sentence).
    """
    gaps: list[Gap] = []
    taken: dict[int, list[tuple[float, float]]] = {}
    for silence in sorted(silences, key=lambda s: event_days(s.before)[1]):
        x1 = scale.x_end(event_days(silence.before)[1])
        x2 = scale.x(event_days(silence.after)[0])
        quote = silence_quote(silence, claims)
        label = f"« {quote} »" if quote else silence_label(silence.low, silence.high, _vague(silence))
        lines = wrap(label)
        half = label_width(lines) / 2
        centre = min(max((x1 + x2) / 2, scale.left + half), scale.right - half)
        free = [all(right < centre - half - 6 or left > centre + half + 6 for left, right in taken.get(row, []))
                for row in range(len(LABEL_ROWS))]
        first = next((r for r in range(len(LABEL_ROWS) - len(lines) + 1) if all(free[r:r + len(lines)])), None)
        if first is None:
            gaps.append(Gap(silence, round(x1, 2), round(x2, 2), y, "", round(centre, 2), y, quote=quote))
            continue
        for row in range(first, first + len(lines)):
            taken.setdefault(row, []).append((centre - half, centre + half))
        gaps.append(Gap(silence, round(x1, 2), round(x2, 2), y, label, round(centre, 2), y + LABEL_ROWS[first],
                        bool(quote), lines, quote))
    return tuple(gaps)


def _vague(silence: Silence) -> bool:
    """Whether a bound of the silence is vaguer than a day (an exact count then reads "environ")."""
    return any(d.approximate or d.uncertain or d.interval or d.precision != "day"
               for d in (silence.before.date, silence.after.date))


def silence_quote(silence: Silence, claims: Claims) -> str:
    """The words of a claim measuring the time between the two contacts of ``silence`` ("" if none; the
    last such claim if several)."""
    pair = (silence.before.id, silence.after.id)
    return next((check.claim.quote for check in reversed(claims.get(silence.before.id, ()))
                 if check.claim.between == pair), "")


def is_frame(event: Event, claims: Claims) -> bool:
    """Whether ``event`` frames the story: on no channel, claims of two sources or more measure time
    against it (the invasion: "une semaine avant", "le mois dernier"...)."""
    return not event.channels and len({check.claim.source for check in claims.get(event.id, ())}) >= 2


def frame_events(events: Iterable[Event], claims: Claims) -> tuple[Event, ...]:
    """The moments that frame the story among ``events`` (``is_frame``)."""
    return tuple(event for event in events if is_frame(event, claims))


def place_frames(events: Sequence[Event], scale: Scale) -> tuple[tuple[Frame, ...], int]:
    """Each frame's line or band and its label (from the line rightwards, or leftwards near the end)."""
    frames, rights = [], []
    for event in events:
        first, last = event_days(event)
        x0, x1 = scale.span(first, last)
        lines = wrap(event.title)
        width = label_width(lines)
        anchor = "start" if x0 + width <= scale.right else "end"
        left = x0 if anchor == "start" else x1 - width
        row = next((r for r, end in enumerate(rights) if end + 8 <= left), len(rights))
        if row == len(rights):
            rights.append(0.0)
        rights[row] = left + width
        frames.append(Frame(event, round(x0, 2), round(x1, 2), event.title,
                            round(x0 if anchor == "start" else x1, 2), row, anchor, lines))
    # rows of frames stack their lines: a row is as tall as its longest label
    depth = [max((len(f.lines) for f in frames if f.label_y == r), default=1) for r in range(len(rights))]
    tops = [FRAME_ROW * sum(depth[:r]) for r in range(len(rights))]
    return tuple(replace(f, label_y=tops[int(f.label_y)] + FRAME_ROW - 3) for f in frames), sum(depth)


def is_key(event: Event, claims: Claims) -> bool:
    """Whether the story hangs on ``event``: two claims or more measure time from or to it (the last
    call before the invasion, the first one in 84 days...), frames aside (they have their own band).

    A rule on the content, not a list to keep: an editor makes an event key by recording what the
    sources say about the time around it."""
    return len(claims.get(event.id, ())) >= 2 and not is_frame(event, claims)


def key_events(events: Iterable[Event], claims: Claims) -> tuple[Event, ...]:
    """The key events among ``events`` (``is_key``)."""
    return tuple(event for event in events if is_key(event, claims))


def lane_order(chronology: Chronology, channels: Sequence[str] | None) -> list[str | None]:
    """The lanes: the channels asked for, or every channel with events by its first, then "no channel"."""
    if channels is not None:
        return list(channels)
    def first_day(channel_id: str) -> tuple[int, str]:
        events = chronology.by_channel.get(channel_id, ())
        return (events[0].date.sort_key()[0] if events else 10**9, channel_id)
    # a channel with no event has nothing to draw: its page says so, the figure does not show an empty row
    order: list[str | None] = sorted((c for c in chronology.channels if chronology.by_channel.get(c)), key=first_day)
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


def build_lane(channel: str | None, events: Sequence[Event], silences: Sequence[Silence], claims: Claims,
               scale: Scale, tallied: bool, keys: frozenset[str] = frozenset()) -> Lane:
    """A lane's strip: its marks packed in rows (``keys``, events with a callout, first), then its
    silences under them."""
    if tallied:
        return Lane(channel, LANE_PAD + 16 + TALLY_HEIGHT + LANE_PAD, (), (),
                    tally_events(events, scale, LANE_PAD + 16 + TALLY_HEIGHT / 2))
    placed = [place_mark(event, scale) for event in events]
    marks, rows = pack([with_callout(m, scale.right) if m.event.id in keys else m for m in placed], LANE_PAD)
    bottom = LANE_PAD + max(rows, 1) * ROW - (ROW - TARGET)
    gaps = place_gaps(silences, scale, bottom + GAP_DROP, claims) if channel else ()
    rows_used = {g.bottom for g in gaps if g.label}
    height = bottom + GAP_DROP + (max(rows_used) - bottom - GAP_DROP + 6 if rows_used else 0) + LANE_PAD
    return Lane(channel, round(height, 2), marks, gaps)


def callouts_by_lane(order: Sequence[str | None], events_of: dict[str | None, tuple[Event, ...]],
                     claims: Claims) -> list[frozenset[str]]:
    """The key events each lane labels: each in the first lane that draws it (once is enough)."""
    done: set[str] = set()
    result = []
    for channel in order:
        mine = frozenset(e.id for e in events_of[channel] if e.id not in done and is_key(e, claims))
        done |= mine
        result.append(mine)
    return result


def start_clear_of_labels(x: float, lanes: Sequence[Lane], frames: Sequence[Frame]) -> float:
    """``x`` moved left until no label straddles it: a narrow screen starting there cuts no word."""
    spans = [(g.label_x - label_width(g.lines) / 2, g.label_x + label_width(g.lines) / 2)
             for lane in lanes for g in lane.gaps if g.label]
    spans += [(f.label_x, f.label_x + label_width(f.lines)) if f.anchor == "start"
              else (f.label_x - label_width(f.lines), f.label_x) for f in frames]
    spans += [m.extent for lane in lanes for m in lane.marks if m.callout]
    moved = True
    while moved:
        moved = False
        for left, right in spans:
            if left - 8 < x < right and x > 0:  # at 0 it can go no further left: stop, or it loops forever
                x, moved = max(left - 8, 0.0), True
    return x


def drawn_by_year(lanes: Iterable[Sequence[Event]]) -> dict[int, int]:
    """How many of the events drawn on ``lanes`` begin in each year (an event on two lanes counted once)."""
    drawn = {event.id: event.year for events in lanes for event in events}
    counts: dict[int, int] = {}
    for year in drawn.values():
        counts[year] = counts.get(year, 0) + 1
    return counts


def build_timeline(chronology: Chronology, silences: dict[str, tuple[Silence, ...]], claims: Claims,
                   channels: Sequence[str] | None = None, width: float = WIDTH) -> Timeline:
    """The timeline of ``channels`` (default: every channel, and a lane for events on none), with the
    ``claims`` naming each event (``derive.Facts.claims_of_event``: its words about a silence, its key events).

    Past ``DETAIL_LIMIT`` events, each lane shows a count per year (and only the ``MAX_LANES``
    busiest channels get one): the drawing stays the same size whatever the chronology's.
    """
    order = lane_order(chronology, channels)
    events_of = {channel: lane_events(chronology, channel) for channel in order}
    # a strip of some channels gives room to its own events only: it moves with them, not with the others'
    counts = drawn_by_year(events_of.values()) if channels is not None else \
        {year: len(events) for year, events in chronology.by_year.items()}
    scale = make_scale(chronology, width, counts)
    tallied = sum(len(events) for events in events_of.values()) > DETAIL_LIMIT
    if tallied and len(order) > MAX_LANES:
        busiest = set(sorted(order, key=lambda c: -len(events_of[c]))[:MAX_LANES])
        order = [channel for channel in order if channel in busiest]
    lanes = tuple(build_lane(channel, events_of[channel], silences.get(channel, ()) if channel else (), claims,
                             scale, tallied, keys)
                  for channel, keys in zip(order, callouts_by_lane(order, events_of, claims), strict=True))
    frames, frame_rows = place_frames(frame_events(events_of.get(None, ()), claims), scale)
    year_y = FRAME_ROW * frame_rows + YEAR_ROW
    busiest_year = max(scale.segments, key=lambda s: (counts.get(s.first, 0) if s.first == s.last else -1, s.first))
    runs = tuple((s.x0, s.x1) for s in scale.segments if s.first != s.last)
    focus = start_clear_of_labels(busiest_year.x0, lanes, frames)
    return Timeline(width, year_y + MONTH_ROW + 8, MARGIN, width - MARGIN, focus, lanes,
                    make_ticks(scale), runs, frames, year_y, year_y + MONTH_ROW)
