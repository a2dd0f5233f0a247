"""A faithful reading, in Python, of what Zotero's generic web translator takes from a page.

Read from zotero/translators at 2814370161d0 (June 2026): ``Embedded Metadata.js`` (``init``,
``addHighwireMetadata``, ``addLowQualityMetadata``) and, for the Dublin Core and OpenGraph tags it
hands over as RDF statements, ``RDF.js`` (``detectType``, ``importItem``). Only the steps that
concern the fields this site publishes are followed, in the translators' order, with their
precedence: RDF first, Highwire ``citation_*`` over it, then the low-quality fallbacks (the
document's title, ``<link rel=canonical>``, ``<html lang>``, the first ``<time datetime>``).
Finally a field the item type does not have is dropped, as Zotero's ``setField`` does.
Zotero's generic translators do not read JSON-LD.
"""

from __future__ import annotations

import re
from typing import Any

from lxml import html as lxml_html

PREFIXES = {  # Embedded Metadata.js: _prefixes (the default namespaces)
    "bib": "http://purl.org/net/biblio#", "bibo": "http://purl.org/ontology/bibo/",
    "dc": "http://purl.org/dc/elements/1.1/", "dcterms": "http://purl.org/dc/terms/",
    "prism": "http://prismstandard.org/namespaces/1.2/basic/", "foaf": "http://xmlns.com/foaf/0.1/",
    "vcard": "http://nwalsh.com/rdf/vCard#", "link": "http://purl.org/rss/1.0/modules/link/",
    "z": "http://www.zotero.org/namespaces/export#", "eprint": "http://purl.org/eprint/terms/",
    "eprints": "http://purl.org/eprint/terms/", "og": "http://ogp.me/ns#", "article": "http://ogp.me/ns/article#",
    "book": "http://ogp.me/ns/book#", "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
}
HIGHWIRE = {  # HIGHWIRE_MAPPINGS, in its order: a later tag overwrites an earlier one's field
    "citation_title": "title", "citation_publication_date": "date", "citation_cover_date": "date",
    "citation_date": "date", "citation_journal_title": "publicationTitle", "citation_publisher": "publisher",
    "citation_public_url": "url", "citation_language": "language",
}
HW_TYPES = {"citation_journal_title": "journalArticle", "citation_technical_report_institution": "report",
            "citation_conference_title": "conferencePaper", "citation_conference": "conferencePaper",
            "citation_book_title": "bookSection", "citation_inbook_title": "bookSection",
            "citation_dissertation_institution": "thesis"}
ITEM_TYPES = {"webpage", "journalArticle", "newspaperArticle", "blogPost", "document", "report", "book"}
FIELDS = {  # the fields of the item types met here (Zotero's schema); publicationTitle is websiteTitle on a webpage
    "webpage": {"title", "date", "url", "language", "publicationTitle", "rights", "abstractNote"},
    "journalArticle": {"title", "date", "url", "language", "publicationTitle", "rights", "abstractNote"},
    "document": {"title", "date", "url", "language", "publisher", "rights", "abstractNote"},
}


def statements(tree: Any) -> tuple[dict[str, list[str]], str | None, str | None]:
    """``init``: the RDF statements of the prefixed tags, and the Highwire type and type guess."""
    prefixes = dict(PREFIXES)
    for link in tree.xpath("//link[@rel]"):
        match = re.match(r"^schema\.([a-zA-Z]+)", link.get("rel"))
        if match:
            prefixes[match.group(1).lower()] = link.get("href")
    found: dict[str, list[str]] = {}
    hw_type = hw_guess = None
    for meta in tree.xpath("//meta"):
        tags, value = meta.get("name") or meta.get("property"), meta.get("content")
        if not tags or not value:
            continue
        for tag in tags.split():
            parts = re.split(r"[.:_]", tag)
            prefix, length = None, 0
            if len(parts) > 2:
                prefix, length = parts[1].lower(), len(parts[0]) + len(parts[1]) + 1
            if not prefix or prefix not in prefixes:
                prefix, length = parts[0].lower(), len(parts[0])
            if prefix in prefixes:
                prop = tag[length + 1:]
                found.setdefault(prefixes[prefix] + prop[:1].lower() + prop[1:], []).append(value)
                continue
            short = tag[tag.rfind("citation_"):] if "citation_" in tag else tag[-1:]
            hw_type = HW_TYPES.get(short, hw_type)
            if short in ("citation_title", "citation_series_title"):
                hw_guess = hw_guess or "journalArticle"
    return found, hw_type, hw_guess


def rdf_item(found: dict[str, list[str]], default_type: str | None) -> dict[str, Any]:
    """``RDF.js``: the item type, then the fields this site's tags can fill."""
    def first(*keys: str) -> str | None:
        return next((found[k][0] for k in keys if k in found), None)

    dc, dcterms, og, article, z = (PREFIXES[p] for p in ("dc", "dcterms", "og", "article", "z"))
    types = {"zotero": first(z + "itemType", z + "type")}
    types["og"] = {"website": "webpage", "book": "book"}.get(first(og + "type") or "")
    og_guess = "journalArticle" if first(og + "type") == "article" else None
    item_type = (types["zotero"] if types["zotero"] in ITEM_TYPES else None) or types["og"] or default_type \
        or og_guess
    item: dict[str, Any] = {"itemType": item_type, "creators": []}
    item["title"] = first(dc + "title", dcterms + "title", og + "title")
    item["creators"] = [{"name": name} for key in (dc + "creator", dcterms + "creator", dc + "contributor")
                        for name in found.get(key, [])]
    site = first(og + "site_name")
    if site and item_type in ("blogPost", "webpage", "newspaperArticle"):
        item["publicationTitle"] = site
    item["rights"] = first(dc + "rights", dcterms + "rights")
    item["publisher"] = first(dc + "publisher", dcterms + "publisher")
    item["date"] = first(og + "published_time", article + "published_time", dc + "date.issued",
                         dcterms + "date.issued", dcterms + "issued", dc + "date", dcterms + "date")
    item["url"] = first(og + "url")
    item["language"] = first(dc + "language", dcterms + "language")
    return item


def embedded_metadata(page: str, url: str) -> dict[str, Any]:
    """The item Zotero saves from ``page`` served at ``url``, with the fields its type keeps."""
    tree = lxml_html.fromstring(page)
    found, hw_type, hw_guess = statements(tree)
    item = rdf_item(found, hw_guess or ("webpage" if found else None))
    if hw_type:
        item["itemType"] = hw_type
    for name, field in HIGHWIRE.items():  # addHighwireMetadata: processFields, non-strict (name ends with)
        values = [m.get("content") for m in tree.xpath("//meta[@name]") if m.get("name").endswith(name)]
        value = next((v for v in values if v is not None), None)
        if value and value.strip():
            item[field] = " ".join(value.split())
    authors = [m.get("content") for m in tree.xpath("//meta[@name]") if m.get("name").endswith("citation_author")]
    if authors:
        item["creators"] = [{"name": a} for a in authors]
    if not item.get("title"):  # addLowQualityMetadata
        item["title"] = tree.findtext(".//title")
    item["title"] = " ".join((item["title"] or "").split())
    if not item["creators"]:
        named = tree.xpath('//meta[translate(@name, "AUTHOR", "author")="author"]/@content')
        og_authors = tree.xpath('//meta[@property="article:author"]/@content')
        bylines = tree.xpath('//*[contains(concat(" ", normalize-space(@class), " "), " byline ") or '
                             'contains(concat(" ", normalize-space(@class), " "), " vcard ")]')
        item["creators"] = [{"name": n} for n in named or og_authors] or [{"name": b.text_content()} for b in bylines]
    item["url"] = item.get("url") or next(iter(tree.xpath('//head/link[@rel="canonical"]/@href')), None) or url
    item["language"] = item.get("language") or tree.get("lang")
    item["date"] = item.get("date") or next(iter(tree.xpath("//time/@datetime")), None)
    kept = FIELDS.get(item["itemType"], set(FIELDS["document"]))
    saved = {key: value for key, value in item.items() if key in kept and value}
    if item["itemType"] == "webpage" and "publicationTitle" in saved:
        saved["websiteTitle"] = saved.pop("publicationTitle")
    return {"itemType": item["itemType"], "creators": item["creators"], **saved,
            "tags_seen": {"publisher": item.get("publisher")}}
