"""Weight: what a reader downloads for a page, HTML + CSS + JS, uncompressed.

The search bundle (pagefind/) is left aside: it loads only when someone searches.
"""

from __future__ import annotations

import posixpath
from html.parser import HTMLParser

import pytest

LIMIT = 60 * 1024
KINDS = {
    "chronologie": "index.html",
    "événement": "evenements/",
    "acteur": "acteurs/",
    "canal": "canaux/",
    "source": "sources/",
    "année": "annees/",
    "index (acteurs, canaux, sources)": ("acteurs/index.html", "canaux/index.html", "sources/index.html"),
    "recherche": "recherche/index.html",
    "à propos": "a-propos/index.html",
}


class Assets(HTMLParser):
    """The stylesheets and scripts a page loads."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "link" and values.get("rel") == "stylesheet" and values.get("href"):
            self.found.append(values["href"] or "")
        if tag == "script" and values.get("src"):
            self.found.append(values["src"] or "")


def page_weight(files: dict[str, bytes], path: str) -> int:
    """Bytes of the page and of every stylesheet and script it loads."""
    parser = Assets()
    parser.feed(files[path].decode("utf-8"))
    total = len(files[path])
    for link in parser.found:
        asset = posixpath.normpath(posixpath.join(posixpath.dirname(path), link))
        assert not asset.startswith("pagefind/"), "the search bundle loads only when searching"
        total += len(files[asset])
    return total


def pages_of(files: dict[str, bytes], kind: str | tuple[str, ...]) -> list[str]:
    """The pages of one kind: a folder's record pages (not its index), or named files."""
    if isinstance(kind, tuple):
        return list(kind)
    if kind.endswith("/"):
        return [p for p in files if p.startswith(kind) and p.endswith("/index.html") and p.count("/") == 2
                and b'http-equiv="refresh"' not in files[p]]
    return [kind]


@pytest.mark.parametrize("site", ["fixture_files", "real_files"])
def test_every_event_page_weighs_under_60_kb(site: str, request: pytest.FixtureRequest,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    files: dict[str, bytes] = request.getfixturevalue(site)
    lines = []
    for name, kind in KINDS.items():
        weights = [page_weight(files, path) for path in pages_of(files, kind)]
        assert weights, name
        lines.append(f"  {name:<34} {max(weights) / 1024:6.1f} KB max, {sum(weights) / len(weights) / 1024:6.1f}"
                     f" KB mean ({len(weights)} page{'s' if len(weights) > 1 else ''})")
    with capsys.disabled():
        print(f"\nWeight per page kind, HTML + CSS + JS uncompressed ({site}):\n" + "\n".join(lines))
    events = {path: page_weight(files, path) for path in pages_of(files, "evenements/")}
    heaviest = max(events, key=events.__getitem__)
    assert events[heaviest] < LIMIT, f"{heaviest}: {events[heaviest]} bytes"
