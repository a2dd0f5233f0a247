"""Search by every spelling, measured on the real Pagefind index (bench/search_spellings.md).

Builds the real chronology (content/) into a temporary folder, serves it, and in Chromium asks
Pagefind itself (one ``pagefind.search`` per query, no merging, the options the search page uses
when it gives them in ``data-pagefind-options``) for every spelling of every actor. Prints, per
actor: how many pages each spelling finds, whether every spelling finds the same pages, in the same
order, and where the actor's page ranks; then the bundle's size.

Run: python bench/search_spellings.py [--site FOLDER]   (FOLDER: an already built site)
"""

from __future__ import annotations

import argparse
import functools
import json
import sys
import tempfile
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from chronicle.model import build_model  # noqa: E402
from chronicle.pipeline import build_site, check_site  # noqa: E402
from chronicle.plan import search_spellings  # noqa: E402

CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run"]
# One raw Pagefind query per spelling, with the options the search page declares (if any).
RAW = """async (queries) => {
  const form = document.querySelector("[data-search]");
  const pagefind = await import(new URL("pagefind.js", new URL(form.dataset.bundle, location.href)).href);
  const options = JSON.parse(form.dataset.pagefindOptions || "{}");
  await pagefind.options({ ...options, baseUrl: new URL("../", new URL(form.dataset.bundle, location.href)).pathname });
  const out = {};
  for (const query of queries) {
    const search = await pagefind.search(query);
    out[query] = await Promise.all(search.results.map(async (r) => (await r.data()).url));
  }
  return out;
}"""


class Quiet(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - the stdlib's name
        pass


def bundle_size(site: Path) -> tuple[int, int]:
    """Bytes and files of the Pagefind bundle, and of its index and fragments alone."""
    files = [p for p in (site / "pagefind").rglob("*") if p.is_file()]
    return sum(p.stat().st_size for p in files), len(files)


def measure(site: Path) -> None:
    checked = check_site(ROOT)
    assert checked.index is not None
    actors = search_spellings(build_model(checked.index))
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(site)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
            page = browser.new_page()
            page.goto(f"http://127.0.0.1:{server.server_address[1]}/recherche/")
            queries = [s for actor in actors for s in actor["spellings"]]
            found = page.evaluate(RAW, queries)
            browser.close()
    finally:
        server.shutdown()
    same_set = same_order = first = total = 0
    for actor in actors:
        lists = [found[s] for s in actor["spellings"]]
        total += 1
        same_set += all(set(x) == set(lists[0]) for x in lists)
        same_order += all(x == lists[0] for x in lists)
        ranks = [x.index(actor["url"]) + 1 if actor["url"] in x else None for x in lists]
        first += all(rank == 1 for rank in ranks)
        print(f"{actor['url']}: " + ", ".join(f"{s!r} {len(x)} (page #{r})" for s, x, r in
                                              zip(actor["spellings"], lists, ranks, strict=True)))
    size, count = bundle_size(site)
    print(json.dumps({"actors": total, "same pages for every spelling": same_set,
                      "same order": same_order, "actor page first for every spelling": first,
                      "bundle bytes": size, "bundle files": count}, ensure_ascii=False))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--site", type=Path, help="an already built site (else the real one is built)")
    arguments = parser.parse_args()
    if arguments.site:
        measure(arguments.site)
        return
    with tempfile.TemporaryDirectory() as folder:
        site = Path(folder) / "site"
        build_site(ROOT, site)
        measure(site)


if __name__ == "__main__":
    main()
