"""Cited passages against their source texts: normalise both sides, find the passage once.

A source is normalised once (``SourceText``); each quote is then a plain substring search
in that text. When a quote is not found, the closest passage of the source is located by
voting on shared character trigrams, then scored with ``difflib``.
"""

from __future__ import annotations

import bisect
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass
from difflib import SequenceMatcher
from typing import Any

_APOSTROPHES = "\u2019\u2018\u02bc\u2032`"        # ’ ‘ ʼ ′ `
_QUOTATION_MARKS = "\u201c\u201d\u201e\u201f\u00ab\u00bb\u2039\u203a"   # “ ” „ ‟ « » ‹ ›
_TRANSLATION = str.maketrans(
    {**{c: "'" for c in _APOSTROPHES}, **{c: '"' for c in _QUOTATION_MARKS}}
)


def _straighten(text: str) -> str:
    """``text.translate(_TRANSLATION)``, one ``str.replace`` a mark present: each is one character for one,
    and ``translate`` looks every character of a text with accents up in the table (at 10,000 events,
    70 ms for the 50 sources against 0.3 ms; tests/test_located.py holds the two to one result)."""
    for mark, plain in _TRANSLATION.items():
        if chr(mark) in text:
            text = text.replace(chr(mark), str(plain))
    return text


# The steps of ``normalise`` after NFC, each a regex and a constant replacement, shared
# with ``SourceText`` so that the offset map is built by exactly the same rules.
_WHITESPACE = re.compile(r"\s+")
# The runs of white space that the rule above changes: all but a lone plain space, which it would
# replace by itself. A text has one of those between every two words; left alone, they cost
# ``SourceText`` much of its time (tests/test_located.py holds the two patterns to one result).
_WHITESPACE_CHANGED = re.compile(r"[^\S ]\s*| \s+")
# French guillemets carry spaces inside ("« mot »"); straight quotes do not ('"mot"').
_GUILLEMET_SPACE = re.compile(r"(?<=[\u00ab\u2039]) | (?=[\u00bb\u203a])")
_THREE_DOTS = re.compile(r"\.\.\.")
_STEPS: tuple[tuple[re.Pattern[str], str], ...] = (
    (_WHITESPACE_CHANGED, " "),
    (_GUILLEMET_SPACE, ""),
)
_TRIGRAM = 3
# Left off the end of a closest passage unless the quote ends with it.
_CLOSING = frozenset(' ",.;:!?')
_CANDIDATES = 8          # diagonals scored with difflib when looking for a closest passage
_VOTE_BUDGET = 200_000   # trigram votes counted for one quote (see ``_votes``): a few tens of ms
# Character pairs difflib may visit (``BoundedMatcher``) for one quote, and for all the quotes of one
# source: a 400-character quote with typos in a real source costs at most 160,000; the budgets
# hold a search to about 0.3 s, and all those in one source, whatever their number, to about 1 s.
MATCH_BUDGET = 1_000_000
SOURCE_MATCH_BUDGET = 4_000_000


def normalise(text: str) -> str:
    """Return ``text`` in the form quotes are compared in.

    NFC; every run of white space becomes one space; typographic apostrophes become ``'``
    and quotation marks ``"`` (with the spaces inside « » dropped, so ``« x »`` and
    ``"x"`` agree); ``...`` becomes ``…``; leading and trailing spaces are removed.
    """
    text = unicodedata.normalize("NFC", text)
    for pattern, replacement in _STEPS:
        text = pattern.sub(replacement, text)
    return _straighten(text).replace("...", "\u2026").strip(" ")


@dataclass(frozen=True)
class QuoteFound:
    """The single occurrence of a quote: offsets in the normalised text, raw line and column."""

    start: int
    end: int
    line: int
    column: int


@dataclass(frozen=True)
class QuoteMissing:
    """A quote absent from the source, with the closest raw passage, its line and similarity."""

    closest: str
    line: int
    similarity: float


@dataclass(frozen=True)
class QuoteAmbiguous:
    """A quote (or quote and prefix) occurring ``count`` times; one line per occurrence."""

    count: int
    lines: tuple[int, ...]


@dataclass(frozen=True)
class PrefixMissing:
    """A prefix found before no occurrence of its quote; ``line`` of the first occurrence."""

    line: int


QuoteProblem = QuoteMissing | QuoteAmbiguous | PrefixMissing
QuoteResult = QuoteFound | QuoteProblem


class SourceText:
    """A source text, normalised once, that maps normalised offsets back to raw positions."""

    def __init__(self, raw: str) -> None:
        """Normalise ``raw`` and record, for every normalised character, its raw offset."""
        self.raw = raw
        text, offsets = _nfc_tracked(raw)
        for pattern, replacement in _STEPS:
            text, offsets = _sub_tracked(pattern, replacement, text, offsets)
        text = _straighten(text)
        text, offsets = _sub_tracked(_THREE_DOTS, "\u2026", text, offsets)
        start, end = len(text) - len(text.lstrip(" ")), len(text.rstrip(" "))
        self.normalised = text[start:end]
        # One entry per normalised character, plus one for the end of the text.
        self._offsets = [*offsets[start:end], len(raw)]
        self._line_starts = [0, *(m.end() for m in re.finditer("\n", raw))]
        self._trigrams: dict[str, list[int]] | None = None
        self.search_budget = Budget(SOURCE_MATCH_BUDGET)  # shared by the closest-passage searches

    def raw_offset(self, normalised_offset: int) -> int:
        """The offset in the raw text of the character at ``normalised_offset``."""
        index = min(max(normalised_offset, 0), len(self._offsets) - 1)
        return self._offsets[index]

    def position(self, normalised_offset: int) -> tuple[int, int]:
        """The 1-based (line, column) in the raw text of the character at ``normalised_offset``."""
        raw_offset = self.raw_offset(normalised_offset)
        line = bisect.bisect_right(self._line_starts, raw_offset)
        return line, raw_offset - self._line_starts[line - 1] + 1

    def trigrams(self) -> dict[str, list[int]]:
        """Every trigram of the normalised text with its offsets (built on first use)."""
        if self._trigrams is None:
            index: dict[str, list[int]] = {}
            text = self.normalised
            for i in range(len(text) - _TRIGRAM + 1):
                index.setdefault(text[i:i + _TRIGRAM], []).append(i)
            self._trigrams = index
        return self._trigrams


def find_quote(source: SourceText, quote: str, prefix: str | None = None,
               budget: Budget | None = None) -> QuoteResult:
    """Locate ``quote`` (normalised) in ``source``: it must occur exactly once.

    With a ``prefix``, only the occurrences immediately preceded by the normalised prefix
    (one space between allowed) count, and there must be exactly one. Returns
    ``QuoteFound``, or ``QuoteMissing`` (with the closest passage), ``QuoteAmbiguous`` or
    ``PrefixMissing``. Matching is case-sensitive. ``budget``: what the closest-passage searches of
    the quotes of ``source`` may still spend (by default the source's own, ``SourceText.search_budget``);
    only a ``QuoteMissing`` spends any, so every other result is a pure function of the texts.
    """
    wanted = normalise(quote)
    text = source.normalised
    first = text.find(wanted) if wanted else -1
    if first < 0:
        return closest_passage(source, quote, budget)
    after = normalise(prefix) if prefix else ""
    if not after and text.find(wanted, first + 1) < 0:
        return QuoteFound(first, first + len(wanted), *source.position(first))
    starts = _occurrences(text, wanted, first)
    if after:
        preceded = [s for s in starts if _preceded_by(text, s, after)]
        if not preceded:
            return PrefixMissing(source.position(first)[0])
        starts = preceded
    if len(starts) == 1:
        return QuoteFound(starts[0], starts[0] + len(wanted), *source.position(starts[0]))
    return QuoteAmbiguous(len(starts), tuple(source.position(s)[0] for s in starts))


def closest_passage(source: SourceText, quote: str, shared: Budget | None = None) -> QuoteMissing:
    """The passage of ``source`` closest to ``quote``: raw text in whole words, line, similarity.

    Each trigram the quote shares with the source votes for an alignment (source offset
    minus quote offset); around the best-voted alignments ``difflib`` finds the matching
    run, which is snapped to whole words and scored. The similarity is between 0 and 1.
    ``shared``: what the searches of the source's quotes may still spend (``find_quote``).
    """
    wanted = normalise(quote)
    text = source.normalised
    if not wanted or not text:
        return QuoteMissing("", 1, 0.0)
    shared = shared or source.search_budget
    if shared.left <= 0:  # this source's searches have had their share: no passage to show
        return QuoteMissing("", 1, 0.0)
    # Insertions and deletions in a misspelt quote shift the alignment a little.
    slack = max(2, len(wanted) // 10)
    granted = min(MATCH_BUDGET, shared.left)
    budget = Budget(granted)
    try:
        return _closest_within(source, wanted, slack, budget)
    finally:
        shared.left -= granted - budget.left


def _closest_within(source: SourceText, wanted: str, slack: int, budget: Budget) -> QuoteMissing:
    """``closest_passage`` for a normalised, non-empty quote, within ``budget``."""
    text = source.normalised
    best = (-1.0, 0, 0)
    for alignment in _candidate_alignments(source, wanted, slack) or [0]:
        try:
            start, end = _widen_to_words(text, *_matched_span(text, wanted, alignment, slack, budget), wanted)
            ratio = _similarity(wanted, text, start, end, budget)
        except OverBudgetError:  # the candidates come best-voted first: keep what the budget allowed
            if best[0] < 0:
                start, end = max(0, alignment), max(0, min(len(text), alignment + len(wanted)))
                best = (0.0, *_widen_to_words(text, start, end, wanted))
            break
        if ratio > best[0]:
            best = (ratio, start, end)
    ratio, start, end = _adjust_ends(text, wanted, *best, budget)
    raw = source.raw[source.raw_offset(start):source.raw_offset(end)]
    # The passage is shown on one line of a message; its line breaks carry no meaning.
    return QuoteMissing(" ".join(raw.split()), source.position(start)[0], round(ratio, 3))


def quote_problem_message(result: QuoteProblem, source_id: str) -> tuple[str, str]:
    """The French (message, hint) an editor reads for a quote problem in ``source_id``."""
    if isinstance(result, QuoteMissing):
        copy = f"Copiez le passage exact depuis content/sources/{source_id}.txt."
        hint = (f"Passage le plus proche (ligne {result.line}) : « {result.closest} ». {copy}"
                if result.closest else copy)
        return f"passage introuvable dans la source « {source_id} ».", hint
    if isinstance(result, QuoteAmbiguous):
        lines = ", ".join(str(line) for line in dict.fromkeys(result.lines))
        message = (f"le passage apparaît {result.count} fois dans la source « {source_id} » "
                   f"(lignes {lines}).")
        return message, ("Ajoutez un champ prefix avec les mots qui le précèdent pour "
                         "désigner une seule occurrence.")
    if isinstance(result, PrefixMissing):
        message = (f"le prefix ne précède aucune occurrence du passage dans la source "
                   f"« {source_id} ».")
        return message, ("Le prefix doit reprendre les mots placés juste avant le passage "
                         f"(ligne {result.line}).")
    raise TypeError(f"not a quote problem: {result!r}")


def _occurrences(text: str, wanted: str, first: int) -> list[int]:
    """Every start of ``wanted`` in ``text`` from ``first`` on, overlapping ones included."""
    starts: list[int] = []
    while first >= 0:
        starts.append(first)
        first = text.find(wanted, first + 1)
    return starts


def _preceded_by(text: str, start: int, prefix: str) -> bool:
    """Whether ``prefix`` ends at ``start`` in ``text``, or one space before it."""
    if text.endswith(prefix, 0, start):
        return True
    return start > 0 and text[start - 1] == " " and text.endswith(prefix, 0, start - 1)


def _nfc_tracked(raw: str) -> tuple[str, list[int]]:
    """``raw`` in NFC with the raw offset of each character (of its cluster when composed)."""
    if unicodedata.is_normalized("NFC", raw):
        return raw, list(range(len(raw)))
    expected = unicodedata.normalize("NFC", raw)
    text, offsets = _compose(_clusters(raw))
    if text != expected:
        # Some scripts compose across what looks like a boundary; lines never do.
        text, offsets = _compose(_lines(raw))
    return text, offsets


def _compose(clusters: list[tuple[int, str]]) -> tuple[str, list[int]]:
    """Each (offset, text) cluster in NFC, every character mapped to its cluster's offset."""
    parts: list[str] = []
    offsets: list[int] = []
    for start, cluster in clusters:
        composed = unicodedata.normalize("NFC", cluster)
        parts.append(composed)
        offsets.extend([start] * len(composed))
    return "".join(parts), offsets


def _clusters(raw: str) -> list[tuple[int, str]]:
    """``raw`` cut where NFC cannot compose across: (offset, text) of each cluster."""
    clusters: list[tuple[int, str]] = []
    start = 0
    for i in range(1, len(raw) + 1):
        if i < len(raw) and _joins(raw[start:i], raw[i]):
            continue
        clusters.append((start, raw[start:i]))
        start = i
    return clusters


def _joins(cluster: str, char: str) -> bool:
    """Whether ``char`` belongs with ``cluster`` under NFC (a mark, or it composes)."""
    if unicodedata.combining(char):
        return True
    nfc = unicodedata.normalize
    return nfc("NFC", cluster + char) != nfc("NFC", cluster) + nfc("NFC", char)


def _lines(raw: str) -> list[tuple[int, str]]:
    """``raw`` cut into lines (NFC never composes across a newline)."""
    clusters: list[tuple[int, str]] = []
    start = 0
    for line in raw.splitlines(keepends=True):
        clusters.append((start, line))
        start += len(line)
    return clusters


def _sub_tracked(pattern: re.Pattern[str], replacement: str, text: str,
                 offsets: list[int]) -> tuple[str, list[int]]:
    """``pattern.sub(replacement, text)``, keeping the raw offset of every character."""
    parts: list[str] = []
    new_offsets: list[int] = []
    done = 0
    for match in pattern.finditer(text):
        parts.append(text[done:match.start()])
        new_offsets.extend(offsets[done:match.start()])
        parts.append(replacement)
        new_offsets.extend([offsets[match.start()]] * len(replacement))
        done = match.end()
    if not parts:
        return text, offsets
    parts.append(text[done:])
    new_offsets.extend(offsets[done:])
    return "".join(parts), new_offsets


def _candidate_alignments(source: SourceText, wanted: str, slack: int) -> list[int]:
    """Source offsets where ``wanted`` most likely starts, best-voted first."""
    text = source.normalised
    if len(wanted) < _TRIGRAM:
        found: list[int] = []
        start = text.find(wanted[0])
        while start >= 0 and len(found) < _CANDIDATES:
            found.append(start)
            start = text.find(wanted[0], start + 1)
        return found
    votes = _votes(source.trigrams(), wanted)
    if not votes:  # every shared trigram is too common to count: the rarest one's first places
        return _rarest_places(source.trigrams(), wanted)

    def band_votes(alignment: int) -> int:
        return sum(votes[alignment + k] for k in range(-slack, slack + 1))

    chosen: list[int] = []
    for alignment, _ in votes.most_common(4 * _CANDIDATES):
        if all(abs(alignment - other) > slack for other in chosen):
            chosen.append(alignment)
    scored = sorted(((band_votes(a), a) for a in chosen), reverse=True)[:_CANDIDATES]
    # Scoring with difflib costs more than voting: drop alignments far behind the best.
    return [a for votes_near, a in scored if 2 * votes_near >= scored[0][0]]


def _votes(index: dict[str, list[int]], wanted: str) -> Counter[int]:
    """Alignments voted for by the trigrams ``wanted`` shares with the source, within ``_VOTE_BUDGET``.

    A trigram votes once per (place in the source, place in the quote): in a repetitive source
    ("abc abc abc…") that is the source's length times the quote's. The rarest trigrams, which
    say the most about where a passage is, vote first; one that would overrun the budget is left
    out, as a search engine leaves out its stop words. The cost is bounded whatever the texts.
    """
    places: dict[str, list[int]] = {}
    for j in range(len(wanted) - _TRIGRAM + 1):
        places.setdefault(wanted[j:j + _TRIGRAM], []).append(j)
    shared = sorted((len(index[gram]) * len(js), gram) for gram, js in places.items() if gram in index)
    votes: Counter[int] = Counter()
    budget = _VOTE_BUDGET
    for cost, gram in shared:
        if cost > budget:
            break  # sorted: every later trigram costs more
        budget -= cost
        for j in places[gram]:
            votes.update(i - j for i in index[gram])
    return votes


def _rarest_places(index: dict[str, list[int]], wanted: str) -> list[int]:
    """The first alignments given by the rarest trigram of ``wanted`` (when none may vote)."""
    shared = [(len(index[wanted[j:j + _TRIGRAM]]), j) for j in range(len(wanted) - _TRIGRAM + 1)
              if wanted[j:j + _TRIGRAM] in index]
    if not shared:
        return []
    _, j = min(shared)
    return [i - j for i in index[wanted[j:j + _TRIGRAM]][:_CANDIDATES]]


def _matched_span(text: str, wanted: str, alignment: int, slack: int, budget: Budget) -> tuple[int, int]:
    """The span of ``text`` that ``wanted``, aligned near ``alignment``, covers.

    From the first to the last run of three or more matching characters, stretched by
    the parts of the quote before and after them.
    """
    low = max(0, alignment - slack)
    region = text[low:alignment + len(wanted) + slack]
    blocks = BoundedMatcher(wanted, region, budget).get_matching_blocks()
    runs = [block for block in blocks if block.size >= _TRIGRAM] or [
        block for block in blocks if block.size]
    if not runs:
        return max(0, alignment), max(0, min(len(text), alignment + len(wanted)))
    first, last = runs[0], runs[-1]
    start = low + first.b - first.a
    end = low + last.b + len(wanted) - last.a
    return max(0, start), max(0, min(len(text), end))


def _widen_to_words(text: str, start: int, end: int, wanted: str) -> tuple[int, int]:
    """``start`` and ``end`` moved to the nearest word boundaries, outer spaces left out.

    An end inside a word moves to whichever edge of the word is nearer (outwards on a
    tie), since a misspelt quote shifts its alignment by a character or two. A quotation
    mark (or, at the end, punctuation) glued to the first or last word is left out unless
    ``wanted`` has it there: « x », normalises to "x", and the editor quoted x.
    """
    first_start, first_end = _word_around(text, start)
    last_start, last_end = _word_around(text, max(end - 1, start))
    nearer_next = start - first_start > first_end - start and first_end < end
    start = first_end if nearer_next else first_start
    nearer_previous = last_end - end > end - last_start and last_start > start
    end = last_start if nearer_previous else last_end
    return _trim(text, start, end, wanted)


def _trim(text: str, start: int, end: int, wanted: str) -> tuple[int, int]:
    """``start`` and ``end`` past spaces, and quotation marks or punctuation not in ``wanted``."""
    while start < end and text[start] in {" ", '"'} - {wanted[0]}:
        start += 1
    while end > start and text[end - 1] in _CLOSING - {wanted[-1]}:
        end -= 1
    return start, end


def _adjust_ends(text: str, wanted: str, ratio: float, start: int, end: int, budget: Budget
                 ) -> tuple[float, int, int]:
    """The passage one word longer or shorter at either end, if that is closer to ``wanted``.

    A typo next to an end of the quote can leave a word out or bring one in.
    """
    best = (ratio, start, end)
    try:
        for moved in (_word_start_before(text, start), _word_start_after(text, start, end)):
            span = _trim(text, moved, end, wanted)
            best = max(best, (_similarity(wanted, text, *span, budget), *span), key=lambda b: b[0])
        start = best[1]
        for moved in (_word_end_after(text, end), _word_end_before(text, start, end)):
            span = _trim(text, start, moved, wanted)
            best = max(best, (_similarity(wanted, text, *span, budget), *span), key=lambda b: b[0])
    except OverBudgetError:
        pass  # the passage as found so far
    return best


def _similarity(wanted: str, text: str, start: int, end: int, budget: Budget) -> float:
    """How alike ``wanted`` and ``text[start:end]`` are, from 0 to 1."""
    return BoundedMatcher(wanted, text[start:end], budget).ratio()


class OverBudgetError(Exception):
    """The closest-passage search has done the work it may do for one quote."""


class Budget:
    """Units of work left to the closest-passage search of one quote (pairs of equal characters
    that ``difflib`` visits); ``OverBudgetError`` when they run out."""

    def __init__(self, units: int) -> None:
        self.left = units

    def spend(self, units: int) -> None:
        self.left -= units
        if self.left < 0:
            raise OverBudgetError


class BoundedMatcher(SequenceMatcher):  # type: ignore[type-arg]
    """``difflib.SequenceMatcher`` (no junk heuristic) that spends ``budget`` as it works.

    Its search visits, for each character of ``a``, every place of that character in ``b``, and
    ``get_matching_blocks`` searches again between every two blocks: on a repetitive text
    ("abc abc abc…") that is cubic, 30 s for one 400-character quote. Each search first pays
    for the places it will visit, so a quote's search stops at a bounded cost.
    """

    def __init__(self, a: str, b: str, budget: Budget) -> None:
        self.budget = budget
        super().__init__(None, a, b, autojunk=False)

    def find_longest_match(self, alo: int = 0, ahi: int | None = None, blo: int = 0,
                           bhi: int | None = None) -> Any:
        places = self.b2j
        end = len(self.a) if ahi is None else ahi
        self.budget.spend(1 + sum(len(places.get(char, ())) for char in self.a[alo:end]))
        return super().find_longest_match(alo, ahi, blo, bhi)


def _word_start_before(text: str, start: int) -> int:
    """The start of the word before the one at ``start``."""
    while start > 0 and text[start - 1] == " ":
        start -= 1
    while start > 0 and text[start - 1] != " ":
        start -= 1
    return start


def _word_start_after(text: str, start: int, end: int) -> int:
    """The start of the word after the one at ``start``, or ``start`` if it is the last."""
    moved = start
    while moved < end and text[moved] != " ":
        moved += 1
    while moved < end and text[moved] == " ":
        moved += 1
    return moved if moved < end else start


def _word_end_after(text: str, end: int) -> int:
    """The end of the word after the one ending at ``end``."""
    while end < len(text) and text[end] == " ":
        end += 1
    while end < len(text) and text[end] != " ":
        end += 1
    return end


def _word_end_before(text: str, start: int, end: int) -> int:
    """The end of the word before the one ending at ``end``, or ``end`` if it is the first."""
    moved = end
    while moved > start and text[moved - 1] != " ":
        moved -= 1
    while moved > start and text[moved - 1] == " ":
        moved -= 1
    return moved if moved > start else end


def _word_around(text: str, offset: int) -> tuple[int, int]:
    """Start and end of the word holding ``offset`` (an empty span at a space)."""
    start = end = offset
    if offset < len(text) and text[offset] != " ":
        while start > 0 and text[start - 1] != " ":
            start -= 1
        while end < len(text) and text[end] != " ":
            end += 1
    return start, end
