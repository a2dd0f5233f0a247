"""Live rebuilds for ``serve``: an edit to the text of events rebuilds only the pages that show them.

The common edit while previewing is a fix to an event's title, summary or annotation. Its
date, actors, channels, citations, aliases and corrections stay as they were, so the URLs,
lists, counts and silences of the site do not move: the pages to redo are those that show
the event (``parts_showing``). Every other change (a new or deleted file, a date, a template,
a problem in the file) goes through the full build, which also reports problems.

The search index and the data exports of the preview follow: the index is the full build's
(as before), the exports are written after the browser has been told to reload.
``tests/test_live.py`` holds every live rebuild to the bytes of a clean build.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, replace
from pathlib import Path

import jinja2

from chronicle import urls
from chronicle.check import Index, check_notes, type_records
from chronicle.config import Config
from chronicle.derive import Facts
from chronicle.export import data_files
from chronicle.load import read_record
from chronicle.model import Chronology, Event, make_event
from chronicle.pipeline import Site
from chronicle.plan import Page, PlanKey, plan_part
from chronicle.render import make_environment, render_page
from chronicle.write import safe_relative

# The fields of an event that only the pages showing it display; a change to any other goes through a full build.
TEXT_FIELDS = frozenset({"title", "summary", "annotation", "date_note", "date_basis"})
EVENTS = "content/events/"
LISTING = "listing.html"


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
                                       after=new if s.after is old else s.after) for s in facts.silences[channel])
                for channel in old.channels}
    checks = tuple(replace(c, first=new if c.first is old else c.first, second=new if c.second is old else c.second)
                   for c in facts.claim_checks)
    passages = {source: tuple(replace(p, event=new) if p.event is old else p for p in facts.passages[source])
                for source in sources}
    return chronology, replace(facts, silences={**facts.silences, **silences}, claim_checks=checks,
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
    if problems or check_notes(typed):
        return None
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
    files = {urls.output_path(page.url): render_page(page, site.environment) for page in pages}
    written = write_changed(files, site.out_dir)
    site = replace(site, index={**site.index, "event": events}, chronology=chronology, facts=facts)
    return Edit(site, written)


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
