"""The streamed build: pages rendered straight into the staging folder, in forked processes, and
indexed there by Pagefind.

The fixture chronology is too small to be rendered in parallel by itself, so these tests ask
for three worker processes (``render.worker_count``). A failure or an interruption while the workers
render must leave the previous site whole, no staging folder and no worker behind; a template
error in a worker must come out as rendering in one process raises it.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import jinja2
import pytest

from chronicle import pipeline, render, search
from chronicle.pipeline import build_site, check_site
from chronicle.plan import Page
from chronicle.render import Actors, RenderProcessError
from chronicle.search import search_glob
from chronicle.write import Terminated, write_site
from tests.conftest import FIXTURE, make_project, tree

PROCESSES = 3
PARENT = os.getpid()


@pytest.fixture
def parallel(monkeypatch: pytest.MonkeyPatch) -> None:
    """Render in three workers, however few the pages."""
    monkeypatch.setattr(render, "worker_count", lambda pages, busy=0: PROCESSES)


@pytest.fixture
def old_site(tmp_path: Path) -> Path:
    """A previous site in ``tmp_path/site`` (as Chronicle writes it: with its marker)."""
    out = tmp_path / "site"
    write_site({"index.html": b"ancien"}, out)
    return out


def leftovers(parent: Path) -> list[str]:
    return sorted(path.name for path in parent.iterdir() if path.name.startswith(".site"))


def planned(root: Path) -> tuple[Page, ...]:
    return check_site(root, plan=True).pages


def in_a_worker() -> bool:
    return os.getpid() != PARENT


def assert_untouched(old_site: Path) -> None:
    """The previous site as it was, no staging folder, no worker left."""
    assert tree(old_site) == {"index.html": b"ancien"}
    assert leftovers(old_site.parent) == []
    assert multiprocessing.active_children() == []


def test_streamed_parallel_build_writes_the_files_of_build_files(tmp_path: Path, parallel: None,
                                                                  fixture_files: dict[str, bytes]) -> None:
    """``build_files`` (one process, few pages) and a build in three processes give the same files."""
    out = tmp_path / "site"
    site = build_site(FIXTURE, out)
    written = tree(out)
    assert written == fixture_files
    assert sorted(site.files) == sorted(written) and len(site.files) == len(written)
    assert site.files["index.html"] == written["index.html"] and "absent.html" not in site.files
    assert any(path.startswith("pagefind/pagefind-entry.json") for path in site.files)
    assert not any(path.startswith("pagefind/pagefind-ui.") for path in site.files)
    assert leftovers(tmp_path) == [] and multiprocessing.active_children() == []


def test_a_searchable_page_the_plan_did_not_foresee_is_indexed_all_the_same(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fixture_files: dict[str, bytes]) -> None:
    """Pagefind starts on the pages the plan foresees as searchable; a page found marked later makes it run again."""
    monkeypatch.setattr(pipeline, "foreseen_searchable", lambda page: page.url != "/a-propos/" and
                        bool(page.context.get("search_type")))
    runs: list[list[str]] = []
    real = search.index_folder

    def index_folder(site: Path, pages: list[str]) -> list[str]:
        runs.append(pages)
        return real(site, pages)

    monkeypatch.setattr(search, "index_folder", index_folder)
    build_site(FIXTURE, tmp_path / "site")
    assert len(runs) == 1 and "a-propos/index.html" in runs[0]
    assert tree(tmp_path / "site") == fixture_files


def failing_project(tmp_path: Path) -> tuple[Path, int]:
    """A project whose event template fails on one page only, rendered by a worker; its index."""
    root = make_project(tmp_path)  # its templates/ a copy of the repository's
    pages = planned(root)
    index = next(number for number, page in enumerate(pages)
                 if page.template == "event.html" and number % PROCESSES == 2)
    template = root / "templates" / "event.html"
    template.write_text(template.read_text(encoding="utf-8").replace(
        "{% block content %}", f"{{% block content %}}{{% if page_url == '{pages[index].url}' %}}{{{{ nope.x }}}}"
        "{% endif %}", 1), encoding="utf-8")
    return root, index


def test_template_error_in_a_worker_is_the_error_of_one_process(tmp_path: Path, old_site: Path,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    root, _ = failing_project(tmp_path)
    with pytest.raises(jinja2.UndefinedError) as alone:
        build_site(root, old_site)
    monkeypatch.setattr(render, "worker_count", lambda pages, busy=0: PROCESSES)
    with pytest.raises(jinja2.UndefinedError) as forked:
        build_site(root, old_site)
    assert str(forked.value) == str(alone.value) == "'nope' is undefined"
    assert_untouched(old_site)


def fail_in_a_worker(monkeypatch: pytest.MonkeyPatch, action: Callable[[], None], when: int = 0) -> None:
    """Run ``action`` in a worker when it renders its ``when``-th page."""
    real = render.render_page
    count: list[int] = []

    def rendering(page: Page, environment: jinja2.Environment, actors: Actors) -> bytes:
        if in_a_worker():
            count.append(1)
            if len(count) > when:
                action()
        return real(page, environment, actors)

    monkeypatch.setattr(render, "render_page", rendering)


def test_a_worker_failing_to_write_fails_the_build(old_site: Path, parallel: None,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    def full() -> None:
        raise OSError(28, "No space left on device")

    fail_in_a_worker(monkeypatch, full, when=3)
    with pytest.raises(OSError, match="No space left on device"):
        build_site(FIXTURE, old_site)
    assert_untouched(old_site)


def test_a_worker_that_dies_fails_the_build(old_site: Path, parallel: None, monkeypatch: pytest.MonkeyPatch) -> None:
    fail_in_a_worker(monkeypatch, lambda: os._exit(3))
    with pytest.raises(RenderProcessError, match=r"code 3"):
        build_site(FIXTURE, old_site)
    assert_untouched(old_site)


@pytest.mark.parametrize(("signum", "raised"), [(signal.SIGTERM, Terminated), (signal.SIGINT, KeyboardInterrupt)])
def test_interruption_while_workers_render_kills_them(old_site: Path, parallel: None, monkeypatch: pytest.MonkeyPatch,
                                                      signum: int, raised: type[BaseException]) -> None:
    """The parent is signalled while its workers render (slowly); they are killed, not left running."""
    real, receive = render.render_page, render.received
    workers: list[multiprocessing.process.BaseProcess] = []

    def rendering(page: Page, environment: jinja2.Environment, actors: Actors) -> bytes:
        if in_a_worker():
            time.sleep(0.05)
        return real(page, environment, actors)

    def received(*args: Any) -> Any:
        if not workers:
            workers.extend(multiprocessing.active_children())
            os.kill(PARENT, signum)  # as the first pages come: the workers ignore it; the parent unwinds
        return receive(*args)

    monkeypatch.setattr(render, "render_page", rendering)
    monkeypatch.setattr(render, "received", received)
    handlers = signal.getsignal(signal.SIGTERM), signal.getsignal(signal.SIGINT)
    with pytest.raises(raised):
        build_site(FIXTURE, old_site)
    assert (signal.getsignal(signal.SIGTERM), signal.getsignal(signal.SIGINT)) == handlers
    assert len(workers) == PROCESSES
    assert [worker.exitcode for worker in workers] == [-signal.SIGKILL] * len(workers)  # killed, then waited for
    assert_untouched(old_site)


def test_pagefind_reads_only_the_folders_of_searchable_pages() -> None:
    assert search_glob(["a-propos/index.html", "evenements/a/index.html", "evenements/b/index.html",
                        "acteurs/x/index.html"]) == "{a-propos/index.html,acteurs/*/index.html,evenements/*/index.html}"
    assert search_glob(["evenements/a/index.html"]) == "evenements/*/index.html"
    assert search_glob(["evenements/a{b}/index.html", "a-propos/index.html"]) == "**/*.html"
