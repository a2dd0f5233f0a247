"""Quotes against real source texts: normalisation, single occurrence, closest passage."""

from __future__ import annotations

import re
import unicodedata
from functools import cache

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from chronicle.quotes import (
    PrefixMissing,
    QuoteAmbiguous,
    QuoteFound,
    QuoteMissing,
    SourceText,
    closest_passage,
    find_quote,
    normalise,
    quote_problem_message,
)
from tests.conftest import seed_paths

SEEDS = {f"{number:03}": path for number, path in enumerate(seed_paths())}  # "000" -> content/sources/....txt
SEED_NAMES = sorted(SEEDS)


@cache
def raw_seed(prefix: str) -> str:
    """The raw text of the seed whose file name starts with ``prefix``."""
    return SEEDS[prefix].read_text(encoding="utf-8")


@cache
def seed(prefix: str) -> SourceText:
    """The seed whose file name starts with ``prefix``, normalised once."""
    return SourceText(raw_seed(prefix))


def raw_position(raw: str, passage: str) -> tuple[int, int]:
    """1-based line and column of the only occurrence of ``passage`` in ``raw``."""
    assert raw.count(passage) == 1
    offset = raw.index(passage)
    line = raw.count("\n", 0, offset) + 1
    return line, offset - (raw.rfind("\n", 0, offset) + 1) + 1


def test_seeds_are_there() -> None:
    assert len(SEED_NAMES) >= 5


# --- normalise ----------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "expected"), [
    ("l’OTAN", "l'OTAN"),
    ("l‘a ʼb ′c `d", "l'a 'b 'c 'd"),
    ("“a” „b‟", '"a" "b"'),
    ("« mot »", '"mot"'),
    ("«mot»", '"mot"'),
    ("\u00ab\u00a0mot\u202f\u00bb", '"mot"'),
    ("‹ mot ›", '"mot"'),
    ("a \n\t\u00a0 b\u202fc", "a b c"),
    ("  bord  ", "bord"),
    ("et...", "et…"),
    ("et…", "et…"),
    ("cessez-le-feu – ici — là", "cessez-le-feu – ici — là"),
    ("e\u0301tat", "état"),
])
def test_normalise(text: str, expected: str) -> None:
    assert normalise(text) == expected


TRICKY = st.lists(st.sampled_from(
    [*" \n\t\u00a0\u202f«»‹›\"'’`….eé\u0301\u0327aA-", "...", "« ", " »"]
)).map("".join)


@given(st.one_of(st.text(), TRICKY))
def test_normalise_is_idempotent(text: str) -> None:
    once = normalise(text)
    assert normalise(once) == once


@given(st.one_of(st.text(), TRICKY))
def test_source_text_normalises_like_normalise(raw: str) -> None:
    source = SourceText(raw)
    assert source.normalised == normalise(raw)
    for offset in range(len(source.normalised)):
        line, column = source.position(offset)
        assert 1 <= line <= raw.count("\n") + 1
        assert column >= 1


# --- finding a quote ----------------------------------------------------------------------

def test_typographic_apostrophe_in_source_matches_straight_in_quote() -> None:
    raw = raw_seed("001")
    result = find_quote(seed("001"), "D'après un rapport du Washington Post")
    assert result == QuoteFound(
        result.start, result.end, *raw_position(raw, "D’après un rapport du Washington Post"))


def test_straight_apostrophe_in_source_matches_typographic_in_quote() -> None:
    result = find_quote(seed("000"), "l’OTAN se ruent sur l’Ukraine")
    assert isinstance(result, QuoteFound)
    assert (result.line, result.column) == raw_position(
        raw_seed("000"), "l'OTAN se ruent sur l'Ukraine")


def test_guillemets_in_source_match_straight_quotes() -> None:
    result = find_quote(seed("001"), '"au bord de la rupture"')
    assert isinstance(result, QuoteFound)
    assert (result.line, result.column) == raw_position(raw_seed("001"),
                                                        "« au bord de la rupture »")


def test_straight_quotes_in_source_match_guillemets() -> None:
    quote = ("« Lorsque les chefs militaires des grandes puissances communiquent, "
             "le monde est plus sûr »")
    result = find_quote(seed("000"), quote)
    assert isinstance(result, QuoteFound)
    assert (result.line, result.column) == raw_position(raw_seed("000"), '"Lorsque les chefs')


def test_guillemets_without_spaces_in_source_match_spaced_ones() -> None:
    result = find_quote(seed("000"), "« Maintenant que l'espace aérien ukrainien est contesté")
    assert isinstance(result, QuoteFound)
    assert result.line == 8 and result.column == 1


def test_decomposed_quote_matches_composed_source() -> None:
    quote = unicodedata.normalize("NFD", "le président de l'état-major américain")
    assert quote != unicodedata.normalize("NFC", quote)
    result = find_quote(seed("000"), quote)
    assert isinstance(result, QuoteFound)
    assert (result.line, result.column) == raw_position(
        raw_seed("000"), "le président de l'état-major américain")


def test_decomposed_source_keeps_raw_columns() -> None:
    raw = "Ligne une.\nLe ge\u0301ne\u0301ral Gue\u0301rassimov a parle\u0301."
    result = find_quote(SourceText(raw), "Guérassimov a parlé")
    assert isinstance(result, QuoteFound)
    assert (result.line, result.column) == (2, raw.split("\n")[1].index("Gue") + 1)


def test_line_breaks_and_double_spaces_in_quote() -> None:
    quote = "en état  d'alerte.\n   Dans un\tarticle paru  ce dimanche"
    result = find_quote(seed("000"), quote)
    assert isinstance(result, QuoteFound)
    assert (result.line, result.column) == raw_position(raw_seed("000"), "en état d'alerte.")


def test_quote_across_a_blank_line_of_the_source() -> None:
    raw = raw_seed("001")
    result = find_quote(seed("001"), "Eviter tout conflit accidentel Avant que la Russie")
    assert isinstance(result, QuoteFound)
    assert result.line == raw.split("\n").index("Eviter tout conflit accidentel") + 1


def test_non_breaking_spaces_in_source() -> None:
    source = SourceText("Il a dit\u00a0: «\u202fIl y a\u00a0un risque\u202f» hier.")
    result = find_quote(source, 'dit : "Il y a un risque"')
    assert result == QuoteFound(5, 5 + len('dit : "Il y a un risque"'), 1, 6)


def test_matching_is_case_sensitive() -> None:
    assert isinstance(find_quote(seed("001"), "le porte-parole du Kremlin"), QuoteMissing)
    assert isinstance(find_quote(seed("001"), "Le porte-parole du Kremlin"), QuoteFound)


@pytest.mark.parametrize("quote", ["", "   ", "\n\u00a0"])
def test_empty_quote_is_missing(quote: str) -> None:
    result = find_quote(seed("001"), quote)
    assert isinstance(result, QuoteMissing)
    assert result.similarity == 0.0


def test_found_offsets_delimit_the_normalised_quote() -> None:
    source = seed("002")
    result = find_quote(source, "un « cessez-le-feu immédiat »")
    assert isinstance(result, QuoteFound)
    assert source.normalised[result.start:result.end] == 'un "cessez-le-feu immédiat"'


# --- several occurrences and prefix -------------------------------------------------------

def test_passage_occurring_twice_is_ambiguous() -> None:
    assert find_quote(seed("001"), "a déclaré") == QuoteAmbiguous(2, (3, 11))


def test_prefix_designates_one_occurrence() -> None:
    raw = raw_seed("001")
    result = find_quote(seed("001"), "a déclaré", prefix="John Kirby,")
    assert isinstance(result, QuoteFound)
    assert (result.line, result.column) == raw_position(raw, "a déclaré mercredi")
    other = find_quote(seed("001"), "a déclaré", prefix="plus hauts responsables »,")
    assert isinstance(other, QuoteFound)
    assert (other.line, other.column) == raw_position(raw, "a déclaré James")


def test_prefix_is_normalised_and_may_touch_the_quote() -> None:
    result = find_quote(seed("001"), "déclaré mercredi", prefix="John\nKirby, a ")
    assert isinstance(result, QuoteFound)
    assert result.line == 3


def test_prefix_preceding_no_occurrence() -> None:
    assert find_quote(seed("001"), "a déclaré", prefix="Barack Obama") == PrefixMissing(3)


def test_prefix_still_checked_for_a_single_occurrence() -> None:
    result = find_quote(seed("001"), "John Kirby", prefix="Joe Biden")
    assert result == PrefixMissing(3)


def test_prefix_preceding_several_occurrences_is_ambiguous() -> None:
    source = SourceText("Il a dit oui.\nIl a dit non.\nElle a dit oui.")
    assert find_quote(source, "dit", prefix="Il a") == QuoteAmbiguous(2, (1, 2))
    assert find_quote(source, "dit", prefix="Elle a") == QuoteFound(35, 38, 3, 8)


# --- closest passage ----------------------------------------------------------------------

def test_closest_passage_for_a_misspelt_quote() -> None:
    quote = "Il y a un risque élevé d'escalade sans le coupe feu du contacte direct"
    result = find_quote(seed("001"), quote)
    assert isinstance(result, QuoteMissing)
    # Line 9 is the heading "Un risque élevé d’escalade": the whole passage is on line 11.
    assert result.line == 11
    assert result.closest.startswith("Il y a un risque élevé d’escalade sans le coupe-feu")
    assert result.closest.endswith("du contact direct")
    assert 0.85 < result.similarity < 1.0


def test_closest_passage_spans_lines_on_one_line() -> None:
    result = closest_passage(seed("001"), "Eviter tout confit accidentel Avant que la Russe")
    assert result.line == 5
    assert result.closest == "Eviter tout conflit accidentel Avant que la Russie"


def test_closest_passage_keeps_raw_typography() -> None:
    result = closest_passage(seed("002"), "l'attaché de presse du Pentagon, John Kirby")
    assert result.closest == "l’attaché de presse du Pentagone, John Kirby"
    assert result.line == 4


def test_closest_passage_with_nothing_in_common() -> None:
    result = closest_passage(SourceText("abc def"), "xyz")
    assert 0.0 <= result.similarity < 0.5
    assert result.line == 1


@settings(max_examples=200, deadline=None, derandomize=True)
@given(st.sampled_from([name[:3] for name in SEED_NAMES]), st.data())
def test_closest_passage_to_a_passage_with_one_typo(prefix: str, data: st.DataObject) -> None:
    raw, source = raw_seed(prefix), seed(prefix)
    starts = [m.start() for m in re.finditer(r"(?<!\S)\w", raw)]
    start = data.draw(st.sampled_from(starts[:-40]))
    ends = [m.end() for m in re.finditer(r"\w(?!\S)", raw) if m.end() > start]
    quote = raw[start:ends[data.draw(st.integers(min_value=5, max_value=30))]]
    found = find_quote(source, quote)
    at = data.draw(st.integers(min_value=3, max_value=len(quote) - 4))
    if not isinstance(found, QuoteFound) or not quote[at].isalpha():
        return
    typo = data.draw(st.sampled_from([
        quote[:at] + ("x" if quote[at] != "x" else "y") + quote[at + 1:],
        quote[:at] + quote[at + 1:],
        quote[:at] + "x" + quote[at:],
    ]))
    result = closest_passage(source, typo)
    assert normalise(quote) in normalise(result.closest)
    assert len(result.closest) <= len(" ".join(quote.split())) + 20
    assert 0.8 <= result.similarity < 1.0
    if normalise(result.closest) == normalise(quote):
        assert result.line == found.line


# --- messages -----------------------------------------------------------------------------

def test_message_for_missing_quote() -> None:
    result = QuoteMissing("au bord de la rupture", 11, 0.9)
    assert quote_problem_message(result, "wapo-2022-03") == (
        "passage introuvable dans la source « wapo-2022-03 ».",
        ("Passage le plus proche (ligne 11) : « au bord de la rupture ». "
         "Copiez le passage exact depuis content/sources/wapo-2022-03.txt."),
    )


def test_message_for_ambiguous_quote() -> None:
    result = find_quote(seed("001"), "a déclaré")
    assert isinstance(result, QuoteAmbiguous)
    assert quote_problem_message(result, "wapo-2022-03") == (
        "le passage apparaît 2 fois dans la source « wapo-2022-03 » (lignes 3, 11).",
        ("Ajoutez un champ prefix avec les mots qui le précèdent pour désigner une seule "
         "occurrence."),
    )


def test_message_names_each_line_once() -> None:
    result = find_quote(seed("003"), "a déclaré")
    assert isinstance(result, QuoteAmbiguous)
    assert result.lines[1:3] == (7, 7)
    message, _ = quote_problem_message(result, "reuters")
    assert message == (f"le passage apparaît {result.count} fois dans la source « reuters » "
                       "(lignes 1, 7, 25, 29, 35, 37, 41, 45, 47).")


def test_message_for_an_empty_quote_names_no_passage() -> None:
    assert quote_problem_message(find_quote(seed("001"), " "), "wapo") == (
        "passage introuvable dans la source « wapo ».",
        "Copiez le passage exact depuis content/sources/wapo.txt.",
    )


def test_message_for_missing_prefix() -> None:
    assert quote_problem_message(PrefixMissing(3), "wapo-2022-03") == (
        "le prefix ne précède aucune occurrence du passage dans la source « wapo-2022-03 ».",
        "Le prefix doit reprendre les mots placés juste avant le passage (ligne 3).",
    )


def test_message_for_a_found_quote_is_refused() -> None:
    with pytest.raises(TypeError):
        quote_problem_message(QuoteFound(0, 1, 1, 1), "x")  # type: ignore[arg-type]


# --- any passage of a seed ----------------------------------------------------------------

@cache
def word_bounds(prefix: str) -> tuple[list[int], list[int]]:
    """Offsets in a raw seed where a word starts, and where one ends."""
    raw = raw_seed(prefix)
    starts = [m.start() for m in re.finditer(r"(?<!\S)\S", raw)]
    ends = [m.end() for m in re.finditer(r"\S(?!\S)", raw)]
    return starts, ends


@settings(max_examples=300, deadline=None)
@given(st.sampled_from([name[:3] for name in SEED_NAMES]), st.data())
def test_any_passage_occurring_once_is_found_at_its_line(prefix: str, data: st.DataObject
                                                         ) -> None:
    raw, source = raw_seed(prefix), seed(prefix)
    starts, ends = word_bounds(prefix)
    start = data.draw(st.sampled_from(starts))
    length = data.draw(st.integers(min_value=1, max_value=30))
    following = [end for end in ends if end > start]
    end = following[min(length, len(following)) - 1]
    quote = raw[start:end]
    result = find_quote(source, quote)
    wanted = normalise(quote)
    if source.normalised.count(wanted) != 1:
        assert isinstance(result, QuoteAmbiguous)
        return
    assert isinstance(result, QuoteFound)
    assert source.normalised[result.start:result.end] == wanted
    line = raw.count("\n", 0, start) + 1
    assert (result.line, result.column) == (line, start - raw.rfind("\n", 0, start))


@settings(max_examples=100, deadline=None)
@given(st.sampled_from([name[:3] for name in SEED_NAMES]), st.data())
def test_any_passage_is_found_with_its_prefix(prefix: str, data: st.DataObject) -> None:
    raw, source = raw_seed(prefix), seed(prefix)
    starts, ends = word_bounds(prefix)
    index = data.draw(st.integers(min_value=3, max_value=len(starts) - 1))
    start = starts[index]
    end = next(end for end in ends if end > start)
    result = find_quote(source, raw[start:end], prefix=raw[starts[index - 3]:start])
    assert isinstance(result, QuoteFound | QuoteAmbiguous)
    if isinstance(result, QuoteFound):
        assert result.line == raw.count("\n", 0, start) + 1
