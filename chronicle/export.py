"""The data export ``donnees/chronologie.json``: a public contract (see DESIGN.md).

Fields may be added; none renamed or removed. UTF-8, keys sorted, stable across builds.
"""

from __future__ import annotations

import json
from typing import Any

from chronicle import urls
from chronicle.model import Chronology, Event
from chronicle.views import passage_anchor


def export_event(event: Event) -> dict[str, Any]:
    """One event as the export describes it."""
    date = event.date
    return {
        "id": event.id, "url": urls.event_url(event.id), "title": event.title, "date": date.text,
        "date_start": date.iso_start(), "date_end": date.iso_end(), "precision": date.precision,
        "approximate": date.approximate, "uncertain": date.uncertain, "date_basis": event.date_basis,
        "kind": event.kind, "actors": list(event.actors), "channels": list(event.channels),
        "initiator": event.initiator, "summary": event.summary,
        "citations": [{"source": c.source, "quote": c.quote,
                       "url": f"{urls.record_url('source', c.source)}#{passage_anchor(event.id, c.number)}"}
                      for c in event.citations],
        "annotation": event.annotation,
    }


def export_data(chronology: Chronology) -> dict[str, Any]:
    """The whole chronology as plain data."""
    return {
        "events": [export_event(event) for event in chronology.events],
        "actors": [{"id": a.id, "url": urls.record_url("actor", a.id), "name": a.name,
                    "aliases": list(a.aliases), "type": a.type, "country": a.country}
                   for a in chronology.actors.values()],
        "channels": [{"id": c.id, "url": urls.record_url("channel", c.id), "name": c.name, "kind": c.kind,
                      "parties": list(c.parties), "established": c.established.text if c.established else None}
                     for c in chronology.channels.values()],
        "sources": [{"id": s.id, "url": urls.record_url("source", s.id), "title": s.title,
                     "published": s.published.text, "language": s.language, "reports": list(s.reports)}
                    for s in chronology.sources.values()],
    }


def export_json(chronology: Chronology) -> bytes:
    """``chronologie.json`` as bytes: UTF-8, keys sorted, indented, newline at the end."""
    text = json.dumps(export_data(chronology), ensure_ascii=False, sort_keys=True, indent=1)
    return (text + "\n").encode("utf-8")
