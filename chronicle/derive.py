"""Facts computed from the chronology: silences, claim verdicts, passages, neighbours.

Pure functions of the model and of what the check located (``check.Located``: where each quote is,
each claim's judgement), which are shown here, never searched or judged again; the plan turns the
facts into page contexts.
"""

from __future__ import annotations

import datetime
import itertools
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from chronicle import claims, urls
from chronicle.check import Located, Spot
from chronicle.claims import Judgement, Verdict
from chronicle.memo import Memo
from chronicle.model import Chronology, Citation, Claim, Event, Source
from chronicle.spellings import ActorSpellings, actor_spellings

# Kinds of event that are a contact on a channel: a silence is the time between two of them.
CONTACT_KINDS = claims.CONTACT_KINDS  # defined with the claims: a rank counts contacts


@dataclass(frozen=True)
class Silence:
    """The time a channel stayed without known contact, between two contacts."""

    channel: str
    before: Event   # the contact that opens it (the latest of its group)
    after: Event    # the contact that closes it (the earliest of its group)
    low: int        # fewest days without contact the dates allow (always > 0: see ``contact_groups``)
    high: int | None  # most days (None: a date open on one side leaves no upper bound)
    merged: tuple[Event, ...] = ()  # contacts around it that may be one and the same (none drawn apart)


@dataclass(frozen=True)
class Status:
    """Where a channel stands at the date of the latest source: its last contact, the silence since."""

    channel: str
    last: Event | None      # the last known contact (None: no contact at all)
    as_of: Source | None    # the latest source
    low: int                # days from the last contact to the latest source, fewest
    high: int | None        # ... most


@dataclass(frozen=True)
class ClaimCheck:
    """A claim with the events it links and the verdict of its arithmetic."""

    claim: Claim
    first: Event
    second: Event
    verdict: Verdict
    certain: bool = False  # an order: whether every possible day is in that order, not only some
    counted: tuple[str, ...] = ()  # a rank: the contacts counted, the second event last


@dataclass(frozen=True)
class Passage:
    """A cited passage of a source, in the order of the article."""

    offset: int
    line: int
    event: Event
    citation: Citation
    raw: tuple[int, int]  # start and end in the source's own text, in code points (the annotations' selectors)


@dataclass(frozen=True)
class Facts:
    """Everything the plan needs beyond the model."""

    silences: dict[str, tuple[Silence, ...]]        # by channel, longest first
    statuses: dict[str, Status]                     # by channel
    claim_checks: tuple[ClaimCheck, ...]            # every claim, in the order of ``Chronology.claims``
    # The same, looked up by what a page shows, so that it reads its own and not every claim:
    claims_of_event: dict[str, tuple[ClaimCheck, ...]]    # by event: the claims linking it (events without none)
    claims_of_channel: dict[str, tuple[ClaimCheck, ...]]  # by channel: about its contacts (channels without none)
    passages: dict[str, tuple[Passage, ...]]        # by source, article order
    # by source: whether its passages are split by the year of the citing events (``urls.is_split``), which
    # the address of each passage depends on: an event page reads this, not the count of citing events
    split_sources: dict[str, bool]
    # every actor's spellings (names, aliases, variants), which render gives every searchable page
    # (``render.render_page``): an edit of an actor's description or roles leaves them as they were
    spellings: tuple[ActorSpellings, ...]
    contacts: dict[str, tuple[tuple[str, int], ...]]  # by actor: (other actor, contacts), most first


def contact_groups(contacts: list[Event]) -> list[list[Event]]:
    """Contacts in order, those that may be the same contact put together.

    Two records of one conversation (an "early February" call and a call "on 11 February")
    must not make a silence between them. Contacts go together when an editor says so
    (``possibly_same_as``, either way; with every contact between them) or when the dates
    allow it: a contact whose possible days reach those of the group before it (the silence's
    lower bound would be 0). Silences are measured between groups only.
    """
    groups: list[list[Event]] = []
    for contact in contacts:
        start = contact.date.reach()[0]
        same = {contact.id, *contact.possibly_same_as}
        linked = next((i for i, group in enumerate(groups)
                       if any(e.id in same or contact.id in e.possibly_same_as for e in group)), None)
        if linked is not None:  # named as maybe the same: one group from there on
            groups[linked:] = [[e for group in groups[linked:] for e in group] + [contact]]
            continue
        latest = _last_bounds(groups[-1])[1] if groups else None
        if groups and (latest is None or start is None or start <= latest):
            groups[-1].append(contact)
        else:
            groups.append([contact])
    return groups


def _last_bounds(group: list[Event]) -> tuple[datetime.date | None, datetime.date | None]:
    """Earliest and latest possible day of a group's last contact (None: unbounded)."""
    starts = [e.date.reach()[0] for e in group if e.date.reach()[0]]
    ends = [e.date.reach()[1] for e in group]
    return (max(starts) if starts else None), (None if None in ends else max(e for e in ends if e))


def _first_bounds(group: list[Event]) -> tuple[datetime.date | None, datetime.date | None]:
    """Earliest and latest possible day of a group's first contact (None: unbounded)."""
    starts = [e.date.reach()[0] for e in group]
    ends = [e.date.reach()[1] for e in group if e.date.reach()[1]]
    return (None if None in starts else min(s for s in starts if s)), (min(ends) if ends else None)


def _latest(event: Event) -> tuple[datetime.date, datetime.date]:
    """Key of the contact of a group that ends last (the one a silence after the group starts from)."""
    start, end = event.date.reach()
    return end or datetime.date.max, start or datetime.date.min


def _earliest(event: Event) -> tuple[datetime.date, datetime.date]:
    """Key of the contact of a group that starts first (the one a silence before the group ends at)."""
    start, end = event.date.reach()
    return start or datetime.date.min, end or datetime.date.max


def find_silences(chronology: Chronology, channel_id: str) -> tuple[Silence, ...]:
    """The gaps between consecutive groups of contacts on a channel, longest first."""
    contacts = [e for e in chronology.by_channel.get(channel_id, ()) if e.kind in CONTACT_KINDS]
    groups = contact_groups(contacts)
    silences = []
    for earlier, later in itertools.pairwise(groups):
        last_low, last_high = _last_bounds(earlier)
        first_low, first_high = _first_bounds(later)
        assert last_high is not None and first_low is not None  # else the groups would be one
        high = (first_high - last_low).days if first_high and last_low else None
        before = max(earlier, key=_latest)
        after = min(later, key=_earliest)
        merged = tuple(e for e in (*earlier, *later) if e not in (before, after))
        silences.append(Silence(channel_id, before, after, (first_low - last_high).days, high, merged))
    return tuple(sorted(silences, key=lambda s: (-(s.high if s.high is not None else 10**9), -s.low,
                                                 s.before.date.sort_key())))


def latest_source(chronology: Chronology) -> Source | None:
    """The source published last (by its latest possible day): the date the chronology speaks of."""
    dated = [s for s in chronology.sources.values() if s.published.end or s.published.start]
    return max(dated, key=lambda s: (s.published.end or s.published.start, s.id), default=None)


def channel_status(chronology: Chronology, channel_id: str, source: Source | None) -> Status:
    """The last contact of a channel and how long it has been silent at the date of ``source`` (the
    latest, ``latest_source``)."""
    contacts = [e for e in chronology.by_channel.get(channel_id, ()) if e.kind in CONTACT_KINDS]
    if not contacts:
        return Status(channel_id, None, source, 0, None)
    group = contact_groups(contacts)[-1]
    last = max(group, key=_latest)
    last_low, last_high = _last_bounds(group)
    if source is None or last_high is None:
        return Status(channel_id, last, source, 0, None)
    as_of_low, as_of_high = source.published.start or source.published.end, source.published.end
    assert as_of_low is not None and as_of_high is not None
    low = max(0, (as_of_low - last_high).days)
    high = max(0, (as_of_high - last_low).days) if last_low else None
    return Status(channel_id, last, source, low, high)


def claim_checks(chronology: Chronology, judgements: dict[str, Judgement]) -> tuple[ClaimCheck, ...]:
    """Each claim with its events and the check's judgement (the check guarantees they hold; the pages
    show the figures)."""
    checks = []
    for claim in chronology.claims.values():
        first, second = chronology.event(claim.between[0]), chronology.event(claim.between[1])
        judged = judgements[claim.id]  # the check judges every claim it lets through
        checks.append(ClaimCheck(claim, first, second, judged.verdict, judged.certain, judged.counted))
    return tuple(checks)


def claims_by(checks: tuple[ClaimCheck, ...],
              keys: Callable[[ClaimCheck], Iterable[str]]) -> dict[str, tuple[ClaimCheck, ...]]:
    """``checks`` grouped under each of their ``keys`` (each check once per key, in their order)."""
    grouped: dict[str, list[ClaimCheck]] = {}
    for check in checks:
        for key in dict.fromkeys(keys(check)):
            grouped.setdefault(key, []).append(check)
    return {key: tuple(group) for key, group in grouped.items()}


def claim_channels(check: ClaimCheck) -> set[str]:
    """The channels whose page shows a claim: a channel of both its events, and the channel it names."""
    shared = set(check.first.channels) & set(check.second.channels)
    return shared | {check.claim.channel} if check.claim.channel else shared


def passages_by_source(chronology: Chronology, spots: dict[tuple[str, int], Spot]) -> dict[str, tuple[Passage, ...]]:
    """Every cited passage of every source, in the order it appears in the article (where the check
    found it)."""
    found: dict[str, list[Passage]] = {source_id: [] for source_id in chronology.sources}
    for event in chronology.events:
        for citation in event.citations:
            spot = spots[event.id, citation.number]  # the check locates every citation it lets through
            found[citation.source].append(Passage(spot.offset, spot.line, event, citation, spot.raw))
    return {source_id: tuple(sorted(passages, key=lambda p: (p.offset, p.event.id, p.citation.number)))
            for source_id, passages in found.items()}


def count_contacts(chronology: Chronology, actor_id: str) -> tuple[tuple[str, int], ...]:
    """The other actors ``actor_id`` met in contacts (calls, meetings), most frequent first."""
    counter: Counter[str] = Counter()
    for event in chronology.by_actor.get(actor_id, ()):
        if event.kind in CONTACT_KINDS:
            counter.update(other for other in event.actors if other != actor_id)
    return tuple(sorted(counter.items(), key=lambda item: (-item[1], item[0])))


def derive_facts(chronology: Chronology, located: Located, memo: Memo | None = None) -> Facts:
    """Compute every derived fact of the chronology, with what the check ``located`` of its records
    (the passages quoted, the claims' judgements: found once, by the check). ``memo``: each channel's
    silences and status, and each actor's contacts, remembered by the events they read (the last run's
    very Event objects when unchanged, ``model.build_model``)."""
    memo = memo or Memo()
    latest = latest_source(chronology)
    silences, statuses = {}, {}
    for channel_id in chronology.channels:
        events = chronology.by_channel.get(channel_id, ())
        silences[channel_id] = memo.recall_equal("silences", channel_id, events, find_silences, chronology, channel_id)
        statuses[channel_id] = memo.recall_equal("status", channel_id, (events, latest), channel_status, chronology,
                                                 channel_id, latest)
    checks = claim_checks(chronology, located.claims)
    return Facts(
        silences=silences,
        statuses=statuses,
        claim_checks=checks,
        claims_of_event=claims_by(checks, lambda check: check.claim.between),
        claims_of_channel=claims_by(checks, lambda check: sorted(claim_channels(check))),
        passages=passages_by_source(chronology, located.quotes),
        split_sources={source_id: urls.is_split(len(chronology.by_source.get(source_id, ())))
                       for source_id in chronology.sources},
        spellings=actor_spellings(chronology),
        contacts={actor_id: memo.recall_equal("contacts", actor_id, chronology.by_actor.get(actor_id, ()),
                                              count_contacts, chronology, actor_id)
                  for actor_id in chronology.actors},
    )
