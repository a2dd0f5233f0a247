"""The no-op fast path: a build is skipped only when nothing it depends on has changed."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import REPO, make_project, tree

UP_TO_DATE = "Rien à reconstruire"


def build(root: Path, *args: str) -> str:
    """Run ``build.py build`` and return its standard output."""
    result = subprocess.run([sys.executable, str(REPO / "build.py"), "--root", str(root), "build", *args],
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    return result.stdout


def touch_later(path: Path) -> None:
    """Change a file's modification time as an editor's save would."""
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000))


def test_second_build_is_skipped_and_any_change_rebuilds(tmp_path: Path) -> None:
    root = make_project(tmp_path)
    assert build(root).startswith("Site construit")
    assert build(root).startswith(UP_TO_DATE)
    event = root / "content" / "events" / "2022-02-18-appel-austin-choigou.yaml"
    event.write_text(event.read_text(encoding="utf-8").replace("Dernier entretien", "Ultime entretien"),
                     encoding="utf-8")
    assert build(root).startswith("Site construit")
    assert "Ultime entretien" in (root / "site" / "evenements" / "2022-02-18-appel-austin-choigou" /
                                  "index.html").read_text(encoding="utf-8")
    assert build(root).startswith(UP_TO_DATE)
    assert build(root, "--base-url", "https://exemple.org/chronique/").startswith("Site construit")
    assert build(root, "--base-url", "https://exemple.org/chronique/").startswith(UP_TO_DATE)
    assert build(root, "--base-url", "https://exemple.org/chronique/", "--force").startswith("Site construit")


@pytest.mark.parametrize("change", ["template", "static", "schema", "site-deleted", "page-deleted-with-folder"])
def test_each_kind_of_input_invalidates(tmp_path: Path, change: str) -> None:
    root = make_project(tmp_path)
    for name in ("templates", "static", "schema"):  # real copies: the fixture links to the repository's
        target = (root / name).resolve()
        (root / name).unlink()
        subprocess.run(["cp", "-r", str(target), str(root / name)], check=True)
    build(root)
    if change == "template":
        touch_later(root / "templates" / "base.html")
    elif change == "static":
        touch_later(root / "static" / "site.css")
    elif change == "schema":
        touch_later(root / "schema" / "event.schema.json")
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
    for name in ("schema", "templates", "static"):
        (clean / name).symlink_to(REPO / name)
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
