"""What readers get from another search index: Chromium searches the build's and the others.

Used by ``bench/search_levers.py --readers``. The site's folder is served as it is, with the other
indexes beside its ``pagefind/``: the custom records' (``pagefind-records/``) and the split index's
parts (``pagefind-autres/``, ``pagefind-2015/``...); a bare page loads Pagefind's ``pagefind.js``
from one bundle (for the split index, ``pagefind-autres/``, merging the other parts with
``mergeIndex``), searches a query, reads the first 20 results' data, and reports.
"""

from __future__ import annotations

import functools
import http.server
import json
import tempfile
import threading
from pathlib import Path
from typing import Any

QUERIES = ("frontière", "acteur 0010", "passage 000100", "déconfliction missile", "Événement 8285")
CHROMIUM = "/usr/bin/chromium"
PAGE = """<!doctype html><html lang="fr"><head><meta charset="utf-8"></head><body><script type="module">
const params = new URLSearchParams(location.search);
const parts = JSON.parse(params.get("parts"));
const started = performance.now();
const pagefind = await import(`/${params.get("bundle")}/pagefind.js`);
await pagefind.options({ baseUrl: "/", excerptLength: 24 });
for (const part of parts) await pagefind.mergeIndex(`/pagefind-${part}/`, { baseUrl: "/" });
const search = await pagefind.search(params.get("q"));
const data = await Promise.all(search.results.slice(0, 20).map((result) => result.data()));
window.done = { count: search.results.length, ms: performance.now() - started, urls: data.map((d) => d.url) };
</script></body></html>"""


class Quiet(http.server.SimpleHTTPRequestHandler):
    """A static server that does not log each request."""

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the stdlib's name
        """Say nothing."""


Indexes = dict[str, tuple[str, list[str]]]  # by name: the bundle loaded first, the parts it merges


def served_folder(site: Path, records: Path | None, split: Path | None, folder: Path) -> Indexes:
    """Links to ``site``'s entries and to the other indexes under ``folder``; each index by name, as
    the bundle that loads first and the parts it merges."""
    for entry in site.iterdir():
        (folder / entry.name).symlink_to(entry)
    indexes: Indexes = {"build": ("pagefind", [])}
    if records is not None:
        (folder / "pagefind-records").symlink_to(records)
        indexes["records"] = ("pagefind-records", [])
    if split is not None:
        for part in split.iterdir():
            (folder / part.name).symlink_to(part)
        indexes["split"] = ("pagefind-autres", sorted(part.name.removeprefix("pagefind-") for part in split.iterdir()
                                                      if part.name != "pagefind-autres"))
    (folder / "mesure.html").write_text(PAGE, encoding="utf-8")
    return indexes


def compare_readers(site: Path, records: Path | None, split: Path | None) -> None:
    """Print, for each query and each index, the results, requests, kilobytes and whether its first
    10 results are the build's index's, in the same order."""
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as temporary, sync_playwright() as playwright:
        indexes = served_folder(site, records, split, Path(temporary))
        Quiet.extensions_map[".pagefind"] = "application/wasm"
        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=temporary))
        threading.Thread(target=server.serve_forever, daemon=True).start()
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--headless", "--no-sandbox"])
        top: dict[str, list[str]] = {}
        for query in QUERIES:
            for name, (bundle, merged) in indexes.items():
                context = browser.new_context()
                page = context.new_page()
                finished: list[Any] = []
                page.on("requestfinished", lambda request, into=finished: into.append(request))
                page.goto(f"http://127.0.0.1:{server.server_address[1]}/mesure.html?"
                          f"q={query}&bundle={bundle}&parts={json.dumps(merged)}")
                page.wait_for_function("window.done", timeout=300_000)
                done = page.evaluate("window.done")
                size = sum(request.sizes()["responseBodySize"] for request in finished)
                top[name] = done["urls"][:10]
                print(f"{query!r:26} {name:7} {done['count']:6} results {len(finished):3} requests "
                      f"{size / 1024:7.0f} KB {done['ms']:7.0f} ms, first 10 as the build's: "
                      f"{top[name] == top['build']}", flush=True)
                context.close()
        browser.close()
        server.shutdown()
