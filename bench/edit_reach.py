"""What one edit reaches: the pages that change and the parts planned again, per kind of edit.

    python bench/edit_reach.py --events 10000

Generates the synthetic chronology (bench/generate.py) in a folder of its own unless it exists,
plans it once through the incremental path (``incremental.plan_edit``, the plan's reads recorded),
then makes the edits ``bench/run.py`` times (a word of a summary, a date, a new event, its deletion)
an actor's and a channel's description, an actor's alias and name, a source's title and text and a
claim's note, each undone after (the undoing measured too). For each: the pages whose plan differs
(which ``serve`` renders again), by folder, the parts planned again (``Plan.planned``) and the CPU
seconds of ``plan_edit``. Then the CPU seconds of one full plan (``plan.plan_pages``, best of 3).
"""

from __future__ import annotations

import argparse
import collections
import gc
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))
from generate import generate
from run import add_event, edit_event, move_event

from chronicle.incremental import Stages, plan_edit
from chronicle.model import build_model
from chronicle.plan import plan_pages


def replace_once(path: Path, old: str, new: str) -> Callable[[], None]:
    """An edit replacing ``old`` by ``new`` in ``path``."""
    def edit() -> None:
        path.write_text(path.read_text(encoding="utf-8").replace(old, new, 1), encoding="utf-8")
    return edit


def snapshot(root: Path) -> dict[Path, bytes]:
    """The bytes of every record file."""
    return {path: path.read_bytes() for path in (root / "content").rglob("*") if path.is_file()}


def restore(root: Path, files: dict[Path, bytes]) -> None:
    """Put the record files back as ``snapshot`` found them (a file added since removed)."""
    for path in (root / "content").rglob("*"):
        if path.is_file() and path not in files:
            path.unlink()
    for path, data in files.items():
        if path.read_bytes() != data:
            path.write_bytes(data)


def reach(stages: Stages, root: Path, name: str) -> Stages:
    """Plan the edit made in ``root`` since ``stages`` and print what it reaches; the new stages."""
    start = time.process_time()
    edit = plan_edit(stages, root, None)
    cpu = time.process_time() - start
    changed = edit.changed if edit.changed is not None else list(edit.pages)
    folders = collections.Counter(path.split("/")[0] for path in changed)
    parts = collections.Counter(key[0] for key in edit.plan.planned or ())
    print(f"{name:22} pages {len(changed):6}  parts {sum(parts.values()):6}  plan_edit {cpu:.2f} s of CPU   "
          f"pages by folder {dict(folders)}")
    print(f"{'':22} parts by kind {dict(parts)}")
    return edit.stages(frozenset())


def main() -> None:
    """Make each edit, print what it reaches, then the CPU of a full plan."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--events", type=int, default=10000)
    parser.add_argument("--dir", type=Path, default=Path(tempfile.gettempdir()))
    parser.add_argument("--only", nargs="*", help="the edits to make (their names), all without it")
    args = parser.parse_args()
    root = args.dir / f"chronicle-reach-{args.events}"
    if not (root / "content").is_dir():
        generate(root, args.events)
    stages = plan_edit(None, root, None).stages(frozenset())
    actor = sorted((root / "content" / "actors").glob("*.yaml"))[5]
    channel = sorted((root / "content" / "channels").glob("*.yaml"))[0]
    source = sorted((root / "content" / "sources").glob("*.yaml"))[3]
    claim = sorted((root / "content" / "claims").glob("*.yaml"))[5]
    text = source.with_suffix(".txt")
    edits: list[tuple[str, Callable[[], object]]] = [
        ("text", lambda: edit_event(root, 1)),
        ("date", lambda: move_event(root, 1)),
        ("new event", lambda: add_event(root, 1)),
        ("actor description", replace_once(actor, "description: ", "description: Le ")),
        ("channel description", replace_once(channel, "description: ", "description: Le ")),
        ("actor alias", replace_once(actor, "aliases: [", "aliases: [Autre nom, ")),
        ("actor name", replace_once(actor, "name: ", "name: Le ")),
        ("source title", replace_once(source, "title: ", "title: Le ")),
        ("source text", lambda: text.write_text(text.read_text(encoding="utf-8").rstrip() + " Fin.\n",
                                                 encoding="utf-8")),
        ("claim note", replace_once(claim, "source: ", "note: Une note.\nsource: ")),
    ]
    for name, make in edits:
        if args.only and name not in args.only:
            continue
        before = snapshot(root)
        make()
        stages = reach(stages, root, name)
        restore(root, before)
        stages = reach(stages, root, "  undone")
    plan = plan_edit(None, root, None).plan
    cpu = []
    for _ in range(3):
        chronology = build_model(plan.index)  # no event's line in lists made yet (``Chronology.summaries``)
        gc.collect()
        start = time.process_time()
        plan_pages(chronology, plan.facts, plan.config)
        cpu.append(time.process_time() - start)
    print(f"full plan: {min(cpu):.2f} s of CPU (best of 3: {', '.join(f'{c:.2f}' for c in cpu)})")


if __name__ == "__main__":
    main()
