"""Atomic output: a failure or an interruption while writing leaves the previous site whole.

In process, a failure is injected at every stage of ``write_site`` (the n-th file, the
retirement of the old site, the swap). Out of process, builds of a few thousand synthetic
events are interrupted with SIGTERM and SIGINT while they write, several times, and while
their forked workers render (none may survive). tests/test_stream.py fails and interrupts
the workers in process.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

from chronicle import write
from chronicle.write import Terminated, write_site
from tests.conftest import REPO, copy_inputs, tree

OLD = {"index.html": b"ancien", "evenements/a/index.html": b"a", "static/site.css": b"css"}
NEW = {f"evenements/e{n}/index.html": f"page {n}".encode() for n in range(50)} | {"index.html": b"nouveau"}


def leftovers(parent: Path) -> list[str]:
    """The staging folders left beside the site."""
    return sorted(path.name for path in parent.iterdir() if path.name.startswith(".site-"))


def swept(parent: Path, timeout: float = 60) -> list[str]:
    """The replaced sites still beside the site once their removal in the background has had
    ``timeout`` seconds to finish (``write.discard``)."""
    deadline = time.monotonic() + timeout
    while (trash := sorted(path.name for path in parent.glob(".site.old-*"))) and time.monotonic() < deadline:
        time.sleep(0.05)
    return trash


@pytest.fixture
def site(tmp_path: Path) -> Path:
    out = tmp_path / "site"
    write_site(OLD, out)
    assert tree(out) == OLD and leftovers(tmp_path) == []
    return out


@pytest.mark.parametrize("after", [0, 1, 25, 50])
def test_failure_in_the_middle_of_writing_leaves_the_old_site(site: Path, after: int,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    written: list[Path] = []
    real = Path.write_bytes

    def failing(self: Path, data: bytes) -> int:
        if len(written) == after:
            raise OSError(28, "No space left on device")
        written.append(self)
        return real(self, data)

    monkeypatch.setattr(Path, "write_bytes", failing)
    monkeypatch.setattr(write, "write_file", lambda path, data: failing(Path(path), data))
    with pytest.raises(OSError):
        write_site(NEW, site)
    assert tree(site) == OLD
    assert leftovers(site.parent) == []


@pytest.mark.parametrize("step", [1, 2])
def test_failure_while_swapping_restores_the_old_site(site: Path, step: int, monkeypatch: pytest.MonkeyPatch) -> None:
    """Step 1: retiring the old site fails; step 2: moving the new one in fails."""
    calls: list[str] = []
    real = os.rename

    def rename(source: str | Path, target: str | Path) -> None:
        calls.append(str(target))
        if len(calls) == step:
            raise OSError(5, "Input/output error")
        real(source, target)

    monkeypatch.setattr(write.os, "rename", rename)
    with pytest.raises(OSError):
        write_site(NEW, site)
    assert tree(site) == OLD
    assert leftovers(site.parent) == []


def test_the_replaced_site_is_removed_in_the_background(site: Path) -> None:
    write_site(NEW, site)
    assert tree(site) == NEW and leftovers(site.parent) == []
    assert swept(site.parent) == []


def test_a_replaced_site_an_earlier_build_did_not_finish_removing_is_removed(site: Path) -> None:
    """The machine stopped while a replaced site was being removed: the next build removes it."""
    left = site.parent / ".site.old-interrompu" / "site" / "evenements" / "a"
    left.mkdir(parents=True)
    (left / "index.html").write_bytes(b"a")
    write_site(NEW, site)
    assert tree(site) == NEW
    assert swept(site.parent) == []


def test_where_no_process_can_start_the_replaced_site_is_removed_before_returning(
        site: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def refused(*args: object, **kwargs: object) -> None:
        raise OSError(11, "Resource temporarily unavailable")

    monkeypatch.setattr(write.subprocess, "Popen", refused)
    write_site(NEW, site)
    assert tree(site) == NEW
    assert swept(site.parent, timeout=0) == []


def test_a_site_whose_name_reads_as_a_pattern_is_removed_too(tmp_path: Path) -> None:
    site = tmp_path / "site[1]"
    write_site(OLD, site)
    (tmp_path / ".site1.old-autre").mkdir()  # what an unescaped pattern would match instead
    write_site(NEW, site)
    assert tree(site) == NEW
    deadline = time.monotonic() + 60
    while list(tmp_path.glob(".site[[]1].old-*")) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert sorted(path.name for path in tmp_path.iterdir()) == [".site1.old-autre", "site[1]"]


def test_where_the_replaced_site_cannot_be_moved_aside_it_is_removed_before_returning(
        site: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    real = tempfile.mkdtemp

    def refused(prefix: str, dir: Path) -> str:  # noqa: A002 (tempfile's own name)
        if ".old-" in prefix:
            raise OSError(28, "No space left on device")
        return real(prefix=prefix, dir=dir)

    monkeypatch.setattr(write.tempfile, "mkdtemp", refused)
    write_site(NEW, site)
    assert tree(site) == NEW
    assert sorted(path.name for path in site.parent.iterdir()) == ["site"]


def test_unsafe_path_fails_before_the_old_site_is_touched(site: Path) -> None:
    with pytest.raises(write.UnsafePathError):
        write_site({**NEW, "../dehors.html": b"x"}, site)
    assert tree(site) == OLD and leftovers(site.parent) == []
    assert not (site.parent / "dehors.html").exists()


def test_sigterm_while_writing_unwinds_and_the_handler_comes_back(site: Path,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    before = signal.getsignal(signal.SIGTERM)
    real = Path.write_bytes
    count: list[int] = []

    def signalling(self: Path, data: bytes) -> int:
        count.append(1)
        if len(count) == 10:
            os.kill(os.getpid(), signal.SIGTERM)  # delivered to this (main) thread at once
        return real(self, data)

    monkeypatch.setattr(Path, "write_bytes", signalling)
    monkeypatch.setattr(write, "write_file", lambda path, data: signalling(Path(path), data))
    with pytest.raises(Terminated):
        write_site(NEW, site)
    assert tree(site) == OLD and leftovers(site.parent) == []
    assert signal.getsignal(signal.SIGTERM) == before


# --- interrupting a real build --------------------------------------------------------------


@pytest.fixture(scope="module")
def big_project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A synthetic chronology of 2,000 events (bench/generate.py), built once."""
    root = tmp_path_factory.mktemp("big") / "project"
    subprocess.run([sys.executable, str(REPO / "bench" / "generate.py"), "--events", "2000", "--out", str(root)],
                   check=True, capture_output=True, timeout=300)
    copy_inputs(root)
    build = subprocess.run([sys.executable, str(REPO / "build.py"), "--root", str(root), "build"],
                           capture_output=True, text=True, timeout=600)
    assert build.returncode == 0, build.stderr
    return root


@pytest.mark.parametrize("run", range(4))
def test_interrupted_build_leaves_the_old_site(big_project: Path, run: int) -> None:
    """Kill a build once it has started writing, at a random moment; the site stays as it was."""
    before = tree(big_project / "site")
    rng = random.Random(run)
    sig = (signal.SIGTERM, signal.SIGINT)[run % 2]
    process = subprocess.Popen([sys.executable, str(REPO / "build.py"), "--root", str(big_project), "build",
                                "--force"],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 300
    while not leftovers(big_project) and process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.005)
    time.sleep(rng.uniform(0, 0.4))  # not a wait: the moment of the kill, drawn at random once writing has begun
    process.send_signal(sig)
    _, stderr = process.communicate(timeout=120)
    assert "Traceback" not in stderr
    if process.returncode == 0:  # the build won the race: the site is the new one, and whole
        assert tree(big_project / "site") == before  # same content, same bytes
    else:
        assert process.returncode in (130, -sig), stderr
        assert tree(big_project / "site") == before
    assert leftovers(big_project) == []
    assert swept(big_project) == []


def children(pid: int) -> list[int]:
    """The processes ``pid`` started (Linux)."""
    try:
        return [int(child) for child in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []


def command_line(pid: int) -> bytes:
    """The command line of ``pid`` (empty once it is gone)."""
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return b""


def running(pid: int) -> bool:
    """Whether ``pid`` is a live process (not gone, not a zombie)."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()[0] != "Z"
    except OSError:
        return False


def catches(pid: int, signum: int) -> bool:
    """Whether ``pid`` runs a handler of its own for ``signum`` (Linux: the SigCgt mask of its status)."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return False
    mask = next((line.split()[1] for line in status.splitlines() if line.startswith("SigCgt:")), "0")
    return bool(int(mask, 16) >> (signum - 1) & 1)


@pytest.mark.skipif((os.cpu_count() or 1) < 2 or not Path("/proc/self/task").is_dir(),
                    reason="rendering is forked only with two cores or more; /proc lists the workers")
@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_interrupted_parallel_rendering_leaves_no_worker(big_project: Path, sig: int) -> None:
    """Signal the build while its forked workers render: the site stays, and every worker is gone."""
    before = tree(big_project / "site")
    for _ in range(3):  # a build that finished before its workers were seen (a loaded machine) is run again
        process = subprocess.Popen([sys.executable, str(REPO / "build.py"), "--root", str(big_project), "build",
                                    "--force"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        command = command_line(process.pid)
        workers: list[int] = []
        deadline = time.monotonic() + 300
        while not workers and process.poll() is None and time.monotonic() < deadline:
            # Forked: the same command line. So is a child between its fork and its exec (``git log``,
            # before the build, seen on a loaded machine): the build's own handler must be in place too.
            workers = [pid for pid in children(process.pid)
                       if running(pid) and command_line(pid) == command] if catches(process.pid, sig) else []
            time.sleep(0.005)
        if workers or process.poll() != 0:
            break
        process.communicate(timeout=60)
    if not workers:  # say why: the build ended first each time (how?), or the deadline passed
        process.kill()
        out, err = process.communicate(timeout=60)
        pytest.fail(f"no worker seen; the build exited {process.returncode}:\n{out[-500:]}\n{err[-2000:]}")
    process.send_signal(sig)  # to the parent only: a worker would ignore it anyway
    _, stderr = process.communicate(timeout=120)
    assert "Traceback" not in stderr
    assert process.returncode == 130, stderr
    assert tree(big_project / "site") == before
    assert leftovers(big_project) == []
    deadline = time.monotonic() + 60  # they exit as soon as they see their parent gone; a deadline for a busy machine
    while any(running(pid) for pid in workers) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not any(running(pid) for pid in workers)
