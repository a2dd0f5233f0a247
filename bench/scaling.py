"""How a clean build's cost grows with the chronology: 1,000 to 100,000 events.

    python bench/scaling.py --events 1000 10000 100000 [--runs 1]

For each size: the synthetic chronology (bench/generate.py, reused when already generated),
then a clean whole-process build (``build --force``, the old output moved aside and the disk
synced first), wall time, CPU time (user + system of the build and every process it started, which
another job on the machine moves less than the wall time) and peak memory, medians of --runs. Prints a
table with the cost per 1,000 events (flat when the growth is linear), then one JSON line.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from generate import generate
from run import REPO, move_aside, timed


def main() -> None:
    """Command line."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--events", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--dir", type=Path, default=Path(tempfile.gettempdir()), help="where to generate")
    args = parser.parse_args()
    trash = Path(tempfile.mkdtemp(prefix="scaling-trash-", dir=args.dir))
    rows = []
    for events in args.events:
        project = args.dir / f"chronicle-scaling-{events}"
        if not (project / "content" / "events").is_dir():
            generate(project, events)
        else:  # the content is reused; the templates, schemas and static files must be today's
            for name in ("schema", "templates", "static"):
                shutil.rmtree(project / name, ignore_errors=True)
                shutil.copytree(REPO / name, project / name)
        command = [sys.executable, str(REPO / "build.py"), "--root", str(project), "build", "--force"]
        figures = []
        for _ in range(args.runs):
            move_aside(project / "site", trash)
            figures.append(timed(command, project))
        seconds, cpu = (statistics.median(f[i] for f in figures) for i in (0, 1))
        peak = max(f[2] for f in figures)
        rows.append({"events": events, "full_s": round(seconds, 2), "cpu_s": round(cpu, 2), "peak_mb": round(peak),
                     "s_per_1000": round(1000 * seconds / events, 3), "cpu_s_per_1000": round(1000 * cpu / events, 3),
                     "mb_per_1000": round(1000 * peak / events, 1)})
        print(f"{events:>8} events  {seconds:8.2f} s  cpu {cpu:8.2f} s  {peak:7.0f} MB  "
              f"{rows[-1]['s_per_1000']:6.3f} s / 1000  cpu {rows[-1]['cpu_s_per_1000']:6.3f} s / 1000  "
              f"{rows[-1]['mb_per_1000']:6.1f} MB / 1000", flush=True)
    print(json.dumps(rows))


if __name__ == "__main__":
    main()
