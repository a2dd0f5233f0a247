"""The command line's fast paths: a build is skipped only when nothing it depends on has changed,
and any edit to content/ starts from the last build's saved stages (chronicle/incremental.py, chronicle/saved.py)."""

from __future__ import annotations

import gc
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from tests.conftest import REPO, copy_inputs, make_project, tree

UP_TO_DATE = "Rien à reconstruire"
UPDATED = "Site mis à jour"
BUILT = "Site construit"


def build(root: Path, *args: str) -> str:
    """Run ``build.py build`` and return its standard output."""
    result = subprocess.run([sys.executable, str(REPO / "build.py"), "--root", str(root), "build", *args],
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    return result.stdout


def edit_unseen(path: Path) -> None:
    """Change the last byte of ``path`` (a newline for a space, or back) and put its modification time
    back, as ``cp -p``, ``rsync -t`` or an archive do: its size and times are as before, only its
    bytes tell the edit."""
    stat = path.stat()
    data = path.read_bytes()
    path.write_bytes(data[:-1] + (b" " if data.endswith(b"\n") else b"\n"))
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert (path.stat().st_size, path.stat().st_mtime_ns) == (stat.st_size, stat.st_mtime_ns)


def test_second_build_is_skipped_and_any_change_rebuilds(tmp_path: Path) -> None:
    root = make_project(tmp_path)
    assert build(root).startswith("Site construit")
    assert build(root).startswith(UP_TO_DATE)
    event = root / "content" / "events" / "2022-02-18-appel-austin-choigou.yaml"
    event.write_text(event.read_text(encoding="utf-8").replace("Dernier entretien", "Ultime entretien"),
                     encoding="utf-8")
    assert build(root).startswith(UPDATED)  # a text: only the pages showing it, and the search index
    assert "Ultime entretien" in (root / "site" / "evenements" / "2022-02-18-appel-austin-choigou" /
                                  "index.html").read_text(encoding="utf-8")
    assert build(root).startswith(UP_TO_DATE)
    assert build(root, "--base-url", "https://exemple.org/chronique/").startswith("Site construit")
    assert build(root, "--base-url", "https://exemple.org/chronique/").startswith(UP_TO_DATE)
    assert build(root, "--base-url", "https://exemple.org/chronique/", "--force").startswith("Site construit")


@pytest.mark.parametrize("change", ["template", "static", "schema", "site-deleted", "page-deleted-with-folder"])
def test_each_kind_of_input_invalidates(tmp_path: Path, change: str) -> None:
    root = make_project(tmp_path)  # real copies of templates/, static/, schema/
    build(root)
    if change == "template":
        edit_unseen(root / "templates" / "base.html")
    elif change == "static":
        edit_unseen(root / "static" / "site.css")
    elif change == "schema":
        edit_unseen(root / "schema" / "event.schema.json")
    elif change == "site-deleted":
        subprocess.run(["rm", "-rf", str(root / "site")], check=True)
    else:
        subprocess.run(["rm", "-rf", str(root / "site" / "acteurs")], check=True)
    assert build(root).startswith("Site construit")


ACTIONS = st.lists(st.tuples(st.sampled_from(["edit", "rename", "delete"]), st.integers(0, 50)),
                   min_size=1, max_size=3)


@settings(max_examples=4, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(actions=ACTIONS)
def test_edits_renames_and_deletions_give_the_clean_build_bytes(tmp_path_factory: pytest.TempPathFactory,
                                                                 actions: list[tuple[str, int]]) -> None:
    """After any sequence of edits, renames and deletions, the cached path equals a clean build."""
    base = tmp_path_factory.mktemp("incremental")
    root = make_project(base)
    build(root)
    events = root / "content" / "events"
    claims = " ".join(c.read_text(encoding="utf-8") for c in (root / "content" / "claims").glob("*.yaml"))
    for step, (action, pick) in enumerate(actions):
        files = sorted(events.glob("*.yaml"))
        chosen = files[pick % len(files)]
        if action == "edit":
            text = chosen.read_text(encoding="utf-8")
            chosen.write_text(text.replace("summary: ", f"summary: Étape {step}. ", 1), encoding="utf-8")
        elif chosen.stem not in claims and "ligne-deconfliction" not in chosen.stem:  # claims pin these
            if action == "rename":
                chosen.rename(events / f"{chosen.stem}-{step}.yaml")
            else:
                chosen.unlink()
        build(root)
        assert build(root).startswith(UP_TO_DATE)
    clean = base / "clean"
    shutil.copytree(root / "content", clean / "content")
    copy_inputs(clean)
    build(clean)
    assert tree(root / "site") == tree(clean / "site")


def test_preview_rebuild_carries_the_search_index_over(tmp_path: Path) -> None:
    from chronicle.pipeline import build_site

    root = make_project(tmp_path)
    out = root / "site"
    first = build_site(root, out)
    bundle = {path: body for path, body in first.files.items() if path.startswith("pagefind/")}
    assert bundle, "the first build indexes the site"
    event = root / "content" / "events" / "2022-02-18-appel-austin-choigou.yaml"
    event.write_text(event.read_text(encoding="utf-8").replace("Dernier entretien", "Ultime entretien"),
                     encoding="utf-8")
    again = build_site(root, out, reuse_search=True)
    assert {path: body for path, body in again.files.items() if path.startswith("pagefind/")} == bundle
    assert "Ultime entretien" in again.files["evenements/2022-02-18-appel-austin-choigou/index.html"].decode()
    (out / "pagefind").rename(tmp_path / "moved")
    fresh = build_site(root, out, reuse_search=True)
    assert any(path.startswith("pagefind/") for path in fresh.files), "no index to reuse: it indexes"


def clean_build(root: Path, base: Path) -> dict[str, bytes]:
    """The files of a clean build of ``root``'s content (no cache, no saved state)."""
    clean = base / "clean"
    shutil.rmtree(clean, ignore_errors=True)
    shutil.copytree(root / "content", clean / "content")
    copy_inputs(clean)
    assert build(clean).startswith(BUILT)
    return tree(clean / "site")


TEXT_EDITS = st.lists(st.tuples(st.sampled_from(["title", "summary", "annotation", "kind", "problem"]),
                                st.integers(0, 50), st.text(alphabet="abcdéèçà ’«»", min_size=1, max_size=12)),
                      min_size=1, max_size=4)


@settings(max_examples=5, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(edits=TEXT_EDITS)
@example(edits=[("title", 0, "abc"), ("problem", 2, "x"), ("summary", 2, "é’"), ("kind", 1, "x"),
                ("annotation", 5, "«à»")])
def test_text_edits_from_the_saved_state_give_the_clean_build_bytes(tmp_path_factory: pytest.TempPathFactory,
                                                                      edits: list[tuple[str, int, str]]) -> None:
    """Texts and kinds edited between command-line builds: each build redoes only what shows them, search
    index included, and leaves the bytes of a clean build; a problem is reported as a full build does."""
    base = tmp_path_factory.mktemp("texts")
    root = make_project(base)
    assert build(root).startswith(BUILT)
    events = sorted((root / "content" / "events").glob("*.yaml"))
    for field, pick, words in edits:
        path = events[pick % len(events)]
        text = path.read_text(encoding="utf-8")
        if field == "kind":  # lists, counts and silences move: the same stages find which pages
            kind = "call" if "\nkind: meeting\n" in text else "meeting"
            path.write_text(re.sub(r"\nkind: [\w-]+\n", f"\nkind: {kind}\n", text, count=1), encoding="utf-8")
        elif field == "problem":
            path.write_text(text.replace("\ntitle: ", "\ntitle: \n_title: ", 1), encoding="utf-8")
            result = subprocess.run([sys.executable, str(REPO / "build.py"), "--root", str(root), "build"],
                                    capture_output=True, text=True, timeout=300)
            assert result.returncode != 0 and path.name in result.stdout + result.stderr, "reported in full"
            path.write_text(text.replace("\ntitle: ", "\ntitle: Corrigé ", 1), encoding="utf-8")
            assert build(root).startswith(UPDATED), "once fixed, a text edit as any other"
            continue
        else:
            path.write_text(text.replace(f"\n{field}: ", f"\n{field}: {words.strip() or 'x'} — ", 1),
                            encoding="utf-8")
        output = build(root)
        if field == "kind" or f"\n{field}: " in text:
            assert output.startswith(UPDATED), output
        assert build(root).startswith(UP_TO_DATE)
    assert tree(root / "site") == clean_build(root, base)


def test_a_file_saved_during_the_build_is_redone_by_the_next(tmp_path: Path) -> None:
    from chronicle.cache import read_inputs
    from chronicle.incremental import edit_of, templates_fingerprint
    from chronicle.memo import Memo
    from chronicle.pipeline import build_site
    from chronicle.saved import pickle_stages, seal_stages

    root = make_project(tmp_path)
    out = root / "site"
    inputs = read_inputs(root, out, {"base_url": None})  # as the command line: before the build reads anything
    parsed, templates = Memo(), templates_fingerprint(root)
    site = build_site(root, out, memo=parsed)
    event = root / "content" / "events" / "2022-02-18-appel-austin-choigou.yaml"
    event.write_text(event.read_text(encoding="utf-8").replace("Dernier entretien", "Ultime entretien"),
                     encoding="utf-8")  # saved after the build read it
    assert site.plan is not None
    stages = edit_of(site.plan, root, parsed, templates).stages(frozenset(site.searchable))
    seal_stages(root, pickle_stages(root, stages), inputs.settings, out)
    assert build(root).startswith(UPDATED)
    assert "Ultime entretien" in (out / "evenements" / "2022-02-18-appel-austin-choigou" /
                                  "index.html").read_text(encoding="utf-8")


def saved_stages(root: Path) -> object:
    """The stages the last command-line build saved (their header line skipped)."""
    import pickle

    with (root / ".chronicle-cache" / "stages.pickle").open("rb") as file:
        file.readline()
        return pickle.load(file)


def test_an_edit_from_the_saved_state_rewrites_only_the_files_whose_bytes_change(tmp_path: Path) -> None:
    """The saved stages keep of each page what the next edit reads of it (its date for the sitemap, a
    redirect's target, whether it is searchable), not what it shows: the edit renders again every page of
    the parts it plans again, and rewrites, and counts, only those whose bytes differ."""
    from chronicle.incremental import Stages
    from chronicle.urls import output_path

    root = make_project(tmp_path)
    assert build(root).startswith(BUILT)
    stages = saved_stages(root)
    assert isinstance(stages, Stages) and stages.trace is not None
    assert all(set(page.context) <= {"search_type", "target", "dates"} for page in stages.pages.values())
    parts = [page for part in stages.trace.parts.values() for page in part]
    assert len(parts) == len(stages.pages) - 1 and all(stages.pages[output_path(page.url)] is page for page in parts), \
        "the parts not planned again give the next state the very pages it keeps (all but the sitemap's)"
    before = tree(root / "site")
    event = root / "content" / "events" / "2022-02-18-appel-austin-choigou.yaml"
    event.write_text(event.read_text(encoding="utf-8").replace("Dernier entretien", "Ultime entretien"),
                     encoding="utf-8")
    output = build(root)
    assert output.startswith(UPDATED), output
    after = tree(root / "site")
    differing = {path for path in before.keys() | after.keys()
                 if not path.startswith("pagefind/") and before.get(path) != after.get(path)}
    found = re.search(r"(\d+) fichiers? réécrits?", output)
    assert differing and found and int(found.group(1)) == len(differing), (output, sorted(differing))
    assert after == clean_build(root, tmp_path)


def test_an_actors_new_alias_from_the_saved_state_builds_in_full(tmp_path: Path) -> None:
    """A new spelling may change any searchable page (each hides the spellings its text names, given at
    render), and the saved stages keep no page's context to render it again: the command line builds in
    full, without first trying an update that would fail, and leaves a clean build's bytes."""
    root = make_project(tmp_path)
    assert build(root).startswith(BUILT)
    actor = root / "content" / "actors" / "lloyd-austin.yaml"
    actor.write_text(actor.read_text(encoding="utf-8") + "aliases: [invasion]\n", encoding="utf-8")
    result = subprocess.run([sys.executable, str(REPO / "build.py"), "--root", str(root), "build"],
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0 and result.stdout.startswith(BUILT), result.stdout + result.stderr
    assert "impossible" not in result.stderr, result.stderr
    assert tree(root / "site") == clean_build(root, tmp_path)


def test_an_edit_from_the_saved_state_keeps_every_pages_date_in_the_sitemap(tmp_path: Path) -> None:
    """In a repository (each page dated by its history), an edit from the saved stages gives the sitemap
    the date of every page, those of the parts not planned again included, as a full build does."""
    root = make_project(tmp_path)
    for name in ("schema", "templates", "static"):  # the repository's own files, not links out of it
        if (root / name).is_symlink():
            (root / name).unlink()
            shutil.copytree(REPO / name, root / name)
    env = {**os.environ, "GIT_CONFIG_NOSYSTEM": "1", "GIT_CONFIG_GLOBAL": os.devnull,
           "GIT_AUTHOR_NAME": "Rédaction", "GIT_AUTHOR_EMAIL": "redaction@canaux.invalid",
           "GIT_COMMITTER_NAME": "Rédaction", "GIT_COMMITTER_EMAIL": "redaction@canaux.invalid",
           "GIT_AUTHOR_DATE": "2024-03-03T10:00:00+01:00", "GIT_COMMITTER_DATE": "2024-03-03T10:00:00+01:00"}
    for command in (["init", "-q", "-b", "main"], ["add", "-A"], ["commit", "-q", "-m", "Publication"]):
        subprocess.run(["git", *command], cwd=root, env=env, capture_output=True, check=True)
    assert build(root).startswith(BUILT)
    assert "<lastmod>2024-03-03" in (root / "site" / "sitemap.xml").read_text(encoding="utf-8")
    event = root / "content" / "events" / "2022-02-18-appel-austin-choigou.yaml"
    event.write_text(event.read_text(encoding="utf-8").replace("Dernier entretien", "Ultime entretien"),
                     encoding="utf-8")
    assert build(root).startswith(UPDATED)
    updated = tree(root / "site")
    assert build(root, "--force").startswith(BUILT)
    assert updated == tree(root / "site")


@pytest.mark.parametrize("damage", ["garbage", "cut", "site-replaced"])
def test_a_damaged_or_stale_saved_state_means_a_full_build(tmp_path: Path, damage: str) -> None:
    root = make_project(tmp_path)
    assert build(root).startswith(BUILT)
    saved = root / ".chronicle-cache" / "stages.pickle"
    if damage == "garbage":
        saved.write_bytes(b"not a pickle")
    elif damage == "cut":
        saved.write_bytes(saved.read_bytes()[:1000])
    else:  # another build's output in its place
        shutil.copytree(root / "site", tmp_path / "other")
        shutil.rmtree(root / "site")
        (tmp_path / "other").rename(root / "site")
    event = root / "content" / "events" / "2022-02-18-appel-austin-choigou.yaml"
    event.write_text(event.read_text(encoding="utf-8").replace("Dernier entretien", "Ultime entretien"),
                     encoding="utf-8")
    assert build(root).startswith(BUILT)
    assert tree(root / "site") == clean_build(root, tmp_path)


class Payload:
    """Unpickled, creates a file: what a state file committed by someone else could do."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self) -> tuple[object, tuple[str, str]]:
        return open, (str(self.marker), "w")


def test_a_state_file_not_saved_for_this_output_is_never_unpickled(tmp_path: Path) -> None:
    import json
    import pickle

    from chronicle.cache import read_inputs

    pickle.loads(pickle.dumps(Payload(tmp_path / "probe")))
    assert (tmp_path / "probe").exists(), "the payload does act when unpickled"
    root = make_project(tmp_path)
    assert build(root).startswith(BUILT)
    marker = tmp_path / "unpickled"
    inputs = read_inputs(root, root / "site", {"base_url": None})
    for output in ("", "0" * 64):  # as in a fresh checkout (no site/ yet), or a guess
        header = json.dumps({"settings": inputs.settings, "output": output}).encode()
        header += b"\n"
        (root / ".chronicle-cache" / "stages.pickle").write_bytes(header + pickle.dumps(Payload(marker)))
        edit_unseen(root / "content" / "events" / "2022-02-18-appel-austin-choigou.yaml")
        assert build(root).startswith(BUILT)
        assert not marker.exists()
    shutil.rmtree(root / "site")
    (root / ".chronicle-cache" / "stages.pickle").write_bytes(pickle.dumps(Payload(marker)))
    assert build(root).startswith(BUILT)
    assert not marker.exists()


@pytest.mark.parametrize("step", ["data_files", "pickle_stages"])
def test_an_update_that_fails_halfway_leaves_the_site_and_the_saved_state_as_they_were(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, step: str) -> None:
    """Ctrl-C while Pagefind indexes: before the data files are made, or once the new state is
    pickled (the next update must start from the old one, and nothing pickled is left)."""
    import chronicle.saved
    from chronicle.cache import output_fingerprint, read_inputs
    from chronicle.incremental import plan_edit
    from chronicle.saved import read_stages, write_saved_edit

    root = make_project(tmp_path)
    assert build(root).startswith(BUILT)
    before = tree(root / "site")
    event = root / "content" / "events" / "2022-02-18-appel-austin-choigou.yaml"
    event.write_text(event.read_text(encoding="utf-8").replace("Dernier entretien", "Ultime entretien"),
                     encoding="utf-8")

    cache = sorted((root / ".chronicle-cache").iterdir())
    real = getattr(chronicle.saved, step)

    def fail(*args: object) -> None:
        real(*args)
        raise KeyboardInterrupt

    with monkeypatch.context() as patch:
        patch.setattr(chronicle.saved, step, fail)
        key = read_inputs(root, root / "site", {"base_url": None}).settings
        stages = read_stages(root, key, output_fingerprint(root / "site"))
        assert stages is not None
        with pytest.raises(KeyboardInterrupt):
            write_saved_edit(plan_edit(stages, root, None), stages, root, root / "site", key)
    assert tree(root / "site") == before
    assert not list(tmp_path.glob("project/.site-*")), "no staging folder left behind"
    assert sorted((root / ".chronicle-cache").iterdir()) == cache, "no pickled state left behind"
    assert build(root).startswith(UPDATED), "the saved state still holds for the site as it is"
    assert tree(root / "site") == clean_build(root, tmp_path)


def test_a_full_build_stopped_once_its_state_is_pickled_leaves_the_saved_state_as_it_was(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    """The command line pickles the new state while Pagefind indexes; Ctrl-C after that (Pagefind
    not done) leaves the last build's state, which still holds for the site as it is."""
    import chronicle.search
    from chronicle.cli import main

    root = make_project(tmp_path)
    assert build(root).startswith(BUILT)
    saved = (root / ".chronicle-cache" / "stages.pickle").read_bytes()
    before = tree(root / "site")

    def stopped(*args: object) -> None:
        raise KeyboardInterrupt

    with monkeypatch.context() as patch:
        patch.setattr(chronicle.search, "finish_indexing", stopped)
        try:
            assert main(["--root", str(root), "build", "--force"]) == 130
        finally:
            gc.enable()  # ``build`` turns the collector off for the rest of its process: this one is pytest's
    assert "Interrompu" in capsys.readouterr().err
    assert tree(root / "site") == before
    assert (root / ".chronicle-cache" / "stages.pickle").read_bytes() == saved
    assert sorted(path.name for path in (root / ".chronicle-cache").iterdir()) == ["stages.pickle"], \
        "nothing pickled left behind (the no-op record is forgotten as any build starts)"
    event = root / "content" / "events" / "2022-02-18-appel-austin-choigou.yaml"
    event.write_text(event.read_text(encoding="utf-8").replace("Dernier entretien", "Ultime entretien"),
                     encoding="utf-8")
    assert build(root).startswith(UPDATED)
    assert tree(root / "site") == clean_build(root, tmp_path)
