"""An edit plans again only the parts of the site whose reads changed (``chronicle.reads``).

``plan_traced`` plans each part through the recording views and keeps its reads; after an edit,
``Comparison.changed`` compares each cell some part read, once, between the last run's inputs and
the new ones, and only the parts that read a changed cell are planned again (with the new parts);
the others keep their very pages, which the incremental path then need not compare.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

from chronicle.config import Config
from chronicle.derive import Facts
from chronicle.gitdates import History
from chronicle.model import Chronology
from chronicle.reads import (
    ALL,
    CHRONOLOGY_MAPS,
    FACTS_MAPS,
    KEYS,
    MISSING,
    PRESENT,
    SEQUENCES,
    Caches,
    Cell,
    Recorder,
    TracedChronology,
    TracedFacts,
    TracedHistory,
)


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
    # The parts that read each cell, or read it once (``readers``); shared by the traces that follow, and only
    # grown, like ``cells``: a part too many is planned again for nothing, none is missed.
    index: dict[Cell, set[Any]] | None = None

    def readers(self) -> dict[Cell, set[Any]]:
        """The parts that read each cell (some that no longer do among them), made once for this trace and
        those that follow it (263,000 cells at 10,000 events: ``serve`` makes it while the editor reads)."""
        if self.index is None:
            index: dict[Cell, set[Any]] = {}
            for key, cells in self.reads.items():
                for cell in cells:
                    found = index.get(cell)
                    if found is None:
                        index[cell] = {key}
                    else:
                        found.add(key)
            self.index = index
        return self.index

    def __getstate__(self) -> dict[str, Any]:
        return {**self.__dict__, "index": None}  # made again when needed: smaller to save than to remake


PartPlanner = Callable[[Any, Chronology, Facts, Config], list[Any]]


def plan_traced(inputs: Inputs, keys: list[Any], plan_part: PartPlanner,
                previous: Trace | None = None) -> tuple[Trace, list[Any]]:
    """Plan the parts ``keys`` with ``plan_part`` through recording views of ``inputs``: those whose reads
    changed since ``previous`` (a part absent from it, every part without it); the trace, and the parts
    planned. ``previous`` is left as it was (an edit that fails leaves the last run's trace), but for what
    it shares with the new trace and only grows (``cells``, ``index``)."""
    if previous is None:
        todo, reads, parts, caches, cells, index = list(keys), {}, {}, Caches(), {}, None
    else:
        changed = Comparison(previous.inputs, inputs).changed(previous.cells)
        index = previous.readers()
        again = set().union(*(index.get(cell, ()) for cell in changed))
        todo = [key for key in keys if key in again or key not in previous.reads]
        reads, parts = kept_parts(previous, keys)
        caches, cells = previous.caches.kept(changed), previous.cells  # cells only grow: shared, harmlessly
    recorder = Recorder()
    chronology = TracedChronology(inputs.chronology, recorder, caches)
    facts = TracedFacts(inputs.facts, recorder)
    config = replace(inputs.config, history=TracedHistory(inputs.config.history, recorder))
    for key in todo:
        recorder.cells = {("config",)}  # every page shows the settings
        parts[key] = plan_part(key, chronology, facts, config)
        read, before = frozenset(recorder.cells), reads.get(key)
        reads[key] = read
        for cell in read if before is None else read - before:  # a part's new cells; most it read before
            cells.setdefault(cell[0], set()).add(cell)
            if index is not None:
                index.setdefault(cell, set()).add(key)
    return Trace(inputs, reads, parts, caches, cells, index), todo


def kept_parts(previous: Trace, keys: list[Any]) -> tuple[dict[Any, frozenset[Cell]], dict[Any, list[Any]]]:
    """The reads and the pages of ``previous``'s parts that are still among ``keys``, in their order (copies:
    the planned parts replace theirs in place, a new part's go last unless ``keys`` put them elsewhere)."""
    if list(previous.parts) == keys:  # the same parts in the same order (an edit moving no record): copied whole
        return dict(previous.reads), dict(previous.parts)
    reads = {key: previous.reads.get(key) for key in keys}  # None: a new part, planned in place
    parts = {key: previous.parts.get(key) for key in keys}
    return reads, parts  # type: ignore[return-value]  # every None is replaced as its part is planned


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
    """A cell of a mapping of the model or the facts: a record or one of its fields, a sequence, a count, or
    all of it."""
    name, key, *field = cell
    if name.endswith(".len"):
        return len(getattr(inputs.chronology, name.removesuffix(".len")).get(key, ()))
    mapping = getattr(inputs.facts if name in FACTS_MAPS else inputs.chronology, name)
    if key == ALL:
        return list(mapping.items())
    if field:  # a record's field (``reads.RecordView``), or whether it exists
        record = mapping.get(key, MISSING)
        if field[0] == PRESENT:
            return record is not MISSING
        return MISSING if record is MISSING else getattr(record, field[0])
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
    "spellings": lambda inputs, _: inputs.facts.spellings,
    "config": lambda inputs, _: _settings(inputs.config),
    "history.of": lambda inputs, cell: inputs.config.history.of(*cell[1]),
    "history.site": lambda inputs, _: inputs.config.history.site(),
    "history": lambda inputs, _: inputs.config.history,
}
NEAR = ("neighbours", "actor_neighbours")  # cells looked at only beside a changed event (``Comparison.near``)
