"""``serve``'s live rebuilds (chronicle/live.py): after an edit, the preview equals a clean build.

An edit to the texts of events rewrites only the pages that show them; any other edit must
be left to the full build. Both are held to the bytes of a clean build of the same content
(the search index aside: the preview carries it over, see test_cache.py).
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from chronicle.live import LiveSite, keep, rebuild_text_edit, write_changed
from chronicle.pipeline import build_site, check_site, render_site
from chronicle.problems import ContentError
from tests.conftest import REPO, make_project, tree

sys.path.insert(0, str(REPO / "bench"))
from generate import generate  # the bench's synthetic chronology

SEARCH = "pagefind/"


def live_site(root: Path, out: Path) -> LiveSite:
    """A full build into ``out``, and what serve keeps of it."""
    site = keep(build_site(root, out), root, out)
    assert site is not None
    return site


def pages(out: Path) -> dict[str, bytes]:
    """The files of the written site, its search index aside."""
    return {path: body for path, body in tree(out).items() if not path.startswith(SEARCH)}


def clean(root: Path, out: Path) -> dict[str, bytes]:
    """A clean build of ``root`` in memory (reusing ``out``'s search index to save Pagefind's time)."""
    return {path: body for path, body in render_site(root, search_from=out).files.items()
            if not path.startswith(SEARCH)}


def rewrite(path: Path, change: dict[str, object]) -> None:
    """Set fields of a record file, keeping its first comment line."""
    text = path.read_text(encoding="utf-8")
    head = text.splitlines()[0] + "\n" if text.startswith("#") else ""
    data = {**yaml.safe_load(text), **change}
    path.write_text(head + yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=1000), encoding="utf-8")


@pytest.fixture(scope="module", params=["fixture", "synthetic"])
def template(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The fixture chronology (claims, aliases, corrections) or 400 synthetic events (lists split in pages)."""
    base = tmp_path_factory.mktemp(request.param)
    if request.param == "fixture":
        return make_project(base)
    generate(base / "project", 400)
    return base / "project"


def fresh(template: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A writable copy of ``template``."""
    root = tmp_path_factory.mktemp("live") / "project"
    shutil.copytree(template, root, symlinks=True)
    return root


def middle_event(root: Path) -> Path:
    """An event file in the middle of the chronology."""
    events = sorted((root / "content" / "events").glob("*.yaml"))
    return events[len(events) // 2]


def test_a_title_edit_rewrites_the_pages_that_show_it_and_equals_a_clean_build(
        template: Path, tmp_path_factory: pytest.TempPathFactory) -> None:
    root = fresh(template, tmp_path_factory)
    out = root / "site"
    site = live_site(root, out)
    before = pages(out)
    event = middle_event(root)
    rewrite(event, {"title": "Titre corrigé & <vérifié>"})
    edit = rebuild_text_edit(site, {event})
    assert edit is not None, "a title edit is rebuilt live"
    write_changed(edit.exports(), out)
    after = pages(out)
    assert after == clean(root, out)
    changed = {path for path in after if after[path] != before.get(path)}
    assert f"evenements/{event.stem}/index.html" in changed
    assert set(edit.written) == changed - set(edit.exports()), "exactly the changed pages are rewritten"
    chronology = edit.site.chronology
    before_it, after_it = chronology.neighbours(event.stem)
    assert {f"evenements/{e.id}/index.html" for e in (before_it, after_it) if e} <= changed, "they link to it"
    far = chronology.events[0]
    assert f"evenements/{far.id}/index.html" not in edit.written, "a page that does not show it stays"


@pytest.mark.parametrize("change", [
    {"date": "2015-01-02"},                      # moves in the chronology
    {"actors": ["acteur-0000", "acteur-0001"]},  # other lists
    {"aliases": ["ancien-identifiant"]},        # a new URL
])
def test_an_edit_beyond_texts_is_left_to_the_full_build(change: dict[str, object], tmp_path: Path) -> None:
    root = tmp_path / "project"
    generate(root, 60)
    site = live_site(root, root / "site")
    event = middle_event(root)
    rewrite(event, change)
    assert rebuild_text_edit(site, {event}) is None


def test_a_text_edit_with_a_problem_is_left_to_the_full_build(tmp_path: Path) -> None:
    root = tmp_path / "project"
    generate(root, 60)
    site = live_site(root, root / "site")
    event = middle_event(root)
    rewrite(event, {"summary": "Voir [ce lien](javascript:alert(1))."})
    assert rebuild_text_edit(site, {event}) is None
    assert check_site(root).problems, "the full build reports it"
    other = root / "content" / "actors" / "acteur-0000.yaml"
    rewrite(other, {"name": "Autre nom"})
    assert rebuild_text_edit(site, {other}) is None, "only events' texts are rebuilt live"


TEXT = st.text(st.sampled_from(list("abcdeéèàçôœ ÉA'’«»&<>*_`[]().,;:!?-0123456789")), min_size=1, max_size=40)
FIELDS = st.sampled_from(["title", "summary", "annotation", "date_note"])
EDITS = st.lists(st.tuples(st.integers(0, 10_000), FIELDS, TEXT, st.booleans()), min_size=1, max_size=3)


@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(edits=EDITS)
@example(edits=[(0, "title", "0", True), (0, "title", "0", True)])  # moved once, then a text edit: live
def test_any_sequence_of_edits_gives_the_clean_build_bytes(template: Path, tmp_path_factory: pytest.TempPathFactory,
                                                           edits: list[tuple[int, str, str, bool]]) -> None:
    """Random texts in random events (and now and then a date moved): live or full, the preview is exact."""
    root = fresh(template, tmp_path_factory)
    out = root / "site"
    site = live_site(root, out)
    events = sorted((root / "content" / "events").glob("*.yaml"))
    for pick, field, text, move in edits:
        event = events[pick % len(events)]
        previous = event.read_text(encoding="utf-8")
        moved = move and str(yaml.safe_load(previous)["date"]) != "2016-06-06"
        rewrite(event, {field: text.strip() or "x", **({"date": "2016-06-06"} if move else {})})
        edit = rebuild_text_edit(site, {event})
        if edit is None:
            try:
                site = live_site(root, out)
            except ContentError:  # the text is refused (an unsafe link, say): back to the last good file
                event.write_text(previous, encoding="utf-8")
                continue
        else:
            assert not moved, "a date change is never rebuilt live"
            assert not check_site(root).problems, "what the live path accepts, the check accepts"
            site = edit.site
            write_changed(edit.exports(), out)
        assert pages(out) == clean(root, out)
