"""``build.py serve`` in a subprocess: the site, rebuilds on edits, the error page, the reload endpoint."""

from __future__ import annotations

import re
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from chronicle import serve
from chronicle.pipeline import build_site
from tests.conftest import REPO, indexed_texts, make_project, tree

EVENT = "content/events/2022-05-13-appel-austin-choigou.yaml"
PAGE = "evenements/2022-05-13-appel-austin-choigou/"
TITLE = "Premier appel Austin–Choïgou depuis l'invasion"
EDIT_TIMEOUT = 10.0
START_TIMEOUT = 60.0


@dataclass
class Served:
    """A running ``serve``: its project, address and log."""

    root: Path
    address: str
    log: Path

    def get(self, path: str, timeout: float = 5.0) -> tuple[int, str]:
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
    """Poll ``found`` until it holds or ``timeout`` seconds have passed."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if found():
            return True
        time.sleep(0.1)
    return found()


@pytest.fixture
def served(tmp_path: Path) -> Iterator[Served]:
    """``build.py serve --port 0`` on a copy of the fixture, stopped after the test."""
    root = make_project(tmp_path)
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
        yield Served(root, match.group(1), log)
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)
        out.close()
        errors.close()


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


def test_the_reload_endpoint_tolerates_a_malformed_version(served: Served) -> None:
    status, answer = served.get("__chronicle__/wait?v=abc", timeout=10)
    assert status == 200 and int(answer) >= 1


def test_a_text_edit_rewrites_only_the_pages_that_show_it(served: Served) -> None:
    served.edit(TITLE, "Appel Austin–Choïgou du 13 mai")
    assert wait_until(lambda: "<h1>Appel Austin–Choïgou du 13 mai</h1>" in served.get(PAGE)[1])
    rebuilt = re.compile(r"Reconstruit : \d+ pages? réécrites? ")
    assert wait_until(lambda: rebuilt.search(served.log.read_text(encoding="utf-8"))), \
        "the live path, not a full build"  # the terminal line follows the written pages
    status, home = served.get("")
    assert status == 200 and "Appel Austin–Choïgou du 13 mai" in home, "the lists show the new title"
    export = served.root / "site" / "donnees" / "chronologie.json"
    assert wait_until(lambda: "Appel Austin–Choïgou du 13 mai" in export.read_text(encoding="utf-8")), \
        "the data files follow once the editor pauses"
    served.edit("Appel Austin–Choïgou du 13 mai", "Appel du 13 mai")
    assert wait_until(lambda: "Appel du 13 mai" in served.get("donnees/chronologie.json")[1]), "or when asked for"
    served.edit("kind: call", "kind: meeting")  # counts and silences change: the whole site is rebuilt
    assert wait_until(lambda: "Rencontre" in served.get(PAGE)[1])
    assert wait_until(lambda: "fichiers en" in served.log.read_text(encoding="utf-8").rsplit("réécrite(s)", 1)[-1])


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
    assert wait_until(lambda: "Appel Austin–Choïgou du 13 mai" in indexed(site).get(url, ""), timeout=30), \
        served.log.read_text(encoding="utf-8")
    assert "depuis l'invasion" not in indexed(site)[url]
    assert "Index de recherche de l'aperçu mis à jour." in served.log.read_text(encoding="utf-8")
    assert not list(served.root.glob(".site.search-*")), "the copy it indexed is removed"
    assert "À l'initiative de Lloyd Austin" in indexed(site)[url]
    served.edit("initiator: lloyd-austin\n", "")  # not a text: the whole site is rebuilt, the index carried over
    assert wait_until(lambda: "fichiers en" in served.log.read_text(encoding="utf-8").rsplit("mis à jour", 1)[-1])
    assert wait_until(lambda: "À l'initiative de" not in indexed(site).get(url, "À l'initiative de"), timeout=30)


def test_a_search_index_made_while_a_build_came_is_dropped(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out = project / "site"
    build_site(project, out)
    state = serve.BuildState()
    state.version = 1
    page = out / PAGE / "index.html"
    page.write_bytes(page.read_bytes().replace(b"depuis l&#39;invasion", b"depuis le printemps"))
    before = tree(out / "pagefind")
    index_folder = serve.index_folder

    def a_build_comes(site: Path, pages: list[str]) -> list[str]:
        state.version += 1
        return index_folder(site, pages)

    monkeypatch.setattr(serve, "index_folder", a_build_comes)
    serve.PendingSearch(out, state).refresh()
    assert tree(out / "pagefind") == before, "the build that came carries its own index over, and defers another"
    monkeypatch.setattr(serve, "index_folder", index_folder)
    serve.PendingSearch(out, state).refresh()
    assert "depuis le printemps" in indexed(out)[f"/{PAGE}"]
    assert not list(project.glob(".site.search-*"))
