"""The timeline's narrow form: time running down, for phones and small tablets.

The wide figure needs 960 px to keep its 24 px targets; narrower screens get this instead (CSS
chooses, no script). The same facts as the wide figure, in the same words: each year a block
(each month in a busy year), its events as glyphs of their kind in time order (targets of 24 px),
the key events and the frames written out as callouts, the silences as sentences where they
begin, and stretches without any event named as gaps ("2016–2020 : aucun événement").

A date vaguer than its row (from May to December, in the row of May) is a hatched pill that says
its range ("mai–déc."); a short range or an approximate day is a faint dashed glyph, as on the
wide figure, so that the legend tells the truth for both.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Sequence
from typing import Any

from chronicle import urls
from chronicle.axis import MONTHS_SHORT, event_days, make_segments
from chronicle.config import Config
from chronicle.derive import Silence
from chronicle.model import Chronology, Event
from chronicle.timeline import Gap, Timeline, callout_text
from chronicle.views import kind_slot, silence_anchor, silence_text

MONTHLY = 12        # a year with more events than this is split into months
CHIP = 12.0         # centre of a chip's glyph, in its 24-unit box
CHIP_GLYPH = 7.0

Period = tuple[int, int]  # (year, month), month 0 for the whole year
Glyph = Callable[[int, float, float, float], str]


def period_of(day: datetime.date, monthly: set[int]) -> Period:
    """The row a day belongs to: its month in a busy year, else its year."""
    return (day.year, day.month if day.year in monthly else 0)


def range_text(first: datetime.date, last: datetime.date, period: Period) -> str:
    """A range wider than its row, in a few letters: "mai–déc.", "nov. 2024–2025"."""
    if last.year != first.year:
        start = MONTHS_SHORT[first.month - 1] + (f" {first.year}" if period[1] == 0 else "")
        return f"{start}–{last.year}"
    return f"{MONTHS_SHORT[first.month - 1]}–{MONTHS_SHORT[last.month - 1]}"


def chip_view(event: Event, lanes: Sequence[str], period: Period, config: Config, glyph: Glyph) -> dict[str, Any]:
    """An event as a glyph of its kind (a hatched pill with its range when vaguer than its row)."""
    first, last = event_days(event)
    kind = config.kind(event.kind).label
    slot = kind_slot(config, event.kind)
    wide = (first.year, first.month) != (last.year, last.month) and (period[1] or first.year != last.year
                                                                    or first.month != last.month)
    named = [lane for lane in lanes if lane]
    label = f"{event.date.display()}, {kind.lower()} : {event.title}" + (f" ({', '.join(named)})" if named else "")
    return {
        "type": "event", "url": urls.event_url(event.id), "label": label, "slot": slot,
        "glyph": glyph(slot, CHIP, CHIP, CHIP_GLYPH), "range": range_text(first, last, period) if wide else "",
        "vague": bool(event.date.approximate or event.date.uncertain or (first != last and not wide)),
        "date": event.date.display(), "kind": kind.lower(), "t": first.toordinal(),
        "filter": {"acteur": " ".join(event.actors), "canal": " ".join(event.channels),
                   "nature": event.kind, "annee": str(event.year)},
    }


def gap_item(silence: Silence, lane: str, quote: str | None) -> dict[str, Any]:
    """A silence where it begins: its channel, its sentence, and a source's words about it."""
    after = event_days(silence.before)[1] + datetime.timedelta(days=1)
    return {"type": "gap", "url": urls.anchored(urls.record_url("channel", silence.channel), silence_anchor(silence)),
            "text": silence_text(silence), "lane": lane, "quote": quote, "t": after.toordinal()}


def empty_run(first: int, last: int, year: int | None = None) -> dict[str, Any]:
    """A stretch with no event: years, or months of a busy year."""
    if year is None:
        label = str(first) if first == last else f"{first}–{last}"
    else:
        label = MONTHS_SHORT[first - 1] if first == last else f"{MONTHS_SHORT[first - 1]}–{MONTHS_SHORT[last - 1]}"
    return {"label": label, "empty": True, "items": []}


def collect(timeline: Timeline, names: Sequence[str]) -> tuple[dict[str, tuple[Any, list[str], bool]],
                                                                list[tuple[Gap, str]]]:
    """Each drawn event once (with its lanes' names and whether it is called out), and each silence."""
    events: dict[str, tuple[Any, list[str], bool]] = {}
    gaps = []
    for lane, name in zip(timeline.lanes, names, strict=True):
        for mark in lane.marks:
            entry = events.setdefault(mark.event.id, (mark.event, [], False))
            entry[1].append(name)
            if mark.callout:
                events[mark.event.id] = (entry[0], entry[1], True)
        gaps += [(gap, name) for gap in lane.gaps]
    return events, gaps


def year_periods(year: int, rows: dict[Period, list[dict[str, Any]]], monthly: set[int]) -> list[dict[str, Any]]:
    """A year's rows: the year itself, or its months with events and the stretches of empty months between."""
    if year not in monthly:
        return [{"label": "", "empty": False, "items": rows.get((year, 0), [])}]
    months = sorted(month for y, month in rows if y == year)
    result: list[dict[str, Any]] = []
    for previous, month in zip([0, *months], months, strict=False):
        if month - previous > 1 and previous:
            result.append(empty_run(previous + 1, month - 1, year))
        result.append({"label": MONTHS_SHORT[month - 1], "empty": False, "items": rows[(year, month)]})
    return result


def vertical_view(timeline: Timeline, chronology: Chronology, config: Config, names: Sequence[str],
                  glyph: Glyph, year_url: Callable[[int], str] = urls.year_url) -> dict[str, Any]:
    """The narrow form of ``timeline`` (lane names ``names``, "" for a channel's own strip); each year
    links to its events in words (``year_url``): a glyph's title, one tap away without a tooltip."""
    if any(lane.tallies for lane in timeline.lanes):
        return tallied_view(timeline, chronology, year_url)
    events, gaps = collect(timeline, names)
    firsts = {event_id: event_days(event)[0] for event_id, (event, _lanes, _key) in events.items()}
    per_year: dict[int, int] = {}
    for day in firsts.values():
        per_year[day.year] = per_year.get(day.year, 0) + 1
    monthly = {year for year, count in per_year.items() if count > MONTHLY}
    frames = {frame.event.id for frame in timeline.frames}
    rows: dict[Period, list[dict[str, Any]]] = {}
    for event_id, (event, lanes, key) in events.items():
        period = period_of(firsts[event_id], monthly)
        item = chip_view(event, lanes, period, config, glyph)
        if key or event_id in frames:  # written out: the reader sees it without a tap
            item = {**item, "type": "frame" if event_id in frames else "key", "text": callout_text(event, limit=200)}
        rows.setdefault(period, []).append(item)
    for gap, lane in gaps:
        silence = gap.silence
        day = datetime.date.fromordinal(gap_item(silence, lane, None)["t"])
        period = period_of(event_days(silence.before)[0], monthly) if day.year not in per_year \
            else period_of(day, monthly)
        rows.setdefault(period, []).append(gap_item(silence, lane, gap.quote or None))
    for items in rows.values():  # time order; a silence after the contact that opens it
        items.sort(key=lambda item: (item["t"], item["type"] == "gap"))
    blocks = []
    for first, last in make_segments(set(per_year)):
        if first != last or first not in per_year:
            blocks.append({"type": "run", **empty_run(first, last)})
            continue
        blocks.append({"type": "year", "year": first, "id": f"frise-{first}", "count": per_year[first],
                       "periods": year_periods(first, rows, monthly), "url": year_url(first)})
    busiest = max(per_year.items(), key=lambda pair: (pair[1], pair[0]), default=None)
    return {"blocks": blocks, "tallied": False,
            "nav": [{"year": year, "count": count, "href": f"#frise-{year}", "dense": busiest is not None
                     and year == busiest[0]} for year, count in sorted(per_year.items())] if len(per_year) > 1 else [],
            "busiest": {"year": busiest[0], "count": busiest[1], "href": f"#frise-{busiest[0]}"}
            if busiest and len(per_year) > 1 else None}


def tallied_view(timeline: Timeline, chronology: Chronology, tally_url: Callable[[int], str]) -> dict[str, Any]:
    """A large chronology's narrow form: a bar per year, its length the year's events, linked to them.

    One lane (a channel's strip) counts its own events; the home figure counts each event once."""
    if len(timeline.lanes) == 1:
        counts = {tally.year: tally.count for tally in timeline.lanes[0].tallies}
    else:
        counts = {year: len(events) for year, events in chronology.by_year.items()}
    most = max(counts.values(), default=1)
    blocks = []
    for first, last in make_segments(set(counts)):
        if first != last or first not in counts:
            blocks.append({"type": "run", **empty_run(first, last)})
            continue
        item = {"type": "tally", "count": counts[first], "url": tally_url(first),
                "share": max(round(100 * counts[first] / most), 4), "t": datetime.date(first, 1, 1).toordinal()}
        blocks.append({"type": "year", "year": first, "id": f"frise-{first}", "count": counts[first],
                       "periods": [{"label": "", "empty": False, "items": [item]}]})
    return {"blocks": blocks, "tallied": True, "nav": [], "busiest": None}
