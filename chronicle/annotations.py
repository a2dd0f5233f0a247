"""``donnees/annotations.jsonld``: the evidence as W3C Web Annotations (https://www.w3.org/TR/annotation-model/).

Each citation is an ``Annotation`` whose target is its source article, the passage selected twice
(a ``TextQuoteSelector``: the exact words with up to 32 characters before and after; a
``TextPositionSelector``: its start and end, in Unicode code points of the source's archived text,
``content/sources/<id>.txt``) and whose body is the event: its page, and its title as text. Loaded
in an annotation tool (Hypothesis, Recogito...), they put each event back on the words it rests on.
Ids are the feed's tag: URIs (``Config.feed_id``): stable across a change of domain.
"""

from __future__ import annotations

import json
from typing import Any

from chronicle import urls
from chronicle.config import Config
from chronicle.derive import Facts
from chronicle.model import Chronology, Event, Source

CONTEXT = "http://www.w3.org/ns/anno.jsonld"
AROUND = 32  # characters of prefix and suffix: enough to tell two occurrences apart, as Hypothesis does


def selectors(raw: str, start: int, end: int) -> list[dict[str, Any]]:
    """The two selectors of the passage ``raw[start:end]`` of a source's text."""
    return [{"type": "TextQuoteSelector", "exact": raw[start:end], "prefix": raw[max(0, start - AROUND):start],
             "suffix": raw[end:end + AROUND]},
            {"type": "TextPositionSelector", "start": start, "end": end}]


def target_source(source: Source, config: Config) -> str:
    """What the annotation targets: the article's own address, else the source's page here."""
    return source.url or config.public(urls.record_url("source", source.id)) or \
        config.feed_id(urls.record_url("source", source.id))


def annotation(event: Event, number: int, chosen: list[dict[str, Any]], source: Source,
               config: Config) -> dict[str, Any]:
    """One citation as an Annotation: target the passage of the source, body the event."""
    page = urls.event_url(event.id)
    return {
        "id": config.feed_id(urls.citation_url(event.id, number)), "type": "Annotation", "motivation": "linking",
        "creator": {"type": "Organization", "name": config.publisher_name},
        "body": [{"id": config.public(page) or config.feed_id(page), "type": "Text", "format": "text/html",
                  "language": config.language},
                 {"type": "TextualBody", "purpose": "describing", "value": event.title, "format": "text/plain",
                  "language": config.language}],
        "target": {"source": target_source(source, config), "type": "Text", "language": source.language,
                   "selector": chosen},
    }


def annotation_list(chronology: Chronology, facts: Facts, config: Config) -> list[dict[str, Any]]:
    """Every citation of every event, in the chronology's order, where the check found its passage
    (``Facts.passages``: the source is not searched again)."""
    found = {(passage.event.id, passage.citation.number): passage.raw
             for passages in facts.passages.values() for passage in passages}
    items = []
    for event in chronology.events:
        for citation in event.citations:
            source = chronology.sources[citation.source]
            chosen = selectors(source.text, *found[event.id, citation.number])
            items.append(annotation(event, citation.number, chosen, source, config))
    return items


def export_annotations(chronology: Chronology, facts: Facts, config: Config) -> bytes:
    """The whole collection, one page holding every annotation (JSON-LD, keys sorted)."""
    items = annotation_list(chronology, facts, config)
    collection = {
        "@context": CONTEXT, "id": config.feed_id(urls.EXPORT_ANNOTATIONS), "type": "AnnotationCollection",
        "label": f"{config.title} : les passages cités, reliés aux événements", "total": len(items),
        "first": {"id": config.feed_id(urls.EXPORT_ANNOTATIONS + "#page-1"), "type": "AnnotationPage",
                  "startIndex": 0, "items": items},
    }
    return (json.dumps(collection, ensure_ascii=False, sort_keys=True, indent=1) + "\n").encode("utf-8")
