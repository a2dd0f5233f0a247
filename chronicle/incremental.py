"""The one incremental path: after any edit, the stages of a clean build run again, fed less work.

Every edit (an event's texts or date, a new, deleted or renamed record, an actor, a channel,
a source, a claim, ``site.yaml``, a template) goes the same way, through the very functions of
a clean build (``pipeline.plan_content``), so its problems are a clean check's by construction:

- load, check, model, derive: the pure functions of one record (parse its bytes, type it, find its
  quotes...) give back the last run's results for the same inputs (``chronicle.memo``); the rest runs;
- plan: only the parts of the site whose reads changed (``chronicle.reads``: each part's reads of
  the model, the facts and the settings are recorded, and compared once with the new ones);
- render: only the pages whose plan differs from the last run's (a part not planned again keeps its
  very pages: only the others are compared) (the same templates, the same actors' spellings and an
  equal context give the same bytes); every searchable page when an actor's spellings changed (each
  hides those of the actors its text names: ``render.render_page``); every page when a template
  changed (``Edit.full``); the command line renders every page as a clean build does, on every core,
  when most changed (``Edit.most``), ``serve`` shows them first whatever their number;
- write: those pages and the other files whose bytes changed; the files no longer planned removed.

``serve`` keeps the stages in memory (``Stages``); the command line saves them in
``.chronicle-cache/`` (``chronicle.saved``). ``tests/test_incremental.py`` holds the outcome of any
sequence of edits to a clean build's bytes and problems.
"""

from __future__ import annotations

import gc
from collections.abc import Iterable
from contextlib import closing, suppress
from dataclasses import dataclass, replace
from pathlib import Path

from chronicle import render
from chronicle.cache import tree_fingerprint
from chronicle.export import data_files
from chronicle.memo import Memo
from chronicle.pipeline import Plan, Site, plan_content, site_paths, write_into
from chronicle.plan import Page
from chronicle.render import PARALLEL_MIN, Actors, make_environment, render_stream
from chronicle.replan import Trace
from chronicle.search import BUNDLE, MARKER
from chronicle.write import SITE_MARKER, replace_changed, safe_relative, staged_site

FULL_SHARE = 0.25  # past this share of the pages (and ``render.PARALLEL_MIN``), the command line renders them all


@dataclass(frozen=True)
class Stages:
    """What the last good run left, for the next to start from: the files it parsed, the pages it
    planned (as written in the output folder), every file it wrote, and its search index's pages."""

    templates: str                 # ``templates_fingerprint`` of the templates the pages were rendered with
    actors: Actors                 # and the actors' spellings (``render.render_page``)
    parsed: Memo                   # what its stages remembered (``chronicle.memo``)
    pages: dict[str, Page]         # by path under the output folder
    paths: frozenset[str]          # every file of the output folder but the search bundle's
    searchable: frozenset[str]     # the pages in the search index (empty when it was carried over)
    trace: Trace | None = None     # what each part of the plan read (``chronicle.reads``): None, plan all
    saved: bool = False            # its pages keep only what the next plan reads (``saved.SavedPage``): none
                                   # is rendered again unless its part is planned again


@dataclass(frozen=True)
class Edit:
    """The stages run again after an edit, nothing written yet: the plan, and what to render of it."""

    plan: Plan
    parsed: Memo
    templates: str
    pages: dict[str, Page]         # every page, by path
    others: dict[str, bytes]       # ``pipeline.other_files``
    data: list[str]                # the data files' paths
    changed: list[str] | None      # the paths of the pages to render again; None: every page (``full``)

    @property
    def full(self) -> bool:
        """Whether every page is rendered again, as a clean build does (the templates changed, or no page
        could be rendered alone)."""
        return self.changed is None

    def most(self) -> bool:
        """Whether it renders again every page or most of them (past ``FULL_SHARE``): the command line then
        renders them all on every core, as a clean build does (``serve`` shows an edit before its pages are
        written, however many)."""
        changed = self.changed
        return changed is None or (len(changed) >= PARALLEL_MIN and len(changed) > FULL_SHARE * len(self.pages))

    def paths(self) -> frozenset[str]:
        """Every file of the site it makes, but the search bundle's."""
        return frozenset({*self.pages, *self.others, *self.data, SITE_MARKER})

    def stages(self, searchable: frozenset[str]) -> Stages:
        """The stages to start the next edit from, once this one is written."""
        return Stages(self.templates, self.plan.facts.spellings, self.parsed, self.pages, self.paths(), searchable,
                      self.plan.trace)


def templates_fingerprint(root: Path) -> str:
    """A digest of the names and bytes of ``templates/`` (a change to any renders every page again)."""
    return tree_fingerprint([root / "templates"])


def plan_edit(stages: Stages | None, root: Path, base_url: str | None) -> Edit:
    """Run the stages up to the plan again and compare its pages with those of ``stages`` (every searchable
    page changes with an actor's spellings: ``render.render_page``); raises ContentError with every
    problem, as a clean build does."""
    enabled = gc.isenabled()
    # The collector paused while the stages run (on in ``serve``): what they make either lives until the
    # next edit (frozen below) or has no cycle (none found after the bench's four edits: ``gc.collect()``
    # before the freeze found 0 objects, and tests/test_incremental.py holds it); with it on, a full
    # collection of the edit's young objects fell on nearly every edit (18 in 20). ``plan_edit`` at 10,000
    # events, CPU, medians of 4 rounds: 0.31-0.34 s with the collector on, 0.26-0.30 s paused.
    gc.disable()
    try:
        edit = planned_edit(stages, root, base_url)
        # What the stages leave lives until the next edit (~900,000 objects at 10,000 events): frozen, the
        # collector no longer walks it. ``plan_edit`` at 10,000 events, 12 edits (text, date, new, deleted,
        # x3), CPU: 11.6 s with, 16.1 s without, where a full collection (~1.1 s) fell on 4 of the 12; the
        # frozen count stayed at 911,000 +- 0.1 % (nothing kept that should have gone).
        gc.freeze()
    finally:
        if enabled:
            gc.enable()
    if stages is None or stages.templates != edit.templates:
        return edit
    respelled = stages.actors != edit.plan.facts.spellings  # every searchable page may hide other spellings
    if respelled and stages.saved:
        return edit  # its searchable pages cannot be rendered unless planned again: every page is
    changed = [path for path, page in edit.pages.items()
               if (respelled and page.context.get("search_type"))
               or ((old := stages.pages.get(path)) is not page and old != page)]  # the very page: not compared
    return replace(edit, changed=changed)


def planned_edit(stages: Stages | None, root: Path, base_url: str | None) -> Edit:
    """``plan_edit`` up to the ``Edit`` that renders every page (the comparison with ``stages`` left out)."""
    templates = templates_fingerprint(root)  # before anything is read: an edit meanwhile is seen next time
    parsed = Memo(stages.parsed if stages else None)
    plan = plan_content(root, base_url, parsed, traced=True, previous=stages.trace if stages else None)
    parsed.settle()
    return edit_of(plan, root, parsed, templates)


def edit_of(plan: Plan, root: Path, parsed: Memo, templates: str) -> Edit:
    """The ``Edit`` that renders every page of ``plan`` (``parsed`` and ``templates``: what it was made from)."""
    placed, others, data = site_paths(plan, root)
    return Edit(plan, parsed, templates, {path: page for page, path in placed}, others, data, None)


def write_full(edit: Edit, root: Path, out_dir: Path, reuse_search: bool,
               memo: Memo | None = None) -> tuple[Site, Stages]:
    """Write the whole site of ``edit`` as a clean build does (a staging folder swapped in); the site and
    the next stages. ``memo`` remembers each event's share of the data files (``export.data_files``)."""
    from chronicle.pipeline import permanent_urls
    from chronicle.write import SiteFiles

    with staged_site(out_dir) as folder:
        written = write_into(edit.plan, root, folder, out_dir if reuse_search else None, memo)
    site = Site(SiteFiles(out_dir, written.paths), permanent_urls(edit.plan.pages), edit.plan,
                tuple(written.searchable))
    return site, edit.stages(frozenset(written.searchable))


def write_edit(edit: Edit, stages: Stages, folder: Path, with_data: bool = True) -> tuple[list[str], Stages]:
    """Write into ``folder`` (the site of ``stages``) the pages of ``edit`` to render again, the other
    files whose bytes changed and, ``with_data``, the data files; remove the files no longer planned.
    The paths rewritten or removed, and the next stages."""
    assert edit.changed is not None
    environment = make_environment(edit.plan.config.root / "templates")
    pages = [edit.pages[path] for path in edit.changed]
    workers = render.worker_count(len(pages))
    with closing(render_stream(pages, environment, edit.plan.facts.spellings, workers)) as rendered:
        written, marked = write_rendered(rendered, folder)
    written += write_changed(edit.others, folder)
    if with_data:
        plan = edit.plan
        written += write_changed(data_files(plan.chronology, plan.facts, plan.config, edit.parsed), folder)
    gone = sorted(stages.paths - edit.paths())
    remove_files(gone, folder)
    marked |= {path for path, body in edit.others.items() if path.endswith(".html") and MARKER in body}
    searchable = (stages.searchable - set(gone) - set(edit.changed) - set(edit.others)) | marked
    return written + gone, edit.stages(frozenset(searchable))


def write_others(edit: Edit, stages: Stages, folder: Path) -> tuple[list[str], Stages]:
    """``write_edit`` but for the pages, left to the caller (``serve`` renders them on demand or in the
    background): the other files whose bytes changed written, the files no longer planned removed.
    The paths rewritten or removed, and the next stages, without a search index (``serve`` carries
    its own over)."""
    assert edit.changed is not None
    gone = sorted(stages.paths - edit.paths())
    remove_files(gone, folder)
    return write_changed(edit.others, folder) + gone, edit.stages(frozenset())


def write_rendered(rendered: Iterable[tuple[str, bytes]], folder: Path) -> tuple[list[str], set[str]]:
    """Write the pages ``rendered`` yields whose bytes differ from those in ``folder``, as ``write_changed``;
    the paths written, and those of every page rendered that carries Pagefind's marker."""
    written, marked = [], set()
    for path, body in rendered:
        if replace_changed(folder, path, body):
            written.append(path)
        if path.endswith(".html") and MARKER in body:
            marked.add(path)
    return written, marked


def write_changed(files: dict[str, bytes], out_dir: Path) -> list[str]:
    """Write the files of ``files`` whose bytes differ from those in ``out_dir``, each atomically
    (``write.replace_file``: a file of the folder may be a hard link to the served site's); their paths."""
    return [path for path, data in sorted(files.items()) if replace_changed(out_dir, path, data)]


def remove_files(paths: list[str], out_dir: Path) -> None:
    """Remove the files ``paths`` from ``out_dir``, then the folders that this leaves empty."""
    folders: set[Path] = set()
    for path in paths:
        if path.startswith(f"{BUNDLE}/"):
            continue
        target = out_dir.joinpath(*safe_relative(path).parts)
        target.unlink(missing_ok=True)
        folders.update(parent for parent in target.parents if parent != out_dir and out_dir in parent.parents)
    for folder in sorted(folders, key=lambda path: len(path.parts), reverse=True):
        with suppress(OSError):  # not empty: something else is planned there
            folder.rmdir()
