"""schema.org JSON-LD for every kind of page: what search engines and dataset search read.

Home and about pages describe the ``WebSite`` and the ``Dataset`` with its downloads; an event
page is an ``Article`` about an ``Event``; actors are a ``Person``, an ``Organization`` or a
``Country``; a source page is a ``WebPage`` about the article (``NewsArticle``), ``isBasedOn`` it.
Dates leave at their true precision (``metadata``); no absolute address without a base URL.
"""

from __future__ import annotations

from typing import Any

from chronicle import urls
from chronicle.config import Config
from chronicle.metadata import iso_interval, iso_range
from chronicle.model import Actor, Channel, Chronology, Event, Source
from chronicle.views import plain_text

CONTEXT = "https://schema.org"
ACTOR_TYPES = {"person": "Person", "institution": "GovernmentOrganization", "state": "Country"}
DISTRIBUTIONS = ((urls.EXPORT, "application/json", "La chronologie complète (JSON documenté)"),
                 (urls.EXPORT_CSV, "text/csv", "Un événement par ligne (CSV, séparateur virgule)"),
                 (urls.EXPORT_EXCEL, "text/csv", "Un événement par ligne (CSV pour Excel en français)"),
                 (urls.EXPORT_TIMELINEJS, "application/json", "La frise au format TimelineJS3"),
                 (urls.EXPORT_ANNOTATIONS, "application/ld+json",
                  "Les passages cités, en annotations W3C (Web Annotation)"))


def with_url(data: dict[str, Any], config: Config, url: str, key: str = "url") -> dict[str, Any]:
    """``data`` with ``key``: the public address of ``url`` when the base URL is known."""
    address = config.public(url)
    return {**data, key: address} if address else data


def publisher(config: Config) -> dict[str, Any]:
    """The chronology as an organisation."""
    return with_url({"@type": "Organization", "name": config.publisher_name}, config, urls.HOME)


def dated(data: dict[str, Any], dates: dict[str, Any] | None) -> dict[str, Any]:
    """``data`` with the page's first publication and last change (``gitdates``), when known."""
    return {**data, "datePublished": dates["published"], "dateModified": dates["updated"]} if dates else data


def common(config: Config, url: str, dates: dict[str, Any] | None) -> dict[str, Any]:
    """What every page's description shares: language, publisher, licence, site, dates, address."""
    data: dict[str, Any] = {"@context": CONTEXT, "inLanguage": config.language, "publisher": publisher(config),
                            "isPartOf": with_url({"@type": "WebSite", "name": config.title}, config, urls.HOME)}
    if config.author:
        data["author"] = {"@type": "Person", "name": config.author}
    if config.license_url:
        data["license"] = config.license_url
    data = with_url(data, config, url)
    if "url" in data:
        data["mainEntityOfPage"] = data["url"]
    return dated(data, dates)


def event_json_ld(event: Event, chronology: Chronology, config: Config, dates: dict[str, Any] | None,
                  image: str = "") -> dict[str, Any]:
    """An event page: an Article about an Event (dates as ISO partial dates), citing its sources."""
    about: dict[str, Any] = {"@type": "Event", "name": event.title, "eventStatus": "https://schema.org/EventScheduled"}
    start, end = iso_range(event.date)
    if start:
        about["startDate"] = start
    if end:
        about["endDate"] = end
    sources = dict.fromkeys(c.source for c in event.citations)
    data = {**common(config, urls.event_url(event.id), dates), "@type": "Article", "headline": event.title,
            "description": plain_text(event.summary), "about": about, "temporalCoverage": iso_interval(event.date),
            "mentions": [actor_entity(chronology.actors[a], config) for a in event.actors],
            "citation": [with_url({"@type": "CreativeWork", "name": chronology.sources[s].title}, config,
                                  urls.record_url("source", s)) for s in sources]}
    return {**data, "image": image} if image else data


def actor_entity(actor: Actor, config: Config) -> dict[str, Any]:
    """An actor as a schema.org thing: a Person, a (government) Organization or a Country."""
    data: dict[str, Any] = {"@type": ACTOR_TYPES.get(actor.type, "Organization"), "name": actor.name}
    if actor.aliases:
        data["alternateName"] = list(actor.aliases)
    return with_url(data, config, urls.record_url("actor", actor.id))


def actor_json_ld(actor: Actor, config: Config, dates: dict[str, Any] | None) -> dict[str, Any]:
    """An actor's page: a ProfilePage whose main entity is the actor."""
    return {**common(config, urls.record_url("actor", actor.id), dates), "@type": "ProfilePage",
            "name": actor.name, "mainEntity": actor_entity(actor, config)}


def channel_json_ld(channel: Channel, chronology: Chronology, config: Config,
                    dates: dict[str, Any] | None) -> dict[str, Any]:
    """A channel's page: a WebPage about the line of communication between its parties."""
    about: dict[str, Any] = {"@type": "Thing", "name": channel.name,
                             "subjectOf": [actor_entity(chronology.actors[p], config) for p in channel.parties]}
    if channel.established:
        about["startDate"] = iso_interval(channel.established)
    return {**common(config, urls.record_url("channel", channel.id), dates), "@type": "WebPage",
            "name": channel.name, "about": about}


def source_json_ld(source: Source, config: Config, dates: dict[str, Any] | None) -> dict[str, Any]:
    """A source's page: the passages the chronology cites, based on the press article."""
    article: dict[str, Any] = {"@type": "NewsArticle", "headline": source.title, "inLanguage": source.language,
                               "datePublished": iso_interval(source.published)}
    if source.url:
        article["url"] = source.url
    if source.reports:
        article["isBasedOn"] = [{"@type": "CreativeWork", "name": name} for name in source.reports]
    return {**common(config, urls.record_url("source", source.id), dates), "@type": "WebPage",
            "name": source.title, "isBasedOn": article, "about": article}


def site_json_ld(chronology: Chronology, config: Config, dates: dict[str, Any] | None) -> list[dict[str, Any]]:
    """The home and about pages: the WebSite, and the Dataset with its downloads (dataset search)."""
    website = with_url({"@context": CONTEXT, "@type": "WebSite", "name": config.title, "inLanguage": config.language,
                        "publisher": publisher(config)}, config, urls.HOME)
    if config.subtitle:
        website["alternativeHeadline"] = config.subtitle
    events = chronology.events
    firsts = [e.date.start for e in events if e.date.start]  # days compare as their ISO texts: one made of each
    lasts = [e.date.end for e in events if e.date.end]
    dataset: dict[str, Any] = {
        "@context": CONTEXT, "@type": "Dataset", "name": config.title,
        "description": config.subtitle or config.title, "inLanguage": config.language,
        "creator": publisher(config), "publisher": publisher(config), "isAccessibleForFree": True,
        "keywords": ["chronologie", *(k.label for k in config.kinds)],
        "variableMeasured": ["date (EDTF)", "nature", "acteurs", "canaux", "citations"],
    }
    if firsts and lasts:
        dataset["temporalCoverage"] = f"{min(firsts).isoformat()}/{max(lasts).isoformat()}"
    if config.license_url:
        dataset["license"] = config.license_url
    dataset = dated(with_url(dataset, config, urls.ABOUT_DATA), dates)
    dataset["distribution"] = [with_url({"@type": "DataDownload", "encodingFormat": kind, "name": name},
                                        config, url, "contentUrl") for url, kind, name in DISTRIBUTIONS]
    return [website, dataset]


def page_json_ld(config: Config, url: str, name: str, dates: dict[str, Any] | None) -> dict[str, Any]:
    """Any other page (lists, years, search): a WebPage, or a CollectionPage for a list."""
    kind = "WebPage" if url in (urls.SEARCH, urls.NOT_FOUND, urls.CORRECTIONS) else "CollectionPage"
    return {**common(config, url, dates), "@type": kind, "name": name}
