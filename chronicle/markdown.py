"""Markdown for editors' prose: raw HTML off, no images, only absolute web and mail links.

Content is never code: HTML typed in Markdown is shown as text; images are not rendered
(a page never loads anything from another host); links whose scheme is not http, https or
mailto, and relative links that no check could follow, are refused by the check and never
rendered as links.
"""

from __future__ import annotations

import re
from functools import lru_cache
from urllib.parse import urlsplit

from markdown_it import MarkdownIt
from markupsafe import Markup

from chronicle import urls

SAFE_SCHEMES = ("http", "https", "mailto")
# Links to the chronology's own records, resolved by the check (``references.check_links``) and made
# relative to each page when it is rendered (``resolve_internal_links``): [texte](evenement:ID).
INTERNAL_KINDS = {"evenement": "event", "acteur": "actor", "canal": "channel", "source": "source"}
INTERNAL = re.compile(r"^(evenement|acteur|canal|source):([a-z0-9]+(?:-[a-z0-9]+)*)$")
LINK_MARK = "chronicle-lien:"  # before a record's URL in rendered Markdown, until the page is known
# Marked links as they are in a page, or escaped inside the Atom feed's HTML content.
_MARKED = re.compile(r'href=(&#34;|")chronicle-lien:(/[^"&#]*)(&#34;|")')
SCHEME = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.\-]*):")
INVISIBLE = re.compile(r"[\x00-\x20\x7f-\x9f\u00ad\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff]+")
# Characters RFC 3986 never allows in a URL, spaces and invisible characters aside.
NOT_IN_URL = re.compile(r"[\"<>\\^`{|}]")
MAX_SHOWN = 60
# markdown-it's cost grows with the square of the brackets that may open a link: 3,000 "![" take
# 2.7 s to check and render, 800 such corrections a minute. Real texts have one or two.
MAX_BRACKETS = 50
# One line of prose without a character Markdown could read as markup, starting with a letter (not a
# list's digit or dash, not an indent) and ending with no space: markdown-it would make of it exactly
# ``<p>`` and the text, quotes escaped. Most summaries are such; ``tests/test_properties.py`` holds
# the shortcut to markdown-it's output. 10,000 summaries: 0.68 s of planning's CPU -> 0.04 s; the real
# texts, 0.59 -> 0.37 s (planning runs on one core: 4 % of a clean build's wall time at 10,000 events).
PLAIN_LINE = re.compile(r"[^\W\d_][^\x00-\x1f\x7f*_\[\]<>!&\\`~|#=$]*(?<=\S)")


def link_scheme(url: str) -> str | None:
    """The lower-cased scheme of ``url`` once invisible characters are removed, or None."""
    match = SCHEME.match(INVISIBLE.sub("", url))
    return match.group(1).lower() if match else None


def is_safe_url(url: str) -> bool:
    """True for absolute http(s) and mailto URLs: the only link targets a page may carry."""
    return link_scheme(url) in SAFE_SCHEMES


def internal_target(url: str) -> tuple[str, str] | None:
    """(kind, id) of a link to a record, ``evenement:2022-05-13-appel`` -> ("event", "2022-05-13-appel")."""
    found = INTERNAL.match(url)
    return (INTERNAL_KINDS[found.group(1)], found.group(2)) if found else None


def _valid_link(url: str) -> bool:
    return is_safe_url(url) or internal_target(url) is not None


# A link to a record whose id is wrong is the check's (``references.check_links``: the closest ids);
# one whose prefix is near ("evenements:", "event:") is told the four prefixes.
_INTERNAL_PREFIX = re.compile(r"^(evenement|acteur|canal|source):")
_NEAR_PREFIX = re.compile(r"^(e|é)v[eé]nements?:|^(acteurs|actor|canaux|channel|sources|event):", re.IGNORECASE)


def _internal_href(match: re.Match[str]) -> str:
    kind, record_id = INTERNAL_KINDS[match.group(1)], match.group(2)
    return f'href="{LINK_MARK}{urls.record_url(kind, record_id)}"'


def resolve_internal_links(html: str, page_url: str | None, base_path: str = "") -> str:
    """The marked links to records made relative to ``page_url`` (or absolute from ``base_path``)."""
    if LINK_MARK not in html:
        return html
    def link(match: re.Match[str]) -> str:
        path = match.group(2)
        target = f"{base_path.rstrip('/')}{path}" if page_url is None else urls.relative(page_url, path)
        return f"href={match.group(1)}{target}{match.group(3)}"
    return _MARKED.sub(link, html)


@lru_cache(maxsize=1)
def _renderer() -> MarkdownIt:
    md = MarkdownIt("js-default", {"typographer": False})
    md.disable("image")
    md.validateLink = _valid_link  # type: ignore[method-assign]
    return md


@lru_cache(maxsize=1)
def _inspector() -> MarkdownIt:
    md = MarkdownIt("js-default")
    md.validateLink = lambda url: True  # type: ignore[method-assign]  # see every link, then judge it
    return md


# Every summary is rendered for its event's page, its list line, the feed and the exports: the cache
# must hold each text of the chronology, or past its size every lookup misses (65,536 made 100,000
# events cost 3x per event what 10,000 did). A million texts: ~1.5 KB each, the summaries and
# annotations of 500,000 events. Where texts go through markdown-it (a quarter of the real ones), it pays
# for itself many times: 10,000 such summaries, 15.9 s of CPU with it, 22.6 s without (``bench/tricks.py``).
@lru_cache(maxsize=1 << 20)
def render_markdown(text: str) -> Markup:
    """HTML for ``text``: paragraphs, emphasis, lists and safe links; raw HTML escaped."""
    if PLAIN_LINE.fullmatch(text):
        return Markup("<p>" + text.replace('"', "&quot;") + "</p>\n")
    rendered = _renderer().render(text)
    if 'href="' in rendered and ":" in text:
        rendered = _LINK_HREF.sub(_internal_href, rendered)
    return Markup(rendered)


_LINK_HREF = re.compile(r'href="(evenement|acteur|canal|source):([a-z0-9]+(?:-[a-z0-9]+)*)"')


def markdown_problem(text: str) -> str | None:
    """A French message for the images and refused links of an editor's Markdown, or None."""
    brackets = text.count("[")
    if brackets > MAX_BRACKETS:  # refused before any parsing: see MAX_BRACKETS
        return (f"trop de crochets « [ » ({brackets} ; au plus {MAX_BRACKETS} par texte) : chacun peut ouvrir "
                "un lien. Gardez les liens utiles et remplacez les autres crochets par des parenthèses.")
    targets = _targets(text)
    images = list(dict.fromkeys(target for kind, target in targets if kind == "image"))
    links = list(dict.fromkeys(target for kind, target in targets if kind == "link" and not _valid_link(target)
                               and not _INTERNAL_PREFIX.match(target)))
    near = [target for target in links if _NEAR_PREFIX.match(target)]
    links = [target for target in links if target not in near]
    relative = [target for target in links if link_scheme(target) is None]
    schemes = [target for target in links if target not in relative]
    sentences = []
    if images:
        sentences.append(f"{_refused('image', images)} : une page ne charge rien depuis un autre site ; "
                         "mettez plutôt un lien, [texte](https://…).")
    if schemes:
        sentences.append(f"{_refused('lien', schemes)} : seuls les liens https:, http: et mailto: sont acceptés.")
    if near:
        sentences.append(f"{_refused('lien', near)} : un lien vers une fiche commence par evenement:, acteur:, "
                         "canal: ou source:, suivi de l'identifiant.")
    if relative:
        sentences.append(f"{_refused('lien', relative)} : écrivez l'adresse complète, qui commence par https://.")
    return " ".join(sentences) or None


def url_problem(value: str) -> str | None:
    """A French message for a URL field that is not a plain absolute http(s) address, or None."""
    shown = _shown(value)
    if not value.lower().startswith(("https://", "http://")):
        return f"adresse « {shown} » refusée : seules les adresses https:// (ou http://) sont acceptées."
    if INVISIBLE.search(value):
        space = any(char in " \u00a0" or char.isspace() for char in value)
        return f"adresse « {shown} » invalide : elle contient {'une espace' if space else 'un caractère invisible'}."
    bad = NOT_IN_URL.search(value)
    if bad:
        return f"adresse « {shown} » invalide : le caractère « {bad.group()} » n'est pas permis dans une adresse."
    try:
        parts = urlsplit(value)
        host, _ = parts.hostname, parts.port
    except ValueError:
        return f"adresse « {shown} » invalide : nom de site ou port mal formé."
    if "@" in parts.netloc:
        return (f"adresse « {shown} » refusée : ce qui précède « @ » déguise le vrai site ; "
                "donnez l'adresse sans nom d'utilisateur.")
    if not host or "." not in host.strip("."):
        return f"adresse « {shown} » invalide : le nom du site manque ou est incomplet."
    return None


def _targets(text: str) -> list[tuple[str, str]]:
    """Every (``link`` or ``image``, target) of ``text``, in order.

    Without ``[`` (links, images, their definitions) or ``<`` (autolinks) there is none to find,
    linkify being off: most summaries are not parsed (the check at 10,000 events: 1.30 s of CPU, 2.10 s
    parsing every text; ``bench/tricks.py``).
    """
    if "[" not in text and "<" not in text:
        return []
    return _parsed_targets(text)


def _parsed_targets(text: str) -> list[tuple[str, str]]:
    """``_targets`` without its shortcut: markdown-it parses ``text`` whatever it holds."""
    found: list[tuple[str, str]] = []
    for token in _inspector().parse(text):
        for child in token.children or ():
            if child.type == "link_open":
                found.append(("link", str(child.attrGet("href") or "")))
            elif child.type == "image":
                found.append(("image", str(child.attrGet("src") or "")))
    return found


def _refused(noun: str, targets: list[str]) -> str:
    """ "lien « a » refusé", "images « a » et « b » refusées"."""
    shown = [f"« {_shown(target)} »" for target in targets]
    listed = shown[0] if len(shown) == 1 else f"{', '.join(shown[:-1])} et {shown[-1]}"
    plural = "s" if len(shown) > 1 else ""
    ending = "e" if noun == "image" else ""
    return f"{noun}{plural} {listed} refusé{ending}{plural}"


def _shown(text: str) -> str:
    """``text`` cut to ``MAX_SHOWN`` characters, invisible characters spelled out."""
    short = text if len(text) <= MAX_SHOWN else text[:MAX_SHOWN] + "…"
    return "".join(char if char.isprintable() else f"\\u{ord(char):04x}" for char in short)
