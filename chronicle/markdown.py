"""Markdown for editors' prose: raw HTML off, only safe link schemes.

Content is never code: HTML typed in Markdown is shown as text, and links whose scheme is
not http, https or mailto are refused by the check (and never rendered as links).
"""

from __future__ import annotations

import re
from functools import lru_cache

from markdown_it import MarkdownIt
from markupsafe import Markup

SAFE_SCHEMES = ("http", "https", "mailto")
SCHEME = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.\-]*):")
INVISIBLE = re.compile(r"[\x00-\x20\x7f-\x9f\u00ad\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff]+")


def link_scheme(url: str) -> str | None:
    """The lower-cased scheme of ``url`` once invisible characters are removed, or None."""
    match = SCHEME.match(INVISIBLE.sub("", url))
    return match.group(1).lower() if match else None


def is_safe_url(url: str) -> bool:
    """True for relative links, anchors and http(s)/mailto URLs."""
    scheme = link_scheme(url)
    return scheme is None or scheme in SAFE_SCHEMES


@lru_cache(maxsize=1)
def _renderer() -> MarkdownIt:
    md = MarkdownIt("js-default", {"typographer": False})
    md.validateLink = is_safe_url  # type: ignore[method-assign]
    return md


@lru_cache(maxsize=1)
def _inspector() -> MarkdownIt:
    md = MarkdownIt("js-default")
    md.validateLink = lambda url: True  # type: ignore[method-assign]  # see every link, then judge it
    return md


def render_markdown(text: str) -> Markup:
    """HTML for ``text``: paragraphs, emphasis, lists and safe links; raw HTML escaped."""
    return Markup(_renderer().render(text))


def render_inline(text: str) -> Markup:
    """HTML for one line of ``text`` without the surrounding paragraph."""
    return Markup(_renderer().renderInline(text))


def unsafe_links(text: str) -> list[str]:
    """Every link or image target in ``text`` whose scheme is not allowed."""
    found: list[str] = []
    for token in _inspector().parse(text):
        for child in token.children or ():
            target = child.attrGet("href") if child.type == "link_open" else (
                child.attrGet("src") if child.type == "image" else None)
            if isinstance(target, str) and not is_safe_url(target):
                found.append(target)
    return found
