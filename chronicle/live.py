"""Live rebuilds: an edit to the text of events rebuilds only the pages that show them.

The common edit while previewing is a fix to an event's title, summary or annotation. Its
date, actors, channels, citations, aliases and corrections stay as they were, so the URLs,
lists, counts and silences of the site do not move: the pages to redo are those that show
the event (``parts_showing``). Every other change (a new or deleted file, a date, a template,
a problem in the file) goes through the full build, which also reports problems.

``serve`` keeps its last build in memory: the search index of the preview is carried over and
made again once the editor pauses (``serve.PendingSearch``), the exports are written after the
browser has been told to reload. A command-line
build saves the same state to ``.chronicle-cache/`` (``pickle_state`` while Pagefind indexes,
``seal_state`` once the site is in place) and the next one starts
from it (``update_saved``), writes the exports and indexes the site again for search.
``tests/test_live.py`` and ``tests/test_cache.py`` hold every live rebuild to the bytes of a clean build.
"""

from __future__ import annotations

import gc
import json
import os
import pickle
import shutil
from dataclasses import dataclass, replace
from pathlib import Path
from typing import BinaryIO

import jinja2

from chronicle.cache import Inputs, open_cached, output_fingerprint, remove_cached, write_cached
from chronicle.check import Index, check_notes, type_records
from chronicle.config import Config
from chronicle.derive import Facts
from chronicle.export import data_files
from chronicle.load import read_record
from chronicle.model import Chronology, Event, make_event
from chronicle.pipeline import Checked, Site
from chronicle.plan import Page, PlanKey, actor_neighbours, plan_part
from chronicle.references import text_edit_needs_check
from chronicle.render import make_environment, render_pages
from chronicle.write import link_tree, safe_relative, staged_site

# The fields of an event that only the pages showing it display; a change to any other goes through a full build.
TEXT_FIELDS = frozenset({"title", "summary", "annotation", "date_note", "date_basis"})
EVENTS = "content/events/"
LISTING = "listing.html"
MAX_HEADER = 50_000_000  # bytes of the saved state's first line: the digests of 20,000 files take 2 MB
SAVED_STATE = "live.pickle"  # in .chronicle-cache/ (``cache.CACHE_DIR``)


@dataclass(frozen=True)
class LiveSite:
    """What the last build knew, to rebuild after an edit without starting over."""

    root: Path
    out_dir: Path
    config: Config
    index: Index
    chronology: Chronology
    facts: Facts
    environment: jinja2.Environment


def keep(site: Site, root: Path, out_dir: Path) -> LiveSite | None:
    """What a live rebuild needs of the full build ``site`` of ``root`` into ``out_dir`` (None if it lacks any)."""
    checked = site.checked
    if not (checked and checked.config and checked.index and checked.chronology and checked.facts):
        return None
    return LiveSite(root, out_dir, checked.config, checked.index, checked.chronology, checked.facts,
                    make_environment(root / "templates"))


@dataclass(frozen=True)
class Edit:
    """A live rebuild: the site as it now stands and the pages it rewrote (the data files are still to write)."""

    site: LiveSite
    written: list[str]

    def exports(self) -> dict[str, bytes]:
        """The data files of the edited chronology (the whole of it: a second or so at 10,000 events)."""
        return data_files(self.site.chronology, self.site.config)


def structure(data: dict[str, object]) -> dict[str, object]:
    """An event record without the fields that only its own lines show."""
    return {name: value for name, value in data.items() if name not in TEXT_FIELDS}


def parts_showing(event: Event, chronology: Chronology, facts: Facts) -> set[PlanKey]:
    """The parts of the site (``plan.plan_keys``) whose pages show ``event``'s title or texts."""
    parts: set[PlanKey] = {("event", event.id), ("home", ""), ("site", ""), ("year", str(event.year))}
    for channel in (None, *event.channels):  # its neighbours link to it by its title
        parts |= {("event", other.id) for other in chronology.neighbours(event.id, channel) if other}
    for actor in event.actors:  # and so do its neighbours among each actor's events
        parts |= {("event", other.id) for other in actor_neighbours(event, actor, chronology) if other}
    for check in facts.claim_checks:  # a claim shows both events on each event's page
        if event.id in check.claim.between:
            parts |= {("event", other) for other in check.claim.between}
    parts |= {("actor", actor) for actor in event.actors}
    parts |= {("channel", channel) for channel in event.channels}  # lists, silences, claims, strip
    parts |= {("source", citation.source) for citation in event.citations}  # its passages
    if event.aliases:
        parts.add(("redirects", event.id))
    return parts


def swap_event(chronology: Chronology, facts: Facts, old: Event, new: Event) -> tuple[Chronology, Facts]:
    """The chronology and facts with ``new`` in place of ``old`` (same id, date, actors, channels, sources)."""
    def swap(events: tuple[Event, ...]) -> tuple[Event, ...]:
        return tuple(new if event is old else event for event in events)

    sources = dict.fromkeys(citation.source for citation in old.citations)
    summaries = {event_id: line for event_id, line in chronology.summaries.items() if event_id != old.id}
    chronology = replace(
        chronology, events=swap(chronology.events),
        by_actor={**chronology.by_actor, **{a: swap(chronology.by_actor[a]) for a in old.actors}},
        by_channel={**chronology.by_channel, **{c: swap(chronology.by_channel[c]) for c in old.channels}},
        by_source={**chronology.by_source, **{s: swap(chronology.by_source[s]) for s in sources}},
        by_year={**chronology.by_year, old.year: swap(chronology.by_year[old.year])},
        summaries=summaries)
    silences = {channel: tuple(replace(s, before=new if s.before is old else s.before,
                                       after=new if s.after is old else s.after, merged=swap(s.merged))
                               for s in facts.silences[channel])
                for channel in old.channels}
    statuses = {channel: replace(facts.statuses[channel], last=new) for channel in old.channels
                if facts.statuses[channel].last is old}
    checks = tuple(replace(c, first=new if c.first is old else c.first, second=new if c.second is old else c.second)
                   for c in facts.claim_checks)
    passages = {source: tuple(replace(p, event=new) if p.event is old else p for p in facts.passages[source])
                for source in sources}
    return chronology, replace(facts, silences={**facts.silences, **silences}, claim_checks=checks,
                               statuses={**facts.statuses, **statuses},
                               passages={**facts.passages, **passages})


def shows(page: Page, events: set[str]) -> bool:
    """False for a page of a split list (``listing.html``) that lists none of ``events``.

    A year, an actor or a channel with many events has its list split into pages: only those
    listing an edited event change. The record's own page, and every other kind, are redone.
    """
    if page.template != LISTING:
        return True
    return any(line["id"] in events for year in page.context["years"] for month in year["months"]
               for line in month["events"])


def edited_events(root: Path, changed: set[Path]) -> list[str] | None:
    """The paths (from the root) of the event files in ``changed``; None if anything else changed."""
    paths = []
    for path in changed:
        try:
            where = path.resolve().relative_to(root.resolve()).as_posix()
        except ValueError:
            return None
        if not (where.startswith(EVENTS) and where.endswith(".yaml") and "/" not in where[len(EVENTS):]):
            return None
        paths.append(where)
    return sorted(paths)


def rebuild_text_edit(site: LiveSite, changed: set[Path]) -> Edit | None:
    """Rebuild after edits to the texts of existing events; None when a full build is needed instead.

    None also when an edited file has a problem: the full build reports it, as always.
    """
    edit = text_edit(site, changed)
    return Edit(edit.site, write_changed(edit.files, site.out_dir)) if edit else None


@dataclass(frozen=True)
class TextEdit:
    """The site after edits to the texts of events, and the pages showing them, rendered: {path: bytes}."""

    site: LiveSite
    files: dict[str, bytes]


def text_edit(site: LiveSite, changed: set[Path]) -> TextEdit | None:
    """See ``rebuild_text_edit``: the same, with nothing written yet."""
    paths = edited_events(site.root, changed)
    if not paths:
        return None
    records = []
    for where in paths:
        record, problems = read_record(str(site.root / where), where, "event")
        if record is None or problems or record.id not in site.index["event"]:
            return None
        records.append(record)
    typed, problems = type_records(records, site.config)
    if problems or check_notes(typed) or text_edit_needs_check(typed, site.index):
        return None  # the full build reports (or, for a link through an alias, rewrites) it
    chronology, facts = site.chronology, site.facts
    parts: set[PlanKey] = set()
    edited: set[str] = set()
    events = dict(site.index["event"])
    for checked in typed["event"].values():
        if structure(checked.data) != structure(events[checked.id].data):
            return None
        events[checked.id] = checked
        old, new = chronology.event(checked.id), make_event(checked.id, checked.data)
        if new != old:
            chronology, facts = swap_event(chronology, facts, old, new)
            parts |= parts_showing(new, chronology, facts)
            edited.add(new.id)
    pages = [page for part in sorted(parts) for page in plan_part(part, chronology, facts, site.config)
             if shows(page, edited)]
    files = render_pages(pages, site.environment)
    return TextEdit(replace(site, index={**site.index, "event": events}, chronology=chronology, facts=facts), files)


def write_changed(files: dict[str, bytes], out_dir: Path) -> list[str]:
    """Write the files of ``files`` whose bytes differ from those in ``out_dir``, each atomically; their paths."""
    written = []
    for path, data in sorted(files.items()):
        target = out_dir.joinpath(*safe_relative(path).parts)
        try:
            if target.read_bytes() == data:
                continue
        except OSError:
            pass
        target.parent.mkdir(parents=True, exist_ok=True)
        temporary = target.with_name(f".{target.name}.{os.getpid()}.live")  # beside it: the rename is atomic
        try:
            temporary.write_bytes(data)
            os.replace(temporary, target)
        except BaseException:
            temporary.unlink(missing_ok=True)
            raise
        written.append(path)
    return written


@dataclass(frozen=True)
class SavedState:
    """What a command-line build leaves in ``.chronicle-cache/`` for the next one to start from, beside
    the header that says for which inputs and output (``seal_state``)."""

    searchable: tuple[str, ...]            # the pages of the search index
    config: Config
    index: Index
    chronology: Chronology
    facts: Facts


def pickled_name() -> str:
    """The name, in ``.chronicle-cache/``, under which this process pickles the state before sealing it
    (``pickle_state``); a dot first, as every temporary the next build sweeps (``cache.sweep_cache``)."""
    return f".{SAVED_STATE}.{os.getpid()}.pickled"


def drop_pickled(root: Path) -> None:
    """Remove the state this process pickled, if any (a build cut short)."""
    remove_cached(root, pickled_name())


def pickle_state(root: Path, state: SavedState) -> str | None:
    """Saving ``state`` for the next command-line build of ``root``, first part: pickled into a file of
    its own (streamed: tens of MB never held whole in memory), before the output folder is in place
    (while Pagefind indexes); its name in the cache. Nothing if the search index was carried over
    rather than made."""
    if not state.searchable:
        return None

    def dump(file: BinaryIO) -> None:
        pickle.dump(state, file, protocol=pickle.HIGHEST_PROTOCOL)

    # a read-only checkout, a full disk, an odd cache: the full build every time, slower, never wrong
    return pickled_name() if write_cached(root, pickled_name(), dump) else None


def pickle_checked(root: Path, checked: Checked, searchable: tuple[str, ...]) -> str | None:
    """``pickle_state`` for the records a full build checked (the pipeline's ``meanwhile``)."""
    if not (checked.config and checked.index and checked.chronology and checked.facts):
        return None
    return pickle_state(root, SavedState(searchable, checked.config, checked.index, checked.chronology,
                                         checked.facts))


def seal_state(root: Path, pickled: str | None, inputs: Inputs, out_dir: Path) -> None:
    """Saving the state, second part, once ``out_dir`` is in place: the ``pickled`` state behind a
    header line of what it was built from (``inputs``, taken before the build read anything) and
    for which output, in place of the last one (``read_state``)."""
    if pickled is None:
        return
    header = {"settings": inputs.settings, "output": output_fingerprint(out_dir), "content": inputs.content}
    try:
        state = open_cached(root, pickled)
        if state is None:
            return

        def copy(file: BinaryIO) -> None:
            file.write(json.dumps(header).encode() + b"\n")
            shutil.copyfileobj(state, file)

        with state:
            write_cached(root, SAVED_STATE, copy)
    finally:
        remove_cached(root, pickled)


def read_state(root: Path, settings: str, output: str) -> tuple[dict[str, str], SavedState] | None:
    """The state the last command-line build saved, with the content files it was built from (their
    digests, ``cache.content_files``), if it was saved with these ``settings`` (``cache.Inputs.settings``)
    for this ``output`` (``cache.output_fingerprint``) and is readable.

    Its header is compared before anything is unpickled: the output's fingerprint holds the
    output folder's inode and times, which a state file committed by someone else cannot know.
    """
    if not output:
        return None  # no output folder: nothing to update
    opened = open_cached(root, SAVED_STATE)
    if opened is None:
        return None
    try:
        with opened as file:
            header = json.loads(file.readline(MAX_HEADER))
            if (header["settings"], header["output"]) != (settings, output):
                return None
            content = {str(path): str(what) for path, what in header["content"].items()}
            collecting = gc.isenabled()
            gc.disable()  # tens of thousands of objects: the collector would triple the time
            try:
                state = pickle.load(file)
            finally:
                if collecting:
                    gc.enable()
    except Exception:  # absent, cut short, or of an older generator: the full build starts over
        return None
    return (content, state) if isinstance(state, SavedState) else None


def update_saved(root: Path, out_dir: Path, inputs: Inputs) -> list[str] | None:
    """Rebuild after edits to the texts of events, from the last command-line build's saved state
    (``inputs``: those of ``root`` now); None when a full build is needed (no state, anything else
    changed, or a problem to report); else the paths of the files it rewrote.

    As a full build, it writes a new site beside ``out_dir`` and swaps it in whole: its files
    are hard links to the current site's, but the pages showing the edited events, the data
    files and the search index (Pagefind cannot update an index: it reads every searchable page
    again, while the data files are made). Should it fail or stop, ``out_dir`` and the saved
    state are left as they were.
    """
    from chronicle.search import BUNDLE, indexing, search_glob  # Pagefind is needed only to write

    saved = read_state(root, inputs.settings, output_fingerprint(out_dir))
    if saved is None or inputs.content.keys() != saved[0].keys():
        return None  # no state for this output, or a file added or deleted
    content, state = saved
    changed = {root / path for path, what in inputs.content.items() if content[path] != what}
    if not changed:
        return None
    site = LiveSite(root, out_dir, state.config, state.index, state.chronology, state.facts,
                    make_environment(root / "templates"))
    edit = text_edit(site, changed)
    if edit is None:
        return None  # the state stays good for the edit after the editor has fixed the problem
    searchable = list(state.searchable)
    try:
        with staged_site(out_dir) as folder:
            link_tree(out_dir, folder, skip=BUNDLE)
            written = write_changed(edit.files, folder)
            with indexing(folder, search_glob(searchable)) as finish:
                written += write_changed(data_files(edit.site.chronology, edit.site.config), folder)
                new = edit.site
                pickled = pickle_state(root, SavedState(state.searchable, new.config, new.index, new.chronology,
                                                        new.facts))  # while Pagefind indexes
                finish(searchable)
    except BaseException:
        drop_pickled(root)
        raise
    seal_state(root, pickled, inputs, out_dir)
    return written
