"""What the check locates once (where each quote is, each claim's judgement) and derive shows as is."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from chronicle.check import Located
from chronicle.derive import Facts, derive_facts
from chronicle.model import Chronology, build_model
from chronicle.pipeline import check_site
from chronicle.quotes import _TRANSLATION, _WHITESPACE, _WHITESPACE_CHANGED, _straighten, _sub_tracked, normalise
from tests.conftest import REPO, make_project


@pytest.fixture(scope="module")
def checked() -> tuple[Chronology, Located, Facts]:
    result = check_site(REPO)
    assert result.problems == [] and result.index is not None and result.located is not None
    chronology = build_model(result.index)
    return chronology, result.located, derive_facts(chronology, result.located)


def test_the_check_finds_every_quote_once_where_the_source_has_it(checked: tuple[Chronology, Located, Facts]) -> None:
    chronology, located, _ = checked
    citations = {(event.id, citation.number): citation for event in chronology.events for citation in event.citations}
    assert set(located.quotes) == set(citations) and len(citations) > 100
    for key, spot in located.quotes.items():
        citation = citations[key]
        raw = chronology.sources[citation.source].text
        start, end = spot.raw
        assert normalise(raw[start:end]) == normalise(citation.quote), key  # the words cited, at that place
        assert spot.line == raw.count("\n", 0, start) + 1


def test_the_source_pages_list_the_passages_where_the_check_found_them(
        checked: tuple[Chronology, Located, Facts]) -> None:
    chronology, located, facts = checked
    for source_id, passages in facts.passages.items():
        assert [(p.offset, p.line) for p in passages] == sorted(
            (located.quotes[p.event.id, p.citation.number].offset, located.quotes[p.event.id, p.citation.number].line)
            for p in passages)
        assert len(passages) == sum(c.source == source_id for e in chronology.events for c in e.citations)


def test_every_claim_is_judged_by_the_check_and_shown_with_that_judgement(
        checked: tuple[Chronology, Located, Facts]) -> None:
    chronology, located, facts = checked
    assert set(located.claims) == set(chronology.claims)
    for check in facts.claim_checks:
        judged = located.claims[check.claim.id]
        assert (check.verdict, check.certain, check.counted) == (judged.verdict, judged.certain, judged.counted)
        assert check.verdict.holds
    (rank,) = [check for check in facts.claim_checks if check.claim.unit == "rank"]
    assert len(rank.counted) == rank.claim.count and rank.counted[-1] == rank.second.id


def test_a_claim_that_does_not_hold_is_reported_with_the_days_the_dates_give(tmp_path: Path) -> None:
    claim = "content/claims/84-jours.yaml"
    root = make_project(tmp_path, {claim: """
        source: cnn-2022-05-13
        quote: le premier appel entre les deux en 84 jours
        between: [2022-02-18-appel-austin-choigou, 2022-05-13-appel-austin-choigou]
        days: 83
        """})
    result = check_site(root)
    assert [(p.path, p.field) for p in result.problems] == [(claim, "days")]
    assert "84 jours" in result.problems[0].message
    assert result.located is not None
    verdict = result.located.claims["84-jours"].verdict
    assert not verdict.holds and (verdict.low, verdict.high) == (84, 84)


# White space and marks of every kind the rules name, among letters: what the shortcuts of ``SourceText`` skip.
PIECES = [" ", "  ", "\n", "\t", "\u00a0", "\u202f", "\r\n", "a", "é", "«", "»", "\u2019", "`", "\u201c", "'", '"', ".",
          "\u2039"]
TEXTS = st.one_of(st.text(), st.lists(st.sampled_from(PIECES)).map("".join))


@given(TEXTS)
def test_only_the_white_space_the_rule_changes_is_replaced(text: str) -> None:
    """Skipping the lone plain spaces gives the text and the offsets of the rule (``\\s+`` to one space)."""
    offsets = list(range(len(text)))
    assert _sub_tracked(_WHITESPACE_CHANGED, " ", text, offsets) == _sub_tracked(_WHITESPACE, " ", text, offsets)
    assert _WHITESPACE.pattern == r"\s+" and re.sub(r"\s+", " ", text) == _WHITESPACE_CHANGED.sub(" ", text)


@given(TEXTS)
def test_marks_are_straightened_as_the_table_says(text: str) -> None:
    assert _straighten(text) == text.translate(_TRANSLATION)
