"""Template-ready values for records: every text formatted, every link decided.

Templates never compute; these functions hand them plain dicts of strings, Markup and
site-root URLs (the ``rel`` filter makes those relative to the page).
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from typing import Any

from chronicle import urls
from chronicle.claims import describe_claim, describe_days
from chronicle.config import Config
from chronicle.dates import EdtfDate, format_day
from chronicle.derive import ClaimCheck, Passage, Silence
from chronicle.markdown import render_markdown
from chronicle.model import Actor, Channel, Chronology, Event, Source
from chronicle.timeline import BAR_HEIGHT, RADIUS, TALLY_HEIGHT, Gap, Mark, Tally, Timeline

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
    """A date in words, with its machine-readable start for <time datetime>."""
    return {"text": date.display(), "iso": date.iso_start() or date.iso_end() or "",
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
    """"84 jours sans contact, du 18 février au 13 mai 2022"."""
    length = describe_days(silence.low, silence.high)
    return f"{length} sans contact, {span_text(silence.before.date, silence.after.date)}"


def silence_view(silence: Silence) -> dict[str, Any]:
    """A silence in words, with its anchor and the two contacts linked."""
    return {
        "anchor": silence_anchor(silence),
        "text": silence_text(silence),
        "days": silence.high,
        "before": link(silence.before.title, urls.event_url(silence.before.id)),
        "after": link(silence.after.title, urls.event_url(silence.after.id)),
    }


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


def mark_view(mark: Mark, chronology: Chronology, config: Config) -> dict[str, Any]:
    """A mark of the timeline: its shape, its colour, its link and its accessible name."""
    event = mark.event
    date = event.date.display()
    kind = config.kind(event.kind).label
    shape = ({"dot": True, "cx": mark.x, "cy": mark.y, "r": RADIUS} if mark.width == 0 else
             {"dot": False, "x": mark.x, "y": round(mark.y - BAR_HEIGHT / 2, 2), "w": mark.width, "h": BAR_HEIGHT})
    return {
        **shape,
        "url": urls.event_url(event.id), "title": event.title, "date": date, "kind_label": kind,
        "label": f"{date}, {kind.lower()} : {event.title}",
        "slot": kind_slot(config, event.kind),
        "vague": event.date.approximate or event.date.uncertain,
        "filter": {"acteur": " ".join(event.actors), "canal": " ".join(event.channels),
                   "nature": event.kind, "annee": str(event.year)},
    }


def gap_view(gap: Gap) -> dict[str, Any]:
    """A silence on the timeline: a line, its length, and a link to it on the channel page."""
    silence = gap.silence
    return {
        "path": f"M{gap.x1} {gap.y - 4}V{gap.y + 4}M{gap.x1} {gap.y}H{gap.x2}M{gap.x2} {gap.y - 4}V{gap.y + 4}",
        "label": gap.label, "label_x": gap.label_x,
        "label_y": gap.label_y, "text": silence_text(silence),
        "url": f"{urls.record_url('channel', silence.channel)}#{silence_anchor(silence)}",
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


TallyUrl = Callable[[str | None, int], str]  # (channel or None, year) -> the page listing those events


def timeline_view(timeline: Timeline, chronology: Chronology, config: Config, label: str,
                  link_lanes: bool = True, tally_url: TallyUrl | None = None) -> dict[str, Any]:
    """The timeline ready to draw: lanes with names (linked to their channel), marks, silences, axis, legend.

    ``link_lanes`` False draws a channel's own activity strip: no lane name, no link to itself.
    ``tally_url`` links the yearly counts of a large timeline (by default, to the year's page).
    """
    lanes = []
    most = max((t.count for lane in timeline.lanes for t in lane.tallies), default=0)
    for lane in timeline.lanes:
        channel = chronology.channels[lane.channel] if lane.channel else None
        lane_name = channel.name if channel else "Hors canal"
        target = tally_url or (lambda _channel, year: urls.year_url(year))
        lanes.append({
            # a channel's own strip needs no name: the page is the channel's
            "name": (channel.name if channel else "Hors canal") if link_lanes else "",
            "url": urls.record_url("channel", channel.id) if channel and link_lanes else None,
            "top": lane.top, "label_y": lane.label_y, "y": lane.y,
            # the name again where a narrow screen starts (its busiest year), out of the reading order
            "echo_x": round(timeline.focus + 4, 2) if link_lanes and timeline.focus - timeline.left > 200 else None,
            "marks": [mark_view(m, chronology, config) for m in lane.marks],
            "gaps": [gap_view(g) for g in lane.gaps],
            "tallies": [tally_view(t, lane_name if link_lanes else "", target(lane.channel, t.year), most)
                        for t in lane.tallies],
        })
    used = {mark.event.kind for lane in timeline.lanes for mark in lane.marks}
    axis = timeline.axis_y
    return {
        "label": label, "width": timeline.width, "height": timeline.height, "axis_y": timeline.axis_y,
        "left": timeline.left, "right": timeline.right, "lanes": lanes,
        "focus": round(timeline.focus / timeline.width, 4),
        "runs": [{"x": x0, "width": round(x1 - x0, 2)} for x0, x1 in timeline.runs],
        "ticks": [{"x": t.x, "label": t.label, "label_x": t.label_x, "major": t.major,
                   "y1": 0 if t.major else axis, "y2": axis + (6 if t.major else 4),
                   "label_y": axis + (26 if t.major else 14)} for t in timeline.ticks],
        "legend": [{"label": k.label, "slot": kind_slot(config, k.id)} for k in config.kinds if k.id in used],
        "has_bars": any(mark.width for lane in timeline.lanes for mark in lane.marks),
        "has_gaps": any(lane.gaps for lane in timeline.lanes),
        "tallied": most > 0,
    }


def reference_view(event: Event, config: Config) -> dict[str, str]:
    """The parts of "Citer cette page": author, title, site, date, address."""
    return {"author": config.author or config.title, "title": event.title, "site": config.title,
            "date": event.date.display(), "url": urls.absolute(config.base_url, urls.event_url(event.id))}


def event_json_ld(event: Event, chronology: Chronology, config: Config) -> dict[str, Any]:
    """schema.org metadata of an event page: an Article about an Event, citing its sources."""
    page_url = urls.absolute(config.base_url, urls.event_url(event.id))
    publisher = {"@type": "Organization", "name": config.author or config.title}
    about: dict[str, Any] = {"@type": "Event", "name": event.title}
    if event.date.iso_start():
        about["startDate"] = event.date.iso_start()
    if event.date.iso_end():
        about["endDate"] = event.date.iso_end()
    sources = dict.fromkeys(c.source for c in event.citations)
    return {
        "@context": "https://schema.org", "@type": "Article", "headline": event.title,
        "description": plain_text(event.summary), "url": page_url, "mainEntityOfPage": page_url,
        "inLanguage": config.language, "author": publisher, "publisher": publisher,
        "isPartOf": {"@type": "WebSite", "name": config.title, "url": config.base_url},
        "about": about,
        "mentions": [{"@type": "Person" if chronology.actors[a].type == "person" else "Organization",
                      "name": chronology.actors[a].name,
                      "url": urls.absolute(config.base_url, urls.record_url("actor", a))} for a in event.actors],
        "citation": [{"@type": "CreativeWork", "name": chronology.sources[s].title,
                      "url": urls.absolute(config.base_url, urls.record_url("source", s))} for s in sources],
        **({"license": config.license} if config.license else {}),
    }
