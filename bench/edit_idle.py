"""What an edit costs ``serve``: ``plan_edit`` by stage, back to back or after a pause.

    python bench/edit_idle.py --events 10000 --pauses 0 3 [--kinds "event text" "actor name"]

Generates the synthetic chronology (bench/generate.py) in a folder of its own unless it exists, plans it
once through the incremental path, then for each pause makes ``--runs`` rounds of edits, one of each
kind (``bench/run.py``'s previews: an event's text, a date, a new event, that event deleted; and an
actor's name), each after sleeping ``pause`` seconds, and prints the CPU seconds of ``plan_edit`` in
the thread that runs it (``time.thread_time``: not the wall time, which the machine's other work
moves), stage by stage, and by kind the median of the rounds after the first. An editor's edit always
comes after a pause (``serve`` waits idle while they type); ``bench/run.py``'s previews sleep 1.5 s
before each save. The project is left as it was.

Then a control that runs none of Chronicle's code: a walk over 3 million small Python objects, the
same pauses before it. When it too is slower after a pause, the machine makes idle memory slower to
touch again (caches, its host), and every stage pays it in proportion to the memory it reads.
"""

from __future__ import annotations

import argparse
import collections
import re
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))
from generate import generate
from run import add_event_save, edit_event_save, move_event_save, new_event, quiet_event

import chronicle.pipeline as pipeline
from chronicle.incremental import Stages, plan_edit

STAGES = ("load_site", "check_loaded", "build_model", "derive_facts", "plan_site")


def timed_stages() -> collections.Counter[str]:
    """The CPU seconds of each stage of ``pipeline``, added up in the counter returned, as they run."""
    spent: collections.Counter[str] = collections.Counter()
    for name in STAGES:
        stage = getattr(pipeline, name)

        def timed(*arguments: object, _stage=stage, _name=name, **options: object) -> object:
            start = time.thread_time()
            try:
                return _stage(*arguments, **options)
            finally:
                spent[_name] += time.thread_time() - start

        setattr(pipeline, name, timed)
    return spent


def name_save(root: Path, run: int | None) -> Callable[[], object]:
    """The save that changes an actor's name (``run``: which change), or puts it back (``run`` None)."""
    actors = sorted((root / "content" / "actors").glob("*.yaml"))
    actor = actors[len(actors) // 2]
    suffix = "" if run is None else f" r{run}"
    text = re.sub(r"(?m)^name: (.*?)( r\d+)?$", rf"name: \g<1>{suffix}", actor.read_text(encoding="utf-8"), count=1)
    return lambda: actor.write_text(text, encoding="utf-8")


# Each kind's save for a round (made before the pause: the walk through 10,000 files is not timed). A round
# of them leaves the project as it was but for the text, the date and the name, which ``edits`` puts back.
SAVES: dict[str, Callable[[Path, int], Callable[[], object]]] = {
    "event text": lambda root, run: edit_event_save(root, run)[1], "date": move_event_save,
    "new event": add_event_save, "deletion": lambda root, run: new_event(root, run).unlink,
    "actor name": name_save}


def edits(root: Path, stages: Stages, kinds: list[str], pause: float, runs: int,
          spent: collections.Counter[str]) -> Stages:
    """Make ``runs`` rounds of ``kinds`` (a deletion removes the new event of its round: after it), each edit
    after ``pause`` seconds; print their CPU by stage, and each kind's median."""
    kept = {path: path.read_text(encoding="utf-8") for path in (edit_event_save(root, 0)[0], quiet_event(root))}
    totals: dict[str, list[float]] = {kind: [] for kind in kinds}
    try:
        for run in range(runs):
            for kind in kinds:
                save = SAVES[kind](root, run)
                time.sleep(pause)
                save()
                spent.clear()
                start = time.thread_time()
                edit = plan_edit(stages, root, None)
                totals[kind].append(time.thread_time() - start)
                stages = edit.stages(frozenset())
                by_stage = "  ".join(f"{name} {spent[name]:.3f}" for name in STAGES)
                print(f"{kind:<11} pause {pause:>3} s  run {run}: {totals[kind][-1]:.3f} s  ({by_stage})", flush=True)
    finally:
        for path, text in kept.items():
            path.write_text(text, encoding="utf-8")
        name_save(root, None)()
        if "new event" in kinds and "deletion" not in kinds:
            for run in range(runs):
                new_event(root, run).unlink(missing_ok=True)
    stages = plan_edit(stages, root, None).stages(frozenset())  # as it was
    for kind, times in totals.items():
        print(f"{kind:<11} pause {pause:>3} s  median of runs 1-{runs - 1}: {statistics.median(times[1:]):.3f} s",
              flush=True)
    return stages


def control(pauses: list[float], runs: int) -> None:
    """Walk 3 million small objects after each pause: the machine's own price for memory left idle."""
    objects = [[number, str(number)] for number in range(3_000_000)]

    def walk() -> float:
        start = time.thread_time()
        total = 0
        for item in objects:
            total += item[0] & 1
        return time.thread_time() - start

    walk()
    for pause in pauses:
        times = []
        for _ in range(runs):
            time.sleep(pause)
            times.append(walk())
        print(f"control     pause {pause:>3} s  walking 3,000,000 objects: median {statistics.median(times):.3f} s "
              f"({min(times):.3f}-{max(times):.3f})", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--events", type=int, default=10000)
    parser.add_argument("--dir", type=Path, default=Path(tempfile.gettempdir()))
    parser.add_argument("--pauses", type=float, nargs="+", default=[0.0, 3.0])
    parser.add_argument("--runs", type=int, default=6)
    parser.add_argument("--kinds", nargs="+", choices=list(SAVES), default=list(SAVES))
    args = parser.parse_args()
    kinds = args.kinds
    if "deletion" in kinds and ("new event" not in kinds or kinds.index("new event") > kinds.index("deletion")):
        parser.error("a deletion removes the new event of its round: give \"new event\" before it")
    root = args.dir / f"chronicle-reach-{args.events}"
    if not (root / "content").is_dir():
        generate(root, args.events)
    spent = timed_stages()
    stages = plan_edit(None, root, None).stages(frozenset())
    for pause in args.pauses:
        stages = edits(root, stages, args.kinds, pause, args.runs, spent)
    control(args.pauses, args.runs)


if __name__ == "__main__":
    main()
