"""Follow every internal link and anchor of a built site, as a reader's browser would."""

from __future__ import annotations

import posixpath
from html.parser import HTMLParser
from urllib.parse import unquote, urlsplit


class PageLinks(HTMLParser):
    """The links (href, src) and the ids of one HTML page."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[str] = []
        self.ids: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        for name in ("href", "src"):
            if values.get(name) is not None:
                self.links.append(values[name] or "")
        if tag == "meta" and (values.get("http-equiv") or "").lower() == "refresh":
            self.links.append((values.get("content") or "").partition("url=")[2])
        for name in ("id", "name"):
            if values.get(name) and (name == "id" or tag == "a"):
                self.ids.add(values[name] or "")


def parse(html: bytes) -> PageLinks:
    """The links and ids of ``html``."""
    page = PageLinks()
    page.feed(html.decode("utf-8"))
    return page


def resolve(files: dict[str, bytes], page_path: str, link: str) -> tuple[str | None, str]:
    """The file a relative ``link`` on ``page_path`` leads to (None if missing), and its fragment."""
    parts = urlsplit(link)
    base = posixpath.dirname(page_path)
    target = posixpath.normpath(posixpath.join(base, unquote(parts.path))) if parts.path else page_path
    if target in (".", ""):
        target = ""
    candidates = [target, posixpath.join(target, "index.html")] if target else ["index.html"]
    if parts.path.endswith("/"):
        candidates = [posixpath.join(target, "index.html") if target else "index.html"]
    found = next((c for c in candidates if c in files), None)
    return found, parts.fragment


def broken_links(files: dict[str, bytes]) -> list[str]:
    """Every internal link or anchor of the site that leads nowhere, as "page -> link"."""
    pages = {path: parse(body) for path, body in files.items() if path.endswith(".html")}
    broken = []
    for path, page in sorted(pages.items()):
        if path == "404.html":
            continue  # its links are absolute from the base path: checked in the browser tests
        for link in page.links:
            scheme = urlsplit(link).scheme
            if scheme in ("http", "https", "mailto") or link.startswith("//"):
                continue
            if scheme or link.startswith("/"):
                broken.append(f"{path} -> {link} (not relative)")
                continue
            target, fragment = resolve(files, path, link)
            if target is None:
                broken.append(f"{path} -> {link}")
            elif fragment and target in pages and fragment not in pages[target].ids:
                broken.append(f"{path} -> {link} (no anchor #{fragment})")
    return broken
