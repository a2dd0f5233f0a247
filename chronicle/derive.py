"""Facts computed from the chronology: silences, claim verdicts, passages, neighbours.

Pure functions of the model; the plan turns them into page contexts.
"""

from __future__ import annotations

import itertools
from collections import Counter
from dataclasses import dataclass

from chronicle.claims import Verdict, evaluate
from chronicle.model import Chronology, Citation, Claim, Event
from chronicle.quotes import QuoteFound, SourceText, find_quote

# Kinds of event that are a contact on a channel: a silence is the time between two of them.
CONTACT_KINDS = frozenset({"call", "meeting"})


@dataclass(frozen=True)
class Silence:
    """The time a channel stayed without contact, between two contacts."""

    channel: str
    before: Event
    after: Event
    low: int   # fewest days without contact the dates allow
    high: int  # most days


@dataclass(frozen=True)
class ClaimCheck:
    """A claim with the events it links and the verdict of its arithmetic."""

    claim: Claim
    first: Event
    second: Event
    verdict: Verdict


@dataclass(frozen=True)
class Passage:
    """A cited passage of a source, in the order of the article."""

    offset: int
    line: int
    event: Event
    citation: Citation


@dataclass(frozen=True)
class Facts:
    """Everything the plan needs beyond the model."""

    silences: dict[str, tuple[Silence, ...]]        # by channel, longest first
    claim_checks: tuple[ClaimCheck, ...]
    passages: dict[str, tuple[Passage, ...]]        # by source, article order
    contacts: dict[str, tuple[tuple[str, int], ...]]  # by actor: (other actor, contacts), most first


def find_silences(chronology: Chronology, channel_id: str) -> tuple[Silence, ...]:
    """The gaps between consecutive contacts on a channel, longest first."""
    contacts = [e for e in chronology.by_channel.get(channel_id, ()) if e.kind in CONTACT_KINDS]
    silences = []
    for before, after in itertools.pairwise(contacts):
        (before_start, before_end), (after_start, after_end) = before.date.reach(), after.date.reach()  # "~" widens
        if not (before_end and after_start and before_start and after_end):
            continue
        low = max(0, (after_start - before_end).days)
        high = max(0, (after_end - before_start).days)
        if high > 0:
            silences.append(Silence(channel_id, before, after, low, high))
    return tuple(sorted(silences, key=lambda s: (-s.high, -s.low, s.before.date.sort_key())))


def check_claims(chronology: Chronology) -> tuple[ClaimCheck, ...]:
    """Each claim with its verdict (the check guarantees they hold; the pages show the figures)."""
    checks = []
    for claim in chronology.claims.values():
        first, second = chronology.event(claim.between[0]), chronology.event(claim.between[1])
        verdict = evaluate(first.date.reach(), second.date.reach(),
                           claim.unit, claim.count, claim.about, claim.limit)
        checks.append(ClaimCheck(claim, first, second, verdict))
    return tuple(checks)


def locate_passages(chronology: Chronology) -> dict[str, tuple[Passage, ...]]:
    """Every cited passage of every source, in the order it appears in the article."""
    found: dict[str, list[Passage]] = {source_id: [] for source_id in chronology.sources}
    texts = {source_id: SourceText(source.text) for source_id, source in chronology.sources.items()}
    for event in chronology.events:
        for citation in event.citations:
            result = find_quote(texts[citation.source], citation.quote, citation.prefix)
            if isinstance(result, QuoteFound):
                found[citation.source].append(Passage(result.start, result.line, event, citation))
    return {source_id: tuple(sorted(passages, key=lambda p: (p.offset, p.event.id, p.citation.number)))
            for source_id, passages in found.items()}


def count_contacts(chronology: Chronology) -> dict[str, tuple[tuple[str, int], ...]]:
    """For each actor, the other actors met in contacts (calls, meetings), most frequent first."""
    counts: dict[str, Counter[str]] = {actor_id: Counter() for actor_id in chronology.actors}
    for event in chronology.events:
        if event.kind not in CONTACT_KINDS:
            continue
        for actor in event.actors:
            counts[actor].update(other for other in event.actors if other != actor)
    return {actor_id: tuple(sorted(counter.items(), key=lambda item: (-item[1], item[0])))
            for actor_id, counter in counts.items()}


def derive_facts(chronology: Chronology) -> Facts:
    """Compute every derived fact of the chronology."""
    return Facts(
        silences={channel_id: find_silences(chronology, channel_id) for channel_id in chronology.channels},
        claim_checks=check_claims(chronology),
        passages=locate_passages(chronology),
        contacts=count_contacts(chronology),
    )
