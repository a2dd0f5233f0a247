"""CPU of the stages before the plan (load, check, model, derive) for one edit, as ``serve`` runs them.

    python bench/edit_stages.py --events 10000 [--rounds 3] [--no-freeze]

Generates the synthetic chronology under /tmp (bench/generate.py) unless it exists, runs the stages
once with nothing remembered, then rounds of the four edits of ``bench/run.py`` (an event's text, a
date, a new event, that event deleted), each followed by the four stages drawing on the last run's
memo (``chronicle.memo``), the collector on and, as ``incremental.plan_edit`` does, frozen after each
run. Prints the median CPU seconds of each stage for each edit. The project is edited in place.
"""

from __future__ import annotations

import argparse
import gc
import itertools
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))
import run as bench_run
from generate import generate

from chronicle.derive import derive_facts
from chronicle.memo import Memo
from chronicle.model import build_model
from chronicle.pipeline import check_loaded, load_site, passed

STAGES = ("load", "check", "model", "derive")
EDITS = {"text": lambda root, run: bench_run.edit_event(root, run), "date": bench_run.move_event,
         "new event": bench_run.add_event, "deletion": bench_run.delete_event}


def run_stages(root: Path, memo: Memo) -> tuple[list[float], object]:
    """The four stages with ``memo``: the CPU seconds of each, and what they made (kept alive, as serve does)."""
    times = [time.process_time()]
    loaded = load_site(root, None, memo)
    times.append(time.process_time())
    _, index, located = passed(check_loaded(loaded, memo))
    times.append(time.process_time())
    chronology = build_model(index, memo)
    times.append(time.process_time())
    facts = derive_facts(chronology, located, memo)
    times.append(time.process_time())
    return [after - before for before, after in itertools.pairwise(times)], (loaded, chronology, facts)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--no-freeze", action="store_true", help="leave the collector's generations as they are")
    args = parser.parse_args()
    root = Path(tempfile.gettempdir()) / f"chronicle-edit-stages-{args.events}"
    if not root.exists():
        generate(root, args.events)
    memo = Memo()
    kept = [run_stages(root, memo)[1]]  # what the last run made stays alive until the next, as in serve
    figures: dict[str, list[list[float]]] = {name: [] for name in EDITS}
    for round_number in range(args.rounds):
        for name, edit in EDITS.items():
            edit(root, 100 + round_number)
            memo = Memo(memo)
            times, kept[0] = run_stages(root, memo)
            figures[name].append(times)
            if not args.no_freeze:
                gc.freeze()
    for name, runs in figures.items():
        medians = [statistics.median(run[stage] for run in runs) for stage in range(len(STAGES))]
        print(f"{name:10} " + " ".join(f"{stage} {value:.3f}" for stage, value in zip(STAGES, medians, strict=True))
              + f"  all four {statistics.median(sum(run) for run in runs):.3f}")


if __name__ == "__main__":
    main()
