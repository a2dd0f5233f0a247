"""The one incremental path (chronicle/incremental.py), as ``serve`` runs it after every save: whatever
the edits, the site it leaves is byte for byte a clean build's, and the problems it reports are a
clean check's (the search index aside: the preview carries it over, then makes it again)."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

import chronicle.load
import chronicle.serve
from chronicle import urls
from chronicle.pipeline import check_site, render_site
from chronicle.serve import BuildState, rebuild
from tests.conftest import make_project, tree

SEARCH = "pagefind/"
DATES = ("2022-02-20", "2022-03", "2023", "2021-06-01/2021-07-15", "2016-06-06")
WORDS = st.text(alphabet="abcdéèçàô ’«»&<", min_size=1, max_size=10)
KINDS = ("text", "date", "new", "delete", "rename", "actor", "channel", "source", "claim", "describe", "site",
         "template", "break", "revert")
ACTIONS = st.lists(st.tuples(st.sampled_from(KINDS), st.integers(0, 50), WORDS), min_size=1, max_size=5)


def site_pages(out: Path) -> dict[str, bytes]:
    """The files of the written site, its search index aside."""
    return {path: body for path, body in tree(out).items() if not path.startswith(SEARCH)}


def clean_build(root: Path, out: Path) -> dict[str, bytes]:
    """A clean build of ``root`` in memory (with ``out``'s search index, to spare Pagefind's time)."""
    return {path: body for path, body in render_site(root, search_from=out).files.items()
            if not path.startswith(SEARCH)}


def replace_line(path: Path, field: str, value: str) -> None:
    """Set the top-level ``field`` of a record file to ``value`` (a YAML scalar, written as is)."""
    text = path.read_text(encoding="utf-8")
    path.write_text(re.sub(rf"(?m)^{field}:.*$", f"{field}: {value}", text, count=1), encoding="utf-8")


def quoted(words: str) -> str:
    """``words`` as a YAML double-quoted scalar."""
    return '"' + words.strip().replace("\\", "").replace('"', "") + ' modifié"'


def pick(folder: Path, number: int) -> Path:
    """The ``number``-th record file of ``folder`` (modulo their count)."""
    files = sorted(folder.glob("*.yaml"))
    return files[number % len(files)]


def apply(root: Path, kind: str, number: int, words: str, step: int) -> None:
    """One editor's act on the project ``root``."""
    content = root / "content"
    event = pick(content / "events", number)
    if kind == "text":
        replace_line(event, "title", quoted(words))
    elif kind == "date":
        replace_line(event, "date", DATES[number % len(DATES)])
    elif kind == "new":
        new = content / "events" / f"2022-04-0{1 + step % 9}-nouveau-{step}.yaml"
        new.write_text(event.read_text(encoding="utf-8"), encoding="utf-8")
        replace_line(new, "date", f"2022-04-0{1 + step % 9}")
        replace_line(new, "title", quoted(words))
        replace_line(new, "aliases", "[]")
    elif kind == "delete":
        event.unlink()
    elif kind == "rename":
        renamed = event.with_name(f"{event.stem}-r{step}.yaml")
        event.rename(renamed)
        text = renamed.read_text(encoding="utf-8")
        text = re.sub(r"(?m)^aliases:.*\n", "", text)
        renamed.write_text(text + f"aliases: [{event.stem}]\n", encoding="utf-8")
    elif kind in ("actor", "channel"):
        replace_line(pick(content / f"{kind}s", number), "name", quoted(words))
    elif kind == "source":
        replace_line(pick(content / "sources", number), "title", quoted(words))
    elif kind == "describe":  # an actor's or a channel's description and an actor's aliases (read by field)
        record = pick(content / ("actors" if number % 2 else "channels"), number)
        text = re.sub(r"(?m)^description:.*\n", "", record.read_text(encoding="utf-8"))
        text = re.sub(r"(?m)^aliases: \[(.*)\]$", rf"aliases: [\1, {quoted(f'{words} {step}')}]", text, count=1)
        record.write_text(text + f"description: {quoted(words)}\n", encoding="utf-8")
    elif kind == "claim":
        claim = pick(content / "claims", number)
        text = claim.read_text(encoding="utf-8")
        claim.write_text(re.sub(r"(?m)^(days|weeks): (\d+)", lambda m: f"{m[1]}: {int(m[2]) + number % 3}",
                                text, count=1), encoding="utf-8")
    elif kind == "site":
        replace_line(content / "site.yaml", "subtitle", quoted(words))
    elif kind == "template":
        base = root / "templates" / "base.html"
        base.write_text(base.read_text(encoding="utf-8").replace("</body>", f"<!-- {step} --></body>", 1),
                        encoding="utf-8")
    elif kind == "break":
        event.write_text(event.read_text(encoding="utf-8") + "title: [non refermé\n", encoding="utf-8")


def restore(root: Path, good: Path) -> None:
    """Put back ``content/`` and ``templates/`` as they were at the last good build (``good``)."""
    for name in ("content", "templates"):
        shutil.rmtree(root / name)
        shutil.copytree(good / name, root / name)


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The fixture chronology (claims, aliases, corrections, split years), built once."""
    return make_project(tmp_path_factory.mktemp("fixture"))


@settings(max_examples=5, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(actions=ACTIONS)
@example(actions=[("text", 2, "a"), ("date", 3, "b"), ("new", 1, "c"), ("delete", 4, "d"), ("rename", 5, "e")])
@example(actions=[("break", 2, "a"), ("text", 3, "b"), ("revert", 0, "c"), ("actor", 1, "d"), ("channel", 0, "e"),
                  ("source", 1, "f")])
@example(actions=[("claim", 1, "a"), ("revert", 0, "b"), ("site", 0, "c"), ("template", 0, "d"),
                  ("delete", 0, "e"), ("revert", 0, "f")])
@example(actions=[("describe", 1, "a"), ("describe", 3, "invasion"), ("actor", 2, "g"), ("text", 1, "h")])
@pytest.mark.parametrize("limit", [urls.LIST_LIMIT, 2], ids=["lists-whole", "lists-split"])
def test_any_sequence_of_edits_gives_a_clean_builds_bytes_and_problems(
        template: Path, tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch, limit: int,
        actions: list[tuple[str, int, str]]) -> None:
    """Random edits of every kind, now and then a problem and its fix: after each save, the preview
    shows what a clean check reports, and once good again, the bytes of a clean build; with lists of
    two events, the fixture's actors, channels and years are split into years and months."""
    monkeypatch.setattr(urls, "LIST_LIMIT", limit)
    monkeypatch.setattr(chronicle.serve, "search_lags", lambda state, out: None)  # no background Pagefind
    # Every file's stat signature trusted (the files here are seconds old, which the load would read again):
    # the memo's path for a settled file is taken too; a rebuild between two saves moves their times.
    monkeypatch.setattr(chronicle.load, "SETTLED_NS", -3600 * 10**9)
    base = tmp_path_factory.mktemp("edits")
    root = base / "project"
    shutil.copytree(template, root)
    good = base / "good"
    shutil.copytree(root, good)
    out = root / "site"
    state = BuildState()
    rebuild(root, out, state)
    assert not state.problems
    for step, (kind, number, words) in enumerate(actions):
        if kind == "revert":
            restore(root, good)
        else:
            apply(root, kind, number, words, step)
        rebuild(root, out, state, changed={root})
        expected = check_site(root, plan=True).problems
        assert state.problems == expected, f"{kind}: the problems of a clean check"
        if expected:
            continue  # the pages of the last good edit may still be written: the next edit supersedes them
        asked: dict[str, bytes | None] = {}
        if state.pending:  # some of the pages not written yet (a third), asked for as a browser would
            with state.pending.lock:  # the background writes meanwhile
                paths = sorted(state.pending.pages)[number % 3::3]
            asked = {path: state.pending.page(path) for path in paths}
        state.settle()  # the changed pages, written in the background once the edit is shown
        if state.exports:
            state.exports.flush()  # the data files, written once the editor pauses
        clean = clean_build(root, out)
        assert site_pages(out) == clean, f"{kind}: the bytes of a clean build"
        assert all(body is None or body == clean[path] for path, body in asked.items()), \
            f"{kind}: a page asked for before it is written, rendered on demand: a clean build's bytes"
        assert not [folder for folder in out.rglob("*") if folder.is_dir() and not any(folder.iterdir())]
        shutil.rmtree(good)
        shutil.copytree(root, good, ignore=shutil.ignore_patterns("site"))


def test_an_edit_renders_only_the_pages_that_show_it(tmp_path: Path) -> None:
    """A title: its page, its neighbours', the lists and feeds that show it, nothing else."""
    from chronicle.incremental import plan_edit, write_edit, write_full

    root = make_project(tmp_path)
    out = root / "site"
    _, stages = write_full(plan_edit(None, root, None), root, out, reuse_search=False)
    event = root / "content" / "events" / "2022-02-18-appel-austin-choigou.yaml"
    replace_line(event, "title", "Un titre corrigé")
    edit = plan_edit(stages, root, None)
    assert not edit.full and edit.changed is not None
    assert "evenements/2022-02-18-appel-austin-choigou/index.html" in edit.changed
    assert "evenements/2022-02-11-appel-milley-guerassimov/index.html" in edit.changed, "its neighbour links to it"
    assert "evenements/2024-11-27-appel-brown-guerassimov/index.html" not in edit.changed, "far away: unchanged"
    assert "a-propos/index.html" not in edit.changed
    written, _ = write_edit(edit, stages, out)
    assert set(edit.changed) >= {path for path in written if path.endswith(".html")}
    assert site_pages(out) == clean_build(root, out)


def test_a_template_edit_renders_every_page_again(tmp_path: Path) -> None:
    from chronicle.incremental import plan_edit, write_full

    root = make_project(tmp_path)
    _, stages = write_full(plan_edit(None, root, None), root, root / "site", reuse_search=False)
    base = root / "templates" / "base.html"
    base.write_text(base.read_text(encoding="utf-8").replace("</body>", "<!-- x --></body>", 1), encoding="utf-8")
    assert plan_edit(stages, root, None).full


def test_an_edits_stages_leave_no_cycle_for_the_paused_collector_to_freeze(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """``plan_edit`` runs its stages with the collector paused, then freezes what they made: a cycle of
    objects no longer used would never be collected. Edits of every kind, one refused: a collection where
    the freeze happens finds nothing, and the collector is on again after each edit (even the refused one)."""
    import gc

    from chronicle.incremental import plan_edit
    from chronicle.problems import ContentError

    root = make_project(tmp_path)
    found: list[int] = []
    monkeypatch.setattr(gc, "freeze", lambda: found.append(gc.collect()))  # a pytest process: nothing frozen
    gc.collect()  # what the tests before left
    stages = plan_edit(None, root, None).stages(frozenset())
    refused, good = [], tmp_path / "good"
    shutil.copytree(root, good)
    for step, kind in enumerate(("text", "date", "new", "delete", "rename", "actor", "channel", "source", "claim",
                                 "site", "break")):
        apply(root, kind, step, "mot", step)
        try:
            stages = plan_edit(stages, root, None).stages(frozenset())
        except ContentError:  # its problems shown, nothing frozen; the next edit starts from the last good one
            refused.append(kind)
            restore(root, good)
        else:
            shutil.rmtree(good)
            shutil.copytree(root, good)
        assert gc.isenabled()
    assert "break" in refused and len(refused) < 4
    assert found == [0] * (12 - len(refused)), "objects in cycles left by each run's stages (the first build's first)"


def test_a_new_alias_that_a_page_already_held_is_hidden_in_that_page_too(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A page names an actor when its text holds one of his spellings: given « invasion » as an alias,
    Lloyd Austin is named by a call he took no part in, whose plan is the same. ``serve`` renders that
    page again all the same (every searchable page, when a spelling changes) and leaves a clean build's
    bytes."""
    monkeypatch.setattr(chronicle.serve, "search_lags", lambda state, out: None)
    root = make_project(tmp_path)
    out = root / "site"
    state = BuildState()
    rebuild(root, out, state)
    call = next(path for path in (out / "evenements").rglob("index.html")
                if "<h1>Dernier appel Milley–Guérassimov" in path.read_text(encoding="utf-8"))
    hidden = re.search(r'data-pagefind-meta="graphies:([^"]*)"', call.read_text(encoding="utf-8"))
    assert hidden and "Austin" not in hidden.group(1) and "invasion" in call.read_text(encoding="utf-8")
    actor = root / "content" / "actors" / "lloyd-austin.yaml"
    actor.write_text(actor.read_text(encoding="utf-8") + "aliases: [invasion]\n", encoding="utf-8")
    rebuild(root, out, state)
    assert not state.problems
    state.settle()  # the pages, written behind the edit; the data files, once the editor pauses
    if state.exports:
        state.exports.flush()
    hidden = re.search(r'data-pagefind-meta="graphies:([^"]*)"', call.read_text(encoding="utf-8"))
    assert hidden and "Austin" in hidden.group(1), "the spellings of the actor the page now names, hidden in it"
    assert site_pages(out) == clean_build(root, out)
