"""Chronology -> pages: every URL of the site is decided here, once.

A page is a URL, a template and a ready context; two pages claiming one URL are refused
before anything is rendered.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from chronicle import urls
from chronicle.config import Config
from chronicle.derive import CONTACT_KINDS, Facts
from chronicle.markdown import render_markdown
from chronicle.model import Chronology, Event
from chronicle.problems import Problem
from chronicle.timeline import build_timeline
from chronicle.views import (
    actor_view,
    channel_view,
    claim_view,
    date_view,
    event_json_ld,
    event_summary,
    group_by_month,
    link,
    passage_anchor,
    passage_view,
    plain_text,
    reference_view,
    silence_view,
    source_view,
    timeline_view,
)

NAVIGATION = (("Chronologie", urls.HOME), ("Acteurs", urls.ACTORS), ("Canaux", urls.CHANNELS),
              ("Sources", urls.SOURCES), ("Recherche", urls.SEARCH), ("À propos", urls.ABOUT))
CHRONOLOGY_SECTIONS = (urls.SECTIONS["event"], "/annees/")  # pages under "Chronologie" in the navigation
DATA_LINKS = ({"name": "JSON", "url": urls.EXPORT, "what": "toute la chronologie (format documenté)"},
              {"name": "CSV", "url": urls.EXPORT_CSV, "what": "un événement par ligne, pour un tableur"},
              {"name": "TimelineJS", "url": urls.EXPORT_TIMELINEJS,
               "what": "à charger dans l'outil TimelineJS pour intégrer la frise"})


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
                 "license": config.license, "base_url": config.base_url, "language": config.language,
                 "locale": f"{config.language}_{config.language.upper()}"},
        "page_url": url,
        "title": title,
        "description": description or config.subtitle,
        "canonical": urls.absolute(config.base_url, url),
        "navigation": [{"name": name, "url": target,
                        "current": ("page" if target == url else "true") if target == section else None}
                       for name, target in NAVIGATION],
        "data_links": DATA_LINKS,
        "search_type": None,
        "og_type": "website",
        "json_ld": None,
    }
    return Page(url, template, {**shared, **context})


def event_link(event: Event | None) -> dict[str, str] | None:
    """A link to ``event``, or None."""
    return link(event.title, urls.event_url(event.id)) if event else None


def plan_event(event: Event, chronology: Chronology, facts: Facts, config: Config) -> Page:
    """The page of one event."""
    before, after = chronology.neighbours(event.id)
    in_channels = []
    for channel_id in event.channels:
        prev_c, next_c = chronology.neighbours(event.id, channel_id)
        in_channels.append({
            "channel": link(chronology.channels[channel_id].name, urls.record_url("channel", channel_id)),
            "previous": event_link(prev_c), "next": event_link(next_c),
        })
    citations = [{
        "number": c.number, "quote": c.quote,
        "source": link(chronology.sources[c.source].title, urls.record_url("source", c.source)),
        "passage_url": f"{urls.record_url('source', c.source)}#{passage_anchor(event.id, c.number)}",
    } for c in event.citations]
    initiator = chronology.actors[event.initiator] if event.initiator else None
    claims = [claim_view(check, chronology) for check in facts.claim_checks
              if event.id in check.claim.between]
    return page(
        urls.event_url(event.id), "event.html", event.title, config,
        description=plain_text(event.summary)[:300],
        search_type="Événement", og_type="article", json_ld=event_json_ld(event, chronology, config),
        event=event_summary(event, chronology, config),
        date_basis=event.date_basis,
        date_note=event.date_note,
        initiator=link(initiator.name, urls.record_url("actor", initiator.id)) if initiator else None,
        citations=citations,
        annotation=render_markdown(event.annotation) if event.annotation else None,
        corrections=[{"date": date_view(c.date), "text": render_markdown(c.text)} for c in event.corrections],
        previous=event_link(before),
        next=event_link(after),
        in_channels=in_channels,
        claims=claims,
        reference=reference_view(event, config),
    )


def plan_year_groups(events: tuple[Event, ...], chronology: Chronology, config: Config) -> list[dict[str, Any]]:
    """Events by year then month, for the chronology and filtered views."""
    years: dict[int, list[Event]] = {}
    for event in events:
        years.setdefault(event.year, []).append(event)
    return [{"year": year, "url": urls.year_url(year),
             "months": group_by_month([event_summary(e, chronology, config) for e in group], tuple(group))}
            for year, group in years.items()]


def plan_actors(chronology: Chronology, facts: Facts, config: Config) -> list[Page]:
    """The actors' index and one page per actor."""
    actors = [actor_view(actor) for actor in chronology.actors.values()]
    pages = [page(urls.ACTORS, "actors.html", "Acteurs", config, actors=actors)]
    for actor in chronology.actors.values():
        events = chronology.by_actor.get(actor.id, ())
        channels = [channel_view(c, chronology) for c in chronology.channels.values()
                    if actor.id in c.parties or any(c.id in e.channels for e in events)]
        contacts = [{"actor": link(chronology.actors[other].name, urls.record_url("actor", other)),
                     "count": count} for other, count in facts.contacts[actor.id]]
        view = actor_view(actor)
        pages.append(page(urls.record_url("actor", actor.id), "actor.html", actor.name, config,
                          description=f"{actor.name} : rôles, canaux, contacts et événements.",
                          search_type="Acteur", actor=view, count=len(events),
                          years=plan_year_groups(events, chronology, config),
                          channels=channels, contacts=contacts))
    return pages


def plan_channels(chronology: Chronology, facts: Facts, config: Config) -> list[Page]:
    """The channels' index and one page per channel, with its activity strip and silences."""
    channels = [channel_view(channel, chronology) for channel in chronology.channels.values()]
    pages = [page(urls.CHANNELS, "channels.html", "Canaux", config, channels=channels)]
    for channel in chronology.channels.values():
        events = chronology.by_channel.get(channel.id, ())
        claims = [claim_view(check, chronology) for check in facts.claim_checks
                  if set(check.first.channels) & set(check.second.channels) & {channel.id}]
        strip = build_timeline(chronology, facts.silences, [channel.id])
        contacts = [event_summary(e, chronology, config) for e in events if e.kind in CONTACT_KINDS]
        pages.append(page(urls.record_url("channel", channel.id), "channel.html", channel.name, config,
                          description=f"{channel.name} : activité, silences et contacts.",
                          search_type="Canal", channel=channel_view(channel, chronology),
                          strip=timeline_view(strip, chronology, config, f"Activité du canal {channel.name}", False),
                          contacts=contacts,
                          years=plan_year_groups(events, chronology, config),
                          silences=[silence_view(s) for s in facts.silences[channel.id]], claims=claims))
    return pages


def plan_sources(chronology: Chronology, facts: Facts, config: Config) -> list[Page]:
    """The sources' index and one page per source, its cited passages in the article's order."""
    sources = [source_view(source, chronology) for source in chronology.sources.values()]
    pages = [page(urls.SOURCES, "sources.html", "Sources", config, sources=sources)]
    for source in chronology.sources.values():
        pages.append(page(urls.record_url("source", source.id), "source.html", source.title, config,
                          description=f"Les passages de « {source.title} » cités par la chronologie.",
                          search_type="Source", source=source_view(source, chronology),
                          passages=[passage_view(p) for p in facts.passages[source.id]]))
    return pages


def plan_filters(chronology: Chronology, config: Config, years: list[dict[str, Any]]) -> dict[str, Any]:
    """The chronology's filters (JavaScript) and the filtered pages they stand for (without it)."""
    used = {event.kind for event in chronology.events}
    actors = [{"value": a.id, "name": a.name, "url": urls.record_url("actor", a.id)}
              for a in sorted(chronology.actors.values(), key=lambda a: a.name) if a.id in chronology.by_actor]
    channels = [{"value": c.id, "name": c.name, "url": urls.record_url("channel", c.id)}
                for c in chronology.channels.values() if c.id in chronology.by_channel]
    kinds = [{"value": k.id, "name": k.label} for k in config.kinds if k.id in used]
    by_year = [{"value": str(y["year"]), "name": str(y["year"]), "url": y["url"]} for y in years]
    fields = [("acteur", "Acteur", "Tous", actors), ("canal", "Canal", "Tous", channels),
              ("nature", "Nature", "Toutes", kinds), ("annee", "Année", "Toutes", by_year)]
    return {"fields": [{"name": name, "label": label, "all": everything, "choices": choices}
                       for name, label, everything, choices in fields],
            "by_actor": actors, "by_channel": channels, "by_year": by_year}


def plan_corrections(chronology: Chronology) -> list[dict[str, Any]]:
    """Every published correction, newest first, numbered within its event."""
    found = [{"event": link(e.title, urls.event_url(e.id)), "number": number, "date": date_view(c.date),
              "text": render_markdown(c.text)}
             for e in chronology.events for number, c in enumerate(e.corrections, start=1)]
    return sorted(found, key=lambda c: c["date"]["iso"], reverse=True)


def plan_feed(chronology: Chronology, config: Config, corrections: list[dict[str, Any]]) -> Page:
    """The Atom feed: the latest events and the latest corrections, dated by the newest of them."""
    entries = [event_summary(e, chronology, config) for e in reversed(chronology.events)][:50]
    dates = [e["date"]["iso"] for e in entries] + [c["date"]["iso"] for c in corrections]
    return page(urls.FEED, "feed.xml", config.title, config, entries=entries, corrections=corrections[:50],
                updated=max(dates, default="2000-01-01"))


def plan_site_pages(chronology: Chronology, facts: Facts, config: Config) -> list[Page]:
    """The home page, years, search, about, corrections, 404 and the machine-readable files."""
    years = plan_year_groups(chronology.events, chronology, config)
    timeline = timeline_view(build_timeline(chronology, facts.silences), chronology, config,
                             f"Frise des canaux, {len(chronology.events)} événements")
    pages = [page(urls.HOME, "index.html", config.title, config,
                  introduction=render_markdown(config.description), years=years, timeline=timeline,
                  filters=plan_filters(chronology, config, years), count=len(chronology.events))]
    for year in years:
        pages.append(page(year["url"], "year.html", f"Année {year['year']}", config, year=year,
                          all_years=[link(str(y["year"]), y["url"]) for y in years]))
    corrections = plan_corrections(chronology)
    pages += [
        page(urls.SEARCH, "search.html", "Recherche", config, bundle=urls.SEARCH_BUNDLE),
        page(urls.ABOUT, "about.html", "À propos", config, kinds=config.kinds,
             export=urls.EXPORT, feed=urls.FEED, search_type="Page"),
        page(urls.CORRECTIONS, "corrections.html", "Corrections", config, corrections=corrections),
        page(urls.NOT_FOUND, "404.html", "Page introuvable", config, absolute_links=True),
        plan_feed(chronology, config, corrections),
        page(urls.ROBOTS, "robots.txt", "robots", config, sitemap=urls.absolute(config.base_url, urls.SITEMAP)),
    ]
    return pages


def plan_redirects(chronology: Chronology, config: Config) -> list[Page]:
    """A redirect page at each former id of an event."""
    return [page(urls.event_url(alias), "redirect.html", event.title, config,
                 target=urls.event_url(event.id))
            for event in chronology.events for alias in event.aliases]


def plan_pages(chronology: Chronology, facts: Facts, config: Config) -> list[Page]:
    """Every page of the site, sitemap last; raises DuplicateUrlError naming both claimants."""
    pages = plan_site_pages(chronology, facts, config)
    pages += [plan_event(event, chronology, facts, config) for event in chronology.events]
    pages += plan_actors(chronology, facts, config)
    pages += plan_channels(chronology, facts, config)
    pages += plan_sources(chronology, facts, config)
    pages += plan_redirects(chronology, config)
    listed = sorted(p.url for p in pages if p.template.endswith(".html") and p.template not in
                    ("redirect.html", "404.html"))
    pages.append(page(urls.SITEMAP, "sitemap.xml", "sitemap", config,
                      locations=[urls.absolute(config.base_url, u) for u in listed]))
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
