"""Every spelling of an actor hidden in the index of the pages that name him (chronicle/spellings.py)."""

from __future__ import annotations

import html
import re

from hypothesis import given, settings
from hypothesis import strategies as st

from chronicle.spellings import ActorSpellings, actors_named, fold, folded_words, indexed_text, own_spellings


def actor(url: str, *spellings: str) -> ActorSpellings:
    return ActorSpellings(url, spellings[0], spellings, tuple(tuple(fold(s).split()) for s in spellings))


CHOIGOU = actor("/acteurs/sergei-choigou/", "Sergueï Choïgou", "Shoigu", "Sergei Shoigu")
USA = actor("/acteurs/etats-unis/", "États-Unis", "Washington")
STAFF = actor("/acteurs/etat-major/", "État-major interarmées des États-Unis", "état-major américain")
ACTORS = (CHOIGOU, USA, STAFF)


def test_the_text_pagefind_indexes_leaves_out_ignored_elements_whole() -> None:
    page = ('<p>Shoigu<span data-pagefind-ignore>Washington <span>nested</span> <em>still</em></span> dit'
            '<script>var x = "États-Unis";</script><br><img alt="x" src="a.png"/> &amp; fin</p>')
    text = " ".join(indexed_text(page).split())
    assert text == "Shoigu dit & fin"


def test_an_actor_is_named_in_any_spelling_case_accents_and_punctuation_aside() -> None:
    assert actors_named("<p>Selon SHOIGU, …</p>", ACTORS) == [CHOIGOU]
    assert actors_named("<p>Les etats-unis et Washington</p>", ACTORS) == [USA]
    assert actors_named("<p>Sergueï Choigou</p>", ACTORS) == [CHOIGOU]
    assert actors_named("<p>Shoiguine, Sergei</p>", ACTORS) == []  # words, not parts of words
    assert actors_named('<p data-pagefind-ignore>Shoigu</p><p>rien</p>', ACTORS) == []


def test_an_actor_s_own_field_leaves_out_the_other_actors_names_it_holds() -> None:
    assert own_spellings(STAFF, ACTORS) == ["État-major interarmées des", "état-major américain"]
    assert own_spellings(CHOIGOU, ACTORS) == list(CHOIGOU.spellings)


def test_a_searchable_page_hides_every_spelling_of_the_actors_it_names() -> None:
    from chronicle.render import make_environment
    from tests.conftest import REPO

    environment = make_environment(REPO / "templates")
    template = environment.from_string("{{ body | search_terms }}")
    out = template.render(body="<p>Selon Shoigu et Washington</p>", search_actors=ACTORS,
                          page_url="/acteurs/etats-unis/")
    fields = dict(re.findall(r'data-pagefind-meta="(\w+):([^"]*)"', str(out)))
    assert fields == {"acteur": "États-Unis Washington", "graphies": html.escape("Sergueï Choïgou Shoigu Sergei")}


WORDS = st.sampled_from(["a", "b", "c", "é", "A", "acteur", "0010", "x-y", "Shoigu"])
PHRASES = st.lists(st.lists(WORDS, min_size=1, max_size=3).map(lambda words: tuple(fold(" ".join(words)).split())),
                   min_size=1, max_size=3).map(tuple)
SPELLED = st.lists(PHRASES, max_size=6).map(
    lambda phrases: tuple(ActorSpellings(f"/acteurs/{n}/", str(n), (), p) for n, p in enumerate(phrases)))


@settings(max_examples=1000)
@given(st.lists(WORDS | st.sampled_from([" ", ",", "<p>", "</p>", "<b data-pagefind-ignore>", "</b>"]),
                max_size=25).map("".join), SPELLED)
def test_actors_named_are_those_with_a_phrase_among_the_words(page: str, actors: tuple[ActorSpellings, ...]) -> None:
    """Looked up by word and by pair of words (``phrase_index``), the actors found are those of a plain
    search: every phrase of every actor tried on the page's words."""
    words = fold(indexed_text(page)).split()
    joined = f" {' '.join(words)} "
    assert actors_named(page, actors) == [actor for actor in actors if any(
        all(word in words for word in phrase) and f" {' '.join(phrase)} " in joined for phrase in actor.phrases)]


SPACES_AND_MARKS = st.sampled_from([" ", "\u00a0", "\u2003", "\u3000", "\x1c", "\n", "\u0301", "\u0308", "\u0327",
                                    "\u00a8", "\u00b4", "\ufb01", "\u00bd", "_", "-", "É", "é", "e", "ß", "İ", "Σ"])


@settings(max_examples=1000, deadline=None)  # no timing: a loaded machine may take longer
@given(st.lists(SPACES_AND_MARKS | st.text(max_size=3), max_size=20).map("".join))
def test_words_folded_one_by_one_are_the_text_s_words_folded(text: str) -> None:
    """Each word as written folded once and remembered gives the words of the whole text folded at once,
    whatever the white spaces, accents, marks and ligatures, the second time as the first."""
    assert folded_words(text) == fold(text).split()
    assert folded_words(text) == fold(text).split()
