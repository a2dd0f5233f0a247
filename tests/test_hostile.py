"""Every hostile input of ../shared/hostile-inputs.md, and more: one folder per case.

``tests/hostile/<NN-name>/`` holds ``files/`` (mirrored onto a copy of the fixture project),
an optional ``delete.txt`` (project paths to remove, one a line) and either

- ``expected.txt``: the exact problem lines ``build.py build`` and ``build.py check`` print
  on stderr, before their count; the build must exit 1, print no traceback and leave the
  previous ``site/`` byte for byte as it was, with no staging directory behind; or
- ``site.txt``: the input is not an error; the build must succeed, pass the output scan,
  and each page named in the file must contain (``+ text``) or lack (``- text``) the text
  that follows (``\\n`` spells a line break).

A few inputs cannot be committed (a 50 MB file, a symbolic link, a file name with ``\\``):
``GENERATED`` makes them at run time.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import REPO, make_project, tree
from tests.conftest import run_cli as run
from tests.test_output_scan import scan_site

HOSTILE = REPO / "tests" / "hostile"
CASES = sorted(path.name for path in HOSTILE.iterdir() if path.is_dir())
EVENT = "content/events/2022-05-13-appel-austin-choigou.yaml"


# --- inputs made at run time -------------------------------------------------------------


def generate_sizes(root: Path) -> None:
    """Row 8: a 50 MB file (sparse: refused unread), a nesting 100 000 deep, a 1 MB field."""
    events = root / "content" / "events"
    with open(events / "fichier-geant.yaml", "wb") as handle:
        handle.write(b"title: geant\n")
        handle.truncate(50_000_000)
    (events / "imbrication.yaml").write_text("title: " + "[" * 100_000 + "\n", encoding="utf-8")
    (events / "champ-geant.yaml").write_text("title: x\nsummary: " + "mot " * 249_750 + "\n", encoding="utf-8")


def generate_names(root: Path) -> None:
    """Row 17: a back-slash in a file name, which a Windows checkout could not even hold."""
    event = (REPO / "tests" / "fixtures" / "chronology" / EVENT).read_text(encoding="utf-8")
    (root / "content" / "events" / "evenements\\..\\..\\index.yaml").write_text(event, encoding="utf-8")


def generate_symlinks(root: Path) -> None:
    """Symbolic links to files and folders outside content/ are refused, never followed."""
    content = root / "content"
    (content / "events" / "2022-06-01-lien.yaml").symlink_to("/etc/passwd")
    (content / "sources" / "cnn-2022-05-13.txt").unlink()
    (content / "sources" / "cnn-2022-05-13.txt").symlink_to(root / "content" / "site.yaml")
    (content / "claims-bis").symlink_to(content / "claims", target_is_directory=True)


def generate_input_links(root: Path) -> None:
    """Links among the other inputs (issue 13 §3): the environment, a file outside, a dangling and a
    looping link, a schema linked to an identical copy; each refused at its path, none followed."""
    (root / "static" / "environ.txt").symlink_to("/proc/self/environ")
    (root / "static" / "absent.css").symlink_to("nulle-part.css")
    (root / "static" / "boucle").symlink_to("boucle")
    (root / "templates" / "partials" / "passwd.html").symlink_to("/etc/passwd")
    schema = root / "schema" / "claim.schema.json"
    shutil.copyfile(schema, root / "claim.schema.json")
    schema.unlink()
    schema.symlink_to(root / "claim.schema.json")
    (root / "content" / "published-urls.txt").symlink_to("/etc/hostname")


GENERATED: dict[str, Callable[[Path], None]] = {
    "08-sizes": generate_sizes,
    "17-bad-ids": generate_names,
    "33-symlinks": generate_symlinks,
    "45-links-in-inputs": generate_input_links,
}


# --- the cases ----------------------------------------------------------------------------


def prepare(case: Path, root: Path) -> None:
    """Overlay the case's files on the project, delete what it lists, generate the rest."""
    files = case / "files"
    for source in sorted(files.rglob("*")) if files.is_dir() else []:
        if source.is_file():
            target = root / source.relative_to(files)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, target)
    deleted = case / "delete.txt"
    for line in deleted.read_text(encoding="utf-8").splitlines() if deleted.is_file() else []:
        if line.strip():
            (root / line.strip()).unlink()
    GENERATED.get(case.name, lambda _: None)(root)


@pytest.fixture(scope="session")
def previous_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The fixture project's site, built once: the "previous site/" every case starts from."""
    root = make_project(tmp_path_factory.mktemp("previous"))
    result = run(root, "build")
    assert result.returncode == 0, result.stderr
    return root / "site"


def case_project(name: str, tmp_path: Path, previous_site: Path) -> Path:
    """A copy of the fixture project with its previous site, the case laid over it."""
    root = make_project(tmp_path)
    shutil.copytree(previous_site, root / "site", symlinks=True)
    prepare(HOSTILE / name, root)
    return root


def test_every_case_says_what_it_expects() -> None:
    for name in CASES:
        kinds = [(HOSTILE / name / file).is_file() for file in ("expected.txt", "site.txt")]
        assert kinds.count(True) == 1, f"{name}: one of expected.txt or site.txt"


@pytest.mark.parametrize("name", [n for n in CASES if (HOSTILE / n / "expected.txt").is_file()])
def test_hostile_input_is_refused_with_its_messages(name: str, tmp_path: Path, previous_site: Path) -> None:
    root = case_project(name, tmp_path, previous_site)
    before = tree(root / "site")
    expected = (HOSTILE / name / "expected.txt").read_text(encoding="utf-8").splitlines()
    built = run(root, "build")
    assert "Traceback" not in built.stderr
    assert (built.returncode, built.stdout) == (1, "")
    assert problem_lines(built.stderr, expected) == expected
    assert tree(root / "site") == before
    assert not [path.name for path in root.iterdir() if path.name.startswith(".site-")]
    checked = run(root, "check")
    assert (checked.returncode, checked.stdout) == (1, "")
    assert problem_lines(checked.stderr, expected) == expected


def problem_lines(stderr: str, expected: list[str]) -> list[str]:
    """The problem lines of ``stderr``, once its last line is checked to count them."""
    *lines, summary = stderr.splitlines()
    files = len({line.split(":", 1)[0] for line in expected})
    plural = ("s" if len(expected) > 1 else "", "s" if files > 1 else "")
    count = f"{len(expected)} problème{plural[0]} dans {files} fichier{plural[1]} ; "
    assert summary.startswith(count), summary
    return lines


@pytest.mark.parametrize("name", [n for n in CASES if (HOSTILE / n / "site.txt").is_file()])
def test_hostile_input_is_published_as_text(name: str, tmp_path: Path, previous_site: Path) -> None:
    root = case_project(name, tmp_path, previous_site)
    built = run(root, "build")
    assert built.returncode == 0, built.stderr
    site = tree(root / "site")
    assert scan_site(site) == []
    for page, sign, text in site_expectations(HOSTILE / name / "site.txt"):
        body = site[page].decode("utf-8")
        assert (text in body) == (sign == "+"), f"{page}: {sign} {text}"


def site_expectations(path: Path) -> list[tuple[str, str, str]]:
    """(page, ``+`` or ``-``, text) of a ``site.txt``: a page line, then its ``+``/``-`` lines."""
    found: list[tuple[str, str, str]] = []
    page = ""
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        if line[:2] in ("+ ", "- "):
            found.append((page, line[0], line[2:].replace("\\n", "\n")))
        else:
            page = line.strip()
    assert found and all(page for page, _, _ in found), f"{path}: a page line, then + or - lines"
    return found


def test_big_inputs_are_refused_quickly(tmp_path: Path) -> None:
    """Row 8 again, in process: the 50 MB file is refused from its size, without reading it."""
    from chronicle.load import load_content

    root = make_project(tmp_path)
    generate_sizes(root)
    (root / "content" / "events" / "2022-05-13-appel-austin-choigou.yaml").unlink()
    started = os.times()
    _, problems = load_content(root)
    assert os.times().user - started.user < 2
    assert [(p.path.rsplit("/", 1)[-1], p.message) for p in problems] == [
        ("champ-geant.yaml", "valeur trop longue (998 999 caractères ; maximum 100 000)."),
        ("fichier-geant.yaml", "fichier trop volumineux (50 000 000 octets ; maximum 1 000 000)."),
        ("imbrication.yaml", "imbrication trop profonde (plus de 20 niveaux)."),
    ]
