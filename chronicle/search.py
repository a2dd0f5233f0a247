"""Full-text search: Pagefind indexes the rendered pages at each build.

The pages to index are those whose ``<main>`` carries ``data-pagefind-body`` (events, actors,
channels, sources, the about page); Pagefind reads the language from ``<html lang="fr">``
and stems French words. Its bundle is returned as files under ``pagefind/`` so that the
write stage swaps it in with the rest of the site, atomically.
"""

from __future__ import annotations

import re
import subprocess
import sys
import tempfile
from pathlib import Path

# Determinism: Pagefind 1.5 writes its bundle byte for byte the same for the same pages, except
# for filters (``data-pagefind-filter``), whose files come out in a random order: the site uses
# metadata (``data-pagefind-meta``) only, and tests/test_determinism.py checks builds are identical.
BUNDLE = "pagefind"
MARKER = b"data-pagefind-body"
# Pagefind's ready-made interfaces: the site has its own search page, so they are not published.
UNUSED = ("pagefind-ui.", "pagefind-modular-ui.", "pagefind-component-ui.", "pagefind-highlight.")


class SearchIndexError(RuntimeError):
    """Pagefind could not index the site."""


def searchable_pages(files: dict[str, bytes]) -> dict[str, bytes]:
    """{path: HTML} of the pages marked for the search index."""
    return {path: body for path, body in sorted(files.items()) if path.endswith(".html") and MARKER in body}


INDEXED = re.compile(r"Indexed (\d+) pages?\b")


def run_pagefind(pages: Path, out: Path) -> int:
    """Index the HTML files under ``pages`` into ``out`` with Pagefind's own binary; pages indexed.

    The binary is run to completion (``python -m pagefind``, the PyPI package's entry): its
    Python service API could return before every file of the bundle was written.
    """
    command = [sys.executable, "-m", "pagefind", "--site", str(pages), "--output-path", str(out),
               "--glob", "**/*.html"]
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    counts = INDEXED.findall(result.stdout)
    if result.returncode != 0 or not counts:
        raise OSError((result.stderr or result.stdout).strip()[-500:] or f"exit code {result.returncode}")
    return int(counts[-1])


def index_site(files: dict[str, bytes]) -> dict[str, bytes]:
    """The Pagefind bundle for the searchable pages of ``files``: {``pagefind/...``: bytes}.

    The pages are staged in a temporary folder and indexed in one call (Pagefind derives each
    result's URL from the file's path: ``evenements/x/index.html`` -> ``/evenements/x/``).
    """
    pages = searchable_pages(files)
    with tempfile.TemporaryDirectory(prefix="chronicle-search-") as tmp:
        staged, out = Path(tmp) / "pages", Path(tmp) / BUNDLE
        for path, body in pages.items():
            (staged / path).parent.mkdir(parents=True, exist_ok=True)
            (staged / path).write_bytes(body)
        try:
            count = run_pagefind(staged, out)
        except (OSError, AssertionError) as error:
            raise SearchIndexError(f"Pagefind n'a pas pu indexer le site : {error}") from error
        if count != len(pages):
            raise SearchIndexError(f"Pagefind a indexé {count} pages sur {len(pages)}.")
        return {f"{BUNDLE}/{path.relative_to(out).as_posix()}": path.read_bytes()
                for path in sorted(out.rglob("*"))
                if path.is_file() and not path.name.startswith(UNUSED)}
