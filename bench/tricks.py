"""Whether each speed trick of the build still pays: the stages with the trick on, then off.

    python bench/tricks.py --events 10000 --runs 3            # every trick
    python bench/tricks.py --events 10000 --runs 3 markdown-cache typography-skip

Each run is a fresh process (``--child``) that turns one trick off by replacing, from outside, the
function or setting that makes it (the code under ``chronicle/`` is not changed), then times the
stages in one process (``light_run``: up to planning, then every 10th page rendered and the data
files for the tricks that act there). Runs alternate on/off so that the machine's load weighs on
both alike; the table gives the medians of wall and CPU seconds (CPU seconds move much less than
the wall clock on a shared machine) and the load average when the runs started.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from types import SimpleNamespace
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))


def replace_everywhere(old: Any, new: Any) -> None:
    """Bind ``new`` wherever a loaded Chronicle module holds ``old`` (``from x import f`` copies)."""
    for name, module in list(sys.modules.items()):
        if name.startswith("chronicle") and module is not None:
            for attribute, value in list(vars(module).items()):
                if value is old:
                    setattr(module, attribute, new)


def no_collector_pause(module: Any, *names: str) -> None:
    """``module``'s ``gc`` replaced by one whose ``names`` do nothing (the rest is the real ``gc``)."""
    shim = SimpleNamespace(**{name: getattr(gc, name) for name in ("disable", "enable", "isenabled", "freeze",
                                                                   "unfreeze", "collect")})
    for name in names:
        setattr(shim, name, lambda: None)
    module.gc = shim


def collector_on() -> None:
    """The build with the collector running, as ``serve``'s rebuilds (stages.py turns it off as ``build``)."""
    gc.enable()


def markdown_cache_off() -> None:
    """``render_markdown`` without its cache of 2**20 texts."""
    from chronicle import markdown
    replace_everywhere(markdown.render_markdown, markdown.render_markdown.__wrapped__)


def plain_line_off() -> None:
    """Every text through markdown-it, even a line of plain prose."""
    from chronicle import markdown
    markdown.PLAIN_LINE = re.compile(r"(?!)")


def every_text_parsed() -> None:
    """``plain_line_off``: the synthetic texts are all plain lines, the real chronology's a quarter not."""
    plain_line_off()


def markdown_cache_off_every_text_parsed() -> None:
    """``markdown_cache_off`` where every text goes through markdown-it (``plain_line_off``)."""
    plain_line_off()
    markdown_cache_off()


def check_markdown_shortcut_off() -> None:
    """The check parses every text for links and images, not only those with ``[`` or ``<``."""
    from chronicle import markdown

    markdown._targets = markdown._parsed_targets


def typography_skip_off() -> None:
    """Every token of every page read in Python (``typography.french_markup`` as first written, which
    the tests hold the shortcut to), not only the places the regular expression engine finds (``HITS``)."""
    from chronicle import typography
    from tests.test_typography import french_markup_token_by_token

    typography.french_markup = french_markup_token_by_token


def dates_cache_off() -> None:
    """EDTF dates parsed at each call (``parse_edtf`` and ``_split`` without their caches)."""
    from chronicle import dates
    replace_everywhere(dates.parse_edtf, dates.parse_edtf.__wrapped__)
    dates._split = dates._split.__wrapped__


def load_collector_pause_off() -> None:
    """Collector on (as ``serve``), and loading no longer pauses it."""
    from chronicle import load
    collector_on()
    no_collector_pause(load, "disable")


def freeze_off() -> None:
    """Collector on (as ``serve``), and no ``gc.freeze`` before forking the render workers."""
    from chronicle import render
    collector_on()
    no_collector_pause(render, "freeze", "unfreeze")


def collector_on_base() -> None:
    """The reference for the two tricks that only act with the collector running."""
    collector_on()


# name: (where, the change for the run with the trick on, that for the run with it off)
TRICKS: dict[str, tuple[str, Callable[[], None] | None, Callable[[], None]]] = {
    # These act before rendering: their runs stop after planning.
    "check-markdown-shortcut": ("markdown._targets, [ or <", None, check_markdown_shortcut_off),
    "dates-cache": ("dates.parse_edtf, _split, @cache", None, dates_cache_off),
    "load-collector-pause": ("load.load_content, gc.disable (collector on)", collector_on_base,
                             load_collector_pause_off),
    "collector-off": ("cli.py (build, check)", None, collector_on),
    "markdown-cache": ("markdown.render_markdown, lru_cache 2**20", None, markdown_cache_off),
    "markdown-cache-parsed": ("the same, every text through markdown-it", every_text_parsed,
                              markdown_cache_off_every_text_parsed),
    "plain-line": ("markdown.render_markdown, PLAIN_LINE", None, plain_line_off),
    "typography-skip": ("typography.french_markup, HITS", None, typography_skip_off),
    "freeze": ("render.render_forked, gc.freeze (collector on)", collector_on_base, freeze_off),
}
SAMPLE = 10  # light runs render every 10th page
BEFORE_RENDERING = ("check-markdown-shortcut", "dates-cache", "load-collector-pause")


def child(trick: str, state: str, root: Path) -> None:
    """One timed run with ``trick`` ``state`` ("on" or "off"): print its stages as JSON."""
    on, off = TRICKS[trick][1:]
    change = off if state == "off" else on
    gc.disable()  # as stages.py and ``build`` do, unless the change turns it back on
    if change is not None:
        change()
    print(json.dumps(light_run(root, rendering=trick not in BEFORE_RENDERING, forked=trick == "freeze")))


def light_run(root: Path, rendering: bool, forked: bool, every: int = SAMPLE) -> list[tuple[str, float, float]]:
    """The stages up to planning, then (if ``rendering``) every ``every``-th page rendered and written
    in this one process (on every core if ``forked``), and the data files: [(stage, wall seconds,
    CPU seconds)].

    Lighter than ``stages.py`` (no Pagefind, no second process): on a machine shared with other
    jobs, CPU seconds of one process are what can be compared between runs.
    """
    from stages import Laps

    from chronicle.check import check_content
    from chronicle.config import load_config
    from chronicle.derive import derive_facts
    from chronicle.export import data_files
    from chronicle.load import load_content
    from chronicle.model import build_model
    from chronicle.pipeline import render_and_write
    from chronicle.plan import plan_pages
    from chronicle.render import make_environment
    from chronicle.urls import output_path
    from chronicle.write import make_folders

    figures = Laps()
    lap = figures.lap

    config, _ = load_config(root)
    assert config is not None
    records, _ = load_content(root)
    lap("load")
    index, located, _ = check_content(records, config)
    lap("check")
    chronology = build_model(index)
    facts = derive_facts(chronology, located)
    lap("model + derive")
    pages = plan_pages(chronology, facts, config)
    lap("plan")
    if rendering:
        sample = pages[::every]
        with tempfile.TemporaryDirectory(dir=root) as folder:
            make_folders([output_path(page.url) for page in sample], Path(folder))
            render_and_write(list(sample), make_environment(root / "templates"), facts.spellings, Path(folder),
                             busy=0 if forked else 1)
            lap(f"render 1/{every} of the pages")
        data_files(chronology, facts, config)
        lap("data files (in memory)")
    return figures.figures


def main() -> None:
    """Alternate on/off runs of each trick and print the medians."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("tricks", nargs="*", help=f"among {', '.join(TRICKS)} (all by default)")
    parser.add_argument("--events", type=int, default=10000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--dir", type=Path, default=Path(tempfile.gettempdir()))
    parser.add_argument("--child", nargs=2, metavar=("TRICK", "STATE"), help=argparse.SUPPRESS)
    parser.add_argument("--log", type=Path, help="append every run's stages here (JSON lines)")
    args = parser.parse_args()
    import stages

    root = stages.project(args.dir, args.events)
    unknown = [trick for trick in args.tricks if trick not in TRICKS]
    if unknown:
        parser.error(f"unknown tricks: {', '.join(unknown)}")
    if args.child:
        child(*args.child, root)
        return
    for trick in args.tricks or TRICKS:
        runs: dict[str, list[list[tuple[str, float, float]]]] = {"on": [], "off": []}
        loads = []
        for _ in range(args.runs):
            for state in ("on", "off"):
                loads.append(os.getloadavg()[0])
                done = subprocess.run([sys.executable, __file__, "--dir", str(args.dir), "--events",
                                       str(args.events), "--child", trick, state], capture_output=True, text=True,
                                      check=True)
                figures = json.loads(done.stdout.splitlines()[-1])
                runs[state].append(figures)
                if args.log:
                    with args.log.open("a") as log:
                        log.write(json.dumps({"trick": trick, "state": state, "load": loads[-1],
                                              "figures": figures}) + "\n")
        report(trick, runs, loads)


def report(trick: str, runs: dict[str, list[list[tuple[str, float, float]]]], loads: list[float]) -> None:
    """The medians of each stage, on and off, wall and CPU."""
    print(f"\n{trick} ({TRICKS[trick][0]}); load average {min(loads):.1f}-{max(loads):.1f}")
    print(f"{'stage':40} {'on wall':>8} {'off wall':>8} {'on cpu':>8} {'off cpu':>8}")
    names = [name for name, _, _ in runs["on"][0]]
    rows = [*range(len(names)), None]
    for row in rows:
        cells = []
        for column in (1, 2):
            for state in ("on", "off"):
                values = [sum(f[column] for f in figures) if row is None else figures[row][column]
                          for figures in runs[state]]
                cells.append(statistics.median(values))
        label = "total" if row is None else names[row][:40]
        print(f"{label:40} {cells[0]:8.2f} {cells[1]:8.2f} {cells[2]:8.2f} {cells[3]:8.2f}", flush=True)


if __name__ == "__main__":
    main()
