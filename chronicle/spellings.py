"""Every spelling of an actor in the search index: any spelling finds every page about him.

The articles write one man Shoigu, Shoygu, Choïgou…; a page finds only the words it holds. So each
searchable page carries, hidden in Pagefind metadata (searched with the text, never shown in an
excerpt), every spelling of every actor its indexed text names in any spelling: the actor's own page
in the field ``acteur``, which the search page weighs heavily (``PAGEFIND_OPTIONS``), so that it comes
first for any of his spellings; every other page in ``graphies``. A query in any spelling then finds
the same pages, and the search page sends, for the ordering, the actor's name in place of the spelling
(``static/search.js``).

The names are looked for in the text Pagefind indexes (``data-pagefind-ignore`` parts left out), with
case, accents and punctuation ignored, word for word, as Pagefind reads them.
"""

from __future__ import annotations

import functools
import html
import itertools
import re
import unicodedata
from dataclasses import dataclass
from typing import Any

import jinja2
from markupsafe import Markup

from chronicle import urls
from chronicle.model import Chronology

OWN_FIELD = "acteur"  # on an actor's page: his spellings
NAMED_FIELD = "graphies"  # on any searchable page: the spellings of the actors its text names
# Pagefind's options on the search page (``templates/search.html`` hands them to ``static/search.js``):
# a match in the actor's own field outweighs any page that merely names him (measured: bench/search_spellings.md).
PAGEFIND_OPTIONS: dict[str, Any] = {"excerptLength": 24, "ranking": {"metaWeights": {OWN_FIELD: 150.0}}}
TAG = re.compile(r"<[A-Za-z/!][^>]*>|<!--.*?-->", re.DOTALL)
OPEN_TAG = re.compile(r"<([A-Za-z][A-Za-z0-9-]*)[^>]*>")
SKIPPED = ("script", "style", "template")  # elements whose text Pagefind never indexes
VOID = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"})
NOT_A_WORD = re.compile(r"[^\w]+")
# The combining marks NFKD splits off letters (accents): one regular expression, not a test per character.
COMBINING = re.compile("[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]")


@dataclass(frozen=True)
class ActorSpellings:
    """One actor's spellings, as written (``spellings``, the name first) and as compared (``phrases``)."""

    url: str
    name: str
    spellings: tuple[str, ...]
    phrases: tuple[tuple[str, ...], ...]


def fold(text: str) -> str:
    """``text`` as compared: no accents, no case, every run of non-letters one space."""
    plain = COMBINING.sub("", unicodedata.normalize("NFKD", text))
    return NOT_A_WORD.sub(" ", plain.replace("_", " ").casefold()).strip()


_FOLDED: dict[str, list[str]] = {}  # a word as written (between white spaces) -> its words as compared
FOLDED_MAX = 1 << 18  # words as written remembered at most: the vocabulary of a large chronology


def folded_words(text: str) -> list[str]:
    """``fold(text).split()``, each word as written folded once per build, not once per page: no rule of
    ``fold`` acts across a white space (none is a letter, or becomes one; the marks NFKD reorders never
    cross one), so the words of ``text`` are those of its white-space-separated words, one after the other
    (``search_terms`` per event page at 10,000 events: 0.15 -> 0.11 ms of CPU)."""
    words: list[str] = []
    folded = _FOLDED
    for written in text.split():
        found = folded.get(written)
        if found is None:
            if len(folded) >= FOLDED_MAX:
                folded.clear()
            found = folded[written] = fold(written).split()
        words += found
    return words


def actor_spellings(chronology: Chronology) -> tuple[ActorSpellings, ...]:
    """Every actor's spellings (name, aliases, ``search_variants``): made once per chronology, by
    ``derive`` (``Facts.spellings``), which render gives every searchable page (``render.render_page``)."""
    found = []
    for actor in chronology.actors.values():
        spellings = tuple(dict.fromkeys((actor.name, *actor.aliases, *actor.search_variants)))
        phrases = tuple(dict.fromkeys(tuple(fold(s).split()) for s in spellings if fold(s)))
        found.append(ActorSpellings(urls.record_url("actor", actor.id), actor.name, spellings, phrases))
    return tuple(found)


def indexed_text(page_html: str) -> str:
    """The text of ``page_html`` that Pagefind indexes: tags, scripts and ``data-pagefind-ignore``
    elements (with all they hold) left out, entities read.

    Only the few elements left out are walked tag by tag, found by plain substring search; the rest is
    one substitution (this runs on every searchable page: regular expressions looking into every tag
    took ten times as long)."""
    parts, position = [], 0
    for start in left_out_starts(page_html):
        if start < position:  # inside an element already left out
            continue
        tag = OPEN_TAG.match(page_html, start)
        if not tag:
            continue
        name = tag.group(1).lower()
        if name not in SKIPPED and "data-pagefind-ignore" not in tag.group(0):
            continue
        parts.append(page_html[position:start])
        position = tag.end() if name in VOID or tag.group(0).endswith("/>") else element_end(page_html, name, tag.end())
    parts.append(page_html[position:])
    return html.unescape(TAG.sub(" ", "".join(parts)))


def left_out_starts(page_html: str) -> list[int]:
    """Where the tags that may open an element left out of the index start, in order."""
    starts = set()
    for needle in ("data-pagefind-ignore", *(f"<{name}" for name in SKIPPED)):
        at = page_html.find(needle)
        while at != -1:
            starts.add(at if needle.startswith("<") else page_html.rfind("<", 0, at))
            at = page_html.find(needle, at + 1)
    return sorted(starts)


def element_end(page_html: str, name: str, start: int) -> int:
    """Where the element ``name`` opened just before ``start`` ends (after its closing tag, elements of
    the same name inside it counted); the end of the text if it is never closed."""
    depth = 1
    for match in same_name_tag(name).finditer(page_html, start):
        depth += -1 if match.group(1) else 1
        if not depth:
            return match.end()
    return len(page_html)


@functools.cache
def same_name_tag(name: str) -> re.Pattern[str]:
    """An opening or closing tag of the element ``name``."""
    return re.compile(rf"<(/?){re.escape(name)}\b[^>]*>", re.IGNORECASE)


def actors_named(page_html: str, actors: tuple[ActorSpellings, ...]) -> list[ActorSpellings]:
    """The actors whose name, in any of their spellings, is in the text Pagefind indexes of ``page_html``
    (a phrase of their spellings among its words, one after the other)."""
    words = folded_words(indexed_text(page_html))
    joined = f" {' '.join(words)} "
    single, longer = phrase_index(actors)
    found = {number for word in set(words) for number in single.get(word, ())}
    found.update(number for pair in set(itertools.pairwise(words)) for number, spaced in longer.get(pair, ())
                 if spaced in joined)
    return [actors[number] for number in sorted(found)]


PhraseIndex = tuple[dict[str, list[int]], dict[tuple[str, str], list[tuple[int, str]]]]
_PHRASES: list[tuple[object, PhraseIndex]] = []  # (the actors, their phrases): one build at a time


def phrase_index(actors: tuple[ActorSpellings, ...]) -> PhraseIndex:
    """The phrases of ``actors``, by the actor's number: those of one word by their word; the others, as
    written between spaces, by their first two words.

    A page looks up its own words and pairs of words instead of trying the 400 phrases of 200 actors:
    a phrase of one word is there if the word is; a longer one only where its first two words follow
    each other (the ``search_terms`` filter per event page at 10,000 events, 1,000 pages: 0.40 -> 0.19
    ms of CPU, with ``page_url`` read once; by first words alone, which many phrases share, it took
    longer: 0.16 -> 0.19 ms). Made once per tuple of actors (every page gets the same)."""
    last = _PHRASES[0] if _PHRASES else None  # one read: ``serve`` may render pages in two threads at once
    if last is not None and last[0] is actors:  # the tuple is kept: its id is not reused meanwhile
        return last[1]
    single: dict[str, list[int]] = {}
    longer: dict[tuple[str, str], list[tuple[int, str]]] = {}
    for number, actor in enumerate(actors):
        for phrase in filter(None, actor.phrases):  # none is empty (``actor_spellings``)
            if len(phrase) == 1:
                single.setdefault(phrase[0], []).append(number)
            else:
                longer.setdefault((phrase[0], phrase[1]), []).append((number, f" {' '.join(phrase)} "))
    _PHRASES[:] = [(actors, (single, longer))]
    return single, longer


def field(name: str, spellings: list[str]) -> str:
    """A hidden element giving Pagefind the metadata field ``name``: the words of ``spellings``, each
    written word once (commas out: they would end the field)."""
    words = dict.fromkeys(word for spelling in spellings for word in spelling.replace(",", " ").split())
    return f'<span hidden data-pagefind-meta="{html.escape(name)}:{html.escape(" ".join(words))}"></span>'


def own_spellings(actor: ActorSpellings, actors: tuple[ActorSpellings, ...]) -> list[str]:
    """``actor``'s spellings for his own page's heavy field, without the other actors' names they hold
    ("États-Unis" in "État-major interarmées des États-Unis"): a query for those finds their own page first."""
    others = [phrase for other in actors if other is not actor for phrase in other.phrases]
    kept = []
    for spelling in actor.spellings:
        tokens = spelling.split()
        flat = [(word, number) for number, token in enumerate(tokens) for word in fold(token).split()]
        drop: set[int] = set()
        for phrase in others:
            for start in range(len(flat) - len(phrase) + 1):
                if tuple(word for word, _ in flat[start:start + len(phrase)]) == phrase:
                    drop.update(number for _, number in flat[start:start + len(phrase)])
        kept.append(" ".join(token for i, token in enumerate(tokens) if i not in drop))
    return kept


@jinja2.pass_context
def search_terms(context: jinja2.runtime.Context, body: str) -> Markup:
    """The ``search_terms`` filter: the hidden fields of spellings for a searchable page's ``body``
    (``templates/base.html``); nothing for a page render gave no spellings (one not searchable)."""
    actors = context.get("search_actors")
    if not actors:
        return Markup("")
    named = actors_named(str(body), actors)
    page_url = context.get("page_url")
    own = [actor for actor in actors if actor.url == page_url]
    others = [spelling for actor in named if actor not in own for spelling in actor.spellings]
    return Markup("".join([*(field(OWN_FIELD, own_spellings(actor, actors)) for actor in own[:1]),
                           *(field(NAMED_FIELD, others) for _ in others[:1])]))
