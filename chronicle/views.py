"""Template-ready values for records: every text formatted, every link decided.

Templates never compute; these functions hand them plain dicts of strings, Markup and
site-root URLs (the ``rel`` filter makes those relative to the page).
"""

from __future__ import annotations

import datetime
import html
import re
from collections.abc import Callable
from typing import Any

from chronicle import urls
from chronicle.claims import describe_claim, describe_days
from chronicle.config import Config
from chronicle.dates import EdtfDate, format_day
from chronicle.derive import ClaimCheck, Passage, Silence, Status
from chronicle.markdown import render_markdown
from chronicle.metadata import html_datetime
from chronicle.model import Actor, Channel, Chronology, Event, Source
from chronicle.timeline import BAND_HEIGHT, GLYPH, LINE, TALLY_HEIGHT, TARGET, Frame, Gap, Lane, Mark, Tally, Timeline
from chronicle.wording import at_words, duration_words, exact_text, silence_sentence

PRECISION_FR = {"day": "au jour près", "month": "au mois près", "year": "à l'année près"}
BASIS_FR = {"explicit": "donnée par la source", "inferred": "déduite"}
ACTOR_TYPES_FR = {"person": "Personne", "institution": "Institution", "state": "État"}
CHANNEL_KINDS_FR = {
    "military-leaders": "Chefs d'état-major", "defence-ministers": "Ministres de la Défense",
    "operational-line": "Ligne opérationnelle", "diplomatic": "Diplomatie", "intelligence": "Renseignement",
    "arms-control": "Maîtrise des armements", "national-security": "Sécurité nationale",
    "hotline": "Ligne directe",
}
COUNTRIES_FR = {"US": "États-Unis", "RU": "Russie", "UA": "Ukraine", "FI": "Finlande", "PL": "Pologne",
                "KP": "Corée du Nord", "KR": "Corée du Sud", "SY": "Syrie", "DE": "Allemagne",
                "EG": "Égypte", "SE": "Suède", "FR": "France", "GB": "Royaume-Uni"}
LANGUAGES_FR = {"fr": "français", "en": "anglais", "ru": "russe", "uk": "ukrainien", "de": "allemand"}
MONTHS = ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre",
          "octobre", "novembre", "décembre")


TAG = re.compile(r"<[^>]+>")
PALETTE_SIZE = 10  # the stylesheet colours kinds k0..k9


def link(name: str, url: str) -> dict[str, str]:
    """A link for the templates."""
    return {"name": name, "url": url}


def plain_text(markdown: str) -> str:
    """Editors' Markdown as one line of plain text (meta descriptions, exports)."""
    return " ".join(html.unescape(TAG.sub("", str(render_markdown(markdown)))).split())


def kind_slot(config: Config, kind_id: str) -> int:
    """The colour of a kind: its position in the vocabulary, on a palette of ten."""
    return [k.id for k in config.kinds].index(kind_id) % PALETTE_SIZE


def date_view(date: EdtfDate) -> dict[str, Any]:
    """A date in words, with its value for <time datetime> at its true precision (``2015``, ``2021-09``;
    ``metadata.html_datetime``) and its earliest day (``iso_start``, to sort by)."""
    return {"text": date.display(), "iso": html_datetime(date), "iso_start": date.iso_start() or date.iso_end() or "",
            "precision": PRECISION_FR[date.precision], "approximate": date.approximate,
            "uncertain": date.uncertain}


def span_text(first: EdtfDate, second: EdtfDate) -> str:
    """"du 18 février au 13 mai 2022": from the end of one date to the start of the next."""
    if first.precision == second.precision == "day" and not (first.interval or second.interval):
        assert first.start and second.start
        start = format_day(first.start)
        if first.start.year == second.start.year:
            start = start.rsplit(" ", 1)[0]
        return f"du {start} au {format_day(second.start)}"
    return f"de {first.display()} à {second.display()}"


def event_summary(event: Event, chronology: Chronology, config: Config) -> dict[str, Any]:
    """An event as a line of a list: date, title, kind, actors, channels, summary.

    Computed once per event and chronology (``Chronology.summaries``); templates only read it.
    """
    summary = chronology.summaries.get(event.id)
    if summary is None:
        summary = chronology.summaries[event.id] = summarise_event(event, chronology, config)
    return summary


def summarise_event(event: Event, chronology: Chronology, config: Config) -> dict[str, Any]:
    """The line of a list for one event (see ``event_summary``)."""
    return {
        "id": event.id,
        "url": urls.event_url(event.id),
        "title": event.title,
        "date": date_view(event.date),
        "kind": event.kind,
        "kind_label": config.kind(event.kind).label,
        "slot": kind_slot(config, event.kind),
        "filter": {"acteur": " ".join(event.actors), "canal": " ".join(event.channels),
                   "nature": event.kind, "annee": str(event.year)},
        "actors": [link(chronology.actors[a].name, urls.record_url("actor", a)) for a in event.actors],
        "channels": [link(chronology.channels[c].name, urls.record_url("channel", c)) for c in event.channels],
        "summary": render_markdown(event.summary),
    }


def group_by_month(events: list[dict[str, Any]], originals: tuple[Event, ...]) -> list[dict[str, Any]]:
    """Events of one year grouped under "mai 2022"; dates vaguer than a month come first."""
    groups: list[dict[str, Any]] = []
    for view, event in zip(events, originals, strict=True):
        day = event.date.start or event.date.end
        assert day is not None
        precise = event.date.precision in ("day", "month")
        label = f"{MONTHS[day.month - 1]} {day.year}" if precise else f"{day.year}, dates imprécises"
        if not groups or groups[-1]["label"] != label:
            groups.append({"label": label, "events": []})
        groups[-1]["events"].append(view)
    return groups


def silence_anchor(silence: Silence) -> str:
    """The anchor of a silence on its channel page (named after the contact that opens it)."""
    return f"silence-{silence.before.id}"


def silence_text(silence: Silence) -> str:
    """ "84 jours sans contact connu, du 18 février au 13 mai 2022": the same words everywhere."""
    return silence_sentence(silence.before.date, silence.after.date, silence.low, silence.high)


def silence_view(silence: Silence) -> dict[str, Any]:
    """A silence in words, its exact figures, its anchor and the two contacts linked."""
    return {
        "anchor": silence_anchor(silence),
        "text": silence_text(silence),
        "exact": exact_text(silence.before.date, silence.after.date, silence.low, silence.high),
        "days": silence.high,
        "before": link(silence.before.title, urls.event_url(silence.before.id)),
        "after": link(silence.after.title, urls.event_url(silence.after.id)),
        "merged": [link(e.title, urls.event_url(e.id)) for e in silence.merged],
    }


def status_view(status: Status) -> dict[str, Any]:
    """Where a channel stands: its last known contact and the silence since, at the latest source."""
    if status.last is None:
        return {"last": None, "since": ""}
    since = ""
    if status.as_of is not None:
        words = duration_words(status.low, status.high, True)
        since = (f"{words[0].upper()}{words[1:]} sans contact connu depuis, à la date de la source "
                 f"la plus récente, {at_words(status.as_of.published)}.")
    return {"last": link(status.last.title, urls.event_url(status.last.id)), "date": status.last.date.display(),
            "since": since}


def claim_view(check: ClaimCheck, chronology: Chronology) -> dict[str, Any]:
    """A claim, what it says, what the dates give, and the verdict."""
    claim = check.claim
    source = chronology.sources[claim.source]
    return {
        "id": claim.id,
        "quote": claim.quote,
        "said": describe_claim(claim.unit, claim.count, claim.about, claim.limit),
        "computed": describe_days(check.verdict.low, check.verdict.high),
        "holds": check.verdict.holds,
        "verdict": "cohérent avec les dates" if check.verdict.holds else "incompatible avec les dates",
        "source": link(source.title, urls.record_url("source", source.id)),
        "first": link(check.first.title, urls.event_url(check.first.id)),
        "second": link(check.second.title, urls.event_url(check.second.id)),
        "note": render_markdown(claim.note) if claim.note else None,
    }


def passage_anchor(event_id: str, number: int) -> str:
    """The anchor of a cited passage on its source page."""
    return f"passage-{event_id}-{number}"


def source_split(source_id: str, chronology: Chronology) -> bool:
    """Whether a source's passages are split by the year of the events citing it (past ``urls.LIST_LIMIT``)."""
    return urls.is_split(len(chronology.by_source.get(source_id, ())))


def passage_url(source_id: str, event: Event, number: int, chronology: Chronology) -> str:
    """The address of a cited passage: on its source's page or, when more than ``urls.LIST_LIMIT`` events
    cite the source, on the page of the citing event's year (``/sources/<id>/2022/``)."""
    split = source_split(source_id, chronology)
    where = urls.record_year_url("source", source_id, event.year) if split else urls.record_url("source", source_id)
    return f"{where}#{passage_anchor(event.id, number)}"


def passage_view(passage: Passage) -> dict[str, Any]:
    """A cited passage on its source page, linked to the event that cites it."""
    return {
        "anchor": passage_anchor(passage.event.id, passage.citation.number),
        "quote": passage.citation.quote,
        "line": passage.line,
        "event": link(passage.event.title, urls.event_url(passage.event.id)),
        "citation_url": f"{urls.event_url(passage.event.id)}#citation-{passage.citation.number}",
    }


def actor_view(actor: Actor) -> dict[str, Any]:
    """An actor's identity for its page and for lists."""
    roles = []
    for role in actor.roles:
        when = ""
        if role.start and role.end:
            when = f"de {role.start.display()} à {role.end.display()}"
        elif role.start:
            when = f"depuis {role.start.display()}"
        elif role.end:
            when = f"jusqu'à {role.end.display()}"
        roles.append({"title": role.title, "when": when})
    return {
        "id": actor.id, "url": urls.record_url("actor", actor.id), "name": actor.name,
        "aliases": list(actor.aliases), "search_variants": list(actor.search_variants),
        "type": ACTOR_TYPES_FR[actor.type],
        "country": COUNTRIES_FR.get(actor.country or "", actor.country or ""), "roles": roles,
        "description": render_markdown(actor.description) if actor.description else None,
    }


def channel_view(channel: Channel, chronology: Chronology) -> dict[str, Any]:
    """A channel's identity for its page and for lists, made once per chronology (``Chronology.channel_views``)."""
    view = chronology.channel_views.get(channel.id)
    if view is None:
        view = chronology.channel_views[channel.id] = make_channel_view(channel, chronology)
    return view


def make_channel_view(channel: Channel, chronology: Chronology) -> dict[str, Any]:
    """See ``channel_view``."""
    return {
        "id": channel.id, "url": urls.record_url("channel", channel.id), "name": channel.name,
        "kind": CHANNEL_KINDS_FR[channel.kind],
        "parties": [link(chronology.actors[p].name, urls.record_url("actor", p)) for p in channel.parties],
        "established": date_view(channel.established) if channel.established else None,
        "description": render_markdown(channel.description) if channel.description else None,
        "events": len(chronology.by_channel.get(channel.id, ())),
    }


def source_view(source: Source, chronology: Chronology) -> dict[str, Any]:
    """A source's identity for its page and for lists."""
    return {
        "id": source.id, "url": urls.record_url("source", source.id), "title": source.title,
        "published": date_view(source.published), "basis": BASIS_FR[source.published_basis],
        "note": source.published_note, "reports": list(source.reports), "link": source.url,
        "language": source.language, "language_name": LANGUAGES_FR.get(source.language, source.language),
        "events": len(chronology.by_source.get(source.id, ())),
    }


def glyph(slot: int, x: float, y: float, r: float = GLYPH) -> str:
    """The path of a kind's shape centred on (x, y): shape codes the kind as well as colour."""
    h = round(r * 0.87, 2)
    shapes = {
        0: f"M{x - r} {y}a{r} {r} 0 1 0 {2 * r} 0a{r} {r} 0 1 0 {-2 * r} 0Z",             # disc
        1: f"M{x - r + 1} {y - r + 1}h{2 * r - 2}v{2 * r - 2}h{2 - 2 * r}Z",               # square
        2: f"M{x - r} {y}a{r} {r} 0 1 0 {2 * r} 0a{r} {r} 0 1 0 {-2 * r} 0Z"
           f"M{x - r / 2} {y}a{r / 2} {r / 2} 0 1 1 {r} 0a{r / 2} {r / 2} 0 1 1 {-r} 0Z",  # ring
        3: f"M{x} {y - r}L{x + r} {y + h}H{x - r}Z",                                        # triangle up
        4: f"M{x} {y - r}L{x + r} {y}L{x} {y + r}L{x - r} {y}Z",                            # diamond
        5: f"M{x - r} {y}L{x - r / 2} {y - h}H{x + r / 2}L{x + r} {y}L{x + r / 2} {y + h}H{x - r / 2}Z",  # hexagon
        6: f"M{x} {y + r}L{x + r} {y - h}H{x - r}Z",                                        # triangle down
        7: f"M{x - r} {y - r / 2}h{2 * r}v{r}h{-2 * r}Z",                                   # bar
        8: f"M{x - r / 3} {y - r}h{2 * r / 3}v{2 * r / 3}h{2 * r / 3}v{2 * r / 3}h{-2 * r / 3}v{2 * r / 3}"
           f"h{-2 * r / 3}v{-2 * r / 3}h{-2 * r / 3}v{-2 * r / 3}h{2 * r / 3}Z",           # cross
        9: f"M{x - r / 2} {y - r}h{r}v{2 * r}h{-r}Z",                                       # upright bar
    }
    return " ".join(f"{round(float(n), 2):g}" if _is_number(n) else n for n in _tokens(shapes[slot]))


def _tokens(path: str) -> list[str]:
    return re.findall(r"-?\d+(?:\.\d+)?|[A-Za-z]", path)


def _is_number(token: str) -> bool:
    return token[:1].isdigit() or token[:1] == "-"


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
    }
