"""What leaves the site for other programs, at its true precision: dates for ``<time datetime>`` and
JSON-LD, and an event page's citation in the forms people paste (French, APA) or load (CSL-JSON, RIS).

A date is never made more precise than it is: "2015" leaves as ``2015``, "septembre 2021" as
``2021-09``, an interval as its two ends, each at its own precision.
"""

from __future__ import annotations

import calendar
import json
from datetime import date
from typing import Any

from chronicle.config import Config
from chronicle.dates import EdtfDate, parse_edtf

MONTHS_FR = ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre",
             "novembre", "décembre")


def unit(start: date | None, end: date | None) -> str | None:
    """The one year, month or day spanning exactly ``start``..``end`` (``2015``, ``2021-09``,
    ``2021-09-14``), or None when the range is no such unit (a season, a decade, an interval)."""
    if start is None or end is None:
        return None
    if start == end:
        return start.isoformat()
    if start.year == end.year and start.month == end.month and start.day == 1 \
            and end.day == calendar.monthrange(end.year, end.month)[1]:
        return f"{start.year:04d}-{start.month:02d}"
    if start.year == end.year and (start.month, start.day, end.month, end.day) == (1, 1, 12, 31):
        return f"{start.year:04d}"
    return None


def containing(start: date | None, end: date | None) -> str:
    """The smallest year, month or day containing ``start``..``end``: what ``<time datetime>`` can say
    of a range without claiming more (``2022-02`` for "between 21 and 26 February 2022")."""
    if start is None or end is None:
        known = start or end
        return f"{known.year:04d}" if known else ""
    if start == end:
        return start.isoformat()
    if (start.year, start.month) == (end.year, end.month):
        return f"{start.year:04d}-{start.month:02d}"
    return f"{start.year:04d}"  # across years (a decade...): the first year, the coarsest a <time> holds


def point(text: str) -> str | None:
    """One end of an EDTF date as an ISO 8601 date at its own precision; None when open or unknown."""
    if text in ("", ".."):
        return None
    parsed = parse_edtf(text)
    return unit(parsed.start, parsed.end) or containing(parsed.start, parsed.end)


def html_datetime(edtf: EdtfDate) -> str:
    """The value of ``<time datetime>`` for ``edtf``: ``2015``, ``2021-09``, ``2021-09-14``."""
    return unit(edtf.start, edtf.end) or containing(edtf.start, edtf.end)


def iso_range(edtf: EdtfDate) -> tuple[str | None, str | None]:
    """The two ends of ``edtf`` as ISO 8601 partial dates; a single date gives (it, None)."""
    if not edtf.interval:
        single = unit(edtf.start, edtf.end)
        if single:
            return single, None
        return (edtf.start.isoformat() if edtf.start else None), (edtf.end.isoformat() if edtf.end else None)
    left, _, right = edtf.text.partition("/")
    return point(left), point(right)


def iso_interval(edtf: EdtfDate) -> str:
    """``edtf`` as one ISO 8601 value: a partial date, or an interval ``2022-05/2022-12`` (``..`` open)."""
    first, last = iso_range(edtf)
    if last is None and not edtf.interval:
        return first or ""
    return f"{first or '..'}/{last or '..'}"


def french_day(iso: str) -> str:
    """``2024-11-27`` -> ``27 novembre 2024`` (``1er`` for the first)."""
    year, month, day = (int(part) for part in iso[:10].split("-"))
    return f"{'1er' if day == 1 else day} {MONTHS_FR[month - 1]} {year}"


def reference(title: str, url: str, config: Config, dates: dict[str, Any] | None) -> dict[str, Any]:
    """An event page's citation: the parts, and the French and APA forms as text (no markup)."""
    authors = [config.author] if config.author else []
    publisher = config.publisher_name
    creator = authors[0] if authors else publisher
    published = dates["published_day"] if dates else None
    french = (f"{creator}, « {title} », {config.title}" if authors or publisher != config.title
              else f"« {title} », {config.title}")
    if dates:
        french += f", publié le {dates['published_text']}"
        if dates["changed"]:
            french += f", mis à jour le {dates['updated_text']}"
    apa_date = apa_when(published)
    apa = f"{creator}. ({apa_date}). {title}. {config.title if config.title != creator else ''}"
    apa = apa.rstrip() + ("" if apa.rstrip().endswith(".") else ".")
    return {"authors": authors, "publisher": publisher, "creator": creator, "title": title, "site": config.title,
            "url": url, "french": french, "apa": f"{apa} {url}".rstrip() if url else apa, "published": published,
            "apa_date": apa_date}


def apa_when(published: str | None) -> str:
    """APA's date in French: ``2024, 27 novembre``, or ``s. d.`` (sans date)."""
    if not published:
        return "s. d."
    year, month, day = (int(part) for part in published.split("-"))
    return f"{year}, {day} {MONTHS_FR[month - 1]}"


def csl_json(item_id: str, ref: dict[str, Any], config: Config, dates: dict[str, Any] | None) -> bytes:
    """The citation as CSL-JSON (what Zotero, Mendeley and citeproc read): a one-item list."""
    item: dict[str, Any] = {
        "id": item_id, "type": "webpage", "title": ref["title"], "container-title": config.title,
        "publisher": ref["publisher"], "language": config.language,
        "author": [{"literal": name} for name in ref["authors"]] or [{"literal": ref["publisher"]}],
    }
    if ref["url"]:
        item["URL"] = ref["url"]
    if dates:
        item["issued"] = {"date-parts": [[int(p) for p in dates["published_day"].split("-")]]}
    return (json.dumps([item], ensure_ascii=False, sort_keys=True, indent=1) + "\n").encode("utf-8")


def ris(ref: dict[str, Any], config: Config, dates: dict[str, Any] | None) -> bytes:
    """The citation as RIS (EndNote, Zotero, Mendeley): a web page (``ELEC``), CRLF line ends."""
    def clean(value: str) -> str:  # a line break in a value would start a new tag
        return " ".join(value.split())

    lines = [("TY", "ELEC"), ("TI", ref["title"])]
    lines += [("AU", name) for name in ref["authors"]] or [("AU", ref["publisher"])]
    lines += [("T2", config.title), ("PB", ref["publisher"]), ("LA", config.language)]
    if dates:
        lines += [("PY", dates["published_day"][:4]), ("DA", dates["published_day"].replace("-", "/"))]
    if ref["url"]:
        lines.append(("UR", ref["url"]))
    lines.append(("ER", ""))
    return "".join(f"{tag}  - {clean(value)}\r\n" for tag, value in lines).encode("utf-8")
