"""The one place that knows the site's URL patterns (French, stable, ending in /)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import NamedTuple

PUBLISHED_URLS = "content/published-urls.txt"  # every URL the site has ever published: each must keep working

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
EXPORT_EXCEL = "/donnees/evenements-excel.csv"  # the CSV as French Excel opens it: ";" between cells
EXPORT_ANNOTATIONS = "/donnees/annotations.jsonld"  # the cited passages as W3C Web Annotations
SEARCH_BUNDLE = "/pagefind/"
FEED = "/flux.xml"
SITEMAP = "/sitemap.xml"
ROBOTS = "/robots.txt"
NOT_FOUND = "/404.html"

YEARS = "/annees/"
SECTIONS = {"event": "/evenements/", "actor": ACTORS, "channel": CHANNELS, "source": SOURCES}
SITE_PAGES = (SEARCH, ABOUT, CORRECTIONS, NOT_FOUND, FEED, ROBOTS)  # the pages made of no record, home aside
NOT_LISTED = frozenset({NOT_FOUND, FEED, ROBOTS})  # pages the sitemap leaves out (redirects aside)
DATA_URLS = (EXPORT, EXPORT_CSV, EXPORT_EXCEL, EXPORT_TIMELINEJS, EXPORT_ANNOTATIONS)  # the data files (``export``)
SITEMAP_LIMIT = 50_000  # URLs in one sitemap file (the protocol's limit)


def sitemap_parts(count: int) -> list[str]:
    """The sitemap files for ``count`` pages: none besides ``/sitemap.xml`` up to the limit, else
    ``/sitemap-1.xml``, ``/sitemap-2.xml``... which ``/sitemap.xml`` then indexes."""
    if count <= SITEMAP_LIMIT:
        return []
    return [f"/sitemap-{number}.xml" for number in range(1, -(-count // SITEMAP_LIMIT) + 1)]


def record_url(kind: str, record_id: str) -> str:
    """The page of one event, actor, channel or source: ``/evenements/<id>/``."""
    return f"{SECTIONS[kind]}{record_id}/"


def event_url(event_id: str) -> str:
    """The page of one event."""
    return record_url("event", event_id)


def year_url(year: int) -> str:
    """The page of one year: ``/annees/2022/``."""
    return f"{YEARS}{year:04d}/"


LIST_LIMIT = 50  # a list longer than this is split into pages
# The chronology's own page keeps every event, and so its filters, up to this many: the real chronology
# (54 events) stays whole; past it, the page shows the latest events and a link per year.
HOME_LIMIT = 150
INDEX_LIMIT = 100  # the index of actors, channels or sources: records a page
IMPRECISE = "dates-imprecises"  # the "month" of the events dated only to the year or vaguer


def is_split(count: int) -> bool:
    """Whether a list of ``count`` events is too long for one page."""
    return count > LIST_LIMIT


def is_home_split(count: int) -> bool:
    """Whether the chronology of ``count`` events is too long for its page (which then links its years)."""
    return count > HOME_LIMIT


def filing_month(precision: str, month: int) -> int | None:
    """The month an event is listed under (that of its earliest day), None when dated vaguer than a month."""
    return month if precision in ("day", "month") else None


def month_url(year: int, month: int | None) -> str:
    """The events of one month of a split year: ``/annees/2022/03/`` (``dates-imprecises/`` for the vague ones)."""
    return f"{year_url(year)}{IMPRECISE if month is None else f'{month:02d}'}/"


def record_year_url(kind: str, record_id: str, year: int) -> str:
    """The events of one year of a split actor or channel: ``/acteurs/<id>/2022/``."""
    return f"{record_url(kind, record_id)}{year:04d}/"


STATIC = "/static/"  # the files of ``static/``
IMAGES = "/images/"  # the cards other sites show beside a link to a page (``cards``)
CITATION_FILES = {"csl": "citation.json", "ris": "citation.ris"}  # beside each event page: its citation


def static_url(name: str) -> str:
    """A file of ``static/``: ``/static/site.css``."""
    return f"{STATIC}{name}"


def card_url(kind: str) -> str:
    """The card of a kind of page (``cards.KINDS``): ``/images/carte-event.png``."""
    return f"{IMAGES}carte-{kind}.png"


def citation_file_urls(event_id: str) -> dict[str, str]:
    """An event's citation as CSL-JSON and RIS, beside its page: {"csl": ..., "ris": ...}."""
    return {kind: f"{event_url(event_id)}{name}" for kind, name in CITATION_FILES.items()}


# Anchors: where a link lands inside a page. The templates print the ``id`` the plan hands them.
CORRECTIONS_SECTION = "corrections"  # an event's corrections, on its page
ABOUT_SECTIONS = {"method": "methode", "dates": "dates", "claims": "affirmations", "kinds": "natures",
                  "cite": "citer", "data": "donnees", "correcting": "corrections"}  # the about page's sections
ABOUT_METHOD = f"{ABOUT}#{ABOUT_SECTIONS['method']}"  # those other pages link to
ABOUT_DATES = f"{ABOUT}#{ABOUT_SECTIONS['dates']}"
ABOUT_KINDS = f"{ABOUT}#{ABOUT_SECTIONS['kinds']}"
ABOUT_CORRECTING = f"{ABOUT}#{ABOUT_SECTIONS['correcting']}"
ABOUT_DATA = f"{ABOUT}#{ABOUT_SECTIONS['data']}"


def anchored(url: str, anchor: str) -> str:
    """``url#anchor``."""
    return f"{url}#{anchor}"


def year_anchor(year: int) -> str:
    """The heading of a year in a list of events: ``annee-2022``."""
    return f"annee-{year}"


def citation_anchor(number: int) -> str:
    """A citation on its event's page: ``citation-2``."""
    return f"citation-{number}"


def correction_anchor(number: int) -> str:
    """An event's correction, in the feed's ids: ``correction-1``."""
    return f"correction-{number}"


def passage_anchor(event_id: str, number: int) -> str:
    """A cited passage on its source's page: ``passage-<event id>-<number>``."""
    return f"passage-{event_id}-{number}"


def silence_anchor(opening_event_id: str) -> str:
    """A silence on its channel's page, named after the contact that opens it: ``silence-<event id>``."""
    return f"silence-{opening_event_id}"


def record_year_events(kind: str, record_id: str, year: int, split: bool) -> str:
    """Where a record's events of one ``year`` are: the page of that year when its events are ``split``,
    else the year's heading on its page (``/canaux/<id>/#annee-2022``)."""
    if split:
        return record_year_url(kind, record_id, year)
    return anchored(record_url(kind, record_id), year_anchor(year))


def citation_url(event_id: str, number: int) -> str:
    """A citation of an event: ``/evenements/<id>/#citation-2``."""
    return anchored(event_url(event_id), citation_anchor(number))


def passage_url(source_id: str, event_id: str, number: int, year: int, split: bool) -> str:
    """A cited passage: on its source's page or, when the source's passages are ``split`` by the year of
    the citing events, on that ``year``'s page (``/sources/<id>/2022/#passage-...``)."""
    where = record_year_url("source", source_id, year) if split else record_url("source", source_id)
    return anchored(where, passage_anchor(event_id, number))


def list_urls(url: str, count: int, limit: int | None = None) -> list[str]:
    """The pages of a list of ``count`` items at ``url``, ``limit`` (``LIST_LIMIT``) a page: ``url``, then
    ``url/page-2/``, ..."""
    pages = max(1, -(-count // (limit or LIST_LIMIT)))
    return [url] + [f"{url}page-{number}/" for number in range(2, pages + 1)]


def output_path(url: str) -> str:
    """The file under ``site/`` that serves ``url``: directories get ``index.html``."""
    path = url.lstrip("/")
    return f"{path}index.html" if url.endswith("/") else path


def relative(from_url: str, to_url: str) -> str:
    """A link from the page at ``from_url`` to ``to_url`` that works under any base path."""
    target, _, fragment = to_url.partition("#")
    link = _relative_path(from_url[: from_url.rfind("/") + 1], target or from_url)
    return f"{link}#{fragment}" if fragment else link


def _relative_path(base: str, target: str) -> str:
    """The shortest relative path from the directory ``base`` (ending in /) to ``target``."""
    base_parts = base.strip("/").split("/") if base != "/" else []
    target_dir, _, name = target.rpartition("/")
    target_parts = target_dir.strip("/").split("/") if target_dir.strip("/") else []
    common = 0
    for mine, theirs in zip(base_parts, target_parts, strict=False):
        if mine != theirs:
            break
        common += 1
    ups = "../" * (len(base_parts) - common)
    downs = "".join(f"{part}/" for part in target_parts[common:])
    return (ups + downs + name) or "./"


def absolute(base_url: str, url: str) -> str:
    """The public address of ``url`` under the site's ``base_url``."""
    return base_url.rstrip("/") + url


def record_of_url(url: str) -> tuple[str, str] | None:
    """The (section, id) of a record page or year page URL (``/evenements/<id>/``), or None."""
    for section in (*SECTIONS.values(), YEARS):
        rest = url.removeprefix(section)
        if rest != url and rest.endswith("/") and rest.count("/") == 1 and len(rest) > 1:
            return section, rest[:-1]
    return None


# The site's pages, part by part: what the plan plans (``plan.plan_part``) and what the check foresees
# without planning (``check.predicted_urls``) are both read from ``site_parts``. A new kind of page is
# a new part here, and its pages in ``plan.plan_part``: ``tests/test_editors.py`` holds the two equal.
PlanKey = tuple[str, str]  # a part of the site: ("event", id), ("actor", id), ("year", "2022"), ("home", "")...


class Filing(NamedTuple):
    """What an event's URLs and those of the lists showing it depend on (a tuple: made for every event
    at each check and plan, three times faster than a frozen dataclass)."""

    id: str
    year: int | None  # that of its earliest day; None when its date cannot be read (the check's records)
    month: int | None  # ``filing_month``
    actors: tuple[str, ...] = ()
    channels: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()  # the sources it cites, each once
    aliases: tuple[str, ...] = ()  # its former ids, each served by a redirect


@dataclass(frozen=True)
class Shape:
    """What every URL of the site depends on: the records' ids and where the events are filed, in the
    order the pages are planned (the events chronological, the other records by id)."""

    events: tuple[Filing, ...]
    actors: tuple[str, ...]
    channels: tuple[tuple[str, tuple[str, ...]], ...]  # each channel's id and former events (redirects)
    sources: tuple[str, ...]


def record_urls(kind: str, record_id: str, years: dict[int, int]) -> list[str]:
    """The pages of an actor, a channel or a source whose events fall in ``years`` ({year: count}): its
    page and, past ``LIST_LIMIT`` events, one list a year (paginated; a source's passages are not)."""
    url = record_url(kind, record_id)
    if not is_split(sum(years.values())):
        return [url]
    if kind == "source":
        return [url, *(record_year_url(kind, record_id, year) for year in sorted(years))]
    return [url, *(page for year, count in years.items() for page in list_urls(record_year_url(kind, record_id, year),
                                                                             count))]


def year_urls(year: int, months: dict[int | None, int]) -> list[str]:
    """The pages of a year whose events fall in ``months`` ({month: count}): its page and, past
    ``LIST_LIMIT`` events, one list a month (paginated)."""
    if not is_split(sum(months.values())):
        return [year_url(year)]
    return [year_url(year), *(page for month, count in months.items() for page in list_urls(month_url(year, month),
                                                                                         count))]


def site_keys(years: Iterable[int], events: Iterable[str], actors: Iterable[str], channels: Iterable[str],
              sources: Iterable[str], renamed: Iterable[str]) -> list[PlanKey]:
    """Every part of the site, in the order it is planned (the sitemap aside): the home page, each year, the
    pages made of no record, each event, the index then each actor, channel and source, and the redirects
    of each renamed event. Cheap: the plan lists its parts with it at every build and edit."""
    return [("home", ""), *(("year", str(year)) for year in years), ("site", ""),
            *(("event", event_id) for event_id in events),
            ("actors", ""), *(("actor", actor_id) for actor_id in actors),
            ("channels", ""), *(("channel", channel_id) for channel_id in channels),
            ("sources", ""), *(("source", source_id) for source_id in sources),
            *(("redirects", event_id) for event_id in renamed)]


@dataclass(frozen=True)
class _Tally:
    """What the URLs of the parts of a ``Shape`` depend on, counted once."""

    months: dict[int, dict[int | None, int]]  # {year: {month: events}}
    years: dict[PlanKey, dict[int, int]]  # {(kind, id): {year: events}} for actors, channels and sources
    records: dict[str, int]  # index ("actors", ...) -> records
    formers: dict[str, tuple[str, ...]]  # channel -> its former events
    aliases: dict[str, tuple[str, ...]]  # renamed event -> its former ids


def _tally(shape: Shape) -> _Tally:
    """Count the events of each year and month, and of each record by year."""
    months: dict[int, dict[int | None, int]] = {}
    years: dict[PlanKey, dict[int, int]] = {}
    for event in shape.events:
        year = event.year
        if year is None:
            continue
        by_month = months.setdefault(year, {})
        by_month[event.month] = by_month.get(event.month, 0) + 1
        for kind, ids in (("actor", event.actors), ("channel", event.channels), ("source", event.sources)):
            for record_id in ids:
                counts = years.setdefault((kind, record_id), {})
                counts[year] = counts.get(year, 0) + 1
    return _Tally(months, years, {"actors": len(shape.actors), "channels": len(shape.channels),
                                  "sources": len(shape.sources)},
                  dict(shape.channels), {event.id: event.aliases for event in shape.events if event.aliases})


def part_urls(key: PlanKey, tally: _Tally) -> list[str]:
    """The URLs of one part of the site (``site_keys``), in the order the plan makes its pages."""
    match key:
        case ("home", _):
            return [HOME]
        case ("year", year):
            return year_urls(int(year), tally.months[int(year)])
        case ("site", _):
            return list(SITE_PAGES)
        case ("event", event_id):
            return [event_url(event_id)]
        case ("redirects", event_id):
            return [event_url(alias) for alias in tally.aliases[event_id]]
        case ("actors" | "channels" | "sources" as index, ""):
            return list_urls(SECTIONS[index[:-1]], tally.records[index], INDEX_LIMIT)
        case ("actor" | "channel" | "source" as kind, record_id):
            found = record_urls(kind, record_id, tally.years.get((kind, record_id), {}))
            return found + [event_url(former) for former in tally.formers.get(record_id, ())] if kind == "channel" \
                else found
    raise KeyError(key)


def site_parts(shape: Shape) -> dict[PlanKey, list[str]]:
    """Every part of the site with its URLs, in the order the plan plans them (the sitemap aside)."""
    tally = _tally(shape)
    keys = site_keys(tally.months, (event.id for event in shape.events), shape.actors, tally.formers,
                     shape.sources, tally.aliases)
    return {key: part_urls(key, tally) for key in keys}


def redirect_urls(shape: Shape) -> set[str]:
    """The URLs that only redirect: events' former ids, channels' former events."""
    return {event_url(former) for event in shape.events for former in event.aliases} | {
        event_url(former) for _, formers in shape.channels for former in formers}


def foreseen_urls(shape: Shape) -> set[str]:
    """Every URL the site will serve, the sitemap's and the data files' included, without planning it."""
    found = {url for part in site_parts(shape).values() for url in part}
    listed = len(found - redirect_urls(shape) - NOT_LISTED)
    return found | {SITEMAP, *sitemap_parts(listed), *DATA_URLS}
