"""Skip a build whose inputs and output are exactly as the last build left them.

The key (``Inputs``) covers everything a page depends on: the files of content/, templates/, static/
and schema/, the generator's own code, and the build's options. The output is checked too,
so a hand-edited or deleted ``site/`` is rebuilt. Files are compared by size and
modification time (nanoseconds), which every edit changes; CI starts without the cache and
always builds in full.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path

CACHE_FILE = ".chronicle-cache/build.json"
INPUTS = ("content", "templates", "static", "schema")
GENERATOR = Path(__file__).resolve().parent


def scan(folder: str, lines: list[str]) -> None:
    """Append "path size mtime" for every file under ``folder``, in a stable order."""
    try:
        entries = sorted(os.scandir(folder), key=lambda entry: entry.name)
    except OSError:
        return
    for entry in entries:
        if entry.is_dir(follow_symlinks=True):
            scan(entry.path, lines)
        else:
            stat = entry.stat()
            lines.append(f"{entry.path}\0{stat.st_size}\0{stat.st_mtime_ns}")


def tree_fingerprint(folders: list[Path]) -> str:
    """A digest of the names, sizes and modification times of every file under ``folders``."""
    lines: list[str] = []
    for folder in folders:
        lines.append(f"\0{folder}")
        scan(str(folder), lines)
    return hashlib.sha256("\n".join(lines).encode()).hexdigest()


def output_fingerprint(out_dir: Path) -> str:
    """The output folder as the last build left it: its own entries and their times.

    ``site/`` is never edited by hand (DESIGN.md); a build replaces it whole, which changes
    these, so a deleted or swapped output is noticed without reading 20,000 files.
    """
    try:
        entries = sorted((entry.name, entry.stat().st_mtime_ns) for entry in os.scandir(out_dir))
        own = out_dir.stat()
    except OSError:
        return ""
    return hashlib.sha256(repr((own.st_ino, own.st_mtime_ns, entries)).encode()).hexdigest()


def content_files(root: Path) -> dict[str, tuple[int, int]]:
    """Every file under ``root/content``, by path from ``root``: its size and modification time."""
    lines: list[str] = []
    scan(str(root / "content"), lines)
    start = len(str(root)) + 1  # the paths scanned begin with "<root>/content/"
    files = {}
    for line in lines:
        path, size, mtime = line.split("\0")
        files[path[start:]] = (int(size), int(mtime))
    return files


@dataclass(frozen=True)
class Inputs:
    """What a build depends on, as it stands: to be taken before the build reads any of it (a file
    saved while the build runs then differs from what is recorded, and the next build redoes it)."""

    settings: str                         # templates/, static/, schema/, the generator's code, the options
    content: dict[str, tuple[int, int]]   # ``content_files``

    @property
    def key(self) -> str:
        """One fingerprint of them all."""
        listing = "\n".join(f"{path}\0{size}\0{mtime}" for path, (size, mtime) in self.content.items())
        return hashlib.sha256(f"{self.settings}\n{listing}".encode()).hexdigest()


def read_inputs(root: Path, out_dir: Path, options: dict[str, object]) -> Inputs:
    """The ``Inputs`` of a build of ``root`` into ``out_dir`` with ``options``, now."""
    files = tree_fingerprint([root / name for name in INPUTS if name != "content"] + [GENERATOR])
    settings = json.dumps({**options, "out": str(out_dir)}, sort_keys=True, default=str)
    return Inputs(hashlib.sha256(f"{files}{settings}".encode()).hexdigest(), content_files(root))


def is_up_to_date(root: Path, out_dir: Path, inputs: str) -> bool:
    """True when neither the inputs (``Inputs.key``, now) nor the output changed since the last recorded build."""
    try:
        recorded = json.loads((root / CACHE_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return out_dir.is_dir() and recorded == {"inputs": inputs, "output": output_fingerprint(out_dir)}


def remember_build(root: Path, out_dir: Path, inputs: str) -> None:
    """Record a build that has just succeeded: its ``Inputs.key``, and its output as it now stands."""
    path = root / CACHE_FILE
    try:
        path.parent.mkdir(exist_ok=True)
        temporary = path.with_suffix(".tmp")
        temporary.write_text(json.dumps({"inputs": inputs, "output": output_fingerprint(out_dir)}), encoding="utf-8")
        os.replace(temporary, path)
    except OSError:
        pass  # a read-only checkout builds in full every time: slower, never wrong


def forget_build(root: Path) -> None:
    """Drop the record, so that the next build runs in full."""
    (root / CACHE_FILE).unlink(missing_ok=True)
