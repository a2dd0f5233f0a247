"""Chronology -> pages: every URL of the site is decided here, once.

A page is a URL, a template and a ready context; two pages claiming one URL are refused
before anything is rendered.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from chronicle import urls
from chronicle.config import Config
from chronicle.derive import Facts
from chronicle.markdown import render_markdown
from chronicle.model import Chronology, Event
from chronicle.problems import Problem
from chronicle.views import (
    actor_view, channel_view, claim_view, date_view, event_summary, group_by_month, link,
    passage_anchor, passage_view, silence_view, source_view,
)

NAVIGATION = (("Chronologie", urls.HOME), ("Acteurs", urls.ACTORS), ("Canaux", urls.CHANNELS),
              ("Sources", urls.SOURCES), ("Recherche", urls.SEARCH), ("À propos", urls.ABOUT))


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
    """A page with the context every template shares (site, navigation, canonical URL)."""
    section = next((target for _, target in reversed(NAVIGATION) if url.startswith(target)), urls.HOME)
    shared = {
        "site": {"title": config.title, "subtitle": config.subtitle, "author": config.author,
                 "license": config.license, "base_url": config.base_url, "language": config.language},
        "page_url": url,
        "title": title,
        "description": description or config.subtitle,
        "canonical": urls.absolute(config.base_url, url),
        "navigation": [{"name": name, "url": target, "current": target == section}
                       for name, target in NAVIGATION],
    }
    return Page(url, template, {**shared, **context})


def neighbours(events: tuple[Event, ...], event: Event) -> tuple[Event | None, Event | None]:
    """The events just before and after ``event`` in ``events``."""
    position = events.index(event)
    before = events[position - 1] if position > 0 else None
    after = events[position + 1] if position + 1 < len(events) else None
    return before, after


def plan_event(event: Event, chronology: Chronology, facts: Facts, config: Config) -> Page:
    """The page of one event."""
    view = event_summary(event, chronology, config)
    before, after = neighbours(chronology.events, event)
    in_channels = []
    for channel_id in event.channels:
        prev_c, next_c = neighbours(chronology.by_channel[channel_id], event)
        in_channels.append({
            "channel": link(chronology.channels[channel_id].name, urls.record_url("channel", channel_id)),
            "previous": link(prev_c.title, urls.event_url(prev_c.id)) if prev_c else None,
            "next": link(next_c.title, urls.event_url(next_c.id)) if next_c else None,
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
        urls.event_url(event.id), "event.html", event.title, config, description=event.summary[:200],
        event=view,
        date_basis=event.date_basis,
        date_note=event.date_note,
        initiator=link(initiator.name, urls.record_url("actor", initiator.id)) if initiator else None,
        citations=citations,
        annotation=render_markdown(event.annotation) if event.annotation else None,
        corrections=[{"date": date_view(c.date), "text": render_markdown(c.text)} for c in event.corrections],
        previous=link(before.title, urls.event_url(before.id)) if before else None,
        next=link(after.title, urls.event_url(after.id)) if after else None,
        in_channels=in_channels,
        claims=claims,
    )


def plan_year_groups(events: tuple[Event, ...], chronology: Chronology, config: Config) -> list[dict[str, Any]]:
    """Events by year then month, for the chronology and filtered views."""
    years: dict[int, list[Event]] = {}
    for event in events:
        years.setdefault(event.year, []).append(event)
    return [{"year": year, "url": urls.year_url(year),
             "months": group_by_month([event_summary(e, chronology, config) for e in group], tuple(group))}
            for year, group in years.items()]


def plan_records(chronology: Chronology, facts: Facts, config: Config) -> list[Page]:
    """The pages of actors, channels and sources, with their indices."""
    pages = []
    actors = [actor_view(actor) for actor in chronology.actors.values()]
    pages.append(page(urls.ACTORS, "actors.html", "Acteurs", config, actors=actors))
    for actor in chronology.actors.values():
        events = chronology.by_actor.get(actor.id, ())
        channels = [channel_view(c, chronology) for c in chronology.channels.values()
                    if actor.id in c.parties or any(c.id in e.channels for e in events)]
        contacts = [{"actor": link(chronology.actors[other].name, urls.record_url("actor", other)),
                     "count": count} for other, count in facts.contacts[actor.id]]
        pages.append(page(urls.record_url("actor", actor.id), "actor.html", actor.name, config,
                          actor=actor_view(actor), years=plan_year_groups(events, chronology, config),
                          channels=channels, contacts=contacts))
    channels = [channel_view(channel, chronology) for channel in chronology.channels.values()]
    pages.append(page(urls.CHANNELS, "channels.html", "Canaux", config, channels=channels))
    for channel in chronology.channels.values():
        events = chronology.by_channel.get(channel.id, ())
        claims = [claim_view(check, chronology) for check in facts.claim_checks
                  if set(check.first.channels) & set(check.second.channels) & {channel.id}]
        pages.append(page(urls.record_url("channel", channel.id), "channel.html", channel.name, config,
                          channel=channel_view(channel, chronology),
                          years=plan_year_groups(events, chronology, config),
                          silences=[silence_view(s) for s in facts.silences[channel.id]], claims=claims))
    sources = [source_view(source, chronology) for source in chronology.sources.values()]
    pages.append(page(urls.SOURCES, "sources.html", "Sources", config, sources=sources))
    for source in chronology.sources.values():
        pages.append(page(urls.record_url("source", source.id), "source.html", source.title, config,
                          source=source_view(source, chronology),
                          passages=[passage_view(p) for p in facts.passages[source.id]]))
    return pages


def plan_site_pages(chronology: Chronology, config: Config) -> list[Page]:
    """The home page, years, search, about, corrections, 404 and the machine-readable files."""
    years = plan_year_groups(chronology.events, chronology, config)
    pages = [page(urls.HOME, "index.html", config.title, config,
                  introduction=render_markdown(config.description), years=years,
                  count=len(chronology.events))]
    for year in years:
        pages.append(page(year["url"], "year.html", f"Année {year['year']}", config, year=year,
                          all_years=[link(str(y["year"]), y["url"]) for y in years]))
    corrections = [{"event": link(e.title, urls.event_url(e.id)), "date": date_view(c.date),
                    "text": render_markdown(c.text)} for e in chronology.events for c in e.corrections]
    pages += [
        page(urls.SEARCH, "search.html", "Recherche", config),
        page(urls.ABOUT, "about.html", "À propos", config, kinds=config.kinds,
             export=urls.EXPORT, feed=urls.FEED),
        page(urls.CORRECTIONS, "corrections.html", "Corrections", config, corrections=corrections),
        page(urls.NOT_FOUND, "404.html", "Page introuvable", config, absolute_links=True),
        page(urls.FEED, "feed.xml", config.title, config,
             entries=[event_summary(e, chronology, config) for e in reversed(chronology.events)][:50]),
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
    pages = plan_site_pages(chronology, config)
    pages += [plan_event(event, chronology, facts, config) for event in chronology.events]
    pages += plan_records(chronology, facts, config)
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
