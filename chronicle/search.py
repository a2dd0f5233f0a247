"""Full-text search: Pagefind indexes the rendered pages at each build.

The pages to index are those whose ``<main>`` carries ``data-pagefind-body`` (events, actors,
channels, sources, the about page); Pagefind reads the language from ``<html lang="fr">``
and stems French words. It runs on the staging folder of the site once the pages are
written there, and writes its bundle into the folder's ``pagefind/``, swapped in with the
rest of the site, atomically.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import IO

# Determinism: Pagefind 1.5 writes its bundle byte for byte the same for the same pages found in
# the same order, except for filters (``data-pagefind-filter``), whose files come out in a random
# order: the site uses metadata (``data-pagefind-meta``) only, and tests/test_determinism.py checks
# builds are identical. The order is the folders' (``write.make_folders``).
BUNDLE = "pagefind"
BACKGROUND_NICENESS = 10  # added to serve's own for its background index (``yield_to_builds``); at most 19
MARKER = b"data-pagefind-body"
# Pagefind's ready-made interfaces: the site has its own search page, so they are not published.
UNUSED = ("pagefind-ui.", "pagefind-modular-ui.", "pagefind-component-ui.", "pagefind-highlight.")
# Pagefind's allocator (jemalloc) keeps freed memory for reuse and one arena per thread by default:
# one arena, returning freed pages at once, lowers its peak memory by a fifth for the same bundle.
ALLOCATOR = ("_RJEM_MALLOC_CONF", "narenas:1,dirty_decay_ms:0,muzzy_decay_ms:0")
# The files of a Pagefind 1.x bundle the site's search loads, by path in the bundle: nothing else it
# may write is published.
BUNDLE_FILE = re.compile(r"pagefind(?:-worker)?\.js|pagefind-entry\.json|wasm\.[a-z0-9_-]+\.pagefind"
                         r"|pagefind\.[A-Za-z0-9_-]+\.pf_meta|fragment/[A-Za-z0-9_-]+\.pf_fragment"
                         r"|index/[A-Za-z0-9_-]+\.pf_index|filter/[A-Za-z0-9_-]+\.pf_filter")
ANY_PAGE = "**/*.html"
PLAIN_PATH = re.compile(r"[A-Za-z0-9._/-]+")
INDEXED = re.compile(r"Indexed (\d+) pages?\b")


class SearchIndexError(RuntimeError):
    """Pagefind could not index the site."""


def search_glob(pages: Iterable[str]) -> str:
    """A Pagefind glob that finds ``pages`` and few other files: each path with its middle
    folders as ``*`` (``evenements/*/index.html``), all of them in one ``{a,b}``.

    Pagefind skips the pages without ``data-pagefind-body`` but reads them all the same: a
    quarter of the site's pages, and a quarter of its time. Any path with a character that
    means something in a glob falls back to every HTML file.
    """
    shapes = set()
    for path in pages:
        if not PLAIN_PATH.fullmatch(path):
            return ANY_PAGE
        parts = path.split("/")
        shapes.add("/".join([parts[0], *["*"] * (len(parts) - 2), parts[-1]]) if len(parts) > 2 else path)
    return next(iter(shapes)) if len(shapes) == 1 else "{" + ",".join(sorted(shapes)) + "}"


def glob_finds(glob: str, path: str) -> bool:
    """Whether Pagefind, given ``glob`` (made by ``search_glob``), reads the file at ``path``."""
    if glob == ANY_PAGE:
        return path.endswith(".html")
    parts = path.split("/")
    return any(len(shape) == len(parts) and all(want in ("*", part) for want, part in zip(shape, parts, strict=True))
               for shape in (text.split("/") for text in glob.strip("{}").split(",")))


@contextlib.contextmanager
def indexing(site: Path, glob: str, background: bool = False,
             started: Callable[[subprocess.Popen[bytes]], None] | None = None, into: Path | None = None,
             ) -> Iterator[Callable[[list[str]], list[str]]]:
    """Pagefind indexing the HTML files of ``site`` found by ``glob`` into ``site/pagefind/`` (or
    ``into/pagefind/``), in the background; the files it reads must all be written before, the others
    may be written meanwhile. ``started`` is given its process as soon as it runs.

    Yields ``finish(pages)``: wait for it, check that it indexed exactly ``pages`` (the searchable
    pages), and return the paths of the bundle's files under the folder it went into, sorted, without Pagefind's
    ready-made interfaces. If the block ends before, Pagefind is killed and waited for.

    Its own binary is run to completion (``python -I -m pagefind``, the PyPI package's entry): its
    Python service API could return before every file of the bundle was written. It runs isolated
    from the project (SECURITY.md): from an empty folder (Pagefind reads ``pagefind.yml`` from its
    working folder; ``python -m`` would import a ``pagefind/`` found there), with an isolated
    interpreter, no ``PAGEFIND_*`` variable, explicit options only, and writes its bundle into a
    folder of its own, from which only the files a bundle is made of are moved into the site.
    """
    into = into or site
    shutil.rmtree(into / BUNDLE, ignore_errors=True)  # from an attempt before (see ``index_folder``)
    work = Path(tempfile.mkdtemp(prefix=".pagefind-", dir=site.parent))  # beside the site: moved, not copied
    (work / "cwd").mkdir()
    command = [sys.executable, "-I", "-m", "pagefind", "--site", str(site.resolve()),
               "--output-path", str(work.resolve() / BUNDLE), "--glob", glob]
    environment = {name: value for name, value in os.environ.items() if not name.startswith("PAGEFIND_")}
    environment.setdefault(*ALLOCATOR)
    try:
        with tempfile.TemporaryFile() as stdout, tempfile.TemporaryFile() as stderr:  # files: it never waits on us
            try:
                process = subprocess.Popen(command, stdout=stdout, stderr=stderr, env=environment, cwd=work / "cwd",
                                           stdin=subprocess.DEVNULL)
            except OSError as error:
                raise SearchIndexError(f"Pagefind n'a pas pu indexer le site : {error}") from error
            if background:
                yield_to_builds(process.pid)
            with process:  # waited for on the way out
                try:
                    if started:
                        started(process)
                    yield lambda pages: finish_indexing(process, stdout, stderr, into, pages, work / BUNDLE)
                finally:
                    if process.poll() is None:
                        process.kill()
    finally:
        shutil.rmtree(work, ignore_errors=True)


def finish_indexing(process: subprocess.Popen[bytes], stdout: IO[bytes], stderr: IO[bytes], into: Path,
                    pages: list[str], bundle: Path) -> list[str]:
    """See ``indexing``: ``bundle`` is the folder Pagefind wrote into, moved into ``into/pagefind/``."""
    returncode = process.wait()
    output, errors = (read_all(file) for file in (stdout, stderr))
    counts = INDEXED.findall(output)
    if returncode != 0 or not counts:
        text = (errors or output).strip()[-500:] or f"exit code {returncode}"
        raise SearchIndexError(f"Pagefind n'a pas pu indexer le site : {text}")
    if int(counts[-1]) != len(pages):
        raise SearchIndexError(f"Pagefind a indexé {counts[-1]} pages sur {len(pages)}.")
    return publish_bundle(bundle, into)


def publish_bundle(bundle: Path, site: Path) -> list[str]:
    """Move the files of a search bundle found in ``bundle`` into ``site/pagefind/``: those named as
    Pagefind names the files the site's search loads (``BUNDLE_FILE``), regular files only, and
    nothing else; their paths under ``site``, sorted."""
    published = []
    for folder, folders, files in os.walk(bundle):  # never follows a link
        folders.sort()
        for name in sorted(files):
            path = Path(folder) / name
            relative = path.relative_to(bundle).as_posix()
            if BUNDLE_FILE.fullmatch(relative) and not name.startswith(UNUSED) and path.is_file() \
                    and not path.is_symlink():
                target = site / BUNDLE / relative
                target.parent.mkdir(parents=True, exist_ok=True)
                os.rename(path, target)
                published.append(f"{BUNDLE}/{relative}")
    return sorted(published)


def read_all(file: IO[bytes]) -> str:
    """All that was written to ``file``."""
    file.seek(0)
    return file.read().decode("utf-8", errors="replace")


def marked_pages(site: Path) -> list[str]:
    """The HTML files under ``site`` that carry Pagefind's marker, by path, sorted."""
    return sorted(path.relative_to(site).as_posix() for path in site.rglob("*.html") if MARKER in path.read_bytes())


def yield_to_builds(pid: int) -> None:
    """Let the process ``pid`` (Pagefind, just started) give way to others for the processor: ``serve``'s
    background index, which on 2 cores slowed the edits saved while it ran. ``python -m pagefind``
    execs its binary in the same process, which starts its threads later: they inherit the priority."""
    with contextlib.suppress(OSError, AttributeError):  # no setpriority (Windows): as fast as any other process
        os.setpriority(os.PRIO_PROCESS, pid, background_niceness())


def background_niceness() -> int:
    """The niceness of a process that gives way to this one (the highest there is: 19)."""
    return min(os.getpriority(os.PRIO_PROCESS, 0) + BACKGROUND_NICENESS, 19)


def index_folder(site: Path, pages: list[str], background: bool = False,
                 started: Callable[[subprocess.Popen[bytes]], None] | None = None, into: Path | None = None,
                 ) -> list[str]:
    """Index ``pages`` (the searchable pages, by path under ``site``, all written) into ``site/pagefind/``
    (or ``into/pagefind/``); the paths of the bundle's files under that folder, sorted. ``started`` is
    given Pagefind's process as soon as it runs (``serve`` kills the one it no longer needs).

    Pagefind derives each result's URL from the file's path: ``evenements/x/index.html`` ->
    ``/evenements/x/``. Every searchable page must be indexed, or the build fails.
    """
    if not pages:
        raise SearchIndexError("Pagefind n'a pas pu indexer le site : aucune page n'est marquée pour la recherche.")
    with indexing(site, search_glob(pages), background, started, into) as finish:
        return finish(pages)
