"""``build.py serve``: build, serve ``site/`` on 127.0.0.1, rebuild and reload on every change.

The served pages get a few lines of script that wait for the next build and reload the
page. While the content has problems, every page shows them instead of a stale site; the
next good edit brings the site back.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from contextlib import nullcontext
from pathlib import Path

import jinja2

from chronicle.export import data_files
from chronicle.incremental import Edit, Stages, plan_edit, write_changed, write_full, write_others
from chronicle.memo import Memo
from chronicle.pending import PendingPages
from chronicle.pipeline import Plan
from chronicle.plan import Page
from chronicle.preview import open_server
from chronicle.problems import ContentError, Problem, counted, printable
from chronicle.render import make_environment
from chronicle.search import BUNDLE, SearchIndexError, index_folder, marked_pages
from chronicle.write import SEARCH_STAGING, beside, interruptions_unwind

WATCHED = ("content", "templates", "static", "schema")
EXPORTS_PAUSE = 1.0   # seconds
SEARCH_PAUSE = 2.0    # seconds without a build before the preview's search index is made again
WATCH_TICK = 200      # ms: how often the watcher checks that it should stop
WATCH_RETRY = (0.5, 1.0, 2.0, 4.0)  # seconds before the watcher is started again, after each failure in a row
RELEASE_PAUSE = 0.5  # seconds after an edit is shown before the stages it replaced are let go (``release_later``)
def restarted(timer: threading.Timer | None, seconds: float, action: Callable[[], None]) -> threading.Timer:
    """A timer calling ``action`` in ``seconds`` (a daemon: it never holds ``serve`` back), ``timer`` cancelled."""
    if timer:
        timer.cancel()
    timer = threading.Timer(seconds, action)
    timer.daemon = True
    timer.start()
    return timer


class PendingExports:
    """The data files of the last edit: written once the editor pauses, or as soon as one is asked for.

    They cover the whole chronology (a second at 10,000 events): writing them after each save
    would slow the pages the browser is reloading.
    """

    def __init__(self, out_dir: Path) -> None:
        self.out_dir = out_dir
        self.lock = threading.Lock()
        self.plan: Plan | None = None
        self.timer: threading.Timer | None = None
        self.memo: Memo | None = None
        self.written: dict[str, bytes] = {}  # the files the last flush wrote or found there, as they are since

    def defer(self, plan: Plan) -> None:
        """Write ``plan``'s data files after ``EXPORTS_PAUSE`` seconds without another edit."""
        with self.lock:
            self.plan = plan
            self.timer = restarted(self.timer, EXPORTS_PAUSE, self.flush)

    def flush(self) -> None:
        """Write the pending data files now, if any."""
        with self.lock:
            plan, self.plan = self.plan, None
            if plan is not None:
                memo = Memo(self.memo)  # each event's share of the files, remembered from the last time
                files = data_files(plan.chronology, plan.facts, plan.config, memo)
                write_changed(unwritten(files, self.written, self.out_dir), self.out_dir)
                self.memo, self.written = memo, files

    def made(self, memo: Memo) -> None:
        """Forget them: a full build wrote its own, remembered by ``memo`` (once any write under way is over).
        Without it, the first flush after ``serve``'s first build made every file again: 2 s of CPU at
        10,000 events, which an edit saved meanwhile shared the interpreter with."""
        with self.lock:
            self.plan, self.written, self.memo = None, {}, memo


def unwritten(files: dict[str, bytes], written: dict[str, bytes], out_dir: Path) -> dict[str, bytes]:
    """The ``files`` that may differ from ``out_dir``'s: all but those whose bytes are the very object
    ``written`` there last (the memo gives an unchanged event's files back as they were) and still
    there (an edit removes a deleted event's). Reading back 20,000 files to compare them cost 0.28 s of
    CPU at 10,000 events; this (the whole documents still read back), 0.05 s."""
    folder = f"{out_dir}{os.sep}"
    return {path: data for path, data in files.items()
            if written.get(path) is not data or not os.path.exists(folder + path)}


class PendingSearch:
    """The preview's search index, made again once the editor pauses.

    Builds after the first carry the search index over (Pagefind takes seconds on a large
    chronology), so search in the preview lags behind the edits. Once no build came for
    ``SEARCH_PAUSE`` seconds, Pagefind indexes the served site into a folder beside it
    (``.site.search-*``); its bundle replaces the served one unless a build came meanwhile. A build
    that starts stops it (``interrupt``): it would index the site being replaced, on both cores the
    edit's plan needs; it is made again at the next pause.
    """

    def __init__(self, out_dir: Path, state: BuildState) -> None:
        self.out_dir = out_dir
        self.state = state
        self.lock = threading.Lock()
        self.running = threading.Lock()  # one at a time: each sweeps the folders left by a stopped one
        self.timer: threading.Timer | None = None
        self.process: subprocess.Popen[bytes] | None = None  # Pagefind, while it indexes
        self.interruptions = 0  # the builds started so far: an index begun before the last is of an old site
        self.closed = False

    def defer(self) -> None:
        """Make the index again after ``SEARCH_PAUSE`` seconds without another build."""
        with self.lock:
            if not self.closed:
                self.timer = restarted(self.timer, SEARCH_PAUSE, self.refresh)

    def interrupt(self) -> None:
        """A build starts: the index under way, if any, is stopped (Pagefind killed)."""
        with self.lock:
            self.interruptions += 1
            if self.process is not None:
                self.process.kill()

    def close(self) -> None:
        """``serve`` stops: no index is made any more, the one under way is stopped and its folder removed."""
        with self.lock:
            self.closed = True
            if self.timer:
                self.timer.cancel()
        self.interrupt()
        with self.running:  # the one under way has cleaned up
            pass

    def refresh(self) -> None:
        """Index the served site; swap its bundle in if the site is still the one indexed."""
        out = self.out_dir
        with self.running:  # a killed ``serve``'s folders are swept as the next one starts (``write.recover_output``)
            staging: Path | None = None
            try:
                with self.state.building:
                    version = self.state.version
                    with self.lock:
                        seen = self.interruptions
                        if self.closed:
                            return
                    if self.state.problems or not (out / BUNDLE).is_dir():
                        return
                    if self.state.pending and not self.state.pending.finished():
                        self.defer()  # pages still being written: indexed once they are
                        return
                # Pagefind reads the served pages themselves: every build replaces a page whole (renamed
                # into place) and stops this first (``interrupt``); a bundle made while one came is dropped
                # (below, under the lock). It used to index a hard-linked copy: 1.6 s of CPU to link it and
                # 2 s to remove it at 10,000 events, in ``serve``'s interpreter, beside the edits' plans.
                staging = beside(out, SEARCH_STAGING)
                index_folder(out, marked_pages(out), background=True, into=staging,
                             started=lambda process: self.started(process, seen))
                with self.state.building:
                    if self.state.version != version:
                        return
                    os.rename(out / BUNDLE, staging / "replaced")
                    try:
                        os.rename(staging / BUNDLE, out / BUNDLE)
                    except OSError:
                        os.rename(staging / "replaced", out / BUNDLE)
                        raise
                outcome = "Index de recherche de l'aperçu mis à jour."
            except (SearchIndexError, OSError) as error:
                if self.interruptions != seen:  # stopped by a build (or by ``close``, which interrupts too)
                    self.defer()  # for the site of that build (nothing once closed)
                    return
                outcome = f"L'index de recherche de l'aperçu n'a pas pu être refait ({error}) ; il reste le précédent."
            finally:
                with self.lock:
                    self.process = None
                if staging is not None:
                    shutil.rmtree(staging, ignore_errors=True)
            say(outcome)  # once the folder is gone: the line tells that all is done

    def started(self, process: subprocess.Popen[bytes], seen: int) -> None:
        """Pagefind runs as ``process``, for the site as it was after ``seen`` interruptions: killed at
        once if a build started since (or ``serve`` stopped: ``close`` interrupts)."""
        with self.lock:
            self.process = process
            if self.interruptions != seen:
                process.kill()


class BuildState:
    """The latest build's outcome, and a condition to wait for the next one."""

    def __init__(self) -> None:
        self.version = 0
        self.problems: list[Problem] = []
        self.stages: Stages | None = None  # what the last good build made (and site/ holds), for the next edit
        self.exports: PendingExports | None = None
        self.search: PendingSearch | None = None  # set once a build carried the search index over
        self.changed = threading.Condition()
        self.building = threading.Lock()  # one build at a time: the first one and the watcher's
        self.unwatched: Problem | None = None  # why edits are not followed (the watcher failed), shown on every page
        self.pending: PendingPages | None = None  # the last edit's pages not written yet (``chronicle.pending``)
        self.writing = threading.Lock()  # held by whoever writes one of those pages
        self.environment: tuple[str, jinja2.Environment] | None = None  # by the templates' fingerprint

    def close(self) -> None:
        """``serve`` stops: nothing runs behind it once this returns (no worker, no Pagefind, no folder
        of theirs left beside the site)."""
        self.stop_pending()
        pending = self.pending
        if pending is not None:
            pending.done.wait(timeout=10)  # its workers are killed as soon as it sees it superseded
        if self.search:
            self.search.close()

    def stop_pending(self) -> dict[str, Page] | None:
        """Supersede the last edit's pending pages: nothing more of them is written, though they are still
        rendered when asked for until the next edit is in place (its files on disk are older still). The
        pages it left unwritten (none if nothing is pending), or None when its background failed."""
        return self.pending.cancel() if self.pending else {}

    def settle(self) -> None:
        """Wait until the last edit's pages are all written (or its background stopped)."""
        pending = self.pending
        if pending is not None:
            pending.done.wait()

    def templates(self, root: Path, fingerprint: str) -> jinja2.Environment:
        """The Jinja environment of the templates whose fingerprint is ``fingerprint``, made once for them."""
        if self.environment is None or self.environment[0] != fingerprint:
            self.environment = (fingerprint, make_environment(root / "templates"))
        return self.environment[1]

    def publish(self, problems: list[Problem]) -> None:
        """Record a build's outcome (with the watcher's failure, if any) and wake every waiting page."""
        with self.changed:
            self.version += 1
            self.problems = sorted([*problems, self.unwatched]) if self.unwatched else problems
            self.changed.notify_all()

    def wait(self, seen: int, timeout: float = 25.0) -> int:
        """The current version, once it differs from ``seen`` (or after ``timeout``)."""
        with self.changed:
            self.changed.wait_for(lambda: self.version != seen, timeout=timeout)
            return self.version


def release_later(stages: Stages | None) -> None:
    """Let ``stages`` (those an edit replaced) go ``RELEASE_PAUSE`` seconds on, in a thread of its own: freeing
    them costs 0.02-0.06 s of CPU at 10,000 events (0.2 s after a full build), which held the interpreter just
    as the browser, told of the edit, asked for the page (the home page waited 0.09 s after the first edit)."""
    if stages is not None:
        held = [stages]
        timer = threading.Timer(RELEASE_PAUSE, held.clear)
        timer.daemon = True
        timer.start()


def say(message: str) -> None:
    """A line on the terminal, where the editor watches the builds (values in it cannot break it: ``printable``)."""
    print(printable(message), file=sys.stderr, flush=True)


def seconds(started: float) -> str:
    """The time since ``started``, the French way: "0,12"."""
    return f"{time.perf_counter() - started:.2f}".replace(".", ",")


def search_lags(state: BuildState, out_dir: Path) -> None:
    """The build carried the search index over: make it again once the editor pauses."""
    state.search = state.search or PendingSearch(out_dir, state)
    state.search.defer()


def rebuild(root: Path, out_dir: Path, state: BuildState, base_url: str | None = None,
            changed: set[Path] | None = None) -> None:
    """Build once and publish the outcome; a failed build leaves ``site/`` as it was.

    Every build runs the stages of a clean build (``chronicle.incremental``). After the first, the
    edit is published as soon as the plan says which pages changed: those are then written in the
    background, and one the browser asks for before is rendered on demand (``chronicle.pending``);
    the data files are written once the editor pauses (``PendingExports``), and the search index is
    carried over, then made again in the background (``PendingSearch``): Pagefind takes seconds on
    a large chronology. ``changed`` (the files the watcher saw) is not needed: the stages find what
    changed.
    """
    with state.building:
        started = time.perf_counter()
        if state.search:
            state.search.interrupt()  # it would index the site this build replaces, on the cores the plan needs
        stages, state.stages = state.stages, None  # until site/ is known to hold the next ones
        try:
            with state.pending.held() if state.pending else nullcontext():  # the last edit's pages wait
                edit = plan_edit(stages, root, base_url)  # shown first, however many pages changed
            left = state.stop_pending()  # superseded: nothing more of the last edit is written
            if stages is None or edit.full or left is None:
                write_all(edit, root, out_dir, state, started, reuse_search=state.version > 0)
            else:
                write_partly(edit, stages, left, out_dir, state, started)
            release_later(stages)
        except ContentError as error:
            state.stages = stages  # nothing was written: site/ holds them (or will, its pending pages written)
            for problem in error.problems:
                print(problem.format(), file=sys.stderr)
            shows = "les affiche" if len(error.problems) > 1 else "l'affiche"
            print(f"{counted(len(error.problems), 'problème')} ; le navigateur {shows}.", file=sys.stderr, flush=True)
            state.publish(error.problems)
        except Exception as error:  # a bug (ours or a template's): shown, and the watcher goes on
            state.publish([internal_error(error)])


def internal_error(error: Exception) -> Problem:
    """The problem shown on every page (and on the terminal) for a bug, ours or a template's."""
    problem = Problem("chronicle", 0, 0, "", f"erreur interne ({type(error).__name__} : {error}).",
                      "Signalez-la aux mainteneurs avec la dernière modification faite.")
    print(problem.format(), file=sys.stderr, flush=True)
    return problem


def write_all(edit: Edit, root: Path, out_dir: Path, state: BuildState, started: float, reuse_search: bool) -> None:
    """Write every page of ``edit`` as a clean build does, and publish it."""
    memo = Memo()  # each event's share of the data files, for the next edits' (``PendingExports``)
    site, state.stages = write_full(edit, root, out_dir, reuse_search, memo)
    state.exports = state.exports or PendingExports(out_dir)
    state.exports.made(memo)  # written with the site
    state.pending = None  # every page written
    say(f"Reconstruit : {len(site.files)} fichiers en {seconds(started)} s.")
    state.publish([])
    environment = state.templates(root, edit.templates)  # made and compiled now, not as the next edit is shown
    for name in environment.list_templates():
        environment.get_template(name)
    if edit.plan.trace is not None:
        edit.plan.trace.readers()  # likewise (0.1 s at 10,000 events)
    if reuse_search:
        search_lags(state, out_dir)


def write_partly(edit: Edit, stages: Stages, left: dict[str, Page], out_dir: Path, state: BuildState,
                 started: float) -> None:
    """Publish ``edit`` once its other files are written and the files it no longer plans removed; its
    changed pages (with those the last edit left unwritten) written in the background, or on demand;
    the data files deferred."""
    assert edit.changed is not None
    changed = sorted({*edit.changed, *(path for path in left if path in edit.pages)})
    with state.writing:
        _, state.stages = write_others(edit, stages, out_dir)
    environment = state.templates(root_of(edit), edit.templates)
    pending = PendingPages({path: edit.pages[path] for path in changed}, environment, edit.plan.facts.spellings,
                           out_dir, state.writing, lambda error: state.publish([internal_error(error)]))
    state.pending = pending
    say(f"Affiché : {counted(len(changed), 'page')} à réécrire, en {seconds(started)} s.")
    state.publish([])
    pending.start()
    threading.Thread(target=said_once_written, args=(pending, len(changed), started), daemon=True).start()
    state.exports = state.exports or PendingExports(out_dir)
    state.exports.defer(edit.plan)
    search_lags(state, out_dir)


def root_of(edit: Edit) -> Path:
    """The project ``edit`` was planned from."""
    return edit.plan.config.root


def said_once_written(pending: PendingPages, count: int, started: float) -> None:
    """Say on the terminal when the pages of an edit are all written (unless it was superseded)."""
    pending.done.wait()
    if not pending.cancelled and not pending.broken:
        say(f"Reconstruit : {counted(count, 'page')} réécrite{'s' if count > 1 else ''} en {seconds(started)} s.")


def watch(root: Path, out_dir: Path, state: BuildState, stop: threading.Event, ready: threading.Event,
          base_url: str | None) -> None:
    """Rebuild whenever a file under content/, templates/, static/ or schema/ changes.

    ``ready`` is set once the watcher is in place (its first yield, after at most
    ``WATCH_TICK`` ms), so that no save made after ``serve`` says it is ready goes unseen.
    A watcher that fails (a link to ``/`` under content/: watchfiles walks into it as it
    starts, and gives up on the first folder it may not read) is said on every page and
    started again, less often each time (``WATCH_RETRY``); once it starts, the site is built
    again, and the pages come back.
    """
    failures = 0
    while not stop.is_set():
        try:
            watch_once(root, out_dir, state, stop, ready, base_url)
            return  # stopped
        except Exception as error:  # watchfiles' errors are of many kinds (OSError, RuntimeError…)
            failures += 1
            unwatched(root, out_dir, state, base_url, error, build=failures == 1)
            ready.set()  # a watcher that failed to start must not hold serve back
        stop.wait(WATCH_RETRY[min(failures, len(WATCH_RETRY)) - 1])


def watch_once(root: Path, out_dir: Path, state: BuildState, stop: threading.Event, ready: threading.Event,
               base_url: str | None) -> None:
    """``watch``, until stopped or until the watcher fails."""
    from watchfiles import watch as watch_files

    folders = [str(root / name) for name in WATCHED if (root / name).is_dir()]
    for changes in watch_files(*folders, stop_event=stop, debounce=50, step=20, rust_timeout=WATCH_TICK,
                               yield_on_timeout=True):
        ready.set()
        if state.unwatched:  # started again: whatever changed meanwhile is built
            say("Surveillance des fichiers rétablie.")
            state.unwatched = None
            rebuild(root, out_dir, state, base_url)
        if changes:
            rebuild(root, out_dir, state, base_url, {Path(path) for _, path in changes})


def unwatched(root: Path, out_dir: Path, state: BuildState, base_url: str | None, error: Exception,
              build: bool) -> None:
    """Say on every page (and on the terminal) that edits are no longer followed, and why; if ``build``
    (its first failure in a row), build the site as it now stands, whose problems (a link refused) say
    what to fix."""
    text = printable(f"{type(error).__name__} : {error}"[:300])
    state.unwatched = Problem("chronicle", 0, 0, "", f"la surveillance des fichiers s'est arrêtée ({text}) : "
                              "les modifications ne sont plus suivies.",
                              "Corrigez le problème signalé (un lien symbolique vers un dossier, souvent) : elle "
                              "reprend d'elle-même, et cette page se rechargera.")
    if build:
        say(state.unwatched.format())
        rebuild(root, out_dir, state, base_url)


def serve(root: Path, out_dir: Path, port: int, open_browser: bool = False, base_url: str | None = None) -> int:
    """Serve until interrupted; returns the exit code."""
    state = BuildState()
    stop, ready = threading.Event(), threading.Event()
    threading.Thread(target=watch, args=(root, out_dir, state, stop, ready, base_url), daemon=True).start()
    ready.wait(timeout=30)  # watching before the first build: a save made during it is rebuilt after
    rebuild(root, out_dir, state, base_url)
    out_dir.mkdir(parents=True, exist_ok=True)
    server = open_server(out_dir, port, state)
    if server is None:
        stop.set()
        return 2
    address = f"http://127.0.0.1:{server.server_address[1]}/"
    print(f"Site servi sur {address} (Ctrl+C pour arrêter).", flush=True)
    if open_browser:
        import webbrowser

        webbrowser.open(address)
    with interruptions_unwind():  # SIGTERM (a process manager, ``timeout``) stops it as Ctrl+C does
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            pass
        finally:
            stop.set()
            server.server_close()
            state.close()
    return 0
