"""Issue 13, section 5: every value is validated whole, every output is safe for its consumer, and
values echoed to a terminal cannot forge lines.

Each test here failed before its fix: ``$`` accepted a final newline, ``\\d`` any script's digits,
TimelineJS got raw HTML in its text fields, spreadsheet cells could start a formula, a newline
in a value printed a second, forged, problem line.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from chronicle.dates import DateError, parse_edtf
from chronicle.pipeline import check_site
from chronicle.schema import Typer, compiled_pattern, load_schema
from tests.conftest import FIXTURE, REPO, make_project

SCHEMAS = sorted((REPO / "schema").glob("*.schema.json"))


def walk(node: Any, path: str = "") -> list[tuple[str, dict[str, Any]]]:
    """Every sub-schema (a mapping) of ``node`` with its JSON pointer."""
    found: list[tuple[str, dict[str, Any]]] = []
    if isinstance(node, dict):
        found.append((path, node))
        for key, value in node.items():
            found += walk(value, f"{path}/{key}")
    elif isinstance(node, list):
        for index, value in enumerate(node):
            found += walk(value, f"{path}/{index}")
    return found


def schema_patterns() -> list[tuple[str, str]]:
    """(``file#pointer``, pattern) for every ``pattern`` of ``schema/``."""
    return [(f"{file.name}#{pointer}", sub["pattern"])
            for file in SCHEMAS for pointer, sub in walk(json.loads(file.read_text(encoding="utf-8")))
            if isinstance(sub.get("pattern"), str)]


# A value each pattern accepts, to show that the same value with a newline after it is refused.
VALID = {
    "^[a-z0-9]+(-[a-z0-9]+)*$": "lloyd-austin",
    "^[a-z]{2}$": "fr",
    "^[A-Z]{2}$": "US",
    "^[0-9]{4}-[0-9]{2}-[0-9]{2}$": "2022-05-13",
    "^/evenements/[a-z0-9]+(-[a-z0-9]+)*/$": "/evenements/appel/",
    "^/acteurs/[a-z0-9]+(-[a-z0-9]+)*/$": "/acteurs/mark-milley/",
    "^/canaux/[a-z0-9]+(-[a-z0-9]+)*/$": "/canaux/ligne/",
    "^/sources/[a-z0-9]+(-[a-z0-9]+)*/$": "/sources/cnn/",
    "^/sources/[a-z0-9]+(-[a-z0-9]+)*/#[A-Za-z0-9_-]+$": "/sources/cnn/#passage-1",
}
PATTERNS = schema_patterns()


def test_every_schema_pattern_is_anchored_and_has_a_known_valid_value() -> None:
    # JSON Schema patterns are searches: an unanchored one accepts anything that contains a match.
    assert PATTERNS, "no pattern found: the walk is broken"
    for where, pattern in PATTERNS:
        assert pattern.startswith("^") and pattern.endswith("$"), where
        assert pattern in VALID, f"{where}: add a valid value for {pattern!r} to VALID"


def typed(pattern: str, value: str) -> tuple[Any, list[str]]:
    """``value`` typed by a string schema with ``pattern``: the value and the problems' messages."""
    typer = Typer("x.yaml", {}, {}, {})
    result = typer.value(value, {"type": "string", "pattern": pattern}, "field")
    return result, [problem.message for problem in typer.problems]


@pytest.mark.parametrize("suffix", ["\n", "\r\n", "\r", "\n\n", "\u2028", " "])
@pytest.mark.parametrize(("where", "pattern"), PATTERNS, ids=[w for w, _ in PATTERNS])
def test_a_pattern_refuses_its_valid_value_with_a_line_break_after(where: str, pattern: str, suffix: str) -> None:
    value = VALID[pattern]
    assert typed(pattern, value) == (value, [])
    result, messages = typed(pattern, value + suffix)
    assert result is None and len(messages) == 1, where
    result, messages = typed(pattern, suffix + value)
    assert result is None and len(messages) == 1, where


def test_schema_patterns_match_ascii_classes_only() -> None:
    # JSON Schema (ECMA-262) \d and \w are ASCII; Python's str patterns are Unicode unless told.
    assert compiled_pattern("^\\d{2}$").fullmatch("٤٢") is None
    assert compiled_pattern("^\\d{2}$").fullmatch("42") is not None


def test_an_unanchored_pattern_is_a_schema_error_not_a_search() -> None:
    with pytest.raises(ValueError, match="anchored"):
        compiled_pattern("[a-z]+")


def test_integers_are_whole_ascii_numbers() -> None:
    typer = Typer("x.yaml", {}, {}, {})
    assert typer.value("84", {"type": "integer"}, "days") == 84
    for bad in ("84\n", "٨٤", "８４", " 84"):
        assert typer.value(bad, {"type": "integer"}, "days") is None, repr(bad)


EVENT = "content/events/2021-contacts-repetes.yaml"
ACTOR = "content/actors/mark-milley.yaml"
SOURCE = "content/sources/cnn-2022-05-13.yaml"


def fixture_text(path: str) -> str:
    return (FIXTURE / path).read_text(encoding="utf-8")


def check_problems(tmp_path: Path, files: dict[str, str]) -> list[str]:
    return [f"{p.path}: {p.field}: {p.message}" for p in check_site(make_project(tmp_path, files)).problems]


@pytest.mark.parametrize(("path", "old", "new", "field"), [
    (EVENT, "kind: statement", 'kind: statement\naliases: ["ancien-nom\\n"]', "aliases.0"),
    (EVENT, "kind: statement", "kind: statement\naliases:\n  - |\n    ancien-nom\n", "aliases.0"),
    (EVENT, "actors: [mark-milley]", 'actors: ["mark-milley\\n"]', "actors.0"),
    (EVENT, "source: cnn-2022-05-13", 'source: "cnn-2022-05-13\\n"', "citations.0.source"),
    (EVENT, "date: 2021~", 'date: "2021~\\n"', "date"),
    (EVENT, "date: 2021~", "date: ٢٠٢١~", "date"),
    (EVENT, "date: 2021~", "date: ２０２１~", "date"),
    (ACTOR, "country: US", 'country: "US\\n"', "country"),
    (SOURCE, "language: fr", 'language: "fr\\n"', "language"),
    (SOURCE, "published: 2022-05-13", "published: 2022-0５-13", "published"),
    ("content/site.yaml", "language: fr", 'language: "fr\\n"', "language"),
    ("content/site.yaml", "  call:\n", '  "call\\n":\n', "kinds.call\n"),
    ("content/site.yaml", "  call:\n", '  "<b>call":\n', "kinds.<b>call"),
])
def test_a_value_with_a_hidden_newline_or_foreign_digits_is_refused(
        tmp_path: Path, path: str, old: str, new: str, field: str) -> None:
    text = fixture_text(path)
    assert old in text
    found = check_problems(tmp_path, {path: text.replace(old, new, 1)})
    assert any(line.startswith(f"{path}: {field}: ") for line in found), found


def test_edtf_takes_ascii_digits_only() -> None:
    for text in ("٢٠٢٢-05-13", "2022-۰۵-13", "２０２２", "2022-05-1\u0663", "2022-05-13/２０２３"):
        with pytest.raises(DateError):
            parse_edtf(text)
    assert parse_edtf("2022-05-13").start is not None


def test_the_new_command_refuses_an_id_with_a_newline(tmp_path: Path) -> None:
    from chronicle.new import ID_PATTERN

    assert ID_PATTERN.fullmatch("appel-x\n") is None
    assert re.fullmatch(ID_PATTERN, "appel-x") is not None


def test_every_list_and_free_mapping_of_the_input_schemas_is_bounded() -> None:
    for file in SCHEMAS:
        for pointer, sub in walk(json.loads(file.read_text(encoding="utf-8"))):
            if file.name == "chronologie.schema.json" and pointer.count("/") <= 2:
                continue  # the export's top-level collections: as many as the content has records
            if sub.get("type") == "array":
                assert "maxItems" in sub, f"{file.name}#{pointer}"
            if isinstance(sub.get("additionalProperties"), dict):
                assert "maxProperties" in sub and "propertyNames" in sub, f"{file.name}#{pointer}"


def test_a_list_over_its_maximum_is_one_problem_and_its_items_are_not_checked(tmp_path: Path) -> None:
    many = ", ".join(f"inconnu-{n}" for n in range(5000))
    text = fixture_text(EVENT).replace("actors: [mark-milley]", f"actors: [{many}]")
    found = check_problems(tmp_path, {EVENT: text})
    assert [line for line in found if "actors" in line] == [
        f"{EVENT}: actors: liste trop longue (5 000 éléments ; maximum 50)."]


def test_load_schema_reads_the_repository_schemas() -> None:
    assert load_schema(str(REPO / "schema"), "event")["type"] == "object"


# --- values echoed to a terminal -------------------------------------------------------------

FORGED = "x\ncontent/events/faux.yaml:1:1: title: faux problème"


def forging_project(tmp_path: Path) -> Path:
    """The fixture with one problem whose message quotes a value holding a newline (the one control
    character a YAML value may hold), and a file whose name holds an escape sequence and a newline."""
    text = fixture_text(EVENT).replace("actors: [mark-milley]", f"actors: [{json.dumps(FORGED)}]")
    return make_project(tmp_path, {EVENT: text, "content/events/a\x1b[31m\nb.yaml": "title: x\n"})


def hidden_characters(text: str) -> list[str]:
    """The characters of ``text`` a terminal acts on, the line ends aside."""
    import unicodedata

    return [char for char in text.replace("\n", "")
            if unicodedata.category(char) in ("Cc", "Cf", "Zl", "Zp")]


def test_a_newline_in_a_value_does_not_forge_a_problem_line(tmp_path: Path) -> None:
    from tests.conftest import run_cli

    result = run_cli(forging_project(tmp_path), "check")
    lines = result.stderr.splitlines()
    assert result.returncode == 1
    assert len(lines) == 3, lines  # two problems and the count
    assert lines[-1].startswith("2 problèmes dans 2 fichiers")
    assert not any(line.startswith("content/events/faux.yaml") for line in lines)
    assert "« x\\u000acontent/events/faux.yaml:1:1: title: faux problème »" in result.stderr
    assert hidden_characters(result.stderr) == []


def test_github_annotations_cannot_be_forged_or_cut(tmp_path: Path) -> None:
    from tests.conftest import run_cli

    result = run_cli(forging_project(tmp_path), "check", "--format", "github")
    lines = result.stdout.splitlines()
    assert len(lines) == 2 and all(line.startswith("::error file=content/events/") for line in lines), lines
    assert hidden_characters(result.stdout + result.stderr) == []


def test_a_github_annotation_escapes_its_properties_and_message() -> None:
    from chronicle.cli import format_problem
    from chronicle.problems import Problem

    problem = Problem("content/a%0A,b:c.yaml", 3, 4, "title", "« 100%\r\n::error::faux »", "")
    line = format_problem(problem, "github")
    assert line == ("::error file=content/a%250A%2Cb%3Ac.yaml,line=3,col=4::title : "
                    "« 100%25\\u000d\\u000a::error::faux »")


def test_french_spaces_stay_readable_in_messages() -> None:
    from chronicle.problems import Problem

    problem = Problem("content/a.yaml", 1, 2, "quote", "passage « l’appel\u00a0» introuvable\u202f!")
    assert problem.format() == "content/a.yaml:1:2: quote: passage « l’appel\u00a0» introuvable\u202f!"


def test_an_internal_error_message_is_printable(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    from chronicle import cli

    def broken(args: Any) -> int:
        raise RuntimeError("chemin\nfaux.yaml:1:1: \x1b[31m")

    monkeypatch.setitem(cli.__dict__, "command_check", broken)
    monkeypatch.setattr(cli.gc, "disable", lambda: None)  # main() turns the collector off for the process
    code = cli.main(["--root", str(tmp_path), "check"])
    err = capsys.readouterr().err
    assert code == cli.EXIT_INTERNAL and len(err.splitlines()) == 1 and hidden_characters(err) == []
