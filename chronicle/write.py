"""Write the site atomically: stage beside ``site/``, swap it in only when all is written.

A failed or interrupted build leaves the previous ``site/`` exactly as it was, and no
staging directory behind.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path, PurePosixPath


class UnsafePathError(ValueError):
    """A file would be written outside the output directory."""


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
    """Replace ``out_dir`` by exactly ``files``; on any failure ``out_dir`` is untouched."""
    out_dir = out_dir.resolve()
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}-new-", dir=out_dir.parent))
    retired = None
    try:
        write_tree(files, staging)
        if out_dir.exists():
            retired = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}-old-", dir=out_dir.parent))
            os.rename(out_dir, retired / "site")
        os.rename(staging, out_dir)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        if retired is not None and not out_dir.exists():
            os.rename(retired / "site", out_dir)
        raise
    finally:
        if retired is not None:
            shutil.rmtree(retired, ignore_errors=True)
