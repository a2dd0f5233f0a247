"""``serve`` shows an edit at once (``chronicle.pending``): the edit is published as soon as its plan says
which pages changed; a changed page asked for before it is written is rendered on demand, the others
are written in the background; a deleted page 404s at once; a new edit supersedes the background work.

The background rendering is held here (``held``) so that the requests certainly come before it writes;
every wait is on an event, never a sleep.
"""

from __future__ import annotations

import os
import threading
import urllib.error
import urllib.request
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import jinja2
import pytest

from chronicle import export, serve
from chronicle import pending as pending_module
from chronicle.plan import Page
from chronicle.preview import open_server
from chronicle.render import Actors, Rendered
from chronicle.serve import BuildState, rebuild
from tests.conftest import make_project
from tests.test_incremental import clean_build, replace_line, site_pages

pytestmark = pytest.mark.usefixtures("no_timer_left")  # a test's timers never fire in the next

EVENT = "content/events/2022-05-13-appel-austin-choigou.yaml"
PAGE = "evenements/2022-05-13-appel-austin-choigou/"
NEIGHBOUR = "content/events/2022-02-18-appel-austin-choigou.yaml"
ALONE = "2024-11-26-annonce-exercices"  # an event no other record names: it may go
TIMEOUT = 60.0  # a deadline for what is awaited, never a delay


class Held:
    """``render_stream`` for the background, held: the n-th stream yields ``before[n]`` pages, then waits for
    ``release``; ``waiting`` is set once the first one waits (the pages before it written). Streams past
    ``before`` are not held."""

    def __init__(self, before: Sequence[int] = (0,)) -> None:
        self.real = pending_module.render_stream
        self.before = list(before)
        self.release, self.waiting = threading.Event(), threading.Event()

    def __call__(self, pages: Sequence[Page], environment: jinja2.Environment, actors: Actors,
                 workers: int, niceness: int) -> Iterator[Rendered]:
        if not self.before:
            yield from self.real(pages, environment, actors, workers, niceness)
            return
        before, first = self.before.pop(0), not self.waiting.is_set()
        stream = self.real(pages, environment, actors, workers, niceness)
        try:
            for number, rendered in enumerate(stream):
                if number == before:
                    if first:
                        self.waiting.set()
                    assert self.release.wait(TIMEOUT)
                yield rendered
        finally:
            stream.close()


@pytest.fixture(autouse=True)
def no_search_index(monkeypatch: pytest.MonkeyPatch) -> None:
    """No Pagefind in the background (the preview's search index, made again after a pause)."""
    monkeypatch.setattr(serve, "search_lags", lambda state, out: None)


@pytest.fixture(params=[0, 2], ids=["in-a-thread", "forked"])
def workers(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> int:
    """The background in a thread of ``serve`` (a few pages), or in two forked workers (many pages)."""
    monkeypatch.setattr(pending_module, "background_workers", lambda pages: request.param)
    return int(request.param)


@pytest.fixture
def held(monkeypatch: pytest.MonkeyPatch) -> Iterator[Held]:
    holder = Held()
    monkeypatch.setattr(pending_module, "render_stream", holder)
    yield holder
    holder.release.set()


@contextmanager
def served(out: Path, state: BuildState) -> Iterator[str]:
    """The preview's HTTP server on ``out``, in this process; its address."""
    server = open_server(out, 0, state)
    assert server is not None
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


def get(address: str, path: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(address + path, timeout=TIMEOUT) as response:
            return response.status, response.read().decode("utf-8")
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode("utf-8")


def on_disk(out: Path, page: str) -> str:
    return (out / page / "index.html").read_text(encoding="utf-8")


def settled_like_a_clean_build(root: Path, out: Path, state: BuildState) -> None:
    state.settle()
    if state.exports:
        state.exports.flush()
    assert site_pages(out) == clean_build(root, out)
    assert not list(out.rglob(".*.edit")), "no temporary file left"


def first_build(tmp_path: Path) -> tuple[Path, Path, BuildState]:
    root = make_project(tmp_path)
    out = root / "site"
    state = BuildState()
    rebuild(root, out, state)
    assert not state.problems
    return root, out, state


def test_a_changed_page_asked_for_at_once_is_rendered_on_demand(tmp_path: Path, held: Held, workers: int) -> None:
    root, out, state = first_build(tmp_path)
    with served(out, state) as address:
        replace_line(root / EVENT, "title", "Appel du 13 mai, corrigé")
        rebuild(root, out, state)
        assert state.pending is not None and not state.pending.finished(), "announced before the pages are written"
        assert "Appel du 13 mai, corrigé" not in on_disk(out, PAGE), "the background is held: nothing written yet"
        status, page = get(address, PAGE)
        assert status == 200 and "<h1>Appel du 13 mai, corrigé</h1>" in page, "rendered on demand, never stale"
        assert "<h1>Appel du 13 mai, corrigé</h1>" in on_disk(out, PAGE), "and written"
        status, home = get(address, "")
        assert status == 200 and "Appel du 13 mai, corrigé" in home
        held.release.set()
        settled_like_a_clean_build(root, out, state)
        assert "<h1>Appel du 13 mai, corrigé</h1>" in get(address, PAGE)[1]


def test_an_edit_that_changes_most_pages_is_shown_before_they_are_written(
        tmp_path: Path, held: Held, monkeypatch: pytest.MonkeyPatch) -> None:
    """An actor's new alias may change every searchable page (each hides the spellings of the actors its
    text names, for the search index). The command line renders them all as a clean build does; ``serve`` shows the edit
    first and writes them behind it, a page asked for rendered on demand (it rendered the whole site
    before showing it: 17-24 s at 10,000 events)."""
    from chronicle import incremental

    monkeypatch.setattr(incremental, "PARALLEL_MIN", 1)  # "most pages" at the fixture's size
    root, out, state = first_build(tmp_path)
    actor = root / "content" / "actors" / "sergei-choigou.yaml"
    with served(out, state) as address:
        replace_line(actor, "aliases", "[Sergei Shoigu, Shoigu, Choïgou, Sergueï Choïgu]")
        assert incremental.plan_edit(state.stages, root, None).most(), "the command line renders every page"
        rebuild(root, out, state)
        assert state.pending is not None and not state.pending.finished(), "shown before the pages are written"
        assert len(state.pending.pages) > 0.25 * len(state.stages.pages if state.stages else {})
        status, page = get(address, PAGE)
        assert status == 200 and "Choïgu" in page, "rendered on demand with the new spelling"
        held.release.set()
        settled_like_a_clean_build(root, out, state)


def test_the_last_edits_pages_wait_while_the_next_edit_is_planned(
        tmp_path: Path, held: Held, monkeypatch: pytest.MonkeyPatch) -> None:
    """An actor's new alias renders every searchable page again behind the preview (8 s of CPU at 10,000
    events); an edit saved meanwhile is planned first: the background writes nothing while the plan is made."""
    root, out, state = first_build(tmp_path)
    replace_line(root / "content" / "actors" / "sergei-choigou.yaml", "aliases",
                 "[Sergei Shoigu, Shoigu, Choïgou, Sergueï Choïgu]")
    rebuild(root, out, state)
    first = state.pending
    assert first is not None and held.waiting.wait(TIMEOUT) and len(first.pages) > 10
    written: list[int] = []
    real = serve.plan_edit

    def planning(*args: Any, **kwargs: Any) -> Any:
        left = len(first.pages)
        held.release.set()  # the background may go on: only the hold keeps it back
        edit = real(*args, **kwargs)
        written.append(left - len(first.pages))
        return edit

    monkeypatch.setattr(serve, "plan_edit", planning)
    replace_line(root / EVENT, "title", "Appel du 13 mai, corrigé")
    rebuild(root, out, state)
    assert written == [0], "no page of the last edit written while the next one was planned"
    settled_like_a_clean_build(root, out, state)


def test_the_background_workers_give_the_cores_to_what_the_editor_waits_for(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The forked workers that write an edit's pages behind its preview run at a lower priority than
    ``serve`` itself, which renders the pages asked for and plans the next edit."""
    from chronicle import render

    monkeypatch.setattr(pending_module, "background_workers", lambda pages: 2)
    root, out, state = first_build(tmp_path)
    seen = tmp_path / "niceness"
    seen.mkdir()
    real, parent = render.render_page, os.getpid()

    def rendering(page: Page, environment: jinja2.Environment, actors: Actors) -> bytes:
        if os.getpid() != parent:
            (seen / str(os.getpid())).write_text(str(os.nice(0)), encoding="utf-8")
        return real(page, environment, actors)

    monkeypatch.setattr(render, "render_page", rendering)
    replace_line(root / EVENT, "title", "Appel du 13 mai, corrigé")
    rebuild(root, out, state)
    settled_like_a_clean_build(root, out, state)
    found = [int(path.read_text(encoding="utf-8")) for path in seen.iterdir()]
    assert len(found) == 2 and set(found) == {os.nice(0) + pending_module.NICENESS}, found


def test_the_pages_an_alias_leaves_as_they_were_are_not_written_again(tmp_path: Path) -> None:
    """An actor's new alias renders every searchable page again, but only those that name him change: the
    others stay the very files they were (at 10,000 events, writing 10,000 pages again held ``serve``'s
    interpreter two seconds after each spelling edit)."""
    root, out, state = first_build(tmp_path)
    alone = out / "evenements" / ALONE / "index.html"
    named = out / PAGE / "index.html"
    assert "Choïgou" in named.read_text(encoding="utf-8") and "Choïgou" not in alone.read_text(encoding="utf-8")
    before = {path: path.stat().st_ino for path in (alone, named)}
    replace_line(root / "content" / "actors" / "sergei-choigou.yaml", "aliases",
                 "[Sergei Shoigu, Shoigu, Choïgou, Sergueï Choïgu, Choïgou le Jeune]")
    rebuild(root, out, state)
    settled_like_a_clean_build(root, out, state)
    assert alone.stat().st_ino == before[alone], "the same bytes: the same file"
    assert named.stat().st_ino != before[named] and " Jeune" in named.read_text(encoding="utf-8"), "hidden there"


def head(address: str, path: str) -> dict[str, str]:
    """The headers of a HEAD request for ``path``."""
    request = urllib.request.Request(address + path, method="HEAD")
    with urllib.request.urlopen(request, timeout=TIMEOUT) as response:
        assert response.read() == b"", "a HEAD answer has no body"
        return dict(response.headers)


def test_a_head_request_for_a_changed_page_has_its_new_headers(tmp_path: Path, held: Held) -> None:
    """Before the page is written, a HEAD request is answered as the GET that follows, never with the stale
    file's length."""
    root, out, state = first_build(tmp_path)
    with served(out, state) as address:
        stale = int(head(address, PAGE)["Content-Length"])
        replace_line(root / EVENT, "title", "Appel du 13 mai, corrigé puis relu")
        rebuild(root, out, state)
        assert "corrigé puis relu" not in on_disk(out, PAGE), "the background is held: nothing written yet"
        length = int(head(address, PAGE)["Content-Length"])
        status, page = get(address, PAGE)
        assert status == 200 and "corrigé puis relu" in page
        assert length == len(page.encode("utf-8")) != stale


def test_a_new_page_asked_for_without_its_slash_is_sent_to_it_before_it_is_written(tmp_path: Path,
                                                                                 held: Held) -> None:
    """A folder written already is redirected to its address with a final ``/``; a new page not yet written,
    the same, not a 404."""
    root, out, state = first_build(tmp_path)
    events = root / "content" / "events"
    new = events / "2024-11-27-essai-tout-neuf.yaml"
    new.write_text((events / f"{ALONE}.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    replace_line(new, "title", "Un essai tout neuf")
    replace_line(new, "date", "2024-11-27")
    with served(out, state) as address:
        rebuild(root, out, state)
        assert not state.problems, state.problems
        assert not (out / "evenements" / new.stem).exists(), "the background is held: nothing written yet"
        with urllib.request.urlopen(f"{address}evenements/{new.stem}?v=1", timeout=TIMEOUT) as response:
            assert response.status == 200 and "Un essai tout neuf" in response.read().decode("utf-8")
            assert response.geturl() == f"{address}evenements/{new.stem}/?v=1"
        with urllib.request.urlopen(f"{address}evenements/{ALONE}", timeout=TIMEOUT) as response:
            assert response.geturl() == f"{address}evenements/{ALONE}/", "as a folder written already"


def test_a_deleted_page_404s_at_once(tmp_path: Path, held: Held) -> None:
    root, out, state = first_build(tmp_path)
    with served(out, state) as address:
        assert get(address, f"evenements/{ALONE}/")[0] == 200
        linking = sorted(path.parent.relative_to(out).as_posix() for path in out.rglob("index.html")
                         if f"/{ALONE}/" in path.read_text(encoding="utf-8") and ALONE not in str(path))
        assert linking, "pages link to it"
        (root / "content" / "events" / f"{ALONE}.yaml").unlink()
        rebuild(root, out, state)
        assert not state.problems and state.pending is not None and not state.pending.finished()
        status, page = get(address, f"evenements/{ALONE}/")
        assert status == 404 and "var v=" in page, "gone before the other pages are written"
        for folder in linking:
            status, page = get(address, "" if folder == "." else f"{folder}/")
            assert status == 200 and f"/{ALONE}/" not in page, f"{folder}: no link to it, at once"
        held.release.set()
        settled_like_a_clean_build(root, out, state)


def test_two_quick_edits_leave_the_site_of_a_clean_build(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                          workers: int) -> None:
    """The second edit comes while the first one's pages are being written (one written, the rest held):
    the first is superseded, nothing of it written after, and the pages it left are written with the second's."""
    holder = Held(before=(1, 0))  # the first: one page written; the second: none until the end
    monkeypatch.setattr(pending_module, "render_stream", holder)
    root, out, state = first_build(tmp_path)
    try:
        replace_line(root / EVENT, "title", "Appel du 13 mai, corrigé")
        rebuild(root, out, state)
        first = state.pending
        assert first is not None and holder.waiting.wait(TIMEOUT), "one page written, the others held"
        left = len(first.pages)
        assert left > 0
        replace_line(root / NEIGHBOUR, "title", "Dernier entretien, corrigé")
        rebuild(root, out, state)
        assert first.cancelled and state.pending is not first and state.pending is not None
        assert set(first.pages) <= set(state.pending.pages), "the pages the first left are the second's to write"
    finally:
        holder.release.set()
    assert first.done.wait(TIMEOUT)
    assert len(first.pages) == left, "nothing of the superseded edit written once released"
    settled_like_a_clean_build(root, out, state)


def test_an_error_while_writing_in_the_background_is_shown_and_the_next_edit_rebuilds_all(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A page that fails once the edit is shown (a full disk): every page says so, and the next edit,
    not trusting the pages left, writes the whole site again."""
    real = pending_module.render_stream

    def failing(pages: Sequence[Page], environment: jinja2.Environment, actors: Actors,
                workers: int, niceness: int) -> Iterator[Rendered]:
        yield from real(pages[:1], environment, actors, workers, niceness)
        raise OSError(28, "No space left on device")

    root, out, state = first_build(tmp_path)
    monkeypatch.setattr(pending_module, "render_stream", failing)
    seen = state.version
    replace_line(root / EVENT, "title", "Appel du 13 mai, corrigé")
    rebuild(root, out, state)
    assert state.pending is not None and state.pending.done.wait(TIMEOUT)
    assert state.version > seen + 1 and [problem.message for problem in state.problems] == \
        ["erreur interne (OSError : [Errno 28] No space left on device)."]
    monkeypatch.setattr(pending_module, "render_stream", real)
    replace_line(root / NEIGHBOUR, "title", "Dernier entretien, corrigé")
    rebuild(root, out, state)
    assert not state.problems and state.pending is None, "a full build, every page written before it is shown"
    settled_like_a_clean_build(root, out, state)


def test_a_superseded_edit_still_answers_its_pages_but_writes_nothing(tmp_path: Path, held: Held) -> None:
    """Between a new edit's plan and its pages being in place, the last edit's unwritten pages are still
    rendered when asked for (their files are older still), and never written again."""
    root, out, state = first_build(tmp_path)
    replace_line(root / EVENT, "title", "Appel du 13 mai, corrigé")
    rebuild(root, out, state)
    pending = state.pending
    assert pending is not None and f"{PAGE}index.html" in pending.pages
    assert f"{PAGE}index.html" in (state.stop_pending() or {})
    assert state.pending is pending, "still answering until the next edit is in place"
    body = pending.page(f"{PAGE}index.html")
    assert body is not None and "<h1>Appel du 13 mai, corrigé</h1>" in body.decode("utf-8")
    assert "Appel du 13 mai, corrigé" not in on_disk(out, PAGE), "not written: superseded"
    held.release.set()
    assert pending.done.wait(TIMEOUT)
    assert "Appel du 13 mai, corrigé" not in on_disk(out, PAGE)


def test_the_first_data_files_after_the_first_build_make_only_the_edited_events_share(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The data files the first edit defers are made from those of ``serve``'s first build: only the
    edited event's share again (all of them took 2 s at 10,000 events, beside the next edit)."""
    made: list[str] = []
    make = export.event_data
    monkeypatch.setattr(export, "event_data", lambda event, *rest: made.append(event.id) or make(event, *rest))
    root, out, state = first_build(tmp_path)
    assert made, "the first build makes every event's share"
    event = next((root / "content" / "events").glob("*.yaml"))
    replace_line(event, "title", "Un appel retitré")
    made.clear()
    rebuild(root, out, state)
    state.settle()
    assert state.exports is not None
    state.exports.flush()
    assert made == [event.stem]
    settled_like_a_clean_build(root, out, state)


def test_the_stages_an_edit_replaced_are_let_go_after_it_is_shown(tmp_path: Path,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    """Freeing the last edit's stages is left to a thread of its own, ``RELEASE_PAUSE`` seconds after the edit
    is shown (the browser is asking for the page then): they are still there when the edit is published,
    then let go, not kept; a refused edit keeps them (``site/`` still holds them)."""
    import weakref

    root, out, state = first_build(tmp_path)
    assert state.stages is not None
    first = weakref.ref(state.stages)  # no reference of the test's own holds them
    released = threading.Event()
    weakref.finalize(state.stages, released.set)
    monkeypatch.setattr(serve, "RELEASE_PAUSE", 3600.0)
    replace_line(root / EVENT, "title", "Appel du 13 mai, corrigé")
    rebuild(root, out, state)
    assert state.stages is not None and state.stages is not first(), "the edit is shown"
    assert not released.is_set(), "the stages it replaced not freed as it is shown"
    second = weakref.ref(state.stages)
    good = (root / EVENT).read_text(encoding="utf-8")
    replace_line(root / EVENT, "date", "[non refermé")
    rebuild(root, out, state)
    assert state.problems and state.stages is second(), "a refused edit keeps the stages site/ holds"
    monkeypatch.setattr(serve, "RELEASE_PAUSE", 0.0)
    (root / EVENT).write_text(good.replace("corrigé", "corrigé encore"), encoding="utf-8")
    gone = threading.Event()
    weakref.finalize(state.stages, gone.set)
    rebuild(root, out, state)
    assert not state.problems
    assert gone.wait(timeout=30), "the stages the edit replaced are let go"
    state.settle()
