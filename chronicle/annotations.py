"""``donnees/annotations.jsonld``: the evidence as W3C Web Annotations (https://www.w3.org/TR/annotation-model/).

Each citation is an ``Annotation`` whose target is its source article, the passage selected twice
(a ``TextQuoteSelector``: the exact words with up to 32 characters before and after; a
``TextPositionSelector``: its start and end, in Unicode code points of the source's archived text,
``content/sources/<id>.txt``) and whose body is the event: its page, and its title as text. Loaded
in an annotation tool (Hypothesis, Recogito...), they put each event back on the words it rests on.
Ids are the feed's tag: URIs (``Config.feed_id``): stable across a change of domain.
"""

from __future__ import annotations

from typing import Any

from chronicle import urls
from chronicle.config import Config
from chronicle.derive import Facts
from chronicle.model import Event, Source

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


def passages_found(facts: Facts) -> dict[tuple[str, int], tuple[int, int]]:
    """Where the check found each citation's passage, by (event id, citation number) (``Facts.passages``:
    the source is not searched again)."""
    return {(passage.event.id, passage.citation.number): passage.raw
            for passages in facts.passages.values() for passage in passages}


def event_annotations(event: Event, found: dict[tuple[str, int], tuple[int, int]], sources: dict[str, Source],
                      config: Config) -> list[dict[str, Any]]:
    """The annotations of one event's citations, in their order."""
    items = []
    for citation in event.citations:
        source = sources[citation.source]
        chosen = selectors(source.text, *found[event.id, citation.number])
        items.append(annotation(event, citation.number, chosen, source, config))
    return items


def collection(total: int, config: Config, items: object) -> dict[str, Any]:
    """The collection, one page holding ``items``, every annotation (``export.data_files`` splices them
    in, each serialised once)."""
    return {
        "@context": CONTEXT, "id": config.feed_id(urls.EXPORT_ANNOTATIONS), "type": "AnnotationCollection",
        "label": f"{config.title} : les passages cités, reliés aux événements", "total": total,
        "first": {"id": config.feed_id(urls.EXPORT_ANNOTATIONS + "#page-1"), "type": "AnnotationPage",
                  "startIndex": 0, "items": items},
    }
