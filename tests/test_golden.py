"""One reviewed golden file per page kind of the fixture chronology.

Regenerate only with ``pytest tests/test_golden.py --update-golden`` and review the diff.
"""

from __future__ import annotations

from pathlib import Path

import pytest

GOLDEN = Path(__file__).parent / "golden"
PAGE_KINDS = {
    "index.html": "index.html",
    "event.html": "evenements/2022-05-13-appel-austin-choigou/index.html",
    "event-interval.html": "evenements/2022-03-01-2022-05-13-tests-ligne/index.html",
    "redirect.html": "evenements/ligne-deconfliction-mars/index.html",
    "actors.html": "acteurs/index.html",
    "actor.html": "acteurs/valeri-guerassimov/index.html",
    "channels.html": "canaux/index.html",
    "channel.html": "canaux/austin-choigou/index.html",
    "sources.html": "sources/index.html",
    "source.html": "sources/cnn-2022-05-13/index.html",
    "year.html": "annees/2024/index.html",
    "search.html": "recherche/index.html",
    "about.html": "a-propos/index.html",
    "corrections.html": "a-propos/corrections/index.html",
    "404.html": "404.html",
    "feed.xml": "flux.xml",
    "sitemap.xml": "sitemap.xml",
    "robots.txt": "robots.txt",
    "chronologie.json": "donnees/chronologie.json",
}


@pytest.mark.parametrize("name", sorted(PAGE_KINDS))
def test_page_matches_golden(name: str, fixture_files: dict[str, bytes], request: pytest.FixtureRequest) -> None:
    rendered = fixture_files[PAGE_KINDS[name]]
    golden = GOLDEN / name
    if request.config.getoption("--update-golden"):
        golden.parent.mkdir(exist_ok=True)
        golden.write_bytes(rendered)
    assert golden.is_file(), f"no golden file {golden}: run pytest --update-golden and review it"
    assert rendered.decode("utf-8") == golden.read_text(encoding="utf-8")
