"""Determinism: the same content gives the same bytes, whatever the machine's settings.

Two builds of the fixture chronology, one whose files were created in the opposite order
(with other modification times), under different ``TZ``, ``LANG``/``LC_ALL`` and
``PYTHONHASHSEED``, must produce byte-identical trees, Pagefind's index included.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from tests.conftest import FIXTURE, REPO, copy_inputs

SETTINGS = (
    {"TZ": "UTC", "PYTHONHASHSEED": "1", "LANG": "C", "LC_ALL": "C"},
    {"TZ": "Asia/Tokyo", "PYTHONHASHSEED": "999", "LANG": "fr_FR.UTF-8", "LC_ALL": "fr_FR.UTF-8"},
    {"TZ": "America/St_Johns", "PYTHONHASHSEED": "random", "LANG": "tr_TR.UTF-8", "LC_ALL": "tr_TR.UTF-8"},
)


def copy_project(target: Path, reverse: bool) -> Path:
    """The fixture project, its content files created in sorted or reversed order."""
    files = sorted(path for path in (FIXTURE / "content").rglob("*") if path.is_file())
    for number, path in enumerate(reversed(files) if reverse else files):
        copy = target / "content" / path.relative_to(FIXTURE / "content")
        copy.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, copy)
        stamp = 1_000_000_000 + (number * 7919 if reverse else number)
        os.utime(copy, (stamp, stamp))
    copy_inputs(target)
    return target


def build(root: Path, settings: dict[str, str]) -> dict[str, bytes]:
    out = root / "site"
    env = {key: value for key, value in os.environ.items() if not key.startswith(("LC_", "LANG", "TZ"))}
    subprocess.run([sys.executable, str(REPO / "build.py"), "--root", str(root), "build", "--out", str(out)],
                   check=True, capture_output=True, env={**env, **settings}, timeout=300)
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()}


def test_builds_are_byte_identical_across_settings_and_file_order(tmp_path: Path) -> None:
    trees = [build(copy_project(tmp_path / f"run{run}", reverse=run % 2 == 1), settings)
             for run, settings in enumerate(SETTINGS)]
    assert sorted(trees[0]) == sorted(trees[1]) == sorted(trees[2])
    for path in trees[0]:
        assert trees[0][path] == trees[1][path] == trees[2][path], path
