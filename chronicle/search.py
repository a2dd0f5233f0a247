"""Full-text search: Pagefind indexes the rendered pages at each build.

The pages to index are those whose ``<main>`` carries ``data-pagefind-body`` (events, actors,
channels, sources, the about page); Pagefind reads the language from ``<html lang="fr">``
and stems French words. It runs on the staging folder of the site once the pages are
written there, and writes its bundle into the folder's ``pagefind/``, swapped in with the
rest of the site, atomically.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Iterable
from pathlib import Path

# Determinism: Pagefind 1.5 writes its bundle byte for byte the same for the same pages found in
# the same order, except for filters (``data-pagefind-filter``), whose files come out in a random
# order: the site uses metadata (``data-pagefind-meta``) only, and tests/test_determinism.py checks
# builds are identical. The order is the folders' (``write.make_folders``).
BUNDLE = "pagefind"
MARKER = b"data-pagefind-body"
# Pagefind's ready-made interfaces: the site has its own search page, so they are not published.
UNUSED = ("pagefind-ui.", "pagefind-modular-ui.", "pagefind-component-ui.", "pagefind-highlight.")
# Pagefind's allocator (jemalloc) keeps freed memory for reuse and one arena per thread by default:
# one arena, returning freed pages at once, lowers its peak memory by a fifth for the same bundle.
ALLOCATOR = ("_RJEM_MALLOC_CONF", "narenas:1,dirty_decay_ms:0,muzzy_decay_ms:0")
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
            return "**/*.html"
        parts = path.split("/")
        shapes.add("/".join([parts[0], *["*"] * (len(parts) - 2), parts[-1]]) if len(parts) > 2 else path)
    return next(iter(shapes)) if len(shapes) == 1 else "{" + ",".join(sorted(shapes)) + "}"


def run_pagefind(site: Path, out: Path, glob: str) -> int:
    """Index the HTML files under ``site`` matching ``glob`` into ``out`` with Pagefind's own binary;
    the number of pages indexed.

    The binary is run to completion (``python -m pagefind``, the PyPI package's entry): its
    Python service API could return before every file of the bundle was written.
    """
    command = [sys.executable, "-m", "pagefind", "--site", str(site), "--output-path", str(out), "--glob", glob]
    environment = dict(os.environ)
    environment.setdefault(*ALLOCATOR)
    result = subprocess.run(command, capture_output=True, text=True, check=False, env=environment)
    counts = INDEXED.findall(result.stdout)
    if result.returncode != 0 or not counts:
        raise OSError((result.stderr or result.stdout).strip()[-500:] or f"exit code {result.returncode}")
    return int(counts[-1])


def index_folder(site: Path, pages: list[str]) -> list[str]:
    """Index ``pages`` (the searchable pages, by path under ``site``) into ``site/pagefind/``;
    the paths of the bundle's files under ``site``, sorted.

    Pagefind derives each result's URL from the file's path: ``evenements/x/index.html`` ->
    ``/evenements/x/``. Every searchable page must be indexed, or the build fails.
    """
    out = site / BUNDLE
    if not pages:
        raise SearchIndexError("Pagefind n'a pas pu indexer le site : aucune page n'est marquée pour la recherche.")
    try:
        count = run_pagefind(site, out, search_glob(pages))
    except (OSError, AssertionError) as error:
        raise SearchIndexError(f"Pagefind n'a pas pu indexer le site : {error}") from error
    if count != len(pages):
        raise SearchIndexError(f"Pagefind a indexé {count} pages sur {len(pages)}.")
    bundle = []
    for path in sorted(out.rglob("*")):
        if path.is_file() and path.name.startswith(UNUSED):
            path.unlink()
        elif path.is_file():
            bundle.append(path.relative_to(site).as_posix())
    return bundle
