"""Fixture chain: content dir -> checked -> files (the whole site in memory)."""

from __future__ import annotations

import atexit
import gzip
import json
import shutil
import subprocess
import sys
import tempfile
import textwrap
import threading
from collections.abc import Iterable, Iterator
from pathlib import Path

import pytest
from hypothesis import settings

from chronicle.pipeline import build_files
from chronicle.write import SITE_MARKER

REPO = Path(__file__).resolve().parents[1]

# No property test has a deadline: Hypothesis fails an example that takes over 200 ms by default, a
# timing assertion that a loaded machine broke (tests/test_write.py's writer test, stop 22). Tests say
# what a user would notice; speed is measured by bench/, never asserted.
settings.register_profile("chronicle", deadline=None)
settings.load_profile("chronicle")
INPUT_FOLDERS = ("schema", "templates", "static")


def copy_inputs(root: Path) -> None:
    """Copy the repository's ``schema/``, ``templates/`` and ``static/`` into the project ``root`` where it
    has none: a symbolic link to them would be refused (SECURITY.md, "Inputs never reach outside")."""
    for name in INPUT_FOLDERS:
        if not (root / name).exists():
            shutil.copytree(REPO / name, root / name)


def materialised_fixture() -> Path:
    """The fixture chronology (``tests/fixtures/chronology``, its content only) as a whole project, in a
    temporary folder removed at exit: its content, and the repository's other inputs copied beside."""
    root = Path(tempfile.mkdtemp(prefix="chronicle-fixture-")) / "chronology"
    shutil.copytree(REPO / "tests" / "fixtures" / "chronology" / "content", root / "content")
    copy_inputs(root)
    atexit.register(shutil.rmtree, root.parent, True)
    return root


FIXTURE = materialised_fixture()
SEED_SUMS = REPO / "tests" / "seeds.sha256"


def seed_paths() -> list[Path]:
    """The five seed articles as the repository keeps them (``content/sources/*.txt``), in the seeds'
    order (000 to 004), from the committed checksum list: the tests read nothing outside the repository."""
    lines = [line.split() for line in SEED_SUMS.read_text(encoding="utf-8").splitlines()
             if line and not line.startswith("#")]
    return [REPO / name for _, name in lines]


def pytest_addoption(parser: pytest.Parser) -> None:
    """``--update-golden`` rewrites the golden pages (review the diff before committing)."""
    parser.addoption("--update-golden", action="store_true", help="rewrite tests/golden/ from the fixture")


def make_project(tmp_path: Path, files: dict[str, str | bytes] | None = None,
                 base: Path = FIXTURE) -> Path:
    """A copy of the fixture project under ``tmp_path`` with ``files`` added or replaced.

    Keys are paths relative to the project (``content/events/x.yaml``); a value of ``""``
    with the key ending in ``!delete`` removes the file instead.
    """
    root = tmp_path / "project"
    shutil.copytree(base / "content", root / "content")
    copy_inputs(root)
    for path, text in (files or {}).items():
        if path.endswith("!delete"):
            (root / path.removesuffix("!delete")).unlink()
            continue
        target = root / path
        target.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(text, bytes):
            target.write_bytes(text)
        else:
            target.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return root


def run_cli(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """``python build.py --root ROOT ARGS`` in a subprocess, and its outcome."""
    return subprocess.run([sys.executable, str(REPO / "build.py"), "--root", str(root), *args],
                          capture_output=True, text=True, timeout=120, cwd=root)


def indexed_texts(fragments: Iterable[bytes]) -> dict[str, str]:
    """The text Pagefind indexed of each page, by URL, from the bytes of its bundle's ``fragment/`` files
    (gzip, a signature, JSON)."""
    pages = (json.loads(gzip.decompress(body).removeprefix(b"pagefind_dcd")) for body in fragments)
    return {page["url"]: page["content"] for page in pages}


def tree(directory: Path) -> dict[str, bytes]:
    """Every file under ``directory`` with its bytes, but the marker of a site Chronicle made
    (``write.SITE_MARKER``: tests/test_security_paths.py looks for it)."""
    return {p.relative_to(directory).as_posix(): p.read_bytes() for p in sorted(directory.rglob("*"))
            if p.is_file() and p.relative_to(directory).as_posix() != SITE_MARKER}


@pytest.fixture
def no_timer_left() -> Iterator[None]:
    """After the test, every timer still pending is cancelled and every one already running waited for:
    ``serve``'s deferred data files (``EXPORTS_PAUSE``), search index and stages let go run in timers of
    the test's process, and one left by a test fired during the next (whose patched ``export.event_data``
    counted an event of the other project's)."""
    yield
    running = [thread for thread in threading.enumerate() if isinstance(thread, threading.Timer)]
    for thread in running:
        thread.cancel()
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in running), "a timer of serve's still running 2 min after its test"


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A writable copy of the fixture chronology."""
    return make_project(tmp_path)


@pytest.fixture(scope="session")
def fixture_files() -> dict[str, bytes]:
    """The fixture chronology's whole site, rendered in memory."""
    return build_files(FIXTURE)


@pytest.fixture(scope="session")
def real_files() -> dict[str, bytes]:
    """The real chronology's whole site, rendered in memory."""
    return build_files(REPO)
