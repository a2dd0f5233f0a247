"""One build at a time, and a cache that a checkout cannot fool or turn against the build (SECURITY.md).

Every test runs ``build.py`` in real processes. Two processes are made to overlap with
pipes (one waits for a line the test sends), never with delays.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from tests.conftest import REPO, make_project, run_cli, tree

BUILT, UPDATED, UP_TO_DATE = "Site construit", "Site mis à jour", "Rien à reconstruire"
EVENT = "content/events/2022-02-18-appel-austin-choigou.yaml"
PAGE = "site/evenements/2022-02-18-appel-austin-choigou/index.html"
BUSY = 75
DEADLINE = 300  # seconds: only a failure waits it out

# A build that stops once it has read its inputs, says so on stdout and waits for a line on stdin.
HELD_BUILD = textwrap.dedent("""
    import sys
    import chronicle.pipeline
    from chronicle.cli import main

    real = chronicle.pipeline.build_site

    def held(*args, **kwargs):
        print("building", flush=True)
        sys.stdin.readline()
        return real(*args, **kwargs)

    chronicle.pipeline.build_site = held
    sys.exit(main(sys.argv[1:]))
""")


def held_build(root: Path, *args: str) -> subprocess.Popen[str]:
    """A ``build`` of ``root`` in another process, held once it is under way (see ``release``)."""
    process = subprocess.Popen([sys.executable, "-c", HELD_BUILD, "--root", str(root), "build", *args],
                               stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                               cwd=REPO)
    assert process.stdout is not None
    line = process.stdout.readline()  # blocks until the build is under way (or over)
    assert line == "building\n", line + process.communicate(timeout=DEADLINE)[1]
    return process


def release(process: subprocess.Popen[str]) -> tuple[str, str]:
    """Let a ``held_build`` go on; its output once it is over."""
    out, err = process.communicate("go\n", timeout=DEADLINE)
    assert process.returncode == 0, err
    return out, err


# --- one build at a time ----------------------------------------------------------------------------


@pytest.mark.parametrize("second", [["build"], ["build", "--record-urls"], ["build", "--force"], ["serve"]])
def test_a_second_build_or_serve_while_one_runs_exits_at_once_and_changes_nothing(
        tmp_path: Path, second: list[str]) -> None:
    """Two builds of different content at once could leave a site neither built, which the cache
    would call up to date: the second one is refused, with the holder named."""
    root = make_project(tmp_path)
    event = root / EVENT
    first = held_build(root)
    try:
        event.write_text(event.read_text(encoding="utf-8").replace("Dernier entretien", "Ultime entretien"),
                         encoding="utf-8")  # other content for the second
        published = sorted((root / "content").rglob("*"))
        result = run_cli(root, *second, *(["--port", "0"] if second == ["serve"] else []))
        assert result.returncode == BUSY, result.stdout + result.stderr
        assert (f".chronicle.lock: « python build.py build » (processus {first.pid}) travaille déjà sur ce "
                "projet ; rien n'a été modifié.") in result.stderr
        assert "Traceback" not in result.stderr
        assert not (root / "site").exists() and sorted((root / "content").rglob("*")) == published, \
            "no site, no content/published-urls.txt written"
    finally:
        out, _ = release(first)
    assert BUILT in out
    assert "Ultime entretien" in (root / PAGE).read_text(encoding="utf-8"), "read once released"
    assert run_cli(root, "build").stdout.startswith(UPDATED), "once it is over, the next build runs"


def test_a_build_while_serve_runs_is_refused(tmp_path: Path) -> None:
    root = make_project(tmp_path)
    log = (tmp_path / "serve.out").open("w+", encoding="utf-8")
    server = subprocess.Popen([sys.executable, str(REPO / "build.py"), "--root", str(root), "serve", "--port", "0"],
                              stdout=subprocess.PIPE, stderr=log, text=True, cwd=root)
    try:
        assert server.stdout is not None
        assert "Site servi sur" in server.stdout.readline()  # blocks until it serves
        result = run_cli(root, "build", "--record-urls")
        assert result.returncode == BUSY
        assert f"« python build.py serve » (processus {server.pid}) travaille déjà sur ce projet" in result.stderr
    finally:
        server.terminate()
        server.wait(timeout=DEADLINE)
        log.close()
    assert run_cli(root, "build").returncode == 0, "the lock goes with the process"


def test_a_killed_build_leaves_no_lock_behind(tmp_path: Path) -> None:
    root = make_project(tmp_path)
    first = held_build(root)
    first.kill()
    first.communicate(timeout=DEADLINE)
    result = run_cli(root, "build")
    assert result.returncode == 0 and result.stdout.startswith(BUILT), result.stderr


@pytest.mark.parametrize("kind", ["link-to-a-file", "dangling-link", "folder"])
def test_a_lock_file_that_is_not_a_regular_file_is_refused_and_never_followed(tmp_path: Path, kind: str) -> None:
    root = make_project(tmp_path)
    outside = tmp_path / "outside.txt"
    outside.write_text("à garder\n", encoding="utf-8")
    lock = root / ".chronicle.lock"
    if kind == "link-to-a-file":
        lock.symlink_to(outside)
    elif kind == "dangling-link":
        lock.symlink_to(tmp_path / "made-by-the-build")
    else:
        lock.mkdir()
    result = run_cli(root, "build")
    assert result.returncode == 1, result.stderr
    assert result.stderr.startswith(".chronicle.lock: ce verrou n'est pas un fichier ordinaire")
    assert outside.read_text(encoding="utf-8") == "à garder\n"
    assert not (tmp_path / "made-by-the-build").exists() and not (root / "site").exists()


# --- the cache is keyed on the bytes ------------------------------------------------------------------


def test_an_edit_that_keeps_the_size_and_the_modification_time_is_rebuilt(tmp_path: Path) -> None:
    """``cp -p``, ``rsync -t``, an archive or ``touch -r`` put a file's time back after an edit."""
    root = make_project(tmp_path)
    assert run_cli(root, "build").stdout.startswith(BUILT)
    event = root / EVENT
    before = event.stat()
    text = event.read_text(encoding="utf-8")
    assert "Dernier entretien" in text
    event.write_text(text.replace("Dernier entretien", "Premier entretien"), encoding="utf-8")  # as many bytes
    os.utime(event, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert (event.stat().st_size, event.stat().st_mtime_ns) == (before.st_size, before.st_mtime_ns)
    result = run_cli(root, "build")
    assert not result.stdout.startswith(UP_TO_DATE), result.stdout
    assert "Premier entretien" in (root / PAGE).read_text(encoding="utf-8")


@pytest.mark.parametrize("link", ["/", "../..", "nulle-part", "racine"])
def test_a_link_under_content_is_a_positioned_problem_not_a_crash_nor_a_walk(tmp_path: Path, link: str) -> None:
    """The cache lists content/ before the build: it never follows a link (``racine``: a loop)."""
    root = make_project(tmp_path)
    (root / "content" / "racine").symlink_to(link)
    result = run_cli(root, "build")
    assert result.returncode == 1, result.stderr
    assert result.stderr.startswith("content/racine: les liens symboliques ne sont pas acceptés.")
    assert "Erreur interne" not in result.stderr


# --- an odd .chronicle-cache means a full build, never a crash, never a write through a link ------


def oddity(root: Path, tmp_path: Path, kind: str) -> None:
    """Make ``root``'s ``.chronicle-cache`` odd in the way ``kind`` says."""
    cache = root / ".chronicle-cache"
    outside = tmp_path / "outside"
    if kind.startswith("cache-is-"):
        shutil.rmtree(cache)
    if kind == "cache-is-a-file":
        cache.write_text("rien\n", encoding="utf-8")
    elif kind == "cache-is-a-link":
        outside.mkdir()
        cache.symlink_to(outside)
    elif kind == "cache-is-a-dangling-link":
        cache.symlink_to(outside)
    else:
        cache.mkdir(exist_ok=True)
        name, what = kind.split("-is-")
        entry = cache / {"record": "build.json", "state": "stages.pickle"}[name]
        if entry.is_dir():
            entry.rmdir()
        else:
            entry.unlink(missing_ok=True)
        if what == "a-folder":
            (entry / "x").mkdir(parents=True)
        elif what == "a-fifo":
            os.mkfifo(entry)
        elif what == "a-link-to-dev-zero":
            entry.symlink_to("/dev/zero")
        elif what == "garbage":
            entry.write_bytes(b"\x80\x04not a pickle\xff" * 100)
        elif what == "of-the-wrong-shape":
            entry.write_text('{"inputs": [1], "output": {"a": null}}\n[]\n' if name == "record" else
                             '{"settings": 1, "output": [], "content": []}\nxx', encoding="utf-8")


ODDITIES = ["cache-is-a-file", "cache-is-a-link", "cache-is-a-dangling-link", "record-is-a-folder",
            "record-is-a-fifo", "record-is-a-link-to-dev-zero", "record-is-of-the-wrong-shape", "state-is-a-folder",
            "state-is-a-fifo", "state-is-a-link-to-dev-zero", "state-is-garbage", "state-is-of-the-wrong-shape"]


@pytest.mark.parametrize("kind", ODDITIES)
def test_an_odd_cache_means_a_full_build(tmp_path: Path, kind: str) -> None:
    """Whatever is odd in ``.chronicle-cache`` (as found after the first build, or committed): the build
    runs in full and gives the clean build's bytes; nothing is read or written through a link; a
    FIFO or ``/dev/zero`` never blocks it."""
    root = make_project(tmp_path)
    clean = make_project(tmp_path / "clean")
    assert run_cli(clean, "build").returncode == 0
    assert run_cli(root, "build").returncode == 0
    oddity(root, tmp_path, kind)
    event = root / EVENT
    event.write_text(event.read_text(encoding="utf-8").replace("Dernier entretien", "Ultime entretien"),
                     encoding="utf-8")
    (clean / EVENT).write_bytes(event.read_bytes())
    assert run_cli(clean, "build", "--force").returncode == 0
    for _ in range(2):  # a healed cache makes the second a no-op; an unusable one, a full build again
        result = run_cli(root, "build")
        assert result.returncode == 0, result.stderr
        assert "Traceback" not in result.stderr and "Erreur interne" not in result.stderr
        assert tree(root / "site") == tree(clean / "site")
    if kind.startswith("cache-is-a-"):
        assert f"c'est {'un fichier' if kind.endswith('file') else 'un lien symbolique'}, pas un dossier" \
            in result.stderr
        assert result.stdout.startswith(BUILT), "never up to date: nothing is recorded"
        assert not (tmp_path / "outside").exists() or not list((tmp_path / "outside").iterdir()), \
            "nothing written through the link"
    else:
        assert result.stdout.startswith(UP_TO_DATE), "the odd entry was replaced by the build's own"


def test_what_killed_builds_left_in_the_cache_is_swept(tmp_path: Path) -> None:
    root = make_project(tmp_path)
    assert run_cli(root, "build").returncode == 0
    cache = root / ".chronicle-cache"
    for name in (".stages.pickle.4242.pickled", ".stages.pickle.4242.tmp", ".build.json.4242.tmp"):
        (cache / name).write_bytes(b"x" * 1000)
    (cache / ".stages.pickle.4343.tmp").mkdir()
    assert run_cli(root, "build").returncode == 0
    assert sorted(path.name for path in cache.iterdir()) == ["build.json", "stages.pickle"]
