"""Write the site atomically: stage beside ``site/``, swap it in only when all is written.

A failed or interrupted build leaves the previous ``site/`` exactly as it was, and no
staging directory behind.
"""

from __future__ import annotations

import os
import shutil
import signal
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path, PurePosixPath
from types import FrameType


class UnsafePathError(ValueError):
    """A file would be written outside the output directory."""


class Terminated(KeyboardInterrupt):
    """SIGTERM while writing: unwinds like Ctrl-C, so that the staging directory is removed."""


@contextmanager
def interruptions_unwind() -> Iterator[None]:
    """While inside, SIGINT and SIGTERM raise once (KeyboardInterrupt, Terminated), then are
    ignored until the cleanup is done; the previous handlers come back after. Main thread only.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    fired: list[int] = []

    def interrupt(signum: int, frame: FrameType | None) -> None:
        if not fired:
            fired.append(signum)
            raise Terminated if signum == signal.SIGTERM else KeyboardInterrupt

    previous = {signum: signal.signal(signum, interrupt) for signum in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)


@contextmanager
def signals_held() -> Iterator[None]:
    """SIGINT and SIGTERM ignored while inside (main thread only): for the last cleanup step."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = {signum: signal.signal(signum, signal.SIG_IGN) for signum in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)


def safe_relative(path: str) -> PurePosixPath:
    """``path`` as a relative path that stays inside the output directory."""
    pure = PurePosixPath(path)
    if (pure.is_absolute() or not pure.parts or any(part in ("..", ".", "") for part in pure.parts)
            or "\\" in path or "\x00" in path):
        raise UnsafePathError(f"chemin refusé hors de site/ : {path!r}")
    return pure


def write_tree(files: dict[str, bytes], directory: Path) -> None:
    """Write ``files`` ({relative path: bytes}) under ``directory``, in sorted order."""
    made: set[Path] = set()
    for path in sorted(files):
        target = directory.joinpath(*safe_relative(path).parts)
        if target.parent not in made:
            target.parent.mkdir(parents=True, exist_ok=True)
            made.add(target.parent)
        target.write_bytes(files[path])


def write_site(files: dict[str, bytes], out_dir: Path) -> None:
    """Replace ``out_dir`` by exactly ``files``; on any failure ``out_dir`` is untouched.

    Ctrl-C (SIGINT) and SIGTERM while writing are failures like any other: the previous
    site stays, the staging directory goes, and the interruption goes on up.
    """
    with interruptions_unwind():
        _swap_in(files, out_dir.resolve())


def _swap_in(files: dict[str, bytes], out_dir: Path) -> None:
    """Write into ``.site-*/new``, move the old site to ``.site-*/old``, the new one in its place."""
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    staging: Path | None = None
    try:
        staging = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}-", dir=out_dir.parent))
        (staging / "new").mkdir()
        write_tree(files, staging / "new")
        if out_dir.exists():
            os.rename(out_dir, staging / "old")
        os.rename(staging / "new", out_dir)
    except BaseException:
        if staging is not None and not out_dir.exists() and (staging / "old").exists():
            os.rename(staging / "old", out_dir)
        raise
    finally:
        if staging is not None:
            with signals_held():  # a signal now must not leave half a staging directory behind
                shutil.rmtree(staging, ignore_errors=True)
