"""What the search index costs, lever by lever (issue 18, "Speed"): Pagefind alone, fed four ways.

    python bench/search_levers.py --events 10000 [--runs 3] [--readers]

Generates the synthetic chronology (bench/generate.py) and builds it once unless its site is
there, then runs Pagefind on its searchable pages in each of these ways, alternated run by run,
and prints the medians of wall time, CPU time (user + system) and peak memory of Pagefind's
process, and the size of the bundle:

- ``cli``: as the build runs it (``chronicle.search.indexing``: the binary over the written
  folder, found by its glob, isolated the same way);
- ``main-only``: the same pages cut down to their ``<main>``, in a folder of their own: what
  indexing only the part of a page a reader searches would save, with the same HTML inside;
- ``records``: fed from memory through Pagefind's service mode (``pagefind --service``, the
  protocol of its Python API, spoken directly: the API waits 0.1 s per answer), each page as a
  custom record of the text Pagefind would have indexed: no file read, no HTML parsed;
- ``split``: one index per year of events and one for the other pages, one after the other:
  what an edit would re-index is one of them (the CPU and peak of the largest part are printed).

With ``--readers``, Chromium (tests/browser's) loads the build's index, the custom records' and the
split one (its parts merged in the browser by Pagefind's ``mergeIndex``) and searches a few queries:
results, requests, bytes transferred, and whether the first results are the build's index's.
Nothing here is part of the build.
"""

from __future__ import annotations

import argparse
import base64
import html.parser
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))
from generate import generate

from chronicle.search import ALLOCATOR, search_glob

MAIN = re.compile(r"<main\b.*?</main>", re.S)
YEAR = re.compile(r"evenements/(\d{4})-")


def isolated_environment() -> dict[str, str]:
    """The environment ``chronicle.search.indexing`` gives Pagefind."""
    environment = {name: value for name, value in os.environ.items() if not name.startswith("PAGEFIND_")}
    environment.setdefault(*ALLOCATOR)
    return environment


def measured(command: list[str], cwd: Path, feed: Callable[[subprocess.Popen[bytes]], None] | None = None
             ) -> dict[str, float]:
    """Run ``command`` (fed by ``feed`` on its stdin, if given); wall seconds, CPU seconds, peak MB."""
    start = time.perf_counter()
    process = subprocess.Popen(command, cwd=cwd, env=isolated_environment(), stdout=subprocess.PIPE,
                               stderr=subprocess.DEVNULL, stdin=subprocess.PIPE if feed else subprocess.DEVNULL)
    if feed is not None:
        feed(process)
    else:
        assert process.stdout is not None
        process.stdout.read()
    _, status, usage = os.wait4(process.pid, 0)
    assert status == 0, f"{command[:3]} failed: {status}"
    return {"wall": time.perf_counter() - start, "cpu": usage.ru_utime + usage.ru_stime,
            "peak_mb": usage.ru_maxrss / 1024}


def pagefind_binary() -> str:
    """The binary ``python -m pagefind`` runs (the PyPI package's)."""
    from pagefind_bin import get_executable  # type: ignore[import-untyped]

    return str(get_executable())


def run_cli(site: Path, pages: list[str], out: Path, cwd: Path, glob: str | None = None) -> dict[str, float]:
    """Pagefind's command line over ``pages`` of ``site`` (found by ``glob``, or as the build finds them)."""
    return measured([sys.executable, "-I", "-m", "pagefind", "--site", str(site), "--output-path", str(out),
                     "--glob", glob or search_glob(pages)], cwd)


class IndexedText(html.parser.HTMLParser):
    """The text of a page's ``<main>`` as Pagefind indexes it: without ``data-pagefind-ignore``
    elements; its first ``<h1>`` (Pagefind's title) and ``data-pagefind-meta`` values kept apart."""

    VOID = frozenset({"br", "img", "input", "meta", "link", "hr", "wbr", "source"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.stack: list[bool] = []  # per open element: whether it is ignored
        self.title: list[str] | None = None
        self.meta: dict[str, str] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        names = dict(attrs)
        for item in (names.get("data-pagefind-meta") or "").split(","):
            key, _, value = item.partition(":")
            if value:
                self.meta[key.strip()] = value.strip()
        if tag in self.VOID:
            return
        self.stack.append(bool(self.stack and self.stack[-1]) or "data-pagefind-ignore" in names)
        if tag == "h1" and self.title is None:
            self.title = []

    def handle_endtag(self, tag: str) -> None:
        if tag not in self.VOID and self.stack:
            self.stack.pop()
        if tag == "h1" and self.title is not None and "title" not in self.meta:
            self.meta["title"] = "".join(self.title).strip()

    def handle_data(self, data: str) -> None:
        if not (self.stack and self.stack[-1]):
            self.parts.append(data)
            if self.title is not None and "title" not in self.meta:
                self.title.append(data)


def page_record(site: Path, path: str, language: str) -> dict[str, object]:
    """The custom record standing for the page at ``path``: its URL, indexed text and metadata."""
    parser = IndexedText()
    match = MAIN.search((site / path).read_text(encoding="utf-8"))
    parser.feed(match.group(0) if match else "")
    url = "/" + path.removesuffix("index.html")
    return {"url": url, "content": " ".join(" ".join(parser.parts).split()), "language": language,
            "meta": parser.meta}


def run_records(site: Path, pages: list[str], out: Path, cwd: Path, language: str) -> dict[str, float]:
    """Pagefind's service mode fed one custom record per page, read and parsed here first (not timed
    in Pagefind's CPU, but in its wall time), then asked to write its bundle into ``out``."""

    def feed(process: subprocess.Popen[bytes]) -> None:
        assert process.stdin is not None and process.stdout is not None
        messages = [{"type": "NewIndex", "config": {}},
                    *({"type": "AddRecord", "index_id": 0, **page_record(site, path, language)} for path in pages),
                    {"type": "WriteFiles", "index_id": 0, "output_path": str(out)}]
        for number, payload in enumerate(messages, 1):  # its threads queue them: it never blocks us
            process.stdin.write(base64.b64encode(json.dumps({"message_id": number, "payload": payload}).encode())
                                + b",")
        process.stdin.flush()
        answers = b""
        while answers.count(b",") < number:  # one answer per message, in order: none is an error
            chunk = process.stdout.read1(1 << 20)
            assert chunk, "Pagefind's service stopped"
            answers += chunk
        for answer in answers.split(b",")[:-1]:
            payload = json.loads(base64.b64decode(answer))["payload"]
            assert payload["type"] != "Error", payload
        process.stdin.close()

    return measured([pagefind_binary(), "--service"], cwd, feed)


def year_parts(pages: list[str]) -> dict[str, list[str]]:
    """The searchable pages by part of a split index: the events by year, the other pages together."""
    parts: dict[str, list[str]] = {}
    for path in pages:
        match = YEAR.match(path)
        parts.setdefault(match.group(1) if match else "autres", []).append(path)
    return parts


def run_split(site: Path, pages: list[str], out: Path, cwd: Path) -> dict[str, float]:
    """One index per part (``year_parts``), one after the other: the sums, and the largest part's."""
    figures = [run_cli(site, part, out / f"pagefind-{name}", cwd,
                       None if name == "autres" else f"evenements/{name}-*/index.html")
               for name, part in year_parts(pages).items()]
    return {"wall": sum(f["wall"] for f in figures), "cpu": sum(f["cpu"] for f in figures),
            "peak_mb": max(f["peak_mb"] for f in figures), "largest_part_cpu": max(f["cpu"] for f in figures)}


def main_only(site: Path, pages: list[str], folder: Path) -> Path:
    """Copies of ``pages`` cut down to their ``<main>`` (with the page's language) under ``folder``."""
    for path in pages:
        text = (site / path).read_text(encoding="utf-8")
        match = MAIN.search(text)
        target = folder / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text('<!doctype html><html lang="fr"><head><meta charset="utf-8"></head><body>'
                          + (match.group(0) if match else "") + "</body></html>", encoding="utf-8")
    return folder


def searchable_pages(site: Path) -> list[str]:
    """The HTML pages of ``site`` marked for Pagefind, by path, sorted."""
    return sorted(path.relative_to(site).as_posix() for path in site.rglob("*.html")
                  if path.parts[len(site.parts)] != "pagefind" and b"data-pagefind-body" in path.read_bytes())


def bundle_mb(folder: Path) -> float:
    """Megabytes of the files under ``folder``."""
    return sum(path.stat().st_size for path in folder.rglob("*") if path.is_file()) / 1e6


def built_site(events: int, where: Path) -> Path:
    """The site of the synthetic chronology of ``events`` events under ``where``, built once."""
    from chronicle.pipeline import build_site

    root = where / f"chronicle-search-{events}"
    if not (root / "site" / "pagefind").is_dir():
        generate(root, events)
        build_site(root, root / "site")
    return root / "site"


def main() -> None:
    """Measure each way, alternated, and print medians; then, if asked, what readers get."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--events", type=int, default=10000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--dir", type=Path, default=Path(tempfile.gettempdir()))
    parser.add_argument("--readers", action="store_true", help="search each index in Chromium")
    parser.add_argument("--ways", nargs="*", default=["cli", "main-only", "records", "split"])
    parser.add_argument("--site", type=Path, help="a site already built (then --events is not used)")
    args = parser.parse_args()
    site = args.site or built_site(args.events, args.dir)
    pages = searchable_pages(site)
    work = Path(tempfile.mkdtemp(prefix="search-levers-", dir=args.dir))
    cwd = work / "cwd"
    cwd.mkdir()
    light = main_only(site, pages, work / "main-only") if "main-only" in args.ways else site
    ways: dict[str, Callable[[Path], dict[str, float]]] = {
        "cli": lambda out: run_cli(site, pages, out, cwd),
        "main-only": lambda out: run_cli(light, pages, out, cwd),
        "records": lambda out: run_records(site, pages, out, cwd, "fr"),
        "split": lambda out: run_split(site, pages, out, cwd),
    }
    results: dict[str, list[dict[str, float]]] = {way: [] for way in args.ways}
    print(f"{len(pages)} searchable pages; load {os.getloadavg()[0]:.1f} at the start", flush=True)
    for run in range(args.runs):
        for way in args.ways:
            out = work / f"out-{way}"
            shutil.rmtree(out, ignore_errors=True)
            figures = ways[way](out)
            figures["bundle_mb"] = bundle_mb(out)
            figures["load"] = os.getloadavg()[0]
            results[way].append(figures)
            print(f"run {run + 1} {way:10} " + " ".join(f"{key} {value:.2f}" for key, value in figures.items()),
                  flush=True)
    print("\nmedians:")
    for way, runs in results.items():
        print(f"{way:10} " + " ".join(f"{key} {statistics.median(run[key] for run in runs):.2f}"
                                      for key in runs[0]))
    if args.readers:
        from search_readers import compare_readers

        compare_readers(site, *(work / f"out-{way}" if way in args.ways else None for way in ("records", "split")))
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
