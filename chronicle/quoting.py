"""The check that every quoted passage is in its source, once: an event's citations, a claim's quote.

Each record's passages (``Quoting``) are remembered by record, each passage's place in its source
(``locate``: ``quotes.find_quote`` and the ``Spot`` derive shows) by source text, quote and prefix
(``chronicle.memo``); a passage not found is searched again, in the check's order, because its search
for the closest passage spends a budget shared by the quotes of its source.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from chronicle.editorial import PLACEHOLDERS
from chronicle.memo import Memo
from chronicle.problems import Problem, problem_at
from chronicle.quotes import (
    SOURCE_MATCH_BUDGET,
    Budget,
    PrefixMissing,
    QuoteFound,
    QuoteMissing,
    QuoteResult,
    SourceText,
    find_quote,
    quote_problem_message,
)
from chronicle.references import ELISION, first_difference

if TYPE_CHECKING:  # check imports this module: the names are for annotations only
    from chronicle.check import Index, TypedRecord


@dataclass(frozen=True)
class Spot:
    """Where the check found a citation's passage, the one place it occurs in its source."""

    offset: int  # in the normalised text (``quotes.SourceText``): the passages' order on the source's page
    line: int  # 1-based, in the raw text
    raw: tuple[int, int]  # start and end in the raw text, in code points (``content/sources/<id>.txt``)


Find = Callable[[str, str, "str | None"], tuple[QuoteResult, "Spot | None"]]  # see ``quote_finder``


@dataclass(frozen=True)
class Quoting:
    """A passage a record quotes (an event's citation, a claim's quote), as written."""

    field: str  # where the quote is written
    number: int  # the citation's number from 1 (0 for a claim)
    source: str
    quote: str
    prefix: str | None
    elided: bool  # "[…]" in the quote: a cut that cannot be checked


def quotings(record: TypedRecord) -> tuple[Quoting, ...]:
    """The passages ``record`` quotes that can be looked for: those naming a source by a text id and
    quoting a text (a placeholder left by ``new`` is reported once, as such: ``editorial``)."""
    if record.kind == "claim":
        cited = [("quote", 0, record.data)]
    else:
        cited = [(f"citations.{position}.quote", position + 1, citation)
                 for position, citation in enumerate(record.data.get("citations") or []) if citation]
    found = []
    for field, number, citation in cited:
        source, quote, prefix = citation.get("source"), citation.get("quote"), citation.get("prefix")
        if not isinstance(source, str) or not isinstance(quote, str) or any(mark in quote for mark in PLACEHOLDERS):
            continue
        prefix = prefix if isinstance(prefix, str) and record.kind != "claim" else None
        found.append(Quoting(field, number, source, quote, prefix, ELISION.search(quote) is not None))
    return tuple(found)


def check_quote(record: TypedRecord, quoting: Quoting, find: Find) -> tuple[Spot | None, list[Problem]]:
    """The passage of ``quoting`` must occur once in its source (or once after its prefix): where it
    does, or the problem. ``find``: ``locate`` in the sources' texts (``quote_finder``)."""
    if quoting.elided:
        return None, [problem_at(record, quoting.field, "un passage ne contient pas d'élision « […] » : on ne peut "
                                 "pas vérifier ce qui a été coupé.", "Pour citer deux endroits de la source, faites "
                                 "deux citations (deux entrées source/quote), chacune recopiée d'un seul tenant.")]
    result, spot = find(quoting.source, quoting.quote, quoting.prefix)
    if spot is not None:
        return spot, []
    assert not isinstance(result, QuoteFound)
    message, hint = quote_problem_message(result, quoting.source)
    if isinstance(result, QuoteMissing) and result.closest:
        hint = f"{hint} {first_difference(quoting.quote, result.closest)}"
    field = quoting.field
    if isinstance(result, PrefixMissing):  # the passage is there: the prefix is what to fix
        field = field.rpartition(".")[0] + ".prefix"
    return None, [problem_at(record, field, message, hint)]


def locate(source: SourceText, quote: str, prefix: str | None,
           budget: Budget | None = None) -> tuple[QuoteResult, Spot | None]:
    """``find_quote``, and where the passage is when found once."""
    result = find_quote(source, quote, prefix, budget)
    if not isinstance(result, QuoteFound):
        return result, None
    return result, Spot(result.start, result.line, (source.raw_offset(result.start), source.raw_offset(result.end)))


def quote_finder(index: Index, memo: Memo) -> tuple[dict[str, SourceText], Find]:
    """The sources' texts, normalised (``SourceText``, remembered by text), and ``locate`` in them by
    source id, remembered by text (the same string object when unchanged: a cheap key), quote and
    prefix; but a quote not found is searched again: its search for the closest passage spends a
    budget shared by its source's searches in the check's order."""
    texts = {source.id: memo.recall("normalised source", source.text, SourceText, source.text)
             for source in index["source"].values() if source.text is not None}
    budgets = {source_id: Budget(SOURCE_MATCH_BUDGET) for source_id in texts}  # this run's, as a clean check's

    def find(source_id: str, quote: str, prefix: str | None) -> tuple[QuoteResult, Spot | None]:
        source = texts[source_id]
        return memo.recall("quote", (source.raw, quote, prefix), locate, source, quote, prefix, budgets[source_id],
                           keep=lambda found: not isinstance(found[0], QuoteMissing))
    return texts, find


def check_quotes(index: Index, memo: Memo | None = None) -> tuple[dict[tuple[str, int], Spot], list[Problem]]:
    """Every citation and claim quotes its source verbatim: where each event's citation was found (by
    event id and citation number), and the problems (``memo``: what each record quotes, remembered by
    record; the quotes found, see ``quote_finder``)."""
    memo = memo or Memo()  # a clean check: a memo of its own
    texts, find = quote_finder(index, memo)
    spots: dict[tuple[str, int], Spot] = {}
    problems: list[Problem] = []
    for kind in ("event", "claim"):
        records = list(index[kind].values())
        for record, quoted in zip(records, memo.recall_each("quotings", records, quotings), strict=True):
            for quoting in quoted:
                if quoting.source not in texts:
                    continue  # an unknown source: ``check_references``
                spot, wrong = check_quote(record, quoting, find)
                problems += wrong
                if spot is not None and quoting.number:
                    spots[record.id, quoting.number] = spot
    return spots, problems
