"""End to end: the built site, its links, its data export and its determinism."""

from __future__ import annotations

import json
import re
from pathlib import Path

from tests.conftest import FIXTURE, REPO, indexed_texts
from tests.linkcheck import broken_links, parse

EVENT_KEYS = {"id", "url", "address", "title", "date", "date_start", "date_end", "precision", "approximate",
              "uncertain", "date_basis", "kind", "actors", "channels", "initiator", "summary", "citations",
              "annotation"}


def test_fixture_links_and_anchors_resolve(fixture_files: dict[str, bytes]) -> None:
    assert broken_links(fixture_files) == []
    assert sum(len(parse(body).links) for path, body in fixture_files.items() if path.endswith(".html")) > 300


def test_real_content_links_and_anchors_resolve(real_files: dict[str, bytes]) -> None:
    assert broken_links(real_files) == []


def test_the_real_chronology_stays_whole_on_its_page_with_its_filters(real_files: dict[str, bytes]) -> None:
    """Every event of the real chronology is on the home page, under the filters (no page per year)."""
    home = real_files["index.html"].decode("utf-8")
    events = json.loads(real_files["donnees/chronologie.json"])["events"]
    assert "data-filters" in home
    assert all(f'href="evenements/{event["id"]}/"' in home for event in events), "an event is missing from the home"


def test_templates_take_every_link_from_the_plan() -> None:
    """No template writes a site-root URL or an anchor other pages link to: they come from the plan
    (``plan.LINKS``, ``chronicle.urls``), so that a URL changes in one place."""
    written = re.compile(r"""'/[^']*'\s*\|\s*rel|(?:href|src|content)="/|base_url\s*~|base_url \}\}[a-z]|"""
                         r"""id="(?:annee-|citation-|passage-|silence-|(?:corrections|methode|dates|natures|donnees)")""")
    found = [f"{path.relative_to(REPO)}:{number}: {match.group(0)}"
             for path in sorted((REPO / "templates").rglob("*")) if path.is_file()
             for number, line in enumerate(path.read_text("utf-8").splitlines(), start=1)
             for match in written.finditer(line)]
    assert found == []


def test_link_checker_finds_a_broken_link(fixture_files: dict[str, bytes]) -> None:
    damaged = dict(fixture_files)
    del damaged["acteurs/mark-milley/index.html"]
    event = "evenements/2022-05-13-appel-austin-choigou/index.html"
    damaged[event] = fixture_files[event].replace(b'id="citation-1"', b'id="citation-x"')
    found = broken_links(damaged)
    assert "acteurs/index.html -> mark-milley/" in found
    assert ("sources/cnn-2022-05-13/index.html -> ../../evenements/2022-05-13-appel-austin-choigou/#citation-1 "
            "(no anchor #citation-1)") in found


def test_export_follows_the_public_contract(real_files: dict[str, bytes]) -> None:
    data = json.loads(real_files["donnees/chronologie.json"])
    assert set(data) == {"base_url", "license", "events", "actors", "channels", "sources"}  # fields added, none gone
    assert data["base_url"] is None  # the real chronology's site.yaml names none: deployments give it
    assert data["events"], "the real chronology has events"
    for event in data["events"]:
        assert set(event) == EVENT_KEYS
        assert event["url"] == f"/evenements/{event['id']}/"
        days = (event["date_start"], event["date_end"])  # null for an open or unknown end ("/2022-03-21")
        assert any(days) and all(day is None or len(day) == 10 for day in days)
        for citation in event["citations"]:
            assert set(citation) == {"source", "quote", "url", "address"}
    assert all(set(a) == {"id", "url", "address", "name", "aliases", "type", "country"} for a in data["actors"])
    assert all(set(c) == {"id", "url", "address", "name", "kind", "parties", "established"}
               for c in data["channels"])
    assert all(set(s) == {"id", "url", "address", "title", "published", "language", "reports"}
               for s in data["sources"])
    text = real_files["donnees/chronologie.json"].decode("utf-8")
    assert text == json.dumps(data, ensure_ascii=False, sort_keys=True, indent=1) + "\n"


def test_export_citation_urls_reach_their_passage(fixture_files: dict[str, bytes]) -> None:
    data = json.loads(fixture_files["donnees/chronologie.json"])
    for event in data["events"]:
        for citation in event["citations"]:
            path, _, anchor = citation["url"].partition("#")
            assert anchor in parse(fixture_files[path.lstrip("/") + "index.html"]).ids


def test_base_url_subpath_keeps_links_relative(tmp_path: Path) -> None:
    from chronicle.pipeline import build_files

    files = build_files(FIXTURE, "https://exemple.github.io/chronique/")
    assert broken_links(files) == []
    assert b'href="https://exemple.github.io/chronique/evenements/2022-05-13-appel-austin-choigou/"' in files[
        "evenements/2022-05-13-appel-austin-choigou/index.html"]
    assert b'href="/chronique/"' in files["404.html"]


def test_search_bundle_is_complete(fixture_files: dict[str, bytes]) -> None:
    bundle = {path: body for path, body in fixture_files.items() if path.startswith("pagefind/")}
    assert "pagefind/pagefind-entry.json" in bundle
    assert [path for path, body in bundle.items() if not body] == []  # every file written in full
    entry = json.loads(bundle["pagefind/pagefind-entry.json"])
    assert entry["languages"]["fr"]["page_count"] == sum(
        1 for path, body in fixture_files.items() if path.endswith(".html") and b"data-pagefind-body" in body)


# Pagefind joins the texts of neighbouring elements it does not take for blocks (dt, dd, th) without
# a space: "Relaie</dt><dd>CNN" was indexed as the one word "RelaieCNN", so a field's first and last
# words were found only where the page said them again.
GLUED = re.compile(r"\S*[a-zà-ÿ.)»][A-ZÀ-Ý0-9]\S*")
WRITTEN_SO = {"TimelineJS", "4.0)"}  # the about page's


def test_search_indexes_each_field_as_words(fixture_files: dict[str, bytes]) -> None:
    texts = indexed_texts(body for path, body in fixture_files.items() if path.startswith("pagefind/fragment/"))
    assert {word for text in texts.values() for word in GLUED.findall(text)} <= WRITTEN_SO
    event = texts["/evenements/2022-05-13-appel-austin-choigou/"]  # its labels are furniture, left out
    assert "Sergueï Choïgou Lloyd Austin Ministres" in event and "À l'initiative de" not in event
    assert "Relaie CNN Langue français" in texts["/sources/cnn-2022-05-13/"]
    assert "Parties Lloyd Austin, Sergueï Choïgou Établi" in texts["/canaux/austin-choigou/"]
