"""What each part of the plan reads, so that an edit plans again only the parts it touches.

A part of the site (``plan.plan_keys``: an event's page, an actor's pages, a year's...) is planned
from the model, the facts and the settings through recording views of them (``TracedChronology``,
``TracedFacts``, a ``TracedHistory`` in the settings): every lookup leaves a *cell* in the part's
reads, ``("actors", id)`` for ``chronology.actors[id]``, ``("actors", ALL)`` for a walk through them,
``("neighbours", id, channel)`` for ``chronology.neighbours(id, channel)``, ``("events",)`` for the
whole sequence of events, ``("config",)`` for the settings but the dates of the files. A cell's value
is what the lookup gives, so a part planned again from inputs whose cells it read are all equal
gives the same pages: after an edit, ``changed_cells`` compares each cell read by some part, once,
between the last run's inputs and the new ones, and only the parts that read a changed cell are
planned again (``plan_traced``); the others keep their pages.

A missed read is a stale page: every way plan code reaches the inputs goes through these views,
and the caches shared between parts (an event's line in lists, a channel's identity, the actors'
spellings) carry the reads of what they hold to each part that uses them.
``tests/test_reads.py`` holds an incremental plan's pages to a full plan's over random edits.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from chronicle.config import Config
from chronicle.derive import ClaimCheck, Facts
from chronicle.gitdates import History, Stamp
from chronicle.model import Chronology, Event

ALL = "*"  # the key of a cell holding a whole mapping (no record id contains it)
KEYS = "*keys"  # the key of a cell holding a mapping's keys, in order
MISSING = object()  # a key a mapping lacks
Cell = tuple[Any, ...]
CHRONOLOGY_MAPS = ("actors", "channels", "sources", "claims", "by_actor", "by_channel", "by_source", "by_year",
                   "by_party", "positions")
SEQUENCES = frozenset({"by_actor", "by_channel", "by_source", "by_year"})  # mappings of events, counted apart
FACTS_MAPS = ("silences", "statuses", "passages", "contacts", "claims_of_event", "claims_of_channel")


class Recorder:
    """The cells read so far by the part being planned; ``begin``/``end`` set apart the reads of a value
    computed for a cache shared by the parts, which every part that uses the value then reads."""

    __slots__ = ("cells", "stack")

    def __init__(self) -> None:
        self.cells: set[Cell] = set()
        self.stack: list[set[Cell]] = []

    def begin(self) -> None:
        """Start recording the reads of a cached value apart."""
        self.stack.append(self.cells)
        self.cells = set()

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


class TracedMapping(Mapping[Any, Any]):
    """A read-only mapping that records ``(name, key)`` for each key looked up, ``(name, KEYS)`` for a
    walk through its keys or their count and ``(name, ALL)`` for a walk through its values."""

    __slots__ = ("_data", "_name", "_recorder")

    def __init__(self, data: Mapping[Any, Any], name: str, recorder: Recorder) -> None:
        self._data, self._name, self._recorder = data, name, recorder

    def __getitem__(self, key: Any) -> Any:
        if self._name in SEQUENCES and key in self._data:
            return TracedSequence(self._data[key], (self._name, key), (f"{self._name}.len", key), self._recorder)
        self._recorder.cells.add((self._name, key))
        return self._data[key]

    def get(self, key: Any, default: Any = None) -> Any:
        if self._name in SEQUENCES and key in self._data:
            return TracedSequence(self._data[key], (self._name, key), (f"{self._name}.len", key), self._recorder)
        self._recorder.cells.add((self._name, key))
        return self._data.get(key, default)

    def __contains__(self, key: object) -> bool:
        self._recorder.cells.add((self._name, key))
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
        self._recorder.cells.add((self._name, ALL))
        return self._data.values()

    def items(self) -> Any:
        self._recorder.cells.add((self._name, ALL))
        return self._data.items()


def read_whole(mapping: Mapping[Any, Any]) -> None:
    """Note that the part being planned reads the whole of ``mapping``, if it records its reads: for a
    value computed from it once and then found by the mapping's identity (``spellings.actor_spellings``)."""
    if isinstance(mapping, TracedMapping):
        mapping._recorder.cells.add((mapping._name, ALL))


class TracedCache:
    """A cache shared by the parts (``Chronology.summaries``), by record id, as
    ``views.event_summary`` uses it: ``get``, then on a miss the value computed and stored. Each value
    keeps the cells read to compute it, its record's own (``record``: the value is made of the record
    handed over, not read through the views), which a part that finds it in the cache reads too."""

    __slots__ = ("_entries", "_record", "_recorder")

    def __init__(self, entries: dict[str, tuple[Any, frozenset[Cell]]], recorder: Recorder, record: str) -> None:
        self._entries, self._recorder, self._record = entries, recorder, record

    def get(self, key: str, default: Any = None) -> Any:
        found = self._entries.get(key)
        if found is None:
            self._recorder.begin()  # the value is computed next, then stored (``__setitem__``)
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

    def __getattribute__(self, name: str) -> Any:
        if name in ("files", "fallback", "whole", "shallow"):  # read whole: any change plans every reader again
            object.__getattribute__(self, "_recorder").cells.add(("history",))
            return getattr(object.__getattribute__(self, "_origin"), name)
        return object.__getattribute__(self, name)


@dataclass
class Caches:
    """The values the parts share, with the cells read to compute each (``TracedCache``)."""

    summaries: dict[str, tuple[Any, frozenset[Cell]]] = field(default_factory=dict)

    def kept(self, changed: set[Cell]) -> Caches:
        """The values whose reads ``changed`` leaves as they were."""
        return Caches({key: entry for key, entry in self.summaries.items() if entry[1].isdisjoint(changed)})


@dataclass(frozen=True)
class Inputs:
    """What the plan reads: the model, the facts and the settings (the dates of the files among them)."""

    chronology: Chronology
    facts: Facts
    config: Config


@dataclass
class Trace:
    """What each part of a plan read and planned, from which inputs: what the next edit starts from."""

    inputs: Inputs
    reads: dict[Any, frozenset[Cell]]   # by part (``plan.PlanKey``)
    parts: dict[Any, list[Any]]         # the pages of each part (``plan.Page``), in ``plan_keys`` order
    caches: Caches
    # Every cell some part read, by name (those of parts since dropped too: comparing them costs, never misleads).
    cells: dict[str, set[Cell]] = field(default_factory=dict)


PartPlanner = Callable[[Any, Chronology, Facts, Config], list[Any]]


def plan_traced(inputs: Inputs, keys: list[Any], plan_part: PartPlanner,
                previous: Trace | None = None) -> tuple[Trace, list[Any]]:
    """Plan the parts ``keys`` with ``plan_part`` through recording views of ``inputs``: those whose reads
    changed since ``previous`` (a part absent from it, every part without it); the trace, and the parts
    planned. ``previous`` is left as it was (an edit that fails leaves the last run's trace)."""
    if previous is None:
        todo, reads, parts, caches, cells = list(keys), {}, {}, Caches(), {}
    else:
        changed = Comparison(previous.inputs, inputs).changed(previous.cells)
        todo = [key for key in keys if key not in previous.reads or not previous.reads[key].isdisjoint(changed)]
        reads = {key: previous.reads[key] for key in keys if key in previous.reads}
        parts = {key: previous.parts[key] for key in keys if key in previous.parts}
        caches, cells = previous.caches.kept(changed), previous.cells  # cells only grow: shared, harmlessly
    recorder = Recorder()
    chronology = TracedChronology(inputs.chronology, recorder, caches)
    facts = TracedFacts(inputs.facts, recorder)
    config = replace(inputs.config, history=TracedHistory(inputs.config.history, recorder))
    for key in todo:
        recorder.cells = {("config",)}  # every page shows the settings
        parts[key] = plan_part(key, chronology, facts, config)
        reads[key] = frozenset(recorder.cells)
        for cell in reads[key]:
            cells.setdefault(cell[0], set()).add(cell)
    return Trace(inputs, reads, {key: parts[key] for key in keys}, caches, cells), todo


class Comparison:
    """The last run's inputs and the new ones, each cell compared once (``changed``).

    Values are compared with ``==``, which is quick when the model hands over the very objects of
    the records that did not change (``chronicle.memo``); the events are compared once, by id
    (``changed_events``), and the neighbours only of the events beside one that changed (``near``).
    """

    def __init__(self, old: Inputs, new: Inputs) -> None:
        self.old, self.new = old, new
        self._changed_events: set[str] | None = None
        self._near: dict[tuple[str, Any], set[str]] | None = None

    @property
    def changed_events(self) -> set[str]:
        """The ids of the events that differ, or that are in one chronology only."""
        if self._changed_events is None:
            old, new = self.old.chronology, self.new.chronology
            old_at, old_events = old.positions[None], old.events
            changed = set(old_at.keys() - new.positions[None].keys())
            for event in new.events:
                position = old_at.get(event.id)
                if position is None or ((before := old_events[position]) is not event and before != event):
                    changed.add(event.id)
            self._changed_events = changed
        return self._changed_events

    @property
    def near(self) -> dict[tuple[str, Any], set[str]]:
        """The ids of the events beside one that changed, by sequence (``("neighbours", channel)`` with
        None for the whole chronology, ``("actor_neighbours", actor)``), in the old inputs or the new.

        Only their neighbours can have changed: a sequence of events holds each event by its own
        fields, in an order of their own, so an event whose neighbours differ is beside one that came,
        went, moved or changed, before or after the edit (found through the model's own lookups)."""
        if self._near is None:
            near: dict[tuple[str, Any], set[str]] = {}
            for inputs in (self.old, self.new):
                chronology = inputs.chronology
                for event_id in self.changed_events:
                    if event_id not in chronology.positions[None]:
                        continue
                    event = chronology.event(event_id)
                    for name, key, pair in (("neighbours", None, chronology.neighbours(event_id)),
                                            *(("neighbours", c, chronology.neighbours(event_id, c))
                                              for c in event.channels),
                                            *(("actor_neighbours", a, chronology.actor_neighbours(event, a))
                                              for a in event.actors)):
                        near.setdefault((name, key), set()).update(
                            {event_id, *(beside.id for beside in pair if beside is not None)})
            self._near = near
        return self._near

    def changed(self, cells: dict[str, set[Cell]]) -> set[Cell]:
        """Those of ``cells`` (by name) whose values differ between the old inputs and the new."""
        found: set[Cell] = set()
        for name, named in cells.items():
            if name == "event":
                found.update(cell for cell in (("event", event_id) for event_id in self.changed_events)
                             if cell in named)
            elif name in NEAR:
                found.update(self.changed_beside(name, named))
            elif not self.unchanged(name):
                value = VALUES.get(name) or _mapping_value
                found.update(cell for cell in named if not same(value(self.old, cell), value(self.new, cell)))
        return found

    def changed_beside(self, name: str, cells: set[Cell]) -> list[Cell]:
        """The neighbours' cells ``cells`` (``neighbours``, ``actor_neighbours``) that changed."""
        value, found = VALUES[name], []
        for (near_name, key), ids in self.near.items():
            if near_name == name:
                found += [cell for cell in ((name, event_id, key) for event_id in ids)
                          if cell in cells and not same(value(self.old, cell), value(self.new, cell))]
        return found

    def unchanged(self, name: str) -> bool:
        """Whether no cell called ``name`` can have changed (a whole compared at once)."""
        old, new = self.old, self.new
        if name in CHRONOLOGY_MAPS or name.removesuffix(".len") in SEQUENCES:
            return getattr(old.chronology, name.removesuffix(".len")) is getattr(new.chronology,
                                                                                name.removesuffix(".len"))
        if name in FACTS_MAPS:
            return getattr(old.facts, name) is getattr(new.facts, name)
        if name.startswith("history"):
            return same(old.config.history, new.config.history)
        return False


def same(a: Any, b: Any) -> bool:
    """Whether two values read by the plan are equal."""
    return a is b or bool(a == b)


def _mapping_value(inputs: Inputs, cell: Cell) -> Any:
    """A cell of a mapping of the model or the facts: a record, a sequence, a count, or all of it."""
    name, key = cell
    if name.endswith(".len"):
        return len(getattr(inputs.chronology, name.removesuffix(".len")).get(key, ()))
    mapping = getattr(inputs.facts if name in FACTS_MAPS else inputs.chronology, name)
    if key == ALL:
        return list(mapping.items())
    return list(mapping) if key == KEYS else mapping.get(key, MISSING)


def _event_value(inputs: Inputs, cell: Cell) -> Any:
    """``chronology.event(id)``, or MISSING."""
    chronology = inputs.chronology
    return chronology.event(cell[1]) if cell[1] in chronology.positions[None] else MISSING


def _neighbours_value(inputs: Inputs, cell: Cell) -> Any:
    """``chronology.neighbours(id, channel)``, or MISSING."""
    _, event_id, channel_id = cell
    chronology = inputs.chronology
    if event_id not in chronology.positions.get(channel_id, {}):
        return MISSING
    return chronology.neighbours(event_id, channel_id)


def _actor_neighbours_value(inputs: Inputs, cell: Cell) -> Any:
    """``chronology.actor_neighbours(event, actor)``, or MISSING."""
    _, event_id, actor_id = cell
    chronology = inputs.chronology
    if event_id not in chronology.positions[None] or actor_id not in chronology.by_actor:
        return MISSING
    return chronology.actor_neighbours(chronology.event(event_id), actor_id)


def _settings(config: Config) -> Config:
    """The settings but the dates of the files (cells of their own)."""
    return replace(config, history=History())


VALUES: dict[str, Callable[[Inputs, Cell], Any]] = {
    "event": _event_value,
    "neighbours": _neighbours_value,
    "actor_neighbours": _actor_neighbours_value,
    "events": lambda inputs, _: inputs.chronology.events,
    "events.len": lambda inputs, _: len(inputs.chronology.events),
    "years": lambda inputs, _: inputs.chronology.years,
    "claim_checks": lambda inputs, _: inputs.facts.claim_checks,
    "config": lambda inputs, _: _settings(inputs.config),
    "history.of": lambda inputs, cell: inputs.config.history.of(*cell[1]),
    "history.site": lambda inputs, _: inputs.config.history.site(),
    "history": lambda inputs, _: inputs.config.history,
}
NEAR = ("neighbours", "actor_neighbours")  # cells looked at only beside a changed event (``Comparison.near``)
