"""The one place that knows the site's URL patterns (French, stable, ending in /)."""

from __future__ import annotations

import posixpath

HOME = "/"
ACTORS = "/acteurs/"
CHANNELS = "/canaux/"
SOURCES = "/sources/"
SEARCH = "/recherche/"
ABOUT = "/a-propos/"
CORRECTIONS = "/a-propos/corrections/"
EXPORT = "/donnees/chronologie.json"
EXPORT_CSV = "/donnees/evenements.csv"
EXPORT_TIMELINEJS = "/donnees/timelinejs.json"
SEARCH_BUNDLE = "/pagefind/"
FEED = "/flux.xml"
SITEMAP = "/sitemap.xml"
ROBOTS = "/robots.txt"
NOT_FOUND = "/404.html"
STATIC = "/static/"

SECTIONS = {"event": "/evenements/", "actor": ACTORS, "channel": CHANNELS, "source": SOURCES}


def record_url(kind: str, record_id: str) -> str:
    """The page of one event, actor, channel or source: ``/evenements/<id>/``."""
    return f"{SECTIONS[kind]}{record_id}/"


def event_url(event_id: str) -> str:
    """The page of one event."""
    return record_url("event", event_id)


def year_url(year: int) -> str:
    """The page of one year: ``/annees/2022/``."""
    return f"/annees/{year:04d}/"


def output_path(url: str) -> str:
    """The file under ``site/`` that serves ``url``: directories get ``index.html``."""
    path = url.lstrip("/")
    return f"{path}index.html" if url.endswith("/") else path


def relative(from_url: str, to_url: str) -> str:
    """A link from the page at ``from_url`` to ``to_url`` that works under any base path."""
    base = from_url if from_url.endswith("/") else posixpath.dirname(from_url) + "/"
    target, _, fragment = to_url.partition("#")
    link = posixpath.relpath(target or from_url, base)
    if target.endswith("/") and link != ".":
        link += "/"
    elif link == ".":
        link = "./"
    return f"{link}#{fragment}" if fragment else link


def absolute(base_url: str, url: str) -> str:
    """The public address of ``url`` under the site's ``base_url``."""
    return base_url.rstrip("/") + url
