"""How long ``serve`` takes to show an edit of an actor, a channel, a source or a claim.

    python bench/edit_kinds.py --events 10000 --runs 3

Generates the synthetic chronology (bench/generate.py) in a folder of its own unless it exists, starts
``build.py serve`` on it, then for each kind of edit (``EDITS``) and each run: prepares the new file,
starts the stopwatch at the save, waits for ``serve`` to announce the rebuilt site
(``/__chronicle__/wait``), then reads the home page and the page showing the change. Prints each round
trip and the median by kind; ``bench/edit_reach.py`` counts the parts planned again by the same edits.
"""

from __future__ import annotations

import argparse
import re
import statistics
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from generate import generate
from run import REPO, edit_event_save, round_trip, serving

Save = Callable[[], object]


def rewrite(path: Path, pattern: str, replacement: str) -> Save:
    """The save replacing the first match of ``pattern`` in ``path`` (read now, before the stopwatch)."""
    text = path.read_text(encoding="utf-8")
    new = re.sub(pattern, replacement, text, count=1, flags=re.MULTILINE)
    assert new != text, f"{path}: {pattern!r} not found"
    return lambda: path.write_text(new, encoding="utf-8")


def first(folder: Path, index: int = 5) -> Path:
    """A record file of ``folder`` (the same one each run)."""
    return sorted(folder.glob("*.yaml"))[index]


def claim_event(claim: Path) -> str:
    """The page of the first event a claim is between (where it shows)."""
    found = re.search(r"between: \[([^,\]]+)", claim.read_text(encoding="utf-8"))
    assert found is not None
    return f"/evenements/{found.group(1).strip()}/"


# name: (the save of run ``run`` in ``content``, the page that shows it)
Edit = Callable[[Path, int], tuple[Save, str]]
EDITS: dict[str, Edit] = {
    "event text": lambda c, run: (edit_event_save(c.parent, 2000 + run)[1], "/"),  # bench/run.py's, for scale
    "actor description": lambda c, run: (
        rewrite(first(c / "actors"), r"^(description: )(Mot \d+ )?", rf"\g<1>Mot {run} "),
        f"/acteurs/{first(c / 'actors').stem}/"),
    "actor alias": lambda c, run: (
        rewrite(first(c / "actors"), r"^aliases: \[([^,\]]+).*\]$", rf"aliases: [\g<1>, Alias{run}]"),
        f"/acteurs/{first(c / 'actors').stem}/"),
    "actor name": lambda c, run: (
        rewrite(first(c / "actors"), r"^(name: Acteur \d+)( r\d+)?$", rf"\g<1> r{run}"),
        f"/acteurs/{first(c / 'actors').stem}/"),
    "channel description": lambda c, run: (
        rewrite(first(c / "channels", 0), r"^(description: )(Mot \d+ )?", rf"\g<1>Mot {run} "),
        f"/canaux/{first(c / 'channels', 0).stem}/"),
    "source title": lambda c, run: (
        rewrite(first(c / "sources", 3), r"^(title: Source \d+)( r\d+)?$", rf"\g<1> r{run}"),
        f"/sources/{first(c / 'sources', 3).stem}/"),
    "claim note": lambda c, run: (
        rewrite(first(c / "claims", 5), r"^(note: .*\n)?(source: )", rf"note: Note {run}.\n\g<2>"),
        claim_event(first(c / "claims", 5))),
}


def round_trips(project: Path, runs: int, checkout: Path = REPO,
                only: list[str] | None = None) -> dict[str, list[float]]:
    """Seconds from each save to the home page and the changed page served, by kind of edit (``serve`` of
    the Chronicle in ``checkout``)."""
    edits = {name: edit for name, edit in EDITS.items() if not only or name in only}
    figures: dict[str, list[float]] = {name: [] for name in edits}
    with serving(project, checkout) as base:
        for run in range(runs):
            for name, edit in edits.items():
                save, page = edit(project / "content", run)
                figures[name].append(round_trip(base, save, ("/", page)))
                print(f"{name:20} run {run}: {figures[name][-1]:.3f} s", flush=True)
    return figures


def main() -> None:
    """Time each kind of edit through ``serve`` and print the medians."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--events", type=int, default=10000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--dir", type=Path, default=Path(tempfile.gettempdir()))
    parser.add_argument("--checkout", type=Path, default=REPO, help="the Chronicle to serve with (this one)")
    parser.add_argument("--only", nargs="*", help="the edits to time (their names), all without it")
    args = parser.parse_args()
    project = args.dir / f"chronicle-kinds-{args.events}"
    if not (project / "content").is_dir():
        generate(project, args.events)
    for name, values in round_trips(project, args.runs, args.checkout, args.only).items():
        print(f"{name:20} median {statistics.median(values):.3f} s  ({', '.join(f'{v:.3f}' for v in values)})")


if __name__ == "__main__":
    main()
