"""The chronology as immutable data: records typed, events sorted, indices built once."""

from __future__ import annotations

from bisect import bisect_left
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from chronicle.check import Index
from chronicle.dates import EdtfDate, parse_edtf
from chronicle.memo import Memo


@dataclass(frozen=True)
class Citation:
    """A verbatim passage of a source, as cited by an event (numbered from 1)."""

    number: int
    source: str
    quote: str
    prefix: str | None = None


@dataclass(frozen=True)
class Correction:
    """A published correction of an event."""

    date: EdtfDate
    text: str


@dataclass(frozen=True)
class Event:
    """One dated happening of the chronology."""

    id: str
    title: str
    date: EdtfDate
    date_basis: str
    kind: str
    actors: tuple[str, ...]
    channels: tuple[str, ...]
    summary: str
    citations: tuple[Citation, ...]
    date_note: str | None = None
    initiator: str | None = None
    annotation: str | None = None
    aliases: tuple[str, ...] = ()
    corrections: tuple[Correction, ...] = ()
    # Events that may report this same happening in other words (the relation holds both ways).
    possibly_same_as: tuple[str, ...] = ()

    @property
    def year(self) -> int:
        """The year the event is filed under (that of its earliest possible day)."""
        day = self.date.start or self.date.end
        assert day is not None  # the check refuses dates open at both ends
        return day.year


@dataclass(frozen=True)
class Role:
    """A position held by an actor, with its dates when known."""

    title: str
    start: EdtfDate | None = None
    end: EdtfDate | None = None


@dataclass(frozen=True)
class Actor:
    """A person, institution or state."""

    id: str
    name: str
    type: str
    aliases: tuple[str, ...] = ()
    country: str | None = None
    roles: tuple[Role, ...] = ()
    description: str | None = None
    # Spellings found in no source (no accents, usual transcriptions): for search only, never shown
    # as the sources' spellings, which are ``aliases``.
    search_variants: tuple[str, ...] = ()


@dataclass(frozen=True)
class Channel:
    """A line of communication between parties."""

    id: str
    name: str
    kind: str
    parties: tuple[str, ...]
    established: EdtfDate | None = None
    description: str | None = None
    # Ids of removed events whose fact this channel now keeps: their URLs redirect to its page.
    former_events: tuple[str, ...] = ()


@dataclass(frozen=True)
class Source:
    """A source article and its full text."""

    id: str
    title: str
    language: str
    published: EdtfDate
    published_basis: str
    text: str
    published_note: str | None = None
    reports: tuple[str, ...] = ()
    url: str | None = None


@dataclass(frozen=True)
class Claim:
    """What a source asserts about the time between two events: a gap (``unit`` and ``count``), an order
    (``order``: before, after) or a rank (``count`` with ``unit`` "rank": the nth contact on ``channel``)."""

    id: str
    source: str
    quote: str
    between: tuple[str, str]
    unit: str  # days, weeks, months, "order" or "rank"
    count: int  # the gap, or the rank (0 for an order)
    about: bool = False
    limit: str | None = None
    note: str | None = None
    order: str | None = None
    channel: str | None = None


@dataclass(frozen=True)
class Chronology:
    """Every record, events in chronological order, with indices by actor, channel, source, year."""

    events: tuple[Event, ...]
    actors: dict[str, Actor]
    channels: dict[str, Channel]
    sources: dict[str, Source]
    claims: dict[str, Claim]
    by_actor: dict[str, tuple[Event, ...]] = field(default_factory=dict)
    by_channel: dict[str, tuple[Event, ...]] = field(default_factory=dict)
    by_source: dict[str, tuple[Event, ...]] = field(default_factory=dict)
    by_year: dict[int, tuple[Event, ...]] = field(default_factory=dict)
    by_party: dict[str, tuple[str, ...]] = field(default_factory=dict)  # the ids of the channels of each actor

    positions: dict[str | None, dict[str, int]] = field(default_factory=dict)  # None: the whole chronology
    # The years where some event begins or ends (the timelines' axis: a long interval does not occupy its middle).
    years: frozenset[int] = frozenset()
    # Each event's line in lists, by id, filled as pages are planned (views.event_summary): lists show an
    # event on many pages. A live rebuild hands the unchanged events' lines over to the next chronology.
    summaries: dict[str, dict[str, Any]] = field(default_factory=dict, compare=False, repr=False)
    # Each timeline drawn, ready for its template, by the URL of the page that shows it (the home page, a
    # channel's), filled as pages are planned (``plan.drawn``): an edit plans a channel's page again for
    # what its lists show (an actor's name) without drawing its timeline again unless what it read changed.
    figures: dict[str, dict[str, Any]] = field(default_factory=dict, compare=False, repr=False)

    def event(self, event_id: str) -> Event:
        """The event ``event_id``."""
        return self.events[self.positions[None][event_id]]

    def neighbours(self, event_id: str, channel_id: str | None = None) -> tuple[Event | None, Event | None]:
        """The events just before and after ``event_id``, in the chronology or on one channel."""
        sequence = self.events if channel_id is None else self.by_channel[channel_id]
        position = self.positions[channel_id][event_id]
        before = sequence[position - 1] if position > 0 else None
        after = sequence[position + 1] if position + 1 < len(sequence) else None
        return before, after

    def actor_neighbours(self, event: Event, actor_id: str) -> tuple[Event | None, Event | None]:
        """The events just before and after ``event`` among those of one actor (in chronological order, as
        ``events``: found by bisection on the same key). A lookup of its own: a page that shows them reads
        these two events, not all of the actor's (``chronicle.reads``)."""
        sequence = self.by_actor[actor_id]
        position = bisect_left(sequence, (event.date.sort_key(), event.id), key=lambda e: (e.date.sort_key(), e.id))
        return (sequence[position - 1] if position > 0 else None,
                sequence[position + 1] if position + 1 < len(sequence) else None)


def optional_date(value: str | None) -> EdtfDate | None:
    """The parsed date, or None for an absent one."""
    return parse_edtf(value) if value else None


def make_event(record_id: str, data: dict[str, Any]) -> Event:
    """An Event from its typed record."""
    citations = tuple(Citation(number, c["source"], c["quote"], c.get("prefix"))
                      for number, c in enumerate(data["citations"], start=1))
    corrections = tuple(Correction(parse_edtf(c["date"]), c["text"]) for c in data.get("corrections") or [])
    return Event(record_id, data["title"], parse_edtf(data["date"]), data["date_basis"], data["kind"],
                 tuple(data["actors"]), tuple(data.get("channels") or ()), data["summary"], citations,
                 data.get("date_note"), data.get("initiator"), data.get("annotation"),
                 tuple(data.get("aliases") or ()), corrections, tuple(data.get("possibly_same_as") or ()))


def make_actor(record_id: str, data: dict[str, Any]) -> Actor:
    """An Actor from its typed record."""
    roles = tuple(Role(r["title"], optional_date(r.get("from")), optional_date(r.get("to")))
                  for r in data.get("roles") or [])
    return Actor(record_id, data["name"], data["type"], tuple(data.get("aliases") or ()),
                 data.get("country"), roles, data.get("description"), tuple(data.get("search_variants") or ()))


def make_claim(record_id: str, data: dict[str, Any]) -> Claim:
    """A Claim from its typed record."""
    unit = next(u for u in ("days", "weeks", "months", "order", "rank") if u in data)
    first, second = data["between"]
    count = 0 if unit == "order" else data[unit]
    return Claim(record_id, data["source"], data["quote"], (first, second), unit, count,
                 bool(data.get("about")), data.get("limit"), data.get("note"), data.get("order"),
                 data.get("on_channel"))


def channels_by_party(channels: dict[str, Channel]) -> dict[str, tuple[str, ...]]:
    """The ids of the channels each actor is a party to, in the order of ``channels``."""
    parties: dict[str, list[str]] = defaultdict(list)
    for channel in channels.values():
        for party in channel.parties:
            parties[party].append(channel.id)
    return {party: tuple(ids) for party, ids in parties.items()}


def make_channel(record_id: str, data: dict[str, Any]) -> Channel:
    """A Channel from its typed record."""
    return Channel(record_id, data["name"], data["kind"], tuple(data["parties"]),
                   optional_date(data.get("established")), data.get("description"),
                   tuple(data.get("former_events") or ()))


def make_source(record_id: str, data: dict[str, Any], text: str | None) -> Source:
    """A Source from its typed record and its text."""
    return Source(record_id, data["title"], data["language"], parse_edtf(data["published"]), data["published_basis"],
                  text or "", data.get("published_note"), tuple(data.get("reports") or ()), data.get("url"))


def make_records(index: Index, kind: str, make: Any, memo: Memo) -> dict[str, Any]:
    """The model's records of ``kind``, by id, sorted: each made of its typed record by ``make`` (given its
    id and data, and a source's text), or the last run's for the same typed record (the very object: ``memo``)."""
    records = [record for _, record in sorted(index[kind].items())]
    return {record.id: made for record, made in zip(records, memo.recall_each(kind, records, made_of, make),
                                                    strict=True)}


def made_of(record: Any, make: Any) -> Any:
    """``make`` of a typed record's id and data (and text, for a source)."""
    return make(record.id, record.data, record.text) if record.kind == "source" else make(record.id, record.data)


def ordered_event(record: Any) -> tuple[tuple[Any, str], Event]:
    """An Event from its typed record, after its place in the chronology (date, then id)."""
    event = make_event(record.id, record.data)
    return (event.date.sort_key(), record.id), event


def index_events(events: list[Event]) -> dict[str, dict[Any, tuple[Event, ...]]]:
    """The events by actor, channel, source and year, chronological order kept, in one pass (``group``
    four times over: a tenth of an edit's model at 10,000 events)."""
    groups: dict[str, dict[Any, list[Event]]] = {name: defaultdict(list) for name in ("actor", "channel", "source",
                                                                                     "year")}
    by_actor, by_channel, by_source, by_year = groups.values()
    for event in events:
        for actor in event.actors:
            by_actor[actor].append(event)
        for channel in event.channels:
            by_channel[channel].append(event)
        citations = event.citations
        for source in (citations[0].source,) if len(citations) == 1 else dict.fromkeys(c.source for c in citations):
            by_source[source].append(event)
        by_year[event.year].append(event)
    return {name: {key: tuple(value) for key, value in grouped.items()} for name, grouped in groups.items()}


def build_model(index: Index, memo: Memo | None = None) -> Chronology:
    """The Chronology of checked records (call only when the check found no problem); ``memo``: the model's
    records of the last run, by typed record (``chronicle.memo``)."""
    memo = memo or Memo()
    ordered = sorted(memo.recall_each("event", index["event"].values(), ordered_event))
    events = [event for _, event in ordered]  # sorted by (date, id): never two equal keys
    channels = make_records(index, "channel", make_channel, memo)
    sources = make_records(index, "source", make_source, memo)
    grouped = index_events(events)
    sequences: dict[str | None, Any] = {None: events, **grouped["channel"]}
    years = {day.year for event in events for day in (event.date.start, event.date.end) if day}
    return Chronology(
        events=tuple(events),
        actors=make_records(index, "actor", make_actor, memo),
        channels=channels,
        sources=sources,
        claims=make_records(index, "claim", make_claim, memo),
        by_actor=grouped["actor"],
        by_channel=grouped["channel"],
        by_source=grouped["source"],
        by_year=grouped["year"],
        by_party=channels_by_party(channels),
        positions={key: dict(zip([event.id for event in sequence], range(len(sequence)), strict=True))
                   for key, sequence in sequences.items()},
        years=frozenset(years),
    )
