"""The incremental path's memory: results of the stages' pure functions, remembered by their inputs.

A clean build runs each stage in full. After an edit, the same stages run again (``pipeline.plan_content``)
with a ``Memo`` of the last run: where a stage calls a pure function of one record (parse a file's bytes,
type a raw record against its schema, find a quote in a source text, make an Event of a typed record),
it asks the memo, which gives back the result the last run got for the same inputs, or computes it.
The same inputs give the same result, so the outcome (problems included) is a clean run's by
construction; only the work differs. ``tests/test_incremental.py`` and ``tests/test_memo.py`` hold it.

Inputs are compared three ways, each table one way:

- by value (``recall``): the key is the inputs themselves, hashed (a file's path and bytes);
- by identity (``recall_for``): the subject is an object the memo itself handed out earlier (a raw
  record, a typed record), kept alive by the entry so its ``id`` is never reused, plus a context
  compared by value (one a subject); immutable subjects only;
- by equality (``recall_equal``): one entry per name, the inputs compared with ``==``, which is cheap
  when unchanged parts are the very same objects (a channel's events, tuples of the last run's Events).

Only the entries of the latest run are kept (the memo does not grow across edits; ``settle`` lets the
last run's go once a run is over), and the memo
pickles (the command line saves it between runs, ``chronicle.saved``); identity tables are rebuilt
on unpickling from the pickled subjects, which pickle keeps shared.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable
from typing import Any, TypeVar

S = TypeVar("S")
T = TypeVar("T")
_MISSING: Any = object()


class Memo:
    """The results of this run and, to draw from, those of the last run (``previous``)."""

    def __init__(self, previous: Memo | None = None) -> None:
        self._last_values = previous._values if previous else {}
        self._last_objects = previous._objects if previous else {}
        self._last_equal = previous._equal if previous else {}
        self._values: dict[str, dict[Hashable, Any]] = {}
        self._objects: dict[str, dict[int, tuple[Any, Hashable, Any]]] = {}
        self._equal: dict[str, dict[Hashable, tuple[Any, Any]]] = {}
        # Each table of this run with the last run's, looked up once a table (tens of thousands of calls a run).
        self._value_tables: dict[str, tuple[dict[Hashable, Any], dict[Hashable, Any]]] = {}
        self._object_tables: dict[str, tuple[dict[int, Any], dict[int, Any]]] = {}

    def _value_table(self, table: str) -> tuple[dict[Hashable, Any], dict[Hashable, Any]]:
        """This run's entries of the by-value ``table`` and the last run's, looked up once a table."""
        tables = self._value_tables.get(table)
        if tables is None:
            tables = self._value_tables[table] = (self._values.setdefault(table, {}),
                                                  self._last_values.get(table, {}))
        return tables

    def _object_table(self, table: str) -> tuple[dict[int, Any], dict[int, Any]]:
        """This run's entries of the by-identity ``table`` and the last run's, looked up once a table."""
        tables = self._object_tables.get(table)
        if tables is None:
            tables = self._object_tables[table] = (self._objects.setdefault(table, {}),
                                                   self._last_objects.get(table, {}))
        return tables

    def recall(self, table: str, key: Hashable, compute: Callable[..., T], *arguments: Any,
               keep: Callable[[T], bool] | None = None) -> T:
        """``compute(*arguments)``, or what it gave for ``key`` (all it depends on) in this run or the last;
        ``keep``: whether to remember a result (all by default)."""
        here, last = self._value_table(table)
        found = here.get(key, _MISSING)
        if found is _MISSING:
            found = last.get(key, _MISSING)
            if found is _MISSING:
                found = compute(*arguments)
                if keep is not None and not keep(found):
                    return found
            here[key] = found
        return found  # type: ignore[no-any-return]

    def recall_for(self, table: str, subject: object, context: Hashable, compute: Callable[..., T],
                   *arguments: Any) -> T:
        """``compute(*arguments)``, which depends on the immutable ``subject`` and on ``context`` only, or what
        it gave for this very object and an equal context in this run or the last (one context a subject)."""
        here, last = self._object_table(table)
        key = id(subject)
        entry = here.get(key)
        if entry is None or entry[0] is not subject or entry[1] != context:
            entry = last.get(key)
            if entry is None or entry[0] is not subject or entry[1] != context:
                entry = (subject, context, compute(*arguments))
            here[key] = entry
        return entry[2]  # type: ignore[no-any-return]

    def recall_each(self, table: str, subjects: Iterable[S], compute: Callable[..., T], *arguments: Any,
                    context: Hashable = ()) -> list[T]:
        """``[compute(subject, *arguments) for subject in subjects]``, each as ``recall_for`` remembers it: one
        call for a whole collection (a method call a record costs more than the lookup, at 10,000 records)."""
        here, last = self._object_table(table)
        results = []
        for subject in subjects:
            key = id(subject)
            entry = here.get(key) or last.get(key)
            if entry is None or entry[0] is not subject or entry[1] != context:
                entry = (subject, context, compute(subject, *arguments))
            here[key] = entry
            results.append(entry[2])
        return results

    def recall_equal(self, table: str, name: Hashable, inputs: object, compute: Callable[..., T], *arguments: Any) -> T:
        """``compute(*arguments)``, which depends on ``inputs`` only, or what it gave last time for ``name`` if
        its ``inputs`` were equal then."""
        here = self._equal.setdefault(table, {})
        entry = here.get(name) or self._last_equal.get(table, {}).get(name)
        if entry is None or not (entry[0] is inputs or entry[0] == inputs):
            entry = (inputs, compute(*arguments))
        here[name] = entry
        return entry[1]  # type: ignore[no-any-return]

    def settle(self) -> None:
        """The run's stages are over: the last run's results go (~11 MB of tables at 10,000 events); this run's
        stay, and so do the last run's tables this run has not asked for yet (the data files, made after:
        ``export.data_files``)."""
        self._last_values = {table: entries for table, entries in self._last_values.items()
                             if table not in self._values}
        self._last_objects = {table: entries for table, entries in self._last_objects.items()
                              if table not in self._objects}
        self._last_equal = {table: entries for table, entries in self._last_equal.items()
                            if table not in self._equal}
        self._value_tables, self._object_tables = {}, {}

    def sizes(self) -> dict[str, int]:
        """The number of entries of each table of this run (tests: the memo does not grow)."""
        return {table: len(entries) for tables in (self._values, self._objects, self._equal)
                for table, entries in tables.items()}

    def __getstate__(self) -> dict[str, Any]:
        objects = {table: list(entries.values()) for table, entries in self._objects.items()}
        return {"values": self._values, "objects": objects, "equal": self._equal}  # the last run's: not needed

    def __setstate__(self, state: dict[str, Any]) -> None:
        self._last_values, self._last_objects, self._last_equal = {}, {}, {}
        self._value_tables, self._object_tables = {}, {}
        self._values, self._equal = state["values"], state["equal"]
        self._objects = {table: {id(entry[0]): entry for entry in entries}
                         for table, entries in state["objects"].items()}
