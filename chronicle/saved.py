"""The command line's stages, saved in ``.chronicle-cache/`` for the next build to start from.

A build pickles its ``incremental.Stages`` while Pagefind indexes (``pickle_stages``), then, once
the site is in place, seals them behind a header line saying for which settings and which output
they hold (``seal_stages``). The next build reads the header first and unpickles only when both
match (``read_stages``): the output's fingerprint holds the output folder's inode and times, which
a state file committed by someone else cannot know (SECURITY.md). Whatever is odd means "build in
full", never a crash.
"""

from __future__ import annotations

import json
import os
import pickle
import shutil
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, BinaryIO

from chronicle.cache import open_cached, output_fingerprint, remove_cached, write_cached
from chronicle.export import data_files
from chronicle.incremental import Edit, Stages, write_changed, write_edit
from chronicle.plan import Page
from chronicle.write import link_tree, staged_site

MAX_HEADER = 100_000  # bytes of the saved state's first line (a few hundred in practice)
SAVED_STATE = "stages.pickle"  # in .chronicle-cache/ (``cache.CACHE_DIR``)


@dataclass(frozen=True)
class SavedPage(Page):
    """A page as the saved stages keep it: its URL, its template and, of its context, only what the next
    edit reads of a page it does not plan again (``KEPT``). Never equal to a planned ``Page`` (another
    class): the pages of a part planned again are all rendered again, and only those whose bytes differ
    from the files in place are written (``incremental.write_changed``)."""


# What the site's other files read of every page, planned again or not: the sitemap a page's date
# (``plan.sitemap``), ``_redirects`` a redirect's target (``pipeline.redirect_rules``), and whether the
# plan makes it searchable (``pipeline.foreseen_searchable``). The rest of a context (~17 KB, 100 objects
# a page) is a third of the saved stages' bytes and 40 % of their objects, which pickle's memo holds
# at once: the peak of a clean build's memory (bench/README.md, "The saved state and memory").
KEPT = ("search_type", "target")


def saved_page(page: Page) -> SavedPage:
    """``page`` as the saved stages keep it (``SavedPage``)."""
    if isinstance(page, SavedPage):
        return page
    context: dict[str, Any] = {key: page.context[key] for key in KEPT if key in page.context}
    updated = (page.context.get("dates") or {}).get("updated")
    if updated is not None:
        context["dates"] = {"updated": updated}
    return SavedPage(page.url, page.template, context)


def slimmed(stages: Stages) -> Stages:
    """``stages`` with their pages as ``SavedPage`` in the pages and in the trace's parts alike (one object
    for both, as before: the parts not planned again give the next plan the very pages of the next state)."""
    saved: dict[int, SavedPage] = {}

    def slim(page: Page) -> SavedPage:
        found = saved.get(id(page))
        if found is None:
            found = saved[id(page)] = saved_page(page)
        return found

    pages = {path: slim(page) for path, page in stages.pages.items()}
    trace = stages.trace
    if trace is not None:
        # without the timelines drawn (``Chronology.figures``): the pages that show them are saved without them
        trace = replace(trace, parts={key: [slim(page) for page in part] for key, part in trace.parts.items()},
                        caches=replace(trace.caches, figures={}))
    return replace(stages, pages=pages, trace=trace, saved=True)


def pickled_name() -> str:
    """The name, in ``.chronicle-cache/``, under which this process pickles the stages before sealing
    them; a dot first, as every temporary the next build sweeps (``cache.sweep_cache``)."""
    return f".{SAVED_STATE}.{os.getpid()}.pickled"


def drop_pickled(root: Path) -> None:
    """Remove the stages this process pickled, if any (a build cut short)."""
    remove_cached(root, pickled_name())


def pickle_stages(root: Path, stages: Stages) -> str | None:
    """Saving ``stages`` for the next command-line build of ``root``, first part: pickled into a file of
    its own (streamed), before the output folder is in place; its name in the cache. Nothing if the
    search index was carried over rather than made (the next build could not index the same pages)."""
    if not stages.searchable:
        return None
    kept = slimmed(stages)

    def dump(file: BinaryIO) -> None:
        pickle.dump(kept, file, protocol=pickle.HIGHEST_PROTOCOL)

    # a read-only checkout, a full disk, an odd cache: the full build every time, slower, never wrong
    return pickled_name() if write_cached(root, pickled_name(), dump) else None


def seal_stages(root: Path, pickled: str | None, settings: str, out_dir: Path) -> None:
    """Saving the stages, second part, once ``out_dir`` is in place: the ``pickled`` stages behind a
    header line of the ``settings`` they were made with (``cache.Inputs.settings``, taken before the
    build read anything) and of the output, in place of the last ones."""
    if pickled is None:
        return
    header = {"settings": settings, "output": output_fingerprint(out_dir)}
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


def read_stages(root: Path, settings: str, output: str) -> Stages | None:
    """The stages the last command-line build saved, if saved with these ``settings`` for this
    ``output`` (``cache.output_fingerprint``) and readable. The header is compared before anything
    is unpickled."""
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
            stages = pickle.load(file)  # by ``build`` alone, which runs without the collector (``cli.main``)
    except Exception:  # absent, cut short, or of an older generator: the full build starts over
        return None
    return stages if isinstance(stages, Stages) else None


def write_saved_edit(edit: Edit, stages: Stages, root: Path, out_dir: Path, settings: str) -> list[str]:
    """The command line's edit: as a clean build, a new site written beside ``out_dir`` and swapped in
    whole, its files hard links to the current site's but those ``edit`` rewrites, the data files and
    the search index (Pagefind cannot update an index: it reads every searchable page again, while
    the data files are made and the next stages pickled). Should it fail or stop, ``out_dir`` and
    the saved stages are left as they were. The paths rewritten or removed.
    """
    from chronicle.search import BUNDLE, indexing, search_glob  # Pagefind is needed only to write

    try:
        with staged_site(out_dir) as folder:
            link_tree(out_dir, folder, skip=BUNDLE)
            written, new = write_edit(edit, stages, folder, with_data=False)
            searchable = sorted(new.searchable)
            with indexing(folder, search_glob(searchable)) as finish:
                plan = edit.plan
                written += write_changed(data_files(plan.chronology, plan.facts, plan.config, edit.parsed), folder)
                pickled = pickle_stages(root, new)  # while Pagefind indexes
                finish(searchable)
    except BaseException:
        drop_pickled(root)
        raise
    seal_stages(root, pickled, settings, out_dir)
    return written
