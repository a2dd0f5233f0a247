"""Where a clean build's time goes, stage by stage, in one process.

    python bench/stages.py --events 10000

Generates the synthetic chronology (bench/generate.py) unless it exists, then times each
stage of the pipeline once (warm imports, cold caches) and prints seconds per stage. As in
the build (``pipeline.render_and_index``), the pages are rendered straight into a staging
folder, the searchable ones first on every core, the others and then the data files while
Pagefind indexes those; the folder is then swapped in for ``site-stages/`` (the old one is
removed in the background, ``write.discard``). The stages run as ``build.py build`` runs them: with
the memo and the plan's reads recorded, then pickled for the next edit (chronicle/cli.py). Ends with
the peak RSS of this process and of its largest child (a render worker or Pagefind).
"""

from __future__ import annotations

import argparse
import gc
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))
from generate import generate

from chronicle.cache import CACHE_DIR
from chronicle.derive import derive_facts
from chronicle.export import DATA_URLS, data_files
from chronicle.incremental import edit_of, templates_fingerprint
from chronicle.memo import Memo
from chronicle.model import build_model
from chronicle.pipeline import check_loaded, foreseen_searchable, load_site, passed, plan_site, render_and_write
from chronicle.render import make_environment, worker_count
from chronicle.saved import drop_pickled, pickle_stages
from chronicle.search import glob_finds, indexing, search_glob
from chronicle.urls import output_path
from chronicle.write import make_folders, staged_site, write_tree


def main() -> None:
    """Time each stage and print a table."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--events", type=int, default=10000)
    parser.add_argument("--dir", type=Path, default=Path(tempfile.gettempdir()))
    args = parser.parse_args()
    root = project(args.dir, args.events)
    gc.disable()  # as ``build.py build`` does (chronicle/cli.py)
    figures = run_stages(root)
    total = sum(seconds for _, seconds, _ in figures)
    for name, seconds, cpu in figures:
        print(f"{name:48} {seconds:7.2f} s  {100 * seconds / total:5.1f} %  cpu {cpu:6.2f} s")
    print(f"{'total':48} {total:7.2f} s  {'':7}  cpu {sum(cpu for _, _, cpu in figures):6.2f} s")
    own, children = (resource.getrusage(who).ru_maxrss / 1024 for who in (resource.RUSAGE_SELF,
                                                                           resource.RUSAGE_CHILDREN))
    print(f"peak RSS: this process {own:.0f} MB, its largest child {children:.0f} MB")


def project(folder: Path, events: int) -> Path:
    """The synthetic chronology of ``events`` events under ``folder``, generated unless it exists."""
    root = folder / f"chronicle-stages-{events}"
    if not (root / "content").is_dir():
        generate(root, events)
    return root


def cpu_seconds() -> float:
    """CPU time of this process and of its children waited for (the render workers, Pagefind):
    on a shared machine it moves less than the wall clock."""
    times = os.times()
    return times.user + times.system + times.children_user + times.children_system


class Laps:
    """A stopwatch for stages run one after another: each ``lap`` notes the wall and CPU seconds since
    the one before (or since the stopwatch was made)."""

    def __init__(self) -> None:
        self.figures: list[tuple[str, float, float]] = []  # (stage, wall seconds, CPU seconds)
        self.clock, self.cpu = time.perf_counter(), cpu_seconds()

    def lap(self, name: str) -> None:
        """Note the stage ``name`` as ending now."""
        now, used = time.perf_counter(), cpu_seconds()
        self.figures.append((name, now - self.clock, used - self.cpu))
        self.clock, self.cpu = now, used


def run_stages(root: Path) -> list[tuple[str, float, float]]:
    """Run the build's stages on ``root``: [(stage, wall seconds, CPU seconds)]."""
    figures = Laps()
    lap = figures.lap

    memo = Memo()  # as ``build.py build`` runs the stages: remembering for the next edit (chronicle/cli.py)
    loaded = load_site(root, None, memo)
    lap("load (YAML, positions)")
    config, index, located = passed(check_loaded(loaded, memo))
    lap("check (schemas, references, quotes, claims)")
    chronology = build_model(index, memo)
    lap("model")
    facts = derive_facts(chronology, located, memo)
    lap("derive (silences, claims, passages)")
    plan = plan_site(root, config, index, chronology, facts, traced=True)
    pages = plan.pages
    lap(f"plan ({len(pages)} pages), what each part reads recorded")
    environment = make_environment(root / "templates")
    with staged_site(root / "site-stages") as folder:
        pairs = [(page, output_path(page.url)) for page in pages]
        make_folders([*(path for _, path in pairs), *(url.lstrip("/") for url in DATA_URLS)], folder)
        glob = search_glob([path for page, path in pairs if foreseen_searchable(page)])
        first = [page for page, path in pairs if glob_finds(glob, path)]
        rest = [page for page, path in pairs if not glob_finds(glob, path)]
        searchable = render_and_write(first, environment, facts.spellings, folder)
        lap(f"render searchable pages ({len(first)}, {worker_count(len(first))} workers, written)")
        with indexing(folder, glob) as finish:
            render_and_write(rest, environment, facts.spellings, folder, busy=1)
            lap(f"render other pages ({len(rest)}) while Pagefind indexes")
            exports = data_files(chronology, facts, config, memo)  # each event's share remembered, as the CLI does
            write_tree(exports, folder)
            lap("data files (JSON, CSV) while Pagefind indexes")
            bundle = finish(searchable)
        lap("search index (Pagefind), what is left of it")
    lap(f"swap ({len(pages) + len(exports) + len(bundle)} files; the old site removed after)")
    stages = edit_of(plan, root, memo, templates_fingerprint(root)).stages(frozenset(searchable))
    pickled = pickle_stages(root, stages)
    size = (root / CACHE_DIR / pickled).stat().st_size if pickled else 0
    drop_pickled(root)
    lap(f"stages pickled for the next edit ({size / 1e6:.0f} MB), as the command line does after")
    return figures.figures


if __name__ == "__main__":
    main()
