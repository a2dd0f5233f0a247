"""What each part of the plan reads of the model, the facts and the settings.

A part of the site (``plan.plan_keys``: an event's page, an actor's pages, a year's...) is planned
through recording views of them (``TracedChronology``, ``TracedFacts``, a ``TracedHistory`` in the
settings): every lookup leaves a *cell* in the part's reads, ``("actors", id)`` for
``chronology.actors[id]`` (``("actors", id, "name")`` for a field of the record, ``RecordView``),
``("actors", KEYS)`` for a walk through their ids, ``("actors", ALL)``
through the records, ``("by_year.len", 2022)`` for a count of a year's events,
``("neighbours", id, channel)`` for ``chronology.neighbours(id, channel)``, ``("events",)`` for the
whole sequence of events, ``("config",)`` for the settings but the dates of the files. A cell's
value is what the lookup gives: a part whose cells all hold the same values gives the same pages
(``chronicle.replan`` plans again only the others).

A missed read is a stale page: every way plan code reaches the inputs goes through these views,
and the caches shared between parts (an event's line in lists) carry the
reads of what they hold to each part that uses them. ``tests/test_reads.py`` holds an incremental
plan's pages to a full plan's over random edits.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from chronicle.derive import ClaimCheck, Facts
from chronicle.gitdates import History, Stamp
from chronicle.model import Chronology, Event
from chronicle.spellings import ActorSpellings

ALL = "*"  # the key of a cell holding a whole mapping (no record id contains it)
KEYS = "*keys"  # the key of a cell holding a mapping's keys, in order
MISSING = object()  # a key a mapping lacks
Cell = tuple[Any, ...]
CHRONOLOGY_MAPS = ("actors", "channels", "sources", "claims", "by_actor", "by_channel", "by_source", "by_year",
                   "by_party", "positions")
SEQUENCES = frozenset({"by_actor", "by_channel", "by_source", "by_year"})  # mappings of events, counted apart
RECORDS = frozenset({"actors", "channels", "sources", "claims"})  # mappings of records, read by field
PRESENT = "*present"  # the field of a cell holding whether a record exists (no field is named so)
FACTS_MAPS = ("silences", "statuses", "passages", "contacts", "claims_of_event", "claims_of_channel", "split_sources")


class Recorder:
    """The cells read so far by the part being planned; ``begin``/``end`` set apart the reads of a value
    computed for a cache shared by the parts, which every part that uses the value then reads."""

    __slots__ = ("cells", "stack")

    def __init__(self) -> None:
        self.cells: set[Cell] = set()
        self.stack: list[set[Cell]] = []

    def begin(self) -> None:
        """Start recording the reads of a cached value apart (the settings among them: they are read
        unrecorded, by whatever needs them)."""
        self.stack.append(self.cells)
        self.cells = {("config",)}

    def end(self) -> frozenset[Cell]:
        """The reads of the cached value since ``begin``; they are also the current part's."""
        inner = self.cells
        self.cells = self.stack.pop()
        self.cells |= inner
        return frozenset(inner)


class TracedSequence(Sequence[Any]):
    """A sequence of events read from the model: its length is a cell of its own (``count``), anything
    else reads the whole of it (``cell``). Many pages only count a record's events (is its list split?)."""

    __slots__ = ("_cell", "_count", "_data", "_recorder")

    def __init__(self, data: Sequence[Any], cell: Cell, count: Cell, recorder: Recorder) -> None:
        self._data, self._cell, self._count, self._recorder = data, cell, count, recorder

    def __len__(self) -> int:
        self._recorder.cells.add(self._count)
        return len(self._data)

    def __bool__(self) -> bool:
        self._recorder.cells.add(self._count)
        return bool(self._data)

    def __getitem__(self, index: Any) -> Any:
        self._recorder.cells.add(self._cell)
        return self._data[index]

    def __iter__(self) -> Iterator[Any]:
        self._recorder.cells.add(self._cell)
        return iter(self._data)

    def __reversed__(self) -> Iterator[Any]:
        self._recorder.cells.add(self._cell)
        return reversed(self._data)

    def __contains__(self, value: object) -> bool:
        self._recorder.cells.add(self._cell)
        return value in self._data

    # As a tuple would (an equality by identity, or a TypeError, would mislead silently or stop the plan).
    def __eq__(self, other: object) -> bool:
        self._recorder.cells.add(self._cell)
        return bool(self._data == (other._data if isinstance(other, TracedSequence) else other))

    def __hash__(self) -> int:
        self._recorder.cells.add(self._cell)
        return hash(self._data)

    def __add__(self, other: Any) -> Any:
        self._recorder.cells.add(self._cell)
        return self._data + other

    def __radd__(self, other: Any) -> Any:
        self._recorder.cells.add(self._cell)
        return other + self._data


class RecordView:
    """A record of the model (an actor, a channel, a source, a claim) read field by field: each field read
    leaves ``(name, id, field)``, so that a page showing an actor's name is not planned again when its
    description changes. Anything else done with the record itself (a comparison, a hash, a copy) reads
    the whole of it, ``(name, id)``; plan code hands fields over, never the record (``test_reads``)."""

    __slots__ = ("_cell", "_record", "_recorder")

    def __init__(self, record: Any, cell: Cell, recorder: Recorder) -> None:
        object.__setattr__(self, "_record", record)
        object.__setattr__(self, "_cell", cell)
        object.__setattr__(self, "_recorder", recorder)

    def __getattr__(self, field: str) -> Any:  # called only for the record's own names, not the slots'
        self._recorder.cells.add((*self._cell, field))
        return getattr(self._record, field)

    def __setattr__(self, field: str, value: Any) -> None:
        raise AttributeError(f"{field}: a record of the model is read only")

    def whole(self) -> Any:
        """The record itself, read whole."""
        self._recorder.cells.add(self._cell)
        return self._record

    @property  # type: ignore[misc]
    def __class__(self) -> type:  # type: ignore[override]  # isinstance sees the record's class
        return type(self._record)

    def __eq__(self, other: object) -> bool:
        return bool(self.whole() == (other.whole() if isinstance(other, RecordView) else other))

    def __hash__(self) -> int:
        return hash(self.whole())

    def __repr__(self) -> str:
        return repr(self.whole())

    def __reduce__(self) -> Any:  # pickled as the record (what a stale copy would be anyway)
        return (_identity, (self.whole(),))


def _identity(value: Any) -> Any:
    """``value``: how a ``RecordView`` is unpickled."""
    return value


class TracedMapping(Mapping[Any, Any]):
    """A read-only mapping that records ``(name, key)`` for each key looked up, ``(name, KEYS)`` for a
    walk through its keys or their count and ``(name, ALL)`` for a walk through its values."""

    __slots__ = ("_data", "_name", "_recorder", "_views")

    def __init__(self, data: Mapping[Any, Any], name: str, recorder: Recorder) -> None:
        self._data, self._name, self._recorder = data, name, recorder
        self._views: dict[Any, RecordView] = {}  # one view a record: it records into whichever part is planned

    def __getitem__(self, key: Any) -> Any:
        if key in self._data:
            return self._found(key)
        self._recorder.cells.add((self._name, key))
        return self._data[key]

    def get(self, key: Any, default: Any = None) -> Any:
        if key in self._data:
            return self._found(key)
        self._recorder.cells.add((self._name, key))
        return default

    def _found(self, key: Any) -> Any:
        """The value of ``key`` (present), as recorded views of a sequence or a record when it is one."""
        if self._name in SEQUENCES:
            return TracedSequence(self._data[key], (self._name, key), (f"{self._name}.len", key), self._recorder)
        if self._name in RECORDS:
            self._recorder.cells.add((self._name, key, PRESENT))
            return self._view(key, self._data[key])
        self._recorder.cells.add((self._name, key))
        return self._data[key]

    def _view(self, key: Any, record: Any) -> RecordView:
        """The recording view of the record ``key``, made once."""
        view = self._views.get(key)
        if view is None:
            view = self._views[key] = RecordView(record, (self._name, key), self._recorder)
        return view

    def __contains__(self, key: object) -> bool:
        self._recorder.cells.add((self._name, key, PRESENT) if self._name in RECORDS else (self._name, key))
        return key in self._data

    def __iter__(self) -> Iterator[Any]:
        self._recorder.cells.add((self._name, KEYS))
        return iter(self._data)

    def __len__(self) -> int:
        self._recorder.cells.add((self._name, KEYS))
        return len(self._data)

    def keys(self) -> Any:
        self._recorder.cells.add((self._name, KEYS))
        return self._data.keys()

    def values(self) -> Any:
        if self._name in RECORDS:  # the records' ids, then each record's fields as read
            self._recorder.cells.add((self._name, KEYS))
            return [self._view(key, value) for key, value in self._data.items()]
        self._recorder.cells.add((self._name, ALL))
        return self._data.values()

    def items(self) -> Any:
        if self._name in RECORDS:
            return list(zip(self.keys(), self.values(), strict=True))
        self._recorder.cells.add((self._name, ALL))
        return self._data.items()


class TracedCache:
    """A cache shared by the parts (``Chronology.summaries``, ``Chronology.figures``), by key, as
    ``views.event_summary`` uses it: ``get``, then on a miss the value computed and stored. Each value
    keeps the cells read to compute it, with its record's own when the key is a record's id (``record``:
    the value is made of the record handed over, not read through the views), which a part that finds it
    in the cache reads too."""

    __slots__ = ("_entries", "_record", "_recorder")

    def __init__(self, entries: dict[str, tuple[Any, frozenset[Cell]]], recorder: Recorder,
                 record: str | None) -> None:
        self._entries, self._recorder, self._record = entries, recorder, record

    def get(self, key: str, default: Any = None) -> Any:
        found = self._entries.get(key)
        if found is None:
            self._recorder.begin()  # the value is computed next, then stored (``__setitem__``)
            if self._record is not None:
                self._recorder.cells.add((self._record, key))
            return default
        self._recorder.cells |= found[1]
        return found[0]

    def __setitem__(self, key: str, value: Any) -> None:
        self._entries[key] = (value, self._recorder.end())


class TracedChronology(Chronology):
    """The model as the plan sees it when its reads are recorded (see the module's docstring)."""

    def __init__(self, origin: Chronology, recorder: Recorder, caches: Caches) -> None:
        # A frozen dataclass: the mappings are set as the instance's own attributes, read at full speed.
        for name in CHRONOLOGY_MAPS:
            object.__setattr__(self, name, TracedMapping(getattr(origin, name), name, recorder))
        object.__setattr__(self, "_origin", origin)
        object.__setattr__(self, "_recorder", recorder)
        object.__setattr__(self, "_events", TracedSequence(origin.events, ("events",), ("events.len",), recorder))
        object.__setattr__(self, "_summaries", TracedCache(caches.summaries, recorder, "event"))
        object.__setattr__(self, "_figures", TracedCache(caches.figures, recorder, None))

    @property  # type: ignore[misc]
    def events(self) -> Any:  # type: ignore[override]
        return self._events

    @property  # type: ignore[misc]
    def years(self) -> frozenset[int]:  # type: ignore[override]
        self._recorder.cells.add(("years",))
        return self._origin.years

    @property  # type: ignore[misc]
    def summaries(self) -> Any:  # type: ignore[override]
        return self._summaries

    @property  # type: ignore[misc]
    def figures(self) -> Any:  # type: ignore[override]
        return self._figures

    def event(self, event_id: str) -> Event:
        self._recorder.cells.add(("event", event_id))
        return self._origin.event(event_id)

    def neighbours(self, event_id: str, channel_id: str | None = None) -> tuple[Event | None, Event | None]:
        self._recorder.cells.add(("neighbours", event_id, channel_id))
        return self._origin.neighbours(event_id, channel_id)

    def actor_neighbours(self, event: Event, actor_id: str) -> tuple[Event | None, Event | None]:
        self._recorder.cells.add(("actor_neighbours", event.id, actor_id))
        return self._origin.actor_neighbours(event, actor_id)


class TracedFacts(Facts):
    """The facts as the plan sees them when its reads are recorded."""

    def __init__(self, origin: Facts, recorder: Recorder) -> None:
        for name in FACTS_MAPS:
            object.__setattr__(self, name, TracedMapping(getattr(origin, name), name, recorder))
        object.__setattr__(self, "_origin", origin)
        object.__setattr__(self, "_recorder", recorder)

    @property  # type: ignore[misc]
    def claim_checks(self) -> tuple[ClaimCheck, ...]:  # type: ignore[override]
        self._recorder.cells.add(("claim_checks",))
        return self._origin.claim_checks

    @property  # type: ignore[misc]
    def spellings(self) -> tuple[ActorSpellings, ...]:  # type: ignore[override]
        self._recorder.cells.add(("spellings",))
        return self._origin.spellings


class TracedHistory(History):
    """The dates of the files as the plan sees them when its reads are recorded: ``of`` by paths."""

    def __init__(self, origin: History, recorder: Recorder) -> None:
        object.__setattr__(self, "_origin", origin)
        object.__setattr__(self, "_recorder", recorder)

    def of(self, *paths: str) -> Stamp | None:
        self._recorder.cells.add(("history.of", paths))
        return self._origin.of(*paths)

    def site(self) -> Stamp | None:
        self._recorder.cells.add(("history.site",))
        return self._origin.site()

    def _whole(self, name: str) -> Any:
        """A field read directly: any change to the history plans its reader again."""
        self._recorder.cells.add(("history",))
        return getattr(self._origin, name)

    files = property(lambda self: self._whole("files"))  # type: ignore[assignment]
    fallback = property(lambda self: self._whole("fallback"))  # type: ignore[assignment]
    whole = property(lambda self: self._whole("whole"))  # type: ignore[assignment]
    shallow = property(lambda self: self._whole("shallow"))  # type: ignore[assignment]


@dataclass
class Caches:
    """The values the parts share, with the cells read to compute each (``TracedCache``)."""

    summaries: dict[str, tuple[Any, frozenset[Cell]]] = field(default_factory=dict)
    figures: dict[str, tuple[Any, frozenset[Cell]]] = field(default_factory=dict)

    def kept(self, changed: set[Cell]) -> Caches:
        """The values whose reads ``changed`` leaves as they were."""
        return Caches(*({key: entry for key, entry in values.items() if entry[1].isdisjoint(changed)}
                        for values in (self.summaries, self.figures)))
