"""``build.py serve`` in a subprocess: the site, rebuilds on edits, the error page, the reload endpoint."""

from __future__ import annotations

import html
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from chronicle import preview, search, serve
from chronicle.pipeline import build_site
from tests.conftest import REPO, indexed_texts, make_project, tree

pytestmark = pytest.mark.usefixtures("no_timer_left")  # a test's timers never fire in the next

EVENT = "content/events/2022-05-13-appel-austin-choigou.yaml"
PAGE = "evenements/2022-05-13-appel-austin-choigou/"
TITLE = "Premier appel Austin–Choïgou depuis l'invasion"
# Deadlines, not delays: each wait returns as soon as what it waits for happens (a new build
# version from the server's own long poll, a line in its log). They are generous for a loaded
# machine (tests/README: ``bash .ci/busy``); only a failure waits them out.
EDIT_TIMEOUT = 60.0
START_TIMEOUT = 120.0


@dataclass
class Served:
    """A running ``serve``: its project, address, log and process."""

    root: Path
    address: str
    log: Path
    process: subprocess.Popen[bytes]

    def get(self, path: str, timeout: float = EDIT_TIMEOUT) -> tuple[int, str]:
        """The status and body of ``GET path``, errors included."""
        try:
            with urllib.request.urlopen(self.address + path, timeout=timeout) as response:
                return response.status, response.read().decode("utf-8")
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode("utf-8")

    def edit(self, old: str, new: str) -> None:
        """Replace ``old`` by ``new`` in the served project's May 2022 event."""
        path = self.root / EVENT
        text = path.read_text(encoding="utf-8")
        assert old in text
        path.write_text(text.replace(old, new), encoding="utf-8")


def wait_until(found: Callable[[], bool], timeout: float = EDIT_TIMEOUT) -> bool:
    """Check ``found`` until it holds or ``timeout`` seconds have passed (what it checks is an outcome
    the server reports: a page, a log line, a file it wrote)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if found():
            return True
        time.sleep(0.1)
    return found()


@contextmanager
def serving(root: Path, tmp_path: Path) -> Iterator[Served]:
    """``build.py serve --port 0`` on the project ``root``, stopped after the block."""
    log = tmp_path / "serve.log"
    out = (tmp_path / "stdout.txt").open("w", encoding="utf-8")
    errors = log.open("w", encoding="utf-8")
    process = subprocess.Popen([sys.executable, str(REPO / "build.py"), "--root", str(root), "serve", "--port", "0"],
                               stdout=out, stderr=errors, cwd=root)
    try:
        address = re.compile(r"Site servi sur (http://127\.0\.0\.1:\d+/) ")
        started = wait_until(lambda: bool(address.search((tmp_path / "stdout.txt").read_text(encoding="utf-8")))
                             or process.poll() is not None, START_TIMEOUT)
        printed = (tmp_path / "stdout.txt").read_text(encoding="utf-8")
        assert started and process.poll() is None, printed + log.read_text(encoding="utf-8")
        match = address.search(printed)
        assert match is not None
        yield Served(root, match.group(1), log, process)
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=30)
        out.close()
        errors.close()


@pytest.fixture
def served(tmp_path: Path) -> Iterator[Served]:
    """``build.py serve --port 0`` on a copy of the fixture, stopped after the test."""
    with serving(make_project(tmp_path), tmp_path) as running:
        yield running


def version_of(page: str) -> int:
    """The build version the reload script of ``page`` waits on."""
    match = re.search(r"var v=(\d+);", page)
    assert match is not None, "no reload script in the page"
    return int(match.group(1))


def test_serves_the_site_with_the_reload_script(served: Served) -> None:
    status, page = served.get(PAGE)
    assert status == 200
    assert f"<h1>{TITLE.replace(chr(39), '&#39;')}</h1>" in page
    assert version_of(page) >= 1
    status, missing = served.get("evenements/nulle-part/")
    assert status == 404 and "var v=" in missing


def test_an_edit_rebuilds_and_the_reload_endpoint_answers_a_new_version(served: Served) -> None:
    seen = version_of(served.get(PAGE)[1])
    served.edit(TITLE, "Appel Austin–Choïgou du 13 mai")
    status, answer = served.get(f"__chronicle__/wait?v={seen}", timeout=30)
    assert status == 200 and int(answer) > seen
    assert wait_until(lambda: "<h1>Appel Austin–Choïgou du 13 mai</h1>" in served.get(PAGE)[1])


def test_a_broken_edit_shows_the_problems_then_the_site_comes_back(served: Served) -> None:
    served.edit("kind: call", "kind: cal")
    expected = f"{EVENT}:6:7: kind: nature « cal » inconnue"
    assert wait_until(lambda: expected in served.get(PAGE)[1])
    status, page = served.get(PAGE)
    assert status == 500
    assert "<h1>1 problème dans le contenu</h1>" in page
    assert f"<li><code>{expected}" in page
    assert expected in served.get("")[1]  # every page shows the problems, not a stale site
    assert version_of(page) >= 2  # the error page reloads itself too
    served.edit("kind: cal", "kind: call")
    assert wait_until(lambda: served.get(PAGE)[0] == 200)
    assert TITLE.replace("'", "&#39;") in served.get(PAGE)[1]
    assert wait_until(lambda: expected in served.log.read_text(encoding="utf-8"))  # the terminal shows them too
    assert "1 problème ; le navigateur l'affiche." in served.log.read_text(encoding="utf-8")  # French, agreed


@pytest.mark.parametrize("query", ["v=abc", "v=%C2%B2", "v=--1", "v=1e3", "v=%FF", "v=" + "9" * 5000, "v="])
def test_a_malformed_version_gets_a_400_never_a_traceback(served: Served, query: str) -> None:
    """``?v=`` is written by the reload script only: anything but an integer is a client's mistake
    ("²" is a digit to ``str.isdigit``, not to ``int``; 5,000 digits is past ``int``'s limit)."""
    status, answer = served.get(f"__chronicle__/wait?{query}", timeout=EDIT_TIMEOUT)
    assert status == 400 and "Paramètre v invalide" in answer
    assert served.get("__chronicle__/wait", timeout=EDIT_TIMEOUT)[0] == 200, "no v: the current version at once"
    assert "Traceback" not in served.log.read_text(encoding="utf-8")


@pytest.mark.parametrize("path", ["evenements/%00/", "%00", "a" * 5000 + "/"])
def test_a_malformed_path_gets_an_answer_never_a_traceback(served: Served, path: str) -> None:
    status, _ = served.get(path, timeout=EDIT_TIMEOUT)
    assert status in (400, 404)
    assert served.get(PAGE)[0] == 200, "the server goes on"
    assert "Traceback" not in served.log.read_text(encoding="utf-8")


def request(served: Served, method: str, host: str | None, path: str = PAGE) -> tuple[int, bytes]:
    """``method path`` with the Host header ``host`` (None: none at all), in HTTP/1.0 as ``curl -0`` would."""
    port = int(served.address.rsplit(":", 1)[1].strip("/"))
    with socket.create_connection(("127.0.0.1", port), timeout=EDIT_TIMEOUT) as connection:
        header = f"Host: {host}\r\n" if host is not None else ""
        connection.sendall(f"{method} /{path} HTTP/1.0\r\n{header}\r\n".encode())
        answer = b""
        while chunk := connection.recv(65536):
            answer += chunk
    status = int(answer.split(b" ", 2)[1])
    return status, answer.partition(b"\r\n\r\n")[2]


def test_only_the_loopback_names_are_answered(served: Served) -> None:
    """DNS rebinding: a page of evil.example whose name now resolves to 127.0.0.1 makes the browser
    ask this preview for its pages with ``Host: evil.example:PORT``; those requests are refused,
    so that the page cannot read the preview (the drafts of a pull request)."""
    port = int(served.address.rsplit(":", 1)[1].strip("/"))
    for host in (f"127.0.0.1:{port}", f"localhost:{port}", f"LOCALHOST:{port}", f"[::1]:{port}"):
        status, body = request(served, "GET", host)
        assert status == 200 and TITLE.replace("'", "&#39;").encode() in body, host
    for host in (f"evil.example:{port}", "evil.example", f"127.0.0.1.evil.example:{port}", "127.0.0.1",
                 f"localhost:{port + 1}", f"localhost.:{port}", "", None):
        for method, path in (("GET", PAGE), ("HEAD", PAGE), ("GET", "__chronicle__/wait?v=-1"),
                             ("GET", "donnees/chronologie.json")):
            status, body = request(served, method, host, path)
            assert status == 403, (host, method, path)
            assert b"Titre" not in body and TITLE.encode() not in body and b"chronologie" not in body.lower()


def test_a_text_edit_rewrites_only_the_pages_that_show_it(served: Served) -> None:
    served.edit(TITLE, "Appel Austin–Choïgou du 13 mai")
    assert wait_until(lambda: "<h1>Appel Austin–Choïgou du 13 mai</h1>" in served.get(PAGE)[1])
    rebuilt = re.compile(r"Reconstruit : \d+ pages? réécrites? ")
    assert wait_until(lambda: rebuilt.search(served.log.read_text(encoding="utf-8"))), \
        "only the pages that changed, not a full build"  # the terminal line follows the written pages
    status, home = served.get("")
    assert status == 200 and "Appel Austin–Choïgou du 13 mai" in home, "the lists show the new title"
    export = served.root / "site" / "donnees" / "chronologie.json"
    assert wait_until(lambda: "Appel Austin–Choïgou du 13 mai" in export.read_text(encoding="utf-8")), \
        "the data files follow once the editor pauses"
    served.edit("Appel Austin–Choïgou du 13 mai", "Appel du 13 mai")
    assert wait_until(lambda: "Appel du 13 mai" in served.get("donnees/chronologie.json")[1]), "or when asked for"
    before = len(rebuilt.findall(served.log.read_text(encoding="utf-8")))
    served.edit("kind: call", "kind: meeting")  # counts and silences change: the same path finds the pages
    assert wait_until(lambda: "Rencontre" in served.get(PAGE)[1])
    assert wait_until(lambda: len(rebuilt.findall(served.log.read_text(encoding="utf-8"))) > before)


def indexed(site: Path) -> dict[str, str]:
    """What the site's search index holds: the text of each page, by URL."""
    try:
        return indexed_texts([path.read_bytes() for path in (site / "pagefind" / "fragment").iterdir()])
    except OSError:  # the bundle being swapped
        return {}


def test_search_in_the_preview_follows_the_edits_once_the_editor_pauses(served: Served) -> None:
    site, url = served.root / "site", f"/{PAGE}"
    assert "depuis l'invasion" in indexed(site)[url]
    served.edit(TITLE, "Appel Austin–Choïgou du 13 mai")
    assert wait_until(lambda: "<h1>Appel Austin–Choïgou du 13 mai</h1>" in served.get(PAGE)[1])
    assert "depuis l'invasion" in indexed(site)[url], "carried over by the quick rebuild"
    assert wait_until(lambda: "Index de recherche de l'aperçu mis à jour." in served.log.read_text(encoding="utf-8")), \
        served.log.read_text(encoding="utf-8")  # said once all is done, the folder it indexed into removed
    assert "Appel Austin–Choïgou du 13 mai" in indexed(site)[url]
    assert "depuis l'invasion" not in indexed(site)[url]
    assert not list(served.root.glob(".site.search-*")), "the folder it indexed into is removed"
    # the facts' labels are kept out of the index, their values are in it: the initiator is named
    # among the actors and once more as the one who took the initiative
    named = indexed(site)[url].count("Lloyd Austin")
    served.edit("initiator: lloyd-austin\n", "")  # not a text: rebuilt all the same, the index carried over
    assert wait_until(lambda: "réécrite" in served.log.read_text(encoding="utf-8").rsplit("mis à jour", 1)[-1])
    assert wait_until(lambda: indexed(site).get(url, "").count("Lloyd Austin") == named - 1)


def test_a_search_index_made_while_a_build_came_is_dropped(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out = project / "site"
    build_site(project, out)
    state = serve.BuildState()
    state.version = 1
    page = out / PAGE / "index.html"
    page.write_bytes(page.read_bytes().replace(b"depuis l&#39;invasion", b"depuis le printemps"))
    before = tree(out / "pagefind")
    index_folder = serve.index_folder

    def a_build_comes(site: Path, pages: list[str], background: bool = False, **options: object) -> list[str]:
        state.version += 1  # and published before the index ends (a build that came stops it: below)
        return index_folder(site, pages, background, **options)  # type: ignore[arg-type]

    monkeypatch.setattr(serve, "index_folder", a_build_comes)
    serve.PendingSearch(out, state).refresh()
    assert tree(out / "pagefind") == before, "the build that came carries its own index over, and defers another"
    monkeypatch.setattr(serve, "index_folder", index_folder)
    serve.PendingSearch(out, state).refresh()
    assert "depuis le printemps" in indexed(out)[f"/{PAGE}"]
    assert not list(project.glob(".site.search-*"))


def test_a_link_to_the_root_under_content_is_reported_and_the_preview_recovers_once_removed(tmp_path: Path) -> None:
    """watchfiles, started over a link to ``/``, walks into it and gives up: the watcher is started
    again until the link is gone; meanwhile the pages say what to fix."""
    root = make_project(tmp_path)
    (root / "content" / "racine").symlink_to("/")
    with serving(root, tmp_path) as served:
        status, page = served.get(PAGE)
        assert status == 500 and "content/racine: les liens symboliques ne sont pas acceptés." in page
        (root / "content" / "racine").unlink()
        assert wait_until(lambda: served.get(PAGE)[0] == 200), served.log.read_text(encoding="utf-8")
        served.edit(TITLE, "Appel Austin–Choïgou du 13 mai")  # and edits are followed again
        assert wait_until(lambda: "<h1>Appel Austin–Choïgou du 13 mai</h1>" in served.get(PAGE)[1]), \
            served.log.read_text(encoding="utf-8")
        assert "Traceback" not in served.log.read_text(encoding="utf-8")


def test_a_watcher_that_fails_is_said_on_every_page_and_started_again(project: Path,
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    import watchfiles

    real = watchfiles.watch
    calls: list[int] = []

    def failing_once(*args: object, **kwargs: object) -> object:
        calls.append(1)
        if len(calls) == 1:
            raise RuntimeError("Error: OS file watch limit reached.")
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(watchfiles, "watch", failing_once)
    state, stop, ready = serve.BuildState(), threading.Event(), threading.Event()
    watcher = threading.Thread(target=serve.watch, args=(project, project / "site", state, stop, ready, None))
    watcher.start()
    try:
        assert ready.wait(START_TIMEOUT)  # set once the failure is published
        page = html.unescape(preview.error_page(state.problems, state.version).decode())
        assert "la surveillance des fichiers s'est arrêtée (RuntimeError : Error: OS file watch limit reached.)" \
            in page
        assert (project / "site" / PAGE / "index.html").is_file(), "the site was built as it stands"
        seen = state.version
        while state.problems and state.wait(seen, timeout=EDIT_TIMEOUT) != seen:  # the next builds, as they come
            seen = state.version
        assert state.problems == [], "started again: the page comes back"
        path = project / EVENT
        path.write_text(path.read_text(encoding="utf-8").replace(TITLE, "Appel du 13 mai"), encoding="utf-8")
        assert state.wait(seen, timeout=EDIT_TIMEOUT) != seen, "an edit is followed"
        state.settle()  # its pages, written once it is shown
        assert "Appel du 13 mai" in (project / "site" / PAGE / "index.html").read_text(encoding="utf-8")
    finally:
        stop.set()
        watcher.join(timeout=EDIT_TIMEOUT)
    assert not watcher.is_alive()


def previews_search(project: Path) -> tuple[Path, serve.BuildState, serve.PendingSearch]:
    """A built site, and ``serve``'s state after a build that carried its search index over."""
    out = project / "site"
    build_site(project, out)
    state = serve.BuildState()
    state.version = 1
    state.search = serve.PendingSearch(out, state)
    return out, state, state.search


def on_pagefind_start(monkeypatch: pytest.MonkeyPatch, then: Callable[[subprocess.Popen[bytes]], object],
                      ) -> list[subprocess.Popen[bytes]]:
    """The preview's Pagefind processes, as they start; ``then`` called with each once ``serve`` knows it."""
    processes: list[subprocess.Popen[bytes]] = []
    index_folder = serve.index_folder

    def noted(site: Path, pages: list[str], background: bool = False, **options: Any) -> list[str]:
        started = options.pop("started")

        def running(process: subprocess.Popen[bytes]) -> None:
            started(process)
            processes.append(process)
            then(process)

        return index_folder(site, pages, background, started=running, **options)

    monkeypatch.setattr(serve, "index_folder", noted)
    return processes


def nothing_left_beside(project: Path) -> bool:
    """Whether the preview's index left none of its folders beside the site."""
    return not list(project.glob(".site.search-*")) and not list(project.glob(".pagefind-*"))


def test_an_edit_saved_while_the_site_is_read_for_search_is_not_held_back(project: Path,
                                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    """Finding the searchable pages reads every page (a second at 10,000 events), without holding builds
    back; a build that came meanwhile stops the index before Pagefind has read anything."""
    out, state, search_ = previews_search(project)
    before = tree(out / "pagefind")
    marked_pages, built = serve.marked_pages, []

    def a_build_comes(site: Path) -> list[str]:
        def build() -> None:  # as ``rebuild``: the whole build under the lock, stopping the index first
            got = state.building.acquire(timeout=30)
            built.append(got)
            if got:
                search_.interrupt()
                state.publish([])
                state.building.release()
        builder = threading.Thread(target=build)
        builder.start()
        builder.join()  # a build waiting for the reading to end would hold this thread for 30 s, then fail
        return marked_pages(site)

    monkeypatch.setattr(serve, "marked_pages", a_build_comes)
    processes = on_pagefind_start(monkeypatch, lambda process: None)
    search_.refresh()
    assert built == [True], "the build came through while the pages were read"
    assert len(processes) == 1 and processes[0].returncode == -signal.SIGKILL, \
        "Pagefind, started for the site the build replaced, is killed as it starts"
    assert tree(out / "pagefind") == before
    assert search_.timer is not None, "another index is deferred, for the edit's site"
    search_.timer.cancel()
    assert nothing_left_beside(project)


def test_a_build_that_starts_stops_the_previews_search_index(project: Path, monkeypatch: pytest.MonkeyPatch,
                                                             capsys: pytest.CaptureFixture[str]) -> None:
    """Pagefind indexing the site a build is about to replace would waste its seconds on both cores,
    beside the edit's plan (at 10,000 events, 14 s of CPU): it is killed, and made again at the next
    pause, without a word to the editor."""
    out, _, search_ = previews_search(project)
    before = tree(out / "pagefind")

    def a_build_starts(process: subprocess.Popen[bytes]) -> None:
        assert process.poll() is None, "Pagefind is running"
        search_.interrupt()  # what ``rebuild`` does first

    processes = on_pagefind_start(monkeypatch, a_build_starts)
    capsys.readouterr()
    search_.refresh()
    assert [process.returncode for process in processes] == [-signal.SIGKILL]
    assert tree(out / "pagefind") == before
    assert "recherche" not in capsys.readouterr().err, "nothing went wrong: nothing is said"
    assert search_.timer is not None, "made again at the next pause"
    search_.timer.cancel()
    assert nothing_left_beside(project)


def test_serve_stopping_stops_the_search_index_under_way(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _, state, search_ = previews_search(project)
    running = threading.Event()
    processes = on_pagefind_start(monkeypatch, lambda process: running.set())
    refreshing = threading.Thread(target=search_.refresh)
    refreshing.start()
    assert running.wait(EDIT_TIMEOUT)
    state.close()  # as serve does once stopped, Pagefind running
    assert not refreshing.is_alive(), "it returns once the index under way is stopped and cleaned up"
    assert processes[0].returncode == -signal.SIGKILL
    assert nothing_left_beside(project)
    search_.defer()
    assert search_.timer is None, "and no other is made"


def test_serve_stopped_by_sigterm_leaves_nothing_running_behind(tmp_path: Path) -> None:
    """A process manager or ``timeout`` stops it with SIGTERM: it stops as with Ctrl+C, its background
    work stopped with it (Pagefind used to run on, orphaned, with its folders left in the project)."""
    root = make_project(tmp_path)
    with serving(root, tmp_path) as served:
        served.edit(TITLE, "Appel Austin–Choïgou du 13 mai")
        assert wait_until(lambda: "Appel Austin–Choïgou du 13 mai" in served.get(PAGE)[1])
        server = served.process
        server.send_signal(signal.SIGTERM)
        assert server.wait(timeout=EDIT_TIMEOUT) == 0, served.log.read_text(encoding="utf-8")
    assert "Traceback" not in served.log.read_text(encoding="utf-8")
    processes = subprocess.run(["ps", "-eo", "args"], capture_output=True, text=True).stdout.splitlines()
    assert not [line for line in processes if str(root) in line], "no process of its own left"
    assert nothing_left_beside(root)


def test_the_previews_search_index_gives_way_to_the_builds(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out = project / "site"
    build_site(project, out)
    state = serve.BuildState()
    state.version = 1
    seen: list[int] = []
    yield_to_builds = search.yield_to_builds

    def noted(pid: int) -> None:
        yield_to_builds(pid)
        seen.append(os.getpriority(os.PRIO_PROCESS, pid))

    monkeypatch.setattr(search, "yield_to_builds", noted)
    serve.PendingSearch(out, state).refresh()
    assert seen == [search.background_niceness()] and (seen[0] > os.getpriority(os.PRIO_PROCESS, 0) or seen[0] == 19), \
        "Pagefind runs below the builds' priority"
    build_site(project, out)  # a build's own index: at the priority of the build
    assert len(seen) == 1
