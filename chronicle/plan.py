"""Chronology -> pages: every URL of the site is decided here, once.

A page is a URL, a template and a ready context; two pages claiming one URL are refused
before anything is rendered.
"""

from __future__ import annotations

import heapq
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from chronicle import urls
from chronicle.cards import og_image
from chronicle.config import Config
from chronicle.derive import CONTACT_KINDS, Facts, Passage, Silence
from chronicle.figure import TallyUrl, timeline_view
from chronicle.gitdates import Stamp, iso
from chronicle.markdown import render_markdown
from chronicle.metadata import reference
from chronicle.model import Actor, Channel, Chronology, Event, Source
from chronicle.problems import Problem
from chronicle.spellings import PAGEFIND_OPTIONS
from chronicle.structured import (
    actor_json_ld,
    channel_json_ld,
    event_json_ld,
    page_json_ld,
    site_json_ld,
    source_json_ld,
)
from chronicle.timeline import build_timeline
from chronicle.views import (
    MONTHS,
    actor_view,
    by_name,
    channel_view,
    claim_view,
    datation_view,
    date_view,
    event_summary,
    group_by_month,
    link,
    passage_view,
    plain_text,
    silence_view,
    source_view,
    status_view,
)

LATEST = 10       # the latest events shown above the links of a list split into pages
HOME_LATEST = 3   # the latest events in the first screen of the home page
SILENCES = 20     # the longest silences a channel page lists (and timelines draw)

NAVIGATION = (("Chronologie", urls.HOME), ("Acteurs", urls.ACTORS), ("Canaux", urls.CHANNELS),
              ("Sources", urls.SOURCES), ("Recherche", urls.SEARCH), ("À propos", urls.ABOUT))
CHRONOLOGY_SECTIONS = (urls.SECTIONS["event"], urls.YEARS)  # pages under "Chronologie" in the navigation
DATA_LINKS = ({"name": "JSON", "url": urls.EXPORT, "what": "toute la chronologie (format documenté)"},
              {"name": "CSV", "url": urls.EXPORT_CSV, "what": "un événement par ligne, pour un tableur"},
              {"name": "CSV pour Excel", "url": urls.EXPORT_EXCEL,
               "what": "le même fichier, séparé par des points-virgules, qu'Excel en français ouvre en colonnes"},
              {"name": "TimelineJS", "url": urls.EXPORT_TIMELINEJS,
               "what": "à charger dans l'outil TimelineJS pour intégrer la frise"},
              {"name": "Annotations", "url": urls.EXPORT_ANNOTATIONS,
               "what": "chaque passage cité, en annotation W3C (Web Annotation) qui relie l'article à l'événement"})


# Every site-root URL a template links to, beside those of records: templates write none of their own.
LINKS = {"home": urls.HOME, "actors": urls.ACTORS, "channels": urls.CHANNELS, "sources": urls.SOURCES,
         "search": urls.SEARCH, "about": urls.ABOUT, "method": urls.ABOUT_METHOD, "dates": urls.ABOUT_DATES,
         "correcting": urls.ABOUT_CORRECTING, "corrections": urls.CORRECTIONS, "feed": urls.FEED,
         "favicon": urls.static_url("favicon.svg"), "stylesheet": urls.static_url("site.css"),
         "script": urls.static_url("site.js"), "search_script": urls.static_url("search.js")}


RECORD_FOLDERS = {"event": "events", "actor": "actors", "channel": "channels", "source": "sources"}
PlanKey = urls.PlanKey


@dataclass(frozen=True)
class Page:
    """One output file: its URL, the template that renders it, and the template's context."""

    url: str
    template: str
    context: dict[str, Any]


class DuplicateUrlError(Exception):
    """Two pages claim one URL."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("duplicate URLs")
        self.problems = problems


def page(url: str, template: str, title: str, config: Config, description: str = "",
         **context: Any) -> Page:
    """A page with the context every template shares (site, navigation, canonical URL).

    ``search_type`` (the kind of page shown in search results) makes the page searchable;
    ``og_type`` and ``json_ld`` describe it to other sites.
    """
    section = next((target for _, target in reversed(NAVIGATION) if target != urls.HOME and url.startswith(target)),
                   urls.HOME if url == urls.HOME or url.startswith(CHRONOLOGY_SECTIONS) else None)
    shared = {
        "site": {"title": config.title, "subtitle": config.subtitle, "author": config.author,
                 "publisher": config.publisher_name, "license": config.license, "license_url": config.license_url,
                 "base_url": config.base_url, "language": config.language,
                 "repository": config.repository, "contact": config.contact,
                 "locale": f"{config.language}_{config.language.upper()}"},
        "page_url": url,
        "title": title,
        "description": description or config.subtitle,
        "canonical": config.public(url),
        "dates": stamp_view(config.history.site()),
        "cite": None,
        "og_image": og_image(config, template) if template.endswith(".html") else None,
        "navigation": [{"name": name, "url": target,
                        "current": ("page" if target == url else "true") if target == section else None}
                       for name, target in NAVIGATION],
        "data_links": DATA_LINKS,
        "links": LINKS,
        "search_type": None,
        "search_actors": None,  # a searchable page's: every actor's spellings, given by render (``render_page``)
        "og_type": "website",
        "json_ld": None,
    }
    merged = {**shared, **context}
    if merged["json_ld"] is None and template.endswith(".html") and template != "redirect.html":
        merged["json_ld"] = page_json_ld(config, url, title, merged["dates"])
    return Page(url, template, merged)


def stamp_view(stamp: Stamp | None) -> dict[str, Any] | None:
    """A page's dates as the templates use them, or None when unknown (``gitdates``)."""
    return stamp.view() if stamp else None


def record_paths(kind: str, record_id: str) -> tuple[str, ...]:
    """The files of a record: its YAML file (and a source's text)."""
    folder = f"content/{RECORD_FOLDERS[kind]}/{record_id}"
    return (f"{folder}.yaml", f"{folder}.txt") if kind == "source" else (f"{folder}.yaml",)


def record_dates(config: Config, kind: str, record_id: str) -> dict[str, Any] | None:
    """The dates of a record's page: those of its file (and of a source's text)."""
    return stamp_view(config.history.of(*record_paths(kind, record_id)))


def list_dates(config: Config, events: tuple[Event, ...], *records: tuple[str, str]) -> dict[str, Any] | None:
    """The dates of a list of ``events`` (a year, a month, a record's year): the first publication and
    the last change of their files, and of the ``records`` (kind, id) it is about. Not the whole
    site's: a commit elsewhere leaves the list as it was."""
    paths = [path for kind, record_id in records for path in record_paths(kind, record_id)]
    return stamp_view(config.history.of(*paths, *(f"content/events/{event.id}.yaml" for event in events)))


def cite_view(config: Config) -> dict[str, Any]:
    """What the reference-manager tags of a record's page name: its authors and publisher."""
    return {"authors": [config.author] if config.author else [], "publisher": config.publisher_name}


def event_link(event: Event | None) -> dict[str, str] | None:
    """A link to ``event``, or None."""
    return link(event.title, urls.event_url(event.id)) if event else None


def corroboration(event: Event) -> str:
    """How many sources report the event: "Rapporté par 3 sources", "Une seule source"."""
    count = len(dict.fromkeys(citation.source for citation in event.citations))
    return "Rapporté par une seule source" if count == 1 else f"Rapporté par {count} sources"


def plan_event(event: Event, chronology: Chronology, facts: Facts, config: Config) -> Page:
    """The page of one event."""
    before, after = chronology.neighbours(event.id)
    in_actors = []
    for actor_id in event.actors:
        prev_a, next_a = chronology.actor_neighbours(event, actor_id)
        if prev_a and before and prev_a.id == before.id:  # the chronology's neighbour already: said once
            prev_a = None
        if next_a and after and next_a.id == after.id:
            next_a = None
        if prev_a or next_a:
            in_actors.append({"actor": link(chronology.actors[actor_id].name, urls.record_url("actor", actor_id)),
                              "previous": event_link(prev_a), "next": event_link(next_a)})
    in_channels = []
    for channel_id in event.channels:
        prev_c, next_c = chronology.neighbours(event.id, channel_id)
        in_channels.append({
            "channel": link(chronology.channels[channel_id].name, urls.record_url("channel", channel_id)),
            "previous": event_link(prev_c), "next": event_link(next_c),
        })
    citations = [{
        "number": c.number, "anchor": urls.citation_anchor(c.number), "quote": c.quote,
        "source": link(chronology.sources[c.source].title, urls.record_url("source", c.source)),
        "passage_url": urls.passage_url(c.source, event.id, c.number, event.year, facts.split_sources[c.source]),
    } for c in event.citations]
    initiator = chronology.actors[event.initiator] if event.initiator else None
    claims = [claim_view(check, chronology) for check in facts.claims_of_event.get(event.id, ())]
    dates = record_dates(config, "event", event.id)
    url = urls.event_url(event.id)
    return page(
        url, "event.html", event.title, config,
        description=plain_text(event.summary)[:300], dates=dates, cite=cite_view(config),
        search_type="Événement", og_type="article", json_ld=event_json_ld(event, chronology, config, dates),
        event=event_summary(event, chronology, config),
        date_basis=event.date_basis,
        datation=datation_view(event),
        corroboration=corroboration(event),
        date_note=event.date_note,
        initiator=link(initiator.name, urls.record_url("actor", initiator.id)) if initiator else None,
        citations=citations,
        annotation=render_markdown(event.annotation) if event.annotation else None,
        corrections=[{"date": date_view(c.date), "text": render_markdown(c.text)} for c in event.corrections],
        corrections_anchor=urls.CORRECTIONS_SECTION,
        previous=event_link(before),
        next=event_link(after),
        in_channels=in_channels,
        in_actors=in_actors,
        claims=claims,
        reference=reference(event.title, config.public(url), config, dates),
        citation_files=urls.citation_file_urls(event.id),
    )


def plan_year_groups(events: tuple[Event, ...], chronology: Chronology, config: Config) -> list[dict[str, Any]]:
    """Events by year then month, for the chronology and filtered views."""
    years: dict[int, list[Event]] = {}
    for event in events:
        years.setdefault(event.year, []).append(event)
    return [{"year": year, "url": urls.year_url(year), "anchor": urls.year_anchor(year),
             "months": group_by_month([event_summary(e, chronology, config) for e in group], tuple(group))}
            for year, group in years.items()]


def part_link(name: str, url: str, count: int, noun: str = "événement") -> dict[str, Any]:
    """A link to one part of a split list, with its count of events (or of ``noun``)."""
    return {"name": name, "url": url, "count": count, "label": f"{count} {noun}{'s' if count > 1 else ''}"}


def pagination(addresses: list[str], address: str) -> list[dict[str, Any]]:
    """The links to every page of a list split at ``addresses``, as seen from ``address``; none if unsplit."""
    if len(addresses) < 2:
        return []
    return [{"name": str(n), "url": other, "current": other == address} for n, other in enumerate(addresses, start=1)]


def plan_listing(url: str, title: str, up: dict[str, str], events: tuple[Event, ...],
                 chronology: Chronology, config: Config, about: tuple[tuple[str, str], ...] = ()) -> list[Page]:
    """One part of a split list at ``url``, itself in pages of ``urls.LIST_LIMIT`` events if it needs them,
    each dated by the events it lists and the records (kind, id) it is ``about`` (``list_dates``)."""
    addresses = urls.list_urls(url, len(events))
    pages = []
    for number, address in enumerate(addresses):
        chunk = events[number * urls.LIST_LIMIT:(number + 1) * urls.LIST_LIMIT]
        heading = f"{title}, page {number + 1}" if number else title
        pages.append(page(address, "listing.html", heading, config, dates=list_dates(config, chunk, *about),
                          heading=title, up=up, count=len(events), years=plan_year_groups(chunk, chronology, config),
                          pagination=pagination(addresses, address)))
    return pages


def plan_record_years(kind: str, record_id: str, name: str, events: tuple[Event, ...],
                      chronology: Chronology, config: Config) -> tuple[dict[str, Any], list[Page]]:
    """The events of an actor or a channel: all of them, or past ``urls.LIST_LIMIT`` the latest
    and a page per year ({years, parts} for the record's page, and the pages of the years)."""
    if not urls.is_split(len(events)):
        return {"years": plan_year_groups(events, chronology, config), "parts": []}, []
    by_year: dict[int, list[Event]] = {}
    for event in events:
        by_year.setdefault(event.year, []).append(event)
    up = link(name, urls.record_url(kind, record_id))
    parts, pages = [], []
    for year, group in by_year.items():
        address = urls.record_year_url(kind, record_id, year)
        parts.append(part_link(str(year), address, len(group)))
        pages += plan_listing(address, f"{name} en {year}", up, tuple(group), chronology, config,
                              ((kind, record_id),))
    return {"years": plan_year_groups(events[-LATEST:], chronology, config), "parts": parts}, pages


def plan_actor(actor: Actor, chronology: Chronology, facts: Facts, config: Config) -> list[Page]:
    """An actor's page, and the pages of its years when its events are split."""
    events = chronology.by_actor.get(actor.id, ())
    used = {channel for event in events for channel in event.channels} | set(chronology.by_party.get(actor.id, ()))
    # names and links only: the page shows no more of a channel, so another actor's event on it changes nothing here
    channels = by_name([link(chronology.channels[c].name, urls.record_url("channel", c)) for c in used],
                       lambda c: c["name"])
    contacts = [{"actor": link(chronology.actors[other].name, urls.record_url("actor", other)),
                 "count": count} for other, count in facts.contacts[actor.id]]
    listed, year_pages = plan_record_years("actor", actor.id, actor.name, events, chronology, config)
    return [page(urls.record_url("actor", actor.id), "actor.html", actor.name, config,
                 description=f"{actor.name} : rôles, canaux, contacts et événements.",
                 dates=(dates := record_dates(config, "actor", actor.id)), cite=cite_view(config),
                 json_ld=actor_json_ld(actor, config, dates),
                 search_type="Acteur", actor=actor_view(actor), count=len(events), latest=LATEST,
                 **listed, channels=channels, contacts=contacts), *year_pages]


def tally_target(chronology: Chronology) -> TallyUrl:
    """Where a yearly count of a large timeline leads: the channel's events of that year."""
    def target(channel_id: str | None, year: int) -> str:
        if channel_id is None:
            return urls.year_url(year)
        split = urls.is_split(len(chronology.by_channel.get(channel_id, ())))
        return urls.record_year_events("channel", channel_id, year, split)
    return target


def longest_silences(facts: Facts) -> dict[str, tuple[Silence, ...]]:
    """The silences the channel pages list, and so the only ones a timeline can link to."""
    return {channel: silences[:SILENCES] for channel, silences in facts.silences.items()}


def plan_channel(channel: Channel, chronology: Chronology, facts: Facts, config: Config) -> list[Page]:
    """A channel's page with its activity strip and silences, and the pages of its years when split."""
    events = chronology.by_channel.get(channel.id, ())
    claims = [claim_view(check, chronology) for check in facts.claims_of_channel.get(channel.id, ())]
    contacts = [e for e in events if e.kind in CONTACT_KINDS]
    listed, year_pages = plan_record_years("channel", channel.id, channel.name, events, chronology, config)
    silences = facts.silences[channel.id]
    return [page(urls.record_url("channel", channel.id), "channel.html", channel.name, config,
                 description=f"{channel.name} : activité, silences et contacts.",
                 dates=(dates := record_dates(config, "channel", channel.id)), cite=cite_view(config),
                 json_ld=channel_json_ld(channel, chronology, config, dates),
                 search_type="Canal", channel=channel_view(channel, chronology),
                 strip=drawn(urls.record_url("channel", channel.id), chronology,
                             lambda: channel_strip(channel, chronology, facts, config)),
                 contact_count=len(contacts), latest=LATEST,
                 contacts=[] if listed["parts"] else [event_summary(e, chronology, config) for e in contacts],
                 **listed, silence_count=len(silences),
                 silences=[silence_view(s) for s in silences[:SILENCES]], claims=claims,
                 status=status_view(facts.statuses[channel.id])), *year_pages,
            *(redirect(urls.event_url(former), channel.name, urls.record_url("channel", channel.id), config)
              for former in channel.former_events)]


def channel_strip(channel: Channel, chronology: Chronology, facts: Facts, config: Config) -> dict[str, Any]:
    """A channel's activity strip: its own lane of the timeline, with its longest silences."""
    strip = build_timeline(chronology, {channel.id: facts.silences[channel.id][:SILENCES]}, facts.claims_of_event,
                           [channel.id])
    return timeline_view(strip, chronology, config, f"Activité du canal {channel.name}", False,
                         tally_target(chronology))


def drawn(url: str, chronology: Chronology, draw: Callable[[], dict[str, Any]]) -> dict[str, Any]:
    """The timeline of the page at ``url``, as ``draw`` makes it, once per chronology (``Chronology.figures``):
    when an edit plans the page again only for what else it shows, what the timeline read (``chronicle.reads``)
    is as it was, and the last one is kept (an actor's new name plans again 64 channel parts at 10,000
    events, whose timelines took four fifths of the time)."""
    figure = chronology.figures.get(url)
    if figure is None:
        figure = chronology.figures[url] = draw()
    return figure


def plan_source(source: Source, chronology: Chronology, facts: Facts, config: Config) -> list[Page]:
    """A source's page: its cited passages in the article's order or, past ``urls.LIST_LIMIT`` citing
    events, a page per year of the citing events (``views.passage_url``). The source's page then
    keeps every passage's anchor, on the link to its year: a link to a passage made before the
    split still lands beside the way to it."""
    url, passages = urls.record_url("source", source.id), facts.passages[source.id]
    shared = {"description": f"Les passages de « {source.title} » cités par la chronologie.",
              "source": source_view(source, chronology), "count": len(passages),
              "dates": (dates := record_dates(config, "source", source.id)), "cite": cite_view(config),
              "json_ld": source_json_ld(source, config, dates)}
    if not facts.split_sources[source.id]:
        return [page(url, "source.html", source.title, config, search_type="Source", **shared,
                     passages=[passage_view(p) for p in passages], parts=[], year=None, up=None)]
    by_year: dict[int, list[Passage]] = {}
    for passage in passages:
        by_year.setdefault(passage.event.year, []).append(passage)
    parts, pages = [], []
    for year, group in sorted(by_year.items()):
        address = urls.record_year_url("source", source.id, year)
        anchors = [urls.passage_anchor(p.event.id, p.citation.number) for p in group]
        parts.append(part_link(str(year), address, len(group), "passage") | {"anchors": anchors})
        pages.append(page(address, "source.html", f"{source.title}, passages cités en {year}", config, **shared,
                          passages=[passage_view(p) for p in group], parts=[], year=year,
                          up=link(source.title, url)))
    return [page(url, "source.html", source.title, config, search_type="Source", **shared, passages=[],
                 parts=parts, year=None, up=None), *pages]


def plan_filters(chronology: Chronology, config: Config) -> dict[str, Any]:
    """The chronology's filters (JavaScript) and the filtered pages they stand for (without it)."""
    used = {event.kind for event in chronology.events}
    actors = by_name([{"value": a.id, "name": a.name, "url": urls.record_url("actor", a.id)}
                      for a in chronology.actors.values() if a.id in chronology.by_actor], lambda a: a["name"])
    channels = by_name([{"value": c.id, "name": c.name, "url": urls.record_url("channel", c.id)}
                        for c in chronology.channels.values() if c.id in chronology.by_channel], lambda c: c["name"])
    kinds = [{"value": k.id, "name": k.label} for k in config.kinds if k.id in used]
    by_year = [{"value": str(year), "name": str(year), "url": urls.year_url(year)} for year in chronology.by_year]
    fields = [("acteur", "Acteur", "Tous", actors), ("canal", "Canal", "Tous", channels),
              ("nature", "Nature", "Toutes", kinds), ("annee", "Année", "Toutes", by_year)]
    return {"fields": [{"name": name, "label": label, "all": everything, "choices": choices}
                       for name, label, everything, choices in fields],
            "by_actor": actors, "by_channel": channels, "by_year": by_year}


def plan_corrections(chronology: Chronology) -> list[dict[str, Any]]:
    """Every published correction, newest first, numbered within its event."""
    found = [{"event": link(e.title, urls.event_url(e.id)), "number": number, "date": date_view(c.date),
              "url": urls.anchored(urls.event_url(e.id), urls.CORRECTIONS_SECTION), "text": render_markdown(c.text)}
             for e in chronology.events for number, c in enumerate(e.corrections, start=1)]
    return sorted(found, key=lambda c: c["date"]["iso_start"], reverse=True)


def plan_feed(chronology: Chronology, config: Config, corrections: list[dict[str, Any]]) -> Page:
    """The Atom feed: the 50 events last published or changed (``gitdates``; by the events' own dates
    when the history is unknown) and the latest corrections, each with its kind and channels."""
    def stamps(event: Event) -> tuple[str, str]:
        dates = record_dates(config, "event", event.id)
        fallback = f"{event.date.iso_start() or event.date.iso_end()}T00:00:00Z"
        return (dates["published"], dates["updated"]) if dates else (fallback, fallback)

    def updated(event: Event) -> str:  # ``stamps(event)[1]`` for every event, without the five other texts
        stamp = config.history.of(*record_paths("event", event.id))
        return iso(stamp.updated) if stamp else f"{event.date.iso_start() or event.date.iso_end()}T00:00:00Z"

    def entry(event: Event) -> dict[str, Any]:
        published, updated = stamps(event)
        return {**event_summary(event, chronology, config), "feed_id": config.feed_id(urls.event_url(event.id)),
                "link": config.public(urls.event_url(event.id)) or urls.event_url(event.id).lstrip("/"),
                "published": published, "updated": updated,
                "categories": [{"term": c, "label": chronology.channels[c].name} for c in event.channels]}
    # sorted(..., reverse=True)[:50], ties in the chronology's order; only those 50 made into entries
    entries = [entry(e) for e in heapq.nlargest(50, chronology.events, key=updated)]
    for correction in corrections[:50]:
        event_url = correction["event"]["url"]
        correction["feed_id"] = config.feed_id(urls.anchored(event_url, urls.correction_anchor(correction["number"])))
        correction["link"] = urls.anchored(config.public(event_url) or event_url.lstrip("/"), urls.CORRECTIONS_SECTION)
    dates = [e["updated"] for e in entries] + [f"{c['date']['iso_start']}T00:00:00Z" for c in corrections]
    return page(urls.FEED, "feed.xml", config.title, config, entries=entries, corrections=corrections[:50],
                updated=max(dates, default="2000-01-01T00:00:00Z"), feed_id=config.feed_id(urls.FEED),
                home=config.public(urls.HOME) or "./", kinds_scheme=config.public(urls.ABOUT_KINDS),
                channels_scheme=config.public(urls.CHANNELS))


def month_label(year: int, month: int | None) -> str:
    """"mai 2022", or "2022, dates imprécises" for the events dated vaguer than a month."""
    return f"{year}, dates imprécises" if month is None else f"{MONTHS[month - 1]} {year}"


def plan_year(number: int, chronology: Chronology, config: Config) -> list[Page]:
    """A year's page: its events by month, or past ``urls.LIST_LIMIT`` a page per month."""
    events = chronology.by_year[number]
    all_years = [link(str(other), urls.year_url(other)) for other in chronology.by_year]
    dates = list_dates(config, events)
    if not urls.is_split(len(events)):
        [year] = plan_year_groups(events, chronology, config)
        return [page(year["url"], "year.html", f"Année {number}", config, dates=dates, year=year,
                     all_years=all_years, parts=[], count=len(events))]
    # split: the year's page lists its months' pages, each grouping its own events (not the whole year's)
    year = {"year": number, "url": urls.year_url(number), "anchor": urls.year_anchor(number), "months": []}
    by_month: dict[int | None, list[Event]] = {}
    for event in events:
        day = event.date.start or event.date.end
        assert day is not None
        by_month.setdefault(urls.filing_month(event.date.precision, day.month), []).append(event)
    up = link(f"Année {number}", year["url"])
    parts, pages = [], []
    for month, group in by_month.items():
        address = urls.month_url(number, month)
        parts.append(part_link(month_label(number, month), address, len(group)))
        pages += plan_listing(address, month_label(number, month).capitalize(), up, tuple(group), chronology, config)
    return [page(year["url"], "year.html", f"Année {number}", config, dates=dates, year=year,
                 all_years=all_years, parts=parts, count=len(events)), *pages]


def plan_home(chronology: Chronology, facts: Facts, config: Config) -> Page:
    """The chronology: introduction, timeline, and every event by year, or past ``urls.HOME_LIMIT`` the
    latest events and a link per year."""
    timeline = drawn(urls.HOME, chronology, lambda: home_timeline(chronology, facts, config))
    split = urls.is_home_split(len(chronology.events))
    parts = [part_link(str(year), urls.year_url(year), len(events))
             for year, events in chronology.by_year.items()] if split else []
    return page(urls.HOME, "index.html", config.title, config,
                json_ld=site_json_ld(chronology, config, stamp_view(config.history.site())),
                introduction=render_markdown(config.description), timeline=timeline,
                years=plan_year_groups(chronology.events[-LATEST:] if split else chronology.events, chronology,
                                       config),
                latest_events=[event_summary(e, chronology, config) for e in chronology.events[::-1][:HOME_LATEST]],
                parts=parts, latest=LATEST, filters=plan_filters(chronology, config),
                count=len(chronology.events))


def home_timeline(chronology: Chronology, facts: Facts, config: Config) -> dict[str, Any]:
    """The timeline of every channel, with their longest silences."""
    drawing = build_timeline(chronology, longest_silences(facts), facts.claims_of_event)
    return timeline_view(drawing, chronology, config, f"Frise des canaux, {len(chronology.events)} événements",
                         tally_url=tally_target(chronology))


def search_spellings(facts: Facts) -> list[dict[str, Any]]:
    """Every spelling of each actor's name, the name first, for the search page: it sends the name in
    place of any spelling (``static/search.js``), which every page about the actor holds (``spellings``)."""
    return [{"url": actor.url, "spellings": list(actor.spellings)} for actor in facts.spellings]


def plan_site_pages(chronology: Chronology, facts: Facts, config: Config) -> list[Page]:
    """Search, about, corrections, 404 and the machine-readable files."""
    corrections = plan_corrections(chronology)
    return [
        page(urls.SEARCH, "search.html", "Recherche", config, bundle=urls.SEARCH_BUNDLE,
             spellings=search_spellings(facts), pagefind_options=PAGEFIND_OPTIONS),
        page(urls.ABOUT, "about.html", "À propos", config, kinds=config.kinds,
             json_ld=site_json_ld(chronology, config, stamp_view(config.history.site())),
             export=urls.EXPORT, feed=urls.FEED, sections=urls.ABOUT_SECTIONS, search_type="Page"),
        page(urls.CORRECTIONS, "corrections.html", "Corrections", config, corrections=corrections),
        page(urls.NOT_FOUND, "404.html", "Page introuvable", config, absolute_links=True),
        plan_feed(chronology, config, corrections),
        page(urls.ROBOTS, "robots.txt", "robots", config, sitemap=config.public(urls.SITEMAP)),
    ]


def plan_redirects(event: Event, config: Config) -> list[Page]:
    """A redirect page at each former id of an event."""
    return [redirect(urls.event_url(alias), event.title, urls.event_url(event.id), config) for alias in event.aliases]


def redirect(url: str, title: str, target: str, config: Config) -> Page:
    """A page at ``url`` that sends the reader to ``target``."""
    return page(url, "redirect.html", title, config, target=target, target_canonical=config.public(target))


def url_shape(chronology: Chronology) -> urls.Shape:
    """What the site's URLs depend on (``urls.site_parts``), read from the chronology."""
    def filing(event: Event) -> urls.Filing:
        day = event.date.start or event.date.end
        assert day is not None  # the check refuses dates open at both ends
        return urls.Filing(event.id, day.year, urls.filing_month(event.date.precision, day.month), event.actors,
                           event.channels, tuple(dict.fromkeys(c.source for c in event.citations)), event.aliases)
    return urls.Shape(tuple(filing(event) for event in chronology.events), tuple(chronology.actors),
                      tuple((c.id, c.former_events) for c in chronology.channels.values()), tuple(chronology.sources))


def plan_keys(chronology: Chronology) -> list[PlanKey]:
    """Every part of the site, in the order its pages are planned (sitemap aside): ``urls.site_keys``, which
    ``urls.site_parts`` also reads to give each part's URLs."""
    events = chronology.events
    return urls.site_keys(chronology.by_year, (event.id for event in events), chronology.actors, chronology.channels,
                          chronology.sources, (event.id for event in events if event.aliases))


def plan_part(key: PlanKey, chronology: Chronology, facts: Facts, config: Config) -> list[Page]:
    """The pages of one part of the site (``plan_keys``): a record's pages, a year's, the home page...
    (The actors' spellings that a searchable page hides in the index are given to it by render: see
    ``render.render_page``.)"""
    match key:
        case ("event", event_id):
            return [plan_event(chronology.event(event_id), chronology, facts, config)]
        case ("actor", actor_id):
            return plan_actor(chronology.actors[actor_id], chronology, facts, config)
        case ("channel", channel_id):
            return plan_channel(chronology.channels[channel_id], chronology, facts, config)
        case ("source", source_id):
            return plan_source(chronology.sources[source_id], chronology, facts, config)
        case ("year", year):
            return plan_year(int(year), chronology, config)
        case ("redirects", event_id):
            return plan_redirects(chronology.event(event_id), config)
        case ("home", _):
            return [plan_home(chronology, facts, config)]
        case ("site", _):
            return plan_site_pages(chronology, facts, config)
        case ("actors", _):
            return plan_index(urls.ACTORS, "actors.html", "Acteurs", config,
                              by_name([actor_view(actor) for actor in chronology.actors.values()],
                                      lambda actor: actor["name"]))
        case ("channels", _):
            return plan_index(urls.CHANNELS, "channels.html", "Canaux", config,
                              by_name([channel_view(channel, chronology) for channel in chronology.channels.values()],
                                      lambda channel: channel["name"]))
        case ("sources", _):
            return plan_index(urls.SOURCES, "sources.html", "Sources", config,
                              [source_view(source, chronology) for source in chronology.sources.values()])
    raise KeyError(key)


INDEX_KINDS = {urls.ACTORS: "actor", urls.CHANNELS: "channel", urls.SOURCES: "source"}  # the records each lists


def plan_index(url: str, template: str, title: str, config: Config, records: list[dict[str, Any]]) -> list[Page]:
    """The index of actors, channels or sources, in pages of ``urls.INDEX_LIMIT`` records past that many,
    each dated by the files of the records it lists (not the site's: a commit elsewhere leaves it)."""
    addresses = urls.list_urls(url, len(records), urls.INDEX_LIMIT)
    pages = []
    for number, address in enumerate(addresses):
        chunk = records[number * urls.INDEX_LIMIT:(number + 1) * urls.INDEX_LIMIT]
        paths = [path for record in chunk for path in record_paths(INDEX_KINDS[url], record["id"])]
        pages.append(page(address, template, f"{title}, page {number + 1}" if number else title, config,
                          dates=stamp_view(config.history.of(*paths)), records=chunk, count=len(records),
                          pagination=pagination(addresses, address)))
    return pages


def sitemap(pages: list[Page], config: Config) -> list[Page]:
    """The sitemap: every page a search engine should know, redirects and the 404 page aside, with the
    date it last changed; past ``urls.SITEMAP_LIMIT`` pages, an index of sitemap files of that many each.

    The protocol wants absolute addresses: without a base URL the sitemap lists no page.
    """
    listed = sorted((p for p in pages if p.template.endswith(".html") and p.template not in
                     ("redirect.html", "404.html")), key=lambda p: p.url)
    locations = [{"loc": config.public(p.url), "lastmod": (p.context.get("dates") or {}).get("updated")}
                 for p in listed] if config.base_url else []
    parts = urls.sitemap_parts(len(listed))
    if not parts:
        return [page(urls.SITEMAP, "sitemap.xml", "sitemap", config, locations=locations)]
    limit = urls.SITEMAP_LIMIT
    return [page(urls.SITEMAP, "sitemap-index.xml", "sitemap", config,
                 sitemaps=[config.public(part) for part in parts] if config.base_url else []),
            *(page(part, "sitemap.xml", "sitemap", config, locations=locations[n * limit:(n + 1) * limit])
              for n, part in enumerate(parts))]


def plan_pages(chronology: Chronology, facts: Facts, config: Config) -> list[Page]:
    """Every page of the site, sitemap last; raises DuplicateUrlError naming both claimants."""
    return with_sitemap([planned for key in plan_keys(chronology)
                         for planned in plan_part(key, chronology, facts, config)], config)


def with_sitemap(pages: list[Page], config: Config) -> list[Page]:
    """``pages`` (those of every part, in ``plan_keys`` order) and the sitemap last; raises
    DuplicateUrlError naming both claimants of a URL."""
    pages = pages + sitemap(pages, config)
    seen: dict[str, Page] = {}
    problems = []
    for candidate in pages:
        if candidate.url in seen:
            problems.append(Problem("content", 0, 0, "", f"deux pages à la même adresse {candidate.url} : "
                                    f"{seen[candidate.url].template} et {candidate.template}."))
        seen[candidate.url] = candidate
    if problems:
        raise DuplicateUrlError(problems)
    return pages
