"""The timeline ready to draw: every shape, label, link and accessible name decided for the template.

The geometry comes from ``chronicle.timeline`` (SVG units); this adds what a reader meets: the
kinds' glyphs and colours, the words of silences (``chronicle.wording``), links, and the table
that says the same in date order.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

from chronicle import urls
from chronicle.config import Config
from chronicle.model import Chronology
from chronicle.timeline import BAND_HEIGHT, GLYPH, LINE, TALLY_HEIGHT, TARGET, Frame, Gap, Lane, Mark, Tally, Timeline
from chronicle.vertical import vertical_view
from chronicle.views import kind_slot, silence_anchor, silence_text

Tokens = tuple[str | float, ...]  # an SVG path as tokens: commands and numbers


def _circle(r: float) -> Tokens:
    return ("a", r, r, 0, 1, 0, 2 * r, 0, "a", r, r, 0, 1, 0, -2 * r, 0, "Z")


# Each kind's shape centred on (x, y), of radius r (h: the height of a triangle's half, r * 0.87).
SHAPES: dict[int, Callable[[float, float, float, float], Tokens]] = {
    0: lambda x, y, r, h: ("M", x - r, y, *_circle(r)),                                        # disc
    1: lambda x, y, r, h: ("M", x - r + 1, y - r + 1, "h", 2 * r - 2, "v", 2 * r - 2, "h", 2 - 2 * r, "Z"),  # square
    2: lambda x, y, r, h: ("M", x - r, y, *_circle(r), "M", x - r / 2, y, "a", r / 2, r / 2, 0, 1, 1, r, 0,
                           "a", r / 2, r / 2, 0, 1, 1, -r, 0, "Z"),                             # ring
    3: lambda x, y, r, h: ("M", x, y - r, "L", x + r, y + h, "H", x - r, "Z"),                 # triangle up
    4: lambda x, y, r, h: ("M", x, y - r, "L", x + r, y, "L", x, y + r, "L", x - r, y, "Z"),   # diamond
    5: lambda x, y, r, h: ("M", x - r, y, "L", x - r / 2, y - h, "H", x + r / 2, "L", x + r, y, "L", x + r / 2,
                           y + h, "H", x - r / 2, "Z"),                                         # hexagon
    6: lambda x, y, r, h: ("M", x, y + r, "L", x + r, y - h, "H", x - r, "Z"),                 # triangle down
    7: lambda x, y, r, h: ("M", x - r, y - r / 2, "h", 2 * r, "v", r, "h", -2 * r, "Z"),       # bar
    8: lambda x, y, r, h: ("M", x - r / 3, y - r, "h", 2 * r / 3, "v", 2 * r / 3, "h", 2 * r / 3, "v", 2 * r / 3,
                           "h", -2 * r / 3, "v", 2 * r / 3, "h", -2 * r / 3, "v", -2 * r / 3, "h", -2 * r / 3,
                           "v", -2 * r / 3, "h", 2 * r / 3, "Z"),                               # cross
    9: lambda x, y, r, h: ("M", x - r / 2, y - r, "h", r, "v", 2 * r, "h", -r, "Z"),           # upright bar
}


def glyph(slot: int, x: float, y: float, r: float = GLYPH) -> str:
    """The path of a kind's shape centred on (x, y): shape codes the kind as well as colour.

    Tokens separated by spaces, each number rounded to hundredths (``_number``): a glyph is drawn
    for every mark of every figure, tens of thousands in a large chronology."""
    tokens = SHAPES[slot](x, y, r, round(r * 0.87, 2))
    return " ".join(token if isinstance(token, str) else _number(token) for token in tokens)


def _number(value: float) -> str:
    """A coordinate rounded to hundredths, as short as it reads: 12, 4.5, -3.25."""
    return f"{round(float(value), 2):g}"


def mark_view(mark: Mark, chronology: Chronology, config: Config) -> dict[str, Any]:
    """A mark of the timeline: its target, its shape and colour, its link and its accessible name."""
    event = mark.event
    date = event.date.display()
    kind = config.kind(event.kind).label
    slot = kind_slot(config, event.kind)
    left, right = mark.extent
    # a range narrower than two glyphs is drawn as its glyph, dashed: a band behind it would only peek out
    wide = mark.width >= 2 * GLYPH + 4
    band = {"x": mark.x, "y": round(mark.y - BAND_HEIGHT / 2, 2), "w": mark.width, "h": BAND_HEIGHT} \
        if wide else None
    return {
        "type": "mark", "band": band,
        "vague": event.date.approximate or event.date.uncertain or bool(mark.width and not wide),
        "glyph": glyph(slot, round(mark.x + mark.width / 2, 2), mark.y),
        "hit": {"x": round(left, 2), "y": round(mark.y - TARGET / 2, 2), "w": round(right - left, 2), "h": TARGET},
        "url": urls.event_url(event.id), "title": event.title, "date": date, "kind_label": kind,
        "label": f"{date}, {kind.lower()} : {event.title}", "slot": slot,
        "filter": {"acteur": " ".join(event.actors), "canal": " ".join(event.channels),
                   "nature": event.kind, "annee": str(event.year)},
        "sort": event.date.sort_key(),  # its first possible day first
        "callout": {"text": mark.callout, "x": round(mark.callout_x, 2), "y": round(mark.y + 4, 2),
                    "anchor": "end" if mark.callout_left else "start"} if mark.callout else None,
    }


def gap_view(gap: Gap) -> dict[str, Any]:
    """A silence on the timeline: a bracket, its length or a source's words, a link to it on its channel."""
    silence = gap.silence
    y = gap.y
    return {
        "type": "gap",
        "path": f"M{gap.x1} {y - 5}V{y + 5}M{gap.x1} {y}H{gap.x2}M{gap.x2} {y - 5}V{y + 5}",
        "hit": {"x": gap.x1, "y": round(y - TARGET / 2, 2), "w": round(max(gap.x2 - gap.x1, 1), 2), "h": TARGET},
        "label": gap.label, "label_x": gap.label_x, "label_y": gap.label_y, "quoted": gap.quoted,
        "lines": [{"text": line, "y": round(gap.label_y + LINE * i, 2)} for i, line in enumerate(gap.lines)],
        "text": silence_text(silence),
        "url": f"{urls.record_url('channel', silence.channel)}#{silence_anchor(silence)}",
        # a silence begins the day after the contact that opens it: it comes after that contact
        "sort": ((silence.before.date.end or silence.before.date.start or datetime.date.min).toordinal() + 1,),
    }


def tally_view(tally: Tally, lane: str, url: str, most: int) -> dict[str, Any]:
    """A year of a lane on a large timeline: a bar shaded by its count, the count above it, a link."""
    events = f"{tally.count} événement{'s' if tally.count > 1 else ''}"
    return {
        "x": tally.x, "y": round(tally.y - TALLY_HEIGHT / 2, 2), "w": tally.width, "h": TALLY_HEIGHT,
        "text_x": round(tally.x + tally.width / 2, 2), "text_y": round(tally.y - TALLY_HEIGHT / 2 - 4, 2),
        "shade": round(0.2 + 0.8 * tally.count / max(most, 1), 2), "count": tally.count, "year": tally.year,
        "url": url, "label": f"{tally.year}, {lane} : {events}" if lane else f"{tally.year} : {events}",
    }


def frame_view(frame: Frame, timeline: Timeline) -> dict[str, Any]:
    """A framing moment: a line (or narrow band) across the lanes, its name in the axis strip."""
    return {"x": frame.x0, "w": round(max(frame.x1 - frame.x0, 1.5), 2), "label": frame.label,
            "lines": [{"text": line, "y": round(frame.label_y + LINE * i, 2)} for i, line in enumerate(frame.lines)],
            "label_x": frame.label_x, "label_y": frame.label_y, "anchor": frame.anchor,
            "url": urls.event_url(frame.event.id),
            "line_y1": round(frame.label_y + LINE * (len(frame.lines) - 1) + 4, 2),
            "line_y2": timeline.axis_height}


TallyUrl = Callable[[str | None, int], str]  # (channel or None, year) -> the page listing those events


def lane_view(lane: Lane, timeline: Timeline, chronology: Chronology, config: Config, link_lanes: bool,
              target: TallyUrl, most: int) -> dict[str, Any]:
    """A lane: its name (linked to its channel), and its marks and silences in time order."""
    channel = chronology.channels[lane.channel] if lane.channel else None
    name = channel.name if channel else "Hors canal"
    items = sorted([*(mark_view(m, chronology, config) for m in lane.marks), *(gap_view(g) for g in lane.gaps)],
                   key=lambda item: (item["sort"][0], item["type"] == "mark", item["sort"]))
    return {
        "name": name if link_lanes else "",
        "url": urls.record_url("channel", channel.id) if channel and link_lanes else None,
        "height": lane.height, "entries": items,
        "marks": [i for i in items if i["type"] == "mark"], "gaps": [i for i in items if i["type"] == "gap"],
        "frames": [{"x": f.x0, "w": round(max(f.x1 - f.x0, 1.5), 2)} for f in timeline.frames],
        "tallies": [tally_view(t, name if link_lanes else "", target(lane.channel, t.year), most)
                    for t in lane.tallies],
    }


def timeline_view(timeline: Timeline, chronology: Chronology, config: Config, label: str,
                  link_lanes: bool = True, tally_url: TallyUrl | None = None) -> dict[str, Any]:
    """The timeline ready to draw: axis strip, lanes with names, marks, silences, frames, legend, table.

    ``link_lanes`` False draws a channel's own activity strip: no lane name, no link to itself.
    ``tally_url`` links the yearly counts of a large timeline (by default, to the year's page).
    """
    most = max((t.count for lane in timeline.lanes for t in lane.tallies), default=0)
    target = tally_url or (lambda _channel, year: urls.year_url(year))
    lanes = [lane_view(lane, timeline, chronology, config, link_lanes, target, most) for lane in timeline.lanes]
    own = timeline.lanes[0].channel if len(timeline.lanes) == 1 else None  # a channel's strip: its own events
    used = {mark.event.kind for lane in timeline.lanes for mark in lane.marks}
    marks = [m for lane in lanes for m in lane["marks"]]
    rows: dict[str, dict[str, Any]] = {}
    for view in lanes:  # the table: each event once, with its lanes, in date order
        for item in view["marks"]:
            rows.setdefault(item["url"], {**item, "lanes": []})["lanes"].append(view["name"])
    return {
        "label": label, "width": timeline.width, "axis_height": timeline.axis_height,
        "left": timeline.left, "right": timeline.right, "lanes": lanes,
        "focus": round(timeline.focus / timeline.width, 4),
        "runs": [{"x": x0, "width": round(x1 - x0, 2)} for x0, x1 in timeline.runs],
        "ticks": [{"x": t.x, "label": t.label, "label_x": t.label_x, "major": t.major,
                   "label_y": timeline.year_y if t.major else timeline.month_y} for t in timeline.ticks],
        "frames": [frame_view(f, timeline) for f in timeline.frames],
        "legend": [{"label": k.label, "slot": kind_slot(config, k.id), "glyph": glyph(kind_slot(config, k.id), 9, 9)}
                   for k in config.kinds if k.id in used],
        "has_bands": any(m["band"] for m in marks),
        "has_vague": any(m["vague"] and not m["band"] for m in marks),
        "has_gaps": any(lane["gaps"] for lane in lanes),
        "table": sorted(rows.values(), key=lambda row: row["sort"]),
        "silences": sorted(({**g, "lane": lane["name"]} for lane in lanes for g in lane["gaps"]),
                           key=lambda g: g["sort"]),
        "tallied": most > 0,
        "vertical": vertical_view(timeline, chronology, config, [lane["name"] for lane in lanes], glyph,
                                  lambda year: target(own, year)),
        "has_keys": any(m["callout"] for m in marks),
    }
