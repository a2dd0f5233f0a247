"""The one place that knows the site's URL patterns (French, stable, ending in /)."""

from __future__ import annotations

from functools import lru_cache

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

SECTIONS = {"event": "/evenements/", "actor": ACTORS, "channel": CHANNELS, "source": SOURCES}
SITE_PAGES = (HOME, ACTORS, CHANNELS, SOURCES, SEARCH, ABOUT, CORRECTIONS)  # the pages not made of records
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
    return f"/annees/{year:04d}/"


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


def list_urls(url: str, count: int, limit: int = LIST_LIMIT) -> list[str]:
    """The pages of a list of ``count`` items at ``url``, ``limit`` a page: ``url``, then ``url/page-2/``, ..."""
    pages = max(1, -(-count // limit))
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


@lru_cache(maxsize=262144)
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
