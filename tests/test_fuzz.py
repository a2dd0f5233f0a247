"""The fuzzing run of ``fuzz/``, bounded, and the replay of every input that ever crashed it.

The long run is documented in ``fuzz/README.md``; here each target runs for a few thousand
inputs (about 20 s in all), from a copy of its seed corpus, and must find nothing.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import REPO

FUZZ = REPO / "fuzz"
CRASHES = sorted((FUZZ / "crashes").iterdir())
BOUNDS = {"load": ["-runs=20000"], "check": ["-max_total_time=15", "-runs=5000"]}


@pytest.mark.parametrize("target", sorted(BOUNDS))
def test_bounded_fuzzing_run_finds_nothing(target: str, tmp_path: Path) -> None:
    corpus = shutil.copytree(FUZZ / "corpus" / target, tmp_path / "corpus")
    result = subprocess.run([sys.executable, str(FUZZ / f"fuzz_{target}.py"), str(corpus), *BOUNDS[target],
                             f"-artifact_prefix={tmp_path}/", "-max_len=8192", "-timeout=20"],
                            capture_output=True, text=True, timeout=300)
    found = sorted(path.name for path in tmp_path.iterdir() if path.name != "corpus")
    assert (result.returncode, found) == (0, []), result.stderr[-4000:]


@pytest.mark.parametrize("crash", CRASHES, ids=[path.name for path in CRASHES])
def test_crash_found_once_stays_fixed(crash: Path) -> None:
    """``fuzz/crashes/<target>-<name>``: replayed in process through the target's own entry."""
    target = crash.name.split("-", 1)[0]
    sys.path.insert(0, str(FUZZ))
    try:
        module = __import__(f"fuzz_{target}")
    finally:
        sys.path.remove(str(FUZZ))
    module.test_one_input(crash.read_bytes())
