"""Scale: no page grows with the chronology; long lists are split into pages by year or month.

A synthetic chronology (``bench/generate.py``) of 200 and of 2,000 events, built in memory.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest

from chronicle.pipeline import build_files, check_site, predicted_urls, served_urls
from tests.linkcheck import broken_links

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))
from generate import generate

BOUND = 200 * 1024
GROWTH = 1.5
KINDS = {"chronologie": ("index.html",), "année": ("annees/",), "acteur": ("acteurs/",), "canal": ("canaux/",),
         "source": ("sources/",), "événement": ("evenements/",),
         "index": ("acteurs/index.html", "canaux/index.html", "sources/index.html")}


def heaviest(files: dict[str, bytes], prefixes: tuple[str, ...]) -> tuple[int, str]:
    """The size and path of the heaviest HTML page under ``prefixes`` (the index pages aside)."""
    return max((len(body), path) for path, body in files.items()
               if (path.endswith(".html") and path.startswith(prefixes) and path.count("/") > 1)
               or path in prefixes)


@pytest.fixture(scope="module")
def sites(tmp_path_factory: pytest.TempPathFactory) -> dict[int, tuple[Path, dict[str, bytes]]]:
    """{events: (project root, built files)} for 200 and 2,000 events."""
    built = {}
    for events in (200, 2000):
        root = tmp_path_factory.mktemp(f"scale-{events}")
        generate(root, events)
        built[events] = (root, build_files(root))
    return built


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_no_page_is_heavier_than_the_bound(kind: str, sites: dict[int, tuple[Path, dict[str, bytes]]]) -> None:
    size, path = heaviest(sites[2000][1], KINDS[kind])
    assert size < BOUND, f"{path}: {size} octets"


# A source's year page lists the passages cited by that year's events, unsplit so that a passage's address
# never moves: it grows with the events of one year that cite one article, so only the bound holds it.
@pytest.mark.parametrize("kind", sorted(set(KINDS) - {"source"}))
def test_pages_do_not_grow_with_the_chronology(kind: str, sites: dict[int, tuple[Path, dict[str, bytes]]]) -> None:
    small, _ = heaviest(sites[200][1], KINDS[kind])
    large, path = heaviest(sites[2000][1], KINDS[kind])
    assert large <= GROWTH * small, f"{path}: {large} octets à 2 000 événements, {small} à 200"


def test_long_lists_are_split_into_pages(sites: dict[int, tuple[Path, dict[str, bytes]]]) -> None:
    files = sites[2000][1]
    assert "annees/2024/01/index.html" in files
    assert "acteurs/acteur-0000/2024/index.html" in files
    assert "canaux/canal-0000/2024/index.html" in files
    assert b'href="annees/2024/"' in files["index.html"]
    assert "annees/2024/01/index.html" not in sites[200][1]
    source = files["sources/source-0000/index.html"].decode()
    assert 'href="2024/"' in source and "<blockquote>" not in source, "a much-cited source: a page per year"
    assert "<blockquote>" in files["sources/source-0000/2024/index.html"].decode()


def test_a_link_to_a_passage_made_before_its_source_was_split_lands_beside_the_way_to_it(
        sites: dict[int, tuple[Path, dict[str, bytes]]]) -> None:
    """Every passage's anchor stays on its source's page, on the link to the year page that shows it."""
    files = sites[2000][1]
    source = files["sources/source-0000/index.html"].decode()
    years = sorted(path for path in files if path.startswith("sources/source-0000/") and path.count("/") == 3)
    assert len(years) > 1
    for path in years:
        year = path.split("/")[2]
        anchors = re.findall(r'<li id="(passage-[^"]+)">', files[path].decode())
        assert anchors, path
        for anchor in anchors:
            item = re.search(rf'<li>[^\n]*id="{anchor}"[^\n]*</li>', source)
            assert item and f'href="{year}/"' in item.group(0), f"#{anchor}: not beside the link to {year}/"


def test_long_indexes_are_split_into_pages(sites: dict[int, tuple[Path, dict[str, bytes]]],
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    from chronicle import urls

    monkeypatch.setattr(urls, "INDEX_LIMIT", 8)  # 20 actors, 5 channels, 2 sources at 200 events
    root = sites[200][0]
    files = build_files(root)
    assert {"acteurs/page-2/index.html", "acteurs/page-3/index.html"} <= set(files)
    assert "acteurs/page-4/index.html" not in files and "canaux/page-2/index.html" not in files
    assert files["acteurs/page-3/index.html"].count(b'class="record-title"') == 4
    assert broken_links(files) == []
    checked = check_site(root, plan=True)
    assert checked.index is not None
    assert predicted_urls(checked.index) == served_urls(checked.pages)


def test_every_internal_link_resolves(sites: dict[int, tuple[Path, dict[str, bytes]]]) -> None:
    assert broken_links(sites[2000][1]) == []


def test_the_urls_foreseen_by_the_check_are_those_of_the_plan(sites: dict[int, tuple[Path, dict[str, bytes]]]) -> None:
    checked = check_site(sites[2000][0], plan=True)
    assert checked.index is not None
    assert predicted_urls(checked.index) == served_urls(checked.pages)


def test_past_the_protocol_limit_the_sitemap_is_an_index_of_sitemaps(sites: dict[int, tuple[Path, dict[str, bytes]]],
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    from xml.etree import ElementTree

    from chronicle import urls

    namespace = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
    root, whole = sites[200]
    listed = {loc.text for loc in ElementTree.fromstring(whole["sitemap.xml"]).iter(f"{namespace}loc")}
    monkeypatch.setattr(urls, "SITEMAP_LIMIT", 100)  # 50,000 in truth: 100,000 events would pass it
    files = build_files(root)
    index = ElementTree.fromstring(files["sitemap.xml"])
    assert index.tag == f"{namespace}sitemapindex"
    parts = [loc.text.rsplit("/", 1)[-1] for loc in index.iter(f"{namespace}loc") if loc.text]
    assert parts == [f"sitemap-{n}.xml" for n in range(1, -(-len(listed) // 100) + 1)]
    found = set()
    for part in parts:
        locations = [loc.text for loc in ElementTree.fromstring(files[part]).iter(f"{namespace}loc")]
        assert 0 < len(locations) <= 100
        found.update(locations)
    assert found == listed, "every page is still listed, once"
    checked = check_site(root, plan=True)
    assert checked.index is not None
    assert predicted_urls(checked.index) == served_urls(checked.pages)
