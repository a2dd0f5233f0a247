"""Issue 13 §2, §3, §4, §7: what a pull request may not reach through paths and external tools.

- The output folder is never anything but Chronicle's own (SECURITY.md, "The output folder").
- Inputs never reach outside their folder: no link followed, no special file, sizes capped,
  the records' character scan.
- Pagefind runs isolated from the project: no configuration or module of the project obeyed.
- A build killed between the two renames of its swap leaves a site the next command restores.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest

from chronicle import write
from chronicle.inputs import read_tree
from chronicle.pipeline import build_site
from chronicle.search import BUNDLE, publish_bundle
from chronicle.write import SITE_MARKER, recover_output
from tests.conftest import REPO, make_project, tree
from tests.conftest import run_cli as run

LINK = "les liens symboliques ne sont pas acceptés."
REFUSED = "Dossier de sortie refusé"
EVENT = "content/events/2022-05-13-appel-austin-choigou.yaml"


def snapshot(root: Path) -> dict[str, bytes]:
    """Every regular file under ``root`` (links not followed), with its bytes."""
    files = {}
    for folder, folders, names in os.walk(root):
        folders.sort()
        for name in names:
            path = Path(folder) / name
            if not path.is_symlink():
                files[path.relative_to(root).as_posix()] = path.read_bytes()
    return files


def victim(tmp_path: Path) -> Path:
    """A folder outside the project that nothing may touch, with one file in it."""
    folder = tmp_path / "a-garder"
    folder.mkdir()
    (folder / "precieux.txt").write_text("à garder\n", encoding="utf-8")
    return folder


@pytest.fixture
def built(tmp_path: Path) -> Path:
    """The fixture project, built once (its ``site/`` made by Chronicle)."""
    root = make_project(tmp_path)
    result = run(root, "build")
    assert result.returncode == 0, result.stderr
    return root


# --- §2 The output folder is never anything but Chronicle's own ---------------------------------


@pytest.mark.parametrize("target", ["victim", "..", "project"])
def test_a_site_committed_as_a_link_is_refused_and_what_it_points_to_is_untouched(tmp_path: Path, target: str) -> None:
    root = make_project(tmp_path)
    kept = victim(tmp_path)
    pointed = {"victim": kept, "..": Path(".."), "project": Path(".")}[target]
    (root / "site").symlink_to(pointed, target_is_directory=True)
    before = snapshot(tmp_path)
    result = run(root, "build")
    assert (result.returncode, result.stdout) == (1, "")
    assert REFUSED in result.stderr and "lien symbolique" in result.stderr
    assert "Traceback" not in result.stderr
    assert snapshot(tmp_path) == before
    assert os.readlink(root / "site") == str(pointed)


@pytest.mark.parametrize("out", [".", "..", "content", "content/events", "templates", "static", "schema",
                                 "static/../content", ".git", "TMP"])
def test_an_output_that_is_holds_or_lies_in_the_project_or_an_input_is_refused(tmp_path: Path, out: str) -> None:
    root = make_project(tmp_path)
    (root / ".git").mkdir()
    before = snapshot(tmp_path)
    result = run(root, "build", "--out", str(tmp_path) if out == "TMP" else out)
    assert (result.returncode, result.stdout) == (2, ""), result.stderr
    assert REFUSED in result.stderr and "Traceback" not in result.stderr
    assert snapshot(tmp_path) == before


def test_an_output_reached_through_a_link_in_the_project_is_refused(tmp_path: Path) -> None:
    root = make_project(tmp_path)
    kept = victim(tmp_path)
    (root / "build").symlink_to(kept, target_is_directory=True)  # committed: ``--out build/site`` writes there
    before = snapshot(tmp_path)
    result = run(root, "build", "--out", "build/site")
    assert (result.returncode, result.stdout) == (2, "")
    assert REFUSED in result.stderr and "« build » sur son chemin est un lien symbolique" in result.stderr
    assert snapshot(tmp_path) == before


def test_serve_refuses_such_an_output_too(tmp_path: Path) -> None:
    root = make_project(tmp_path)
    before = snapshot(tmp_path)
    result = run(root, "serve", "--port", "0", "--out", ".")
    assert (result.returncode, result.stdout) == (2, "")
    assert REFUSED in result.stderr
    assert snapshot(tmp_path) == before


def test_an_existing_folder_chronicle_did_not_make_is_refused(tmp_path: Path) -> None:
    root = make_project(tmp_path)
    kept = victim(tmp_path)
    before = snapshot(kept)
    result = run(root, "build", "--out", str(kept))
    assert (result.returncode, result.stdout) == (2, "")
    assert REFUSED in result.stderr and SITE_MARKER in result.stderr
    assert snapshot(kept) == before


def test_an_output_that_is_a_file_is_refused(tmp_path: Path) -> None:
    root = make_project(tmp_path)
    (root / "site").write_text("pas un dossier\n", encoding="utf-8")
    result = run(root, "build")
    assert (result.returncode, result.stdout) == (1, "")
    assert REFUSED in result.stderr
    assert (root / "site").read_text(encoding="utf-8") == "pas un dossier\n"


def test_an_empty_folder_or_a_site_chronicle_made_is_built_into_and_marked(tmp_path: Path) -> None:
    root = make_project(tmp_path)
    empty = tmp_path / "vide"
    empty.mkdir()
    assert run(root, "build", "--out", str(empty)).returncode == 0
    assert (empty / SITE_MARKER).is_file() and (empty / "index.html").is_file()
    (empty / "index.html").write_text("modifié", encoding="utf-8")
    assert run(root, "build", "--out", str(empty), "--force").returncode == 0  # its own: replaced
    assert "modifié" not in (empty / "index.html").read_text(encoding="utf-8")


def test_the_site_is_refused_in_process_too(tmp_path: Path) -> None:
    """The writer itself refuses a link or a foreign folder, whoever calls it (``serve``, the tests)."""
    kept = victim(tmp_path)
    (tmp_path / "site").symlink_to(kept)
    with pytest.raises(write.OutputError, match="lien symbolique"):
        write.write_site({"index.html": b"x"}, tmp_path / "site")
    with pytest.raises(write.OutputError, match=SITE_MARKER):
        write.write_site({"index.html": b"x"}, kept)
    assert snapshot(kept) == {"precieux.txt": "à garder\n".encode()}


@pytest.mark.parametrize("form", ["folder", "file", "link"])
@pytest.mark.parametrize("name", ["site", ".chronicle-cache", ".site-abcd1234", ".site.old-abcd1234",
                                  ".site.search-abcd1234", ".pagefind-abcd1234", ".chronicle.lock"])
def test_gitignore_ignores_the_outputs_in_every_form(tmp_path: Path, name: str, form: str) -> None:
    if shutil.which("git") is None:
        pytest.fail("git is needed to read .gitignore as git does")
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    shutil.copyfile(REPO / ".gitignore", tmp_path / ".gitignore")
    path = tmp_path / name
    if form == "folder":
        path.mkdir()
        (path / "index.html").write_text("x", encoding="utf-8")
    elif form == "file":
        path.write_text("x", encoding="utf-8")
    else:
        path.symlink_to("..")
    status = subprocess.run(["git", "-C", str(tmp_path), "status", "--porcelain", "--untracked-files=all"],
                            capture_output=True, text=True, check=True).stdout
    assert status.splitlines() == ["?? .gitignore"]


def test_removing_never_follows_a_link(tmp_path: Path) -> None:
    """Links in the site replaced, and links named like the folders a killed build leaves, are removed or
    left as links: what they point to stays whole."""
    root = make_project(tmp_path)
    kept = victim(tmp_path)
    out = root / "site"
    build_site(root, out)
    (out / "lien").symlink_to(kept)  # in the site a build replaces
    (out / "evenements" / "lien").symlink_to(kept)
    (root / ".site-abcd1234").symlink_to(kept)  # named as a staging folder
    (root / ".site.old-abcd1234").symlink_to(kept)  # as a site being removed
    recover_output(out)
    build_site(root, out)
    build_site(root, out)  # its sweep removes the .site.old-* left
    for sweeper in write.SWEEPERS:
        sweeper.wait(timeout=120)
    assert snapshot(kept) == {"precieux.txt": "à garder\n".encode()}
    assert not (out / "lien").exists()


# --- §3 Inputs never reach outside their folder -------------------------------------------------


def environ_secret(root: Path) -> None:
    (root / "static" / "environ.txt").symlink_to("/proc/self/environ")


def linked_folder(root: Path) -> None:
    outside = root.parent / "dehors"
    outside.mkdir()
    (outside / "secret.css").write_text("SECRET-CHRONICLE", encoding="utf-8")
    (root / "static" / "dossier").symlink_to(outside, target_is_directory=True)


def linked_template(root: Path) -> None:
    (root.parent / "secret.html").write_text("SECRET-CHRONICLE", encoding="utf-8")
    (root / "templates" / "partials" / "lien.html").symlink_to(root.parent / "secret.html")


def replaced_by_link(relative: str) -> Callable[[Path], None]:
    def make(root: Path) -> None:
        path = root / relative
        copy = root.parent / f"copie-{path.name}"
        shutil.copyfile(path, copy)
        path.unlink()
        path.symlink_to(copy)  # the same bytes, from outside the project: still refused
    return make


def linked_content_folder(root: Path) -> None:
    shutil.move(root / "content", root.parent / "contenu")
    (root / "content").symlink_to(root.parent / "contenu", target_is_directory=True)


def linked_templates_folder(root: Path) -> None:
    shutil.move(root / "templates", root.parent / "modeles")
    (root / "templates").symlink_to(root.parent / "modeles", target_is_directory=True)


def dangling(root: Path) -> None:
    (root / "static" / "absent.css").symlink_to(root / "static" / "nulle-part.css")


def looping(root: Path) -> None:
    (root / "static" / "boucle.css").symlink_to("boucle.css")
    (root / "static" / "cycle").symlink_to(".", target_is_directory=True)


LINKS = {
    "environ": (environ_secret, ["static/environ.txt"]),
    "folder": (linked_folder, ["static/dossier"]),
    "template": (linked_template, ["templates/partials/lien.html"]),
    "base-template": (replaced_by_link("templates/base.html"), ["templates/base.html"]),
    "templates-folder": (linked_templates_folder, ["templates"]),
    "content-folder": (linked_content_folder, ["content"]),
    "schema": (replaced_by_link("schema/event.schema.json"), ["schema/event.schema.json"]),
    "site-yaml": (replaced_by_link("content/site.yaml"), ["content/site.yaml"]),
    "published-urls": (replaced_by_link("content/published-urls.txt"), ["content/published-urls.txt"]),
    "dangling": (dangling, ["static/absent.css"]),
    "looping": (looping, ["static/boucle.css", "static/cycle"]),
}


@pytest.mark.parametrize("case", sorted(LINKS))
def test_a_link_among_the_inputs_is_refused_at_its_path(case: str, built: Path) -> None:
    make, paths = LINKS[case]
    if not (built / "content" / "published-urls.txt").exists():
        (built / "content" / "published-urls.txt").write_text("/\n", encoding="utf-8")
    make(built)
    before = tree(built / "site")
    for command in ("build", "check"):
        result = run(built, command)
        assert (result.returncode, result.stdout) == (1, ""), result.stderr
        assert "Traceback" not in result.stderr and "Erreur interne" not in result.stderr
        lines = result.stderr.splitlines()
        for path in paths:
            assert f"{path}: {LINK}" in lines, result.stderr
    assert tree(built / "site") == before
    assert not any(b"SECRET-CHRONICLE" in data or b"PATH=" in data for data in tree(built / "site").values())


def test_the_environment_never_reaches_the_site(tmp_path: Path) -> None:
    """The attack run's case: ``static/`` linked to ``/proc/self/environ`` published the build's variables."""
    root = make_project(tmp_path)
    environ_secret(root)
    result = subprocess.run([sys.executable, str(REPO / "build.py"), "--root", str(root), "build"],
                            capture_output=True, text=True, timeout=120, cwd=root,
                            env={**os.environ, "JETON_SECRET": "SECRET-CHRONICLE"})
    assert result.returncode == 1
    assert not (root / "site").exists()


def test_a_fifo_among_the_inputs_is_refused_without_waiting_on_it(tmp_path: Path) -> None:
    root = make_project(tmp_path)
    (root / "templates" / "base.html").unlink()
    os.mkfifo(root / "templates" / "base.html")  # reading it would wait for a writer forever
    os.mkfifo(root / "static" / "tube.css")
    result = run(root, "build")
    assert (result.returncode, result.stdout) == (1, "")
    assert "templates/base.html: seuls des fichiers ordinaires sont acceptés ici." in result.stderr
    assert "static/tube.css: seuls des fichiers ordinaires sont acceptés ici." in result.stderr


def test_inputs_over_their_size_cap_are_refused_unread(tmp_path: Path) -> None:
    root = make_project(tmp_path)
    with open(root / "static" / "geant.woff2", "wb") as handle:
        handle.truncate(20_000_000)  # sparse
    with open(root / "templates" / "partials" / "geant.html", "wb") as handle:
        handle.truncate(2_000_000)
    result = run(root, "build")
    assert result.returncode == 1
    assert ("static/geant.woff2: fichier trop volumineux (20 000 000 octets ; maximum 10 000 000)."
            in result.stderr)
    assert ("templates/partials/geant.html: fichier trop volumineux (2 000 000 octets ; maximum 1 000 000)."
            in result.stderr)


def test_inputs_get_the_records_character_scan(tmp_path: Path) -> None:
    root = make_project(tmp_path, {
        "static/site.css": "body { color: red; }\n/* \x1b[2J */\n",
        "templates/partials/renverse.html": "<p>abc\u202edef</p>\n",
        "content/published-urls.txt": "/\n/a-propos/\x07\n",
    })
    (root / "static" / "pas-utf8.js").write_bytes(b"var x = '\xff';\n")
    result = run(root, "check")
    assert result.returncode == 1
    for line in ("static/site.css:2:4: caractère de contrôle U+001B interdit.",
                 "templates/partials/renverse.html:1:7: caractère de contrôle U+202E interdit",
                 "content/published-urls.txt:2:11: caractère de contrôle U+0007 interdit.",
                 "static/pas-utf8.js:1:10: le fichier n'est pas en UTF-8 valide"):
        assert line in result.stderr, result.stderr


def test_a_schema_that_is_not_json_is_a_positioned_problem(tmp_path: Path) -> None:
    root = make_project(tmp_path, {"schema/actor.schema.json": '{\n  "type": "object",\n  oups\n}\n'})
    result = run(root, "build")
    assert (result.returncode, result.stdout) == (1, "")
    assert "schema/actor.schema.json:3:3: JSON invalide" in result.stderr
    assert "Traceback" not in result.stderr and "Erreur interne" not in result.stderr


def test_a_template_that_is_not_jinja_is_a_positioned_problem(tmp_path: Path) -> None:
    root = make_project(tmp_path, {"templates/partials/casse.html": "<p>\n{% if %}\n</p>\n"})
    result = run(root, "build")
    assert (result.returncode, result.stdout) == (1, "")
    assert "templates/partials/casse.html:2:1: syntaxe de gabarit Jinja invalide" in result.stderr, result.stderr
    assert "Traceback" not in result.stderr and "Erreur interne" not in result.stderr


def test_the_tree_reader_follows_nothing(tmp_path: Path) -> None:
    root = tmp_path / "projet"
    (root / "static" / "sous").mkdir(parents=True)
    (root / "static" / "sous" / "a.css").write_text("a", encoding="utf-8")
    (root / "static" / ".cache").write_text("caché", encoding="utf-8")
    (root / "static" / "sous" / "passwd").symlink_to("/etc/passwd")
    files, problems = read_tree(root, "static", 1000)
    assert files == {"static/sous/a.css": b"a"}
    assert [(p.path, p.message) for p in problems] == [("static/sous/passwd", LINK)]


@pytest.mark.parametrize("linked", ["content/events", "content"])
def test_new_never_writes_through_a_link(tmp_path: Path, linked: str) -> None:
    root = make_project(tmp_path)
    outside = tmp_path / "dehors"
    shutil.move(root / linked, outside)
    (root / linked).symlink_to(outside, target_is_directory=True)
    before = snapshot(outside)
    result = run(root, "new", "event", "--date", "2022-05-13", "--title", "Appel par un lien")
    assert (result.returncode, result.stdout) == (2, ""), result.stderr
    assert f"{linked} est un lien symbolique" in result.stderr
    assert snapshot(outside) == before


# --- §4 Pagefind runs isolated from the repository ----------------------------------------------


def test_a_pagefind_configuration_in_the_project_is_not_obeyed(tmp_path: Path) -> None:
    reference = make_project(tmp_path / "a")
    assert run(reference, "build").returncode == 0
    root = make_project(tmp_path / "b")
    log = tmp_path / "ecrit-par-pagefind.log"
    (root / "pagefind.yml").write_text(f"logfile: {log}\nforce_language: en\nexclude_selectors: ['main']\n",
                                       encoding="utf-8")
    result = run(root, "build")
    assert result.returncode == 0, result.stderr
    assert not log.exists()
    bundle = {path: data for path, data in tree(root / "site").items() if path.startswith(BUNDLE)}
    assert bundle == {path: data for path, data in tree(reference / "site").items() if path.startswith(BUNDLE)}


def test_a_pagefind_module_in_the_project_is_not_run(tmp_path: Path) -> None:
    root = make_project(tmp_path)
    ran = tmp_path / "module-execute"
    (root / "pagefind").mkdir()
    (root / "pagefind" / "__init__.py").write_text("", encoding="utf-8")
    (root / "pagefind" / "__main__.py").write_text(
        f"open({str(ran)!r}, 'w').write('oui')\nraise SystemExit(0)\n", encoding="utf-8")
    result = run(root, "build")
    assert result.returncode == 0, result.stderr
    assert not ran.exists()
    assert (root / "site" / BUNDLE / "pagefind.js").is_file()


def test_pagefind_variables_of_the_environment_are_not_obeyed(tmp_path: Path) -> None:
    root = make_project(tmp_path)
    log = tmp_path / "ecrit-par-pagefind.log"
    result = subprocess.run([sys.executable, str(REPO / "build.py"), "--root", str(root), "build"],
                            capture_output=True, text=True, timeout=120, cwd=root,
                            env={**os.environ, "PAGEFIND_LOGFILE": str(log), "PAGEFIND_FORCE_LANGUAGE": "en"})
    assert result.returncode == 0, result.stderr
    assert not log.exists()
    assert (root / "site" / BUNDLE / "wasm.fr.pagefind").is_file()


def test_only_the_files_of_a_bundle_are_published(tmp_path: Path) -> None:
    bundle, site = tmp_path / "bundle", tmp_path / "site"
    for path in ("pagefind.js", "pagefind-worker.js", "pagefind-entry.json", "wasm.fr.pagefind",
                 "pagefind.fr_1a2b.pf_meta", "fragment/fr_1a2b.pf_fragment", "index/fr_1a2b.pf_index",
                 "filter/fr_1a2b.pf_filter", "pagefind-ui.js", "pagefind-highlight.js",
                 "evil.html", "pagefind.yml", "fragment/x.html"):
        target = bundle / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text("x", encoding="utf-8")
    (bundle / "index" / "fr_lien.pf_index").symlink_to("/etc/passwd")
    site.mkdir()
    published = publish_bundle(bundle, site)
    assert published == sorted(f"{BUNDLE}/{path}" for path in (
        "pagefind.js", "pagefind-worker.js", "pagefind-entry.json", "wasm.fr.pagefind", "pagefind.fr_1a2b.pf_meta",
        "fragment/fr_1a2b.pf_fragment", "index/fr_1a2b.pf_index", "filter/fr_1a2b.pf_filter"))
    assert sorted(tree(site)) == published


# --- §7 A build killed between the two renames of its swap recovers -----------------------------

KILL_BETWEEN_RENAMES = textwrap.dedent("""
    import os, signal, sys
    from pathlib import Path
    from chronicle import write
    from chronicle.pipeline import build_site
    real = os.rename
    def rename(source, target):
        real(source, target)
        if Path(str(source)).name == "site":  # the previous site set aside: the new one not in yet
            os.kill(os.getpid(), signal.SIGKILL)
    os.rename = rename
    build_site(Path(sys.argv[1]), Path(sys.argv[1]) / "site")
""")


def test_a_build_killed_between_the_renames_is_recovered_at_the_next_start(built: Path) -> None:
    before = tree(built / "site")
    killed = subprocess.run([sys.executable, "-c", KILL_BETWEEN_RENAMES, str(built)], cwd=REPO,
                            capture_output=True, text=True, timeout=120)
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    assert not (built / "site").exists()  # what the kill leaves
    assert [path.name for path in built.iterdir() if path.name.startswith(".site-")]
    (built / EVENT).write_text("title: [\n", encoding="utf-8")  # the next build fails: it must restore
    result = run(built, "build")
    assert result.returncode == 1
    assert tree(built / "site") == before
    assert not [path.name for path in built.iterdir() if path.name.startswith((".site-", ".pagefind-"))]


def test_staging_folders_killed_builds_left_are_swept_at_start(built: Path) -> None:
    """Those of a killed build, and those of a ``serve`` killed while its background index ran (the folder
    Pagefind works in, the one it writes the preview's bundle into)."""
    for name in (".site-abcd1234", ".site-efgh5678", ".pagefind-abcd1234", ".site.search-ab_d1234"):
        (built / name / "new" / "evenements").mkdir(parents=True)
    (built / ".site-preview-ab").mkdir()  # another output's, or not a staging folder at all: left
    result = run(built, "build")
    assert result.returncode == 0
    assert sorted(path.name for path in built.iterdir() if path.name.startswith((".site", ".pagefind"))) == [
        ".site-preview-ab"]
