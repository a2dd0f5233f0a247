"""The load stage: YAML record files -> raw records of strings, with positions and problems."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from chronicle.load import (
    FOLDERS,
    RawRecord,
    load_content,
    load_yaml_mapping,
    parse_record,
    parse_yaml,
)
from chronicle.problems import Problem

PATH = "content/events/appel.yaml"
SYNTAX_HINT = "Vérifiez les guillemets, les deux-points et l'indentation autour de cette ligne."
TAB_HINT = "Indentez avec des espaces (deux par niveau), jamais avec des tabulations."
CONTROL_HINT = "Supprimez ce caractère invisible (souvent collé depuis un PDF)."
UTF8_HINT = "Enregistrez le fichier en UTF-8 (le réglage par défaut de la plupart des éditeurs)."
ONE_MAPPING = "le fichier doit contenir un seul mapping (des lignes « champ: valeur »)."
EMPTY_FILE = ("fichier vide (ou rien que des commentaires) : une fiche contient des lignes « champ: valeur » ; "
              "copiez une fiche voisine ou lancez « python build.py new ».")
ANCHORS = "les ancres et alias YAML (& et *) ne sont pas acceptés."
BAD_KEY = "clé invalide : une clé doit être un simple nom de champ."
BAD_ID = (
    "identifiant « {} » invalide : lettres minuscules sans accent, chiffres et tirets seulement"
    " (ex. 2022-05-13-appel-austin-choigou)."
)
WHERE = "les fiches vont dans events/, actors/, channels/, sources/ ou claims/."


def parse(text: str | bytes) -> tuple[dict | None, list[Problem]]:
    parsed = parse_yaml(PATH, text.encode() if isinstance(text, str) else text)
    return parsed.data, parsed.problems


def found(text: str | bytes) -> list[tuple[int, int, str, str]]:
    """The problems of a file as (line, column, field, message)."""
    return [(p.line, p.column, p.field, p.message) for p in parse(text)[1]]


def make_content(root: Path, files: dict[str, str | bytes]) -> Path:
    """Writes ``{relative path under content/: text}`` and returns the project root."""
    for name, text in files.items():
        path = root / "content" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(text.encode() if isinstance(text, str) else text)
    return root


def problem(path: str, message: str, line: int = 0, column: int = 0, field: str = "") -> Problem:
    return Problem(path, line, column, field, message)


# --- well-formed records -------------------------------------------------------------------


EVENT = """\
title: Premier appel
date: 2022-05-13
citations:
  - source: cnn
    quote: L'appel a duré une heure
  - source: politico
    quote: >
      à la demande
      d'Austin
roles:
  - title: ministre
    from: 2020
"""


def test_scalars_stay_strings_with_positions_of_values_and_keys() -> None:
    parsed = parse_yaml(PATH, EVENT.encode())
    assert parsed.problems == []
    assert parsed.data == {
        "title": "Premier appel",
        "date": "2022-05-13",
        "citations": [
            {"source": "cnn", "quote": "L'appel a duré une heure"},
            {"source": "politico", "quote": "à la demande d'Austin\n"},
        ],
        "roles": [{"title": "ministre", "from": "2020"}],
    }
    positions = parsed.positions
    assert positions[""] == (1, 1)
    assert positions["title"] == (1, 8)
    assert positions["citations"] == (4, 3)
    assert positions["citations.0"] == (4, 5)
    assert positions["citations.1.source"] == (6, 13)
    assert positions["citations.1.quote"] == (7, 12)
    assert positions["roles.0.from"] == (12, 11)
    assert parsed.key_positions["citations.1.quote"] == (7, 5)
    assert parsed.key_positions["roles"] == (10, 1)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("NO", "NO"),
        ("yes", "yes"),
        ("012", "012"),
        ("1:30", "1:30"),
        ("2022-02-30", "2022-02-30"),
        ("1e3", "1e3"),
        ("'~'", "~"),
        ('"null"', "null"),
        ('""', ""),
        ("", None),
        ("~", None),
        ("null", None),
    ],
)
def test_yaml_11_pitfalls_do_not_bite(value: str, expected: str | None) -> None:
    assert parse(f"title: {value}\n") == ({"title": expected}, [])


def test_numeric_key_is_a_string() -> None:
    assert parse("1: x\n") == ({"1": "x"}, [])


def test_windows_line_ends_keep_lines_right() -> None:
    parsed = parse_yaml(PATH, b"a: x\r\nb: y\r\n")
    assert parsed.data == {"a": "x", "b": "y"}
    assert parsed.positions["b"] == (2, 4)


def test_load_yaml_mapping_serves_site_config() -> None:
    data, positions, problems = load_yaml_mapping("content/site.yaml", b"title: x\nkinds: {}\n")
    assert (data, positions["kinds"], problems) == ({"title": "x", "kinds": {}}, (2, 8), [])


# --- 1. syntax errors -----------------------------------------------------------------------


def test_syntax_error_at_the_fault() -> None:
    assert parse("title: x\nactors:\n  - a\n b: c\n")[1] == [
        Problem(
            PATH,
            4,
            2,
            "",
            "erreur de syntaxe YAML : nom de champ attendu (indentation incohérente ?).",
            SYNTAX_HINT,
        )
    ]


def test_unclosed_quote_is_reported_where_it_opened() -> None:
    assert found("title: 'Premier appel\nsummary: x\n") == [
        (1, 8, "", "erreur de syntaxe YAML : apostrophe ouverte ici et jamais refermée.")
    ]
    assert found('title: x\nsummary: "Premier appel\n') == [
        (2, 10, "", "erreur de syntaxe YAML : guillemet ouvert ici et jamais refermé.")
    ]


def test_apostrophe_closing_a_single_quoted_text() -> None:
    assert parse("title: 'Premier appel depuis l'invasion'\n")[1] == [
        Problem(PATH, 1, 31, "", "erreur de syntaxe YAML : cette apostrophe ferme le texte ouvert par une "
                "apostrophe.", "Dans un texte entre apostrophes, doublez chaque apostrophe (l''invasion), ou "
                "entourez le texte de guillemets doubles.")
    ]
    assert found('title: "Il a dit "oui" hier"\n') == [
        (1, 18, "", "erreur de syntaxe YAML : ce guillemet ferme le texte ouvert par un guillemet.")
    ]


def test_colon_inside_a_plain_value() -> None:
    assert found("title: appel: Austin\n") == [
        (1, 13, "", "erreur de syntaxe YAML : deux-points inattendu dans une valeur.")
    ]


# --- 2. tabs ------------------------------------------------------------------------------


def test_tab_in_indentation_is_reported_per_line_without_the_syntax_error() -> None:
    assert parse("title: x\nactors:\n\t- a\n \t- b\n")[1] == [
        Problem(PATH, 3, 1, "", "tabulation dans l'indentation.", TAB_HINT),
        Problem(PATH, 4, 2, "", "tabulation dans l'indentation.", TAB_HINT),
    ]


def test_tab_inside_a_value_is_named_a_tab() -> None:
    assert found("title: a\tb\n") == [(1, 9, "", "tabulation interdite dans un texte.")]


# --- 3. encoding --------------------------------------------------------------------------


def test_byte_order_mark_is_stripped() -> None:
    parsed = parse_yaml(PATH, b"\xef\xbb\xbftitle: x\n")
    assert (parsed.data, parsed.problems, parsed.positions["title"]) == ({"title": "x"}, [], (1, 8))


def test_invalid_utf8_at_its_line() -> None:
    assert parse(b"title: ok\nsummary: caf\xe9 noir\n") == (
        None,
        [
            Problem(
                PATH,
                2,
                13,
                "",
                "le fichier n'est pas en UTF-8 valide (octet invalide à la position 22).",
                UTF8_HINT,
            )
        ],
    )


# --- 4. one mapping -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "line", "column"),
    [
        ("", 0, 0),
        ("# rien\n\n", 0, 0),
        ("---\n", 2, 1),
        ("- a\n- b\n", 1, 1),
        ("juste du texte\n", 1, 1),
        ("title: a\n---\ntitle: b\n", 2, 1),
    ],
)
def test_one_mapping_expected(text: str, line: int, column: int) -> None:
    expected = ONE_MAPPING if line else EMPTY_FILE  # nothing at all: "fichier vide", not "mapping"
    assert parse(text) == (None, [Problem(PATH, line, column, "", expected)])


# --- 5. duplicate keys --------------------------------------------------------------------


def test_duplicate_key_names_both_lines_and_keeps_the_first() -> None:
    data, problems = parse("title: a\ndate: 2022\nsummary: b\nkind: call\ndate: 2023\n")
    assert problems == [problem(PATH, "champ « date » en double (déjà défini ligne 2).", 5, 1, "date")]
    assert data is not None and data["date"] == "2022"


def test_duplicate_key_deep_down() -> None:
    text = "citations:\n  - source: a\n    quote: b\n    source: c\n"
    assert found(text) == [(4, 5, "citations.0.source", "champ « source » en double (déjà défini ligne 2).")]


# --- 6. anchors and aliases ---------------------------------------------------------------


def test_anchor_and_alias_rejected_without_expansion() -> None:
    data, problems = parse("a: &x [1, 2]\nb: *x\n")
    assert [(p.line, p.column, p.field, p.message) for p in problems] == [
        (1, 4, "a", ANCHORS),
        (2, 4, "b", ANCHORS),
    ]
    assert data == {"a": ["1", "2"], "b": None}


def test_billion_laughs_is_rejected_at_once() -> None:
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    lines += [f"{chr(98 + i)}: &{chr(98 + i)} [{','.join(['*' + chr(97 + i)] * 9)}]" for i in range(9)]
    start = time.process_time()
    data, problems = parse("\n".join(lines) + "\n")
    assert time.process_time() - start < 0.5
    assert len(problems) == 10 and {p.message for p in problems} == {ANCHORS}
    assert data is not None and data["j"] == [None] * 9


# --- 7. tags ------------------------------------------------------------------------------


def test_python_tag_is_rejected_and_nothing_runs(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[object] = []
    monkeypatch.setattr(os, "system", calls.append)
    assert found('title: !!python/object/apply:os.system ["echo hi"]\n') == [
        (1, 8, "title", "les étiquettes YAML (« !!python/object/apply:os.system ») ne sont pas acceptées.")
    ]
    assert calls == []


@pytest.mark.parametrize(
    ("value", "tag"),
    [
        ("!!binary aGk=", "!!binary"),
        ("!!set {a, b}", "!!set"),
        ("!custom x", "!custom"),
        ("!!str 2022", "!!str"),
        ("!<tag:example.org,2024:x> y", "tag:example.org,2024:x"),
    ],
)
def test_explicit_tags_are_rejected(value: str, tag: str) -> None:
    message = f"les étiquettes YAML (« {tag} ») ne sont pas acceptées."
    assert found(f"title: x\nsummary: {value}\n") == [(2, 10, "summary", message)]


def test_tag_on_a_key_is_rejected() -> None:
    assert found("!!str title: x\n") == [(1, 1, "", "les étiquettes YAML (« !!str ») ne sont pas acceptées.")]


# --- 8. sizes -----------------------------------------------------------------------------


def test_file_over_one_megabyte_is_refused_unparsed() -> None:
    assert parse(b"a: [" + b"[" * 1_000_000) == (
        None,
        [problem(PATH, "fichier trop volumineux (1 000 004 octets ; maximum 1 000 000).")],
    )


def test_nesting_deeper_than_20() -> None:
    assert parse("a: " + "[" * 19 + "x" + "]" * 19 + "\n")[1] == []
    assert found("a: " + "[" * 20 + "x" + "]" * 20 + "\n") == [
        (1, 23, "a" + ".0" * 19, "imbrication trop profonde (plus de 20 niveaux).")
    ]


def test_very_deep_nesting_fails_fast() -> None:
    start = time.process_time()
    assert found("a: " + "[" * 200_000)[0][3] == "imbrication trop profonde (plus de 20 niveaux)."
    assert time.process_time() - start < 1


def test_scalar_over_100000_characters() -> None:
    assert parse("summary: " + "x" * 100_000 + "\n")[1] == []
    assert found("title: ok\nsummary: " + "x" * 100_001 + "\n") == [
        (2, 10, "summary", "valeur trop longue (100 001 caractères ; maximum 100 000).")
    ]


# --- 9. control characters ----------------------------------------------------------------


@pytest.mark.parametrize("char", ["\x00", "\x07", "\x1b", "\x7f", "\x85", "\x9f", "\u2028", "\u2029"])
def test_control_characters_are_rejected(char: str) -> None:
    assert parse(f"title: x\nsummary: a{char}b\n")[1] == [
        Problem(PATH, 2, 11, "", f"caractère de contrôle U+{ord(char):04X} interdit.", CONTROL_HINT)
    ]


def test_one_control_problem_per_line_and_the_rest_still_checked() -> None:
    data, problems = parse("title: \x01a\x02b\nsummary: c\nsummary: d\n")
    assert [(p.line, p.column, p.message) for p in problems] == [
        (1, 8, "caractère de contrôle U+0001 interdit."),
        (3, 1, "champ « summary » en double (déjà défini ligne 2)."),
    ]
    assert data == {"title": "a b", "summary": "c"}


# --- 10. Unicode normalisation ------------------------------------------------------------


def test_decomposed_unicode_is_composed() -> None:
    data, _ = parse("title: Choi\u0308gou e\u0301te\u0301\nde\u0301but: x\n")
    assert data == {"title": "Cho\u00efgou \u00e9t\u00e9", "d\u00e9but": "x"}


# --- 11. keys -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "line", "column", "field"),
    [
        ("? [a, b]\n: c\ntitle: x\n", 1, 3, ""),
        ("? {a: b}\n: c\ntitle: x\n", 1, 3, ""),
        ('"": c\ntitle: x\n', 1, 1, ""),
        ("? " + "k" * 100_001 + "\n: c\ntitle: x\n", 1, 3, ""),
        ("title: x\nroles:\n  - ? [a]\n    : b\n", 3, 7, "roles.0"),
    ],
)
def test_complex_or_empty_keys_are_rejected(text: str, line: int, column: int, field: str) -> None:
    data, problems = parse(text)
    assert problems == [problem(PATH, BAD_KEY, line, column, field)]
    assert data is not None and data["title"] == "x"


# --- 12-14. the content folder ------------------------------------------------------------


def test_records_sorted_by_kind_then_id_with_their_kind(tmp_path: Path) -> None:
    root = make_content(
        tmp_path,
        {
            "site.yaml": "title: x\n",
            "published-urls.txt": "/\n",
            "events/b.yaml": "title: b\n",
            "events/a.yaml": "title: a\n",
            "actors/z.yaml": "name: z\n",
            "claims/c.yaml": "quote: q\n",
            "channels/l.yaml": "name: l\n",
        },
    )
    records, problems = load_content(root)
    assert problems == []
    assert [(r.kind, r.id, r.path) for r in records] == [
        ("actor", "z", "content/actors/z.yaml"),
        ("channel", "l", "content/channels/l.yaml"),
        ("claim", "c", "content/claims/c.yaml"),
        ("event", "a", "content/events/a.yaml"),
        ("event", "b", "content/events/b.yaml"),
    ]
    assert records[3].data == {"title": "a"} and records[3].text is None
    assert set(FOLDERS.values()) == {r.kind for r in records} | {"source"}


def test_wrong_extensions_and_folders(tmp_path: Path) -> None:
    root = make_content(
        tmp_path,
        {
            "events/a.yml": "title: a\n",
            "events/b.YAML": "title: b\n",
            "events/c.json": "{}",
            "events/d": "title: d\n",
            "events/e.txt": "texte",
            "events/.gitkeep": "",
            "events/.DS_Store": b"\x00\x01",
            "event/f.yaml": "title: f\n",
            "g.yaml": "title: g\n",
            ".hidden/h.yaml": "title: h\n",
        },
    )
    records, problems = load_content(root)
    assert records == []
    assert problems == [
        problem("content/event", f"dossier « event » inconnu : {WHERE}"),
        problem(
            "content/events/a.yml", "extension « .yml » non reconnue : les fiches s'écrivent en « .yaml »."
        ),
        problem(
            "content/events/b.YAML", "extension « .YAML » non reconnue : les fiches s'écrivent en « .yaml »."
        ),
        problem(
            "content/events/c.json", "extension « .json » non reconnue : les fiches s'écrivent en « .yaml »."
        ),
        problem("content/events/d", "fichier sans extension : les fiches s'écrivent en « .yaml »."),
        problem(
            "content/events/e.txt", "extension « .txt » non reconnue : les fiches s'écrivent en « .yaml »."
        ),
        problem("content/g.yaml", f"fichier « g.yaml » hors dossier : {WHERE}"),
    ]


def test_symlinks_are_refused(tmp_path: Path) -> None:
    root = make_content(tmp_path, {"events/a.yaml": "title: a\n"})
    (root / "content" / "events" / "b.yaml").symlink_to("/etc/passwd")
    records, problems = load_content(root)
    assert [r.id for r in records] == ["a"]
    assert problems == [problem("content/events/b.yaml", "seuls des fichiers ordinaires sont acceptés ici.")]


@pytest.mark.parametrize(
    "name",
    ["Appel", "appel austin", "a--b", "-a", "a-", "a_b", "choïgou", "a.b", "a..b", "a\\b", "x" * 81, "a\nb"],
)
def test_invalid_ids(tmp_path: Path, name: str) -> None:
    root = make_content(tmp_path, {f"events/{name}.yaml": "title: x\n"})
    records, problems = load_content(root)
    shown = name.replace("\n", "\\u000a")
    assert (records, problems) == ([], [problem(f"content/events/{shown}.yaml", BAD_ID.format(shown))])


def test_longest_id_and_digits_are_fine() -> None:
    record, problems = parse_record(f"content/events/{'a' * 80}.yaml", b"title: x\n", "event")
    assert problems == [] and record is not None and record.id == "a" * 80
    assert parse_record("content/events/2022-05-13.yaml", b"t: x\n", "event")[0] is not None


def test_bad_id_and_bad_yaml_are_both_reported() -> None:
    record, problems = parse_record("content/events/Bad.yaml", b"a: b\na: c\n", "event")
    assert record is None
    assert problems == [
        problem("content/events/Bad.yaml", BAD_ID.format("Bad")),
        problem("content/events/Bad.yaml", "champ « a » en double (déjà défini ligne 1).", 2, 1, "a"),
    ]


def test_sources_get_their_text_bom_stripped_and_composed(tmp_path: Path) -> None:
    text = "\ufeffLe ministre Choi\u0308gou a appele\u0301.\n".encode()
    root = make_content(tmp_path, {"sources/cnn.yaml": "title: CNN\n", "sources/cnn.txt": text})
    records, problems = load_content(root)
    assert problems == []
    assert records[0].text == "Le ministre Cho\u00efgou a appel\u00e9.\n"


def test_source_text_missing_or_alone(tmp_path: Path) -> None:
    root = make_content(
        tmp_path,
        {"sources/a.yaml": "title: a\n", "sources/b.txt": "texte", "sources/c.yaml": "title: [\n"},
    )
    records, problems = load_content(root)
    assert [r.id for r in records] == ["a"] and records[0].text is None
    assert [(p.path, p.line, p.message) for p in problems] == [
        (
            "content/sources/a.yaml",
            0,
            "texte de la source introuvable : ajoutez content/sources/a.txt"
            " (le texte intégral de l'article).",
        ),
        ("content/sources/b.txt", 0, "texte sans fiche : ajoutez content/sources/b.yaml."),
        (
            "content/sources/c.yaml",
            0,
            "texte de la source introuvable : ajoutez content/sources/c.txt"
            " (le texte intégral de l'article).",
        ),
        ("content/sources/c.yaml", 2, "erreur de syntaxe YAML : valeur attendue."),
    ]


def test_source_text_in_bad_utf8(tmp_path: Path) -> None:
    root = make_content(tmp_path, {"sources/a.yaml": "title: a\n", "sources/a.txt": b"ab\n\xff"})
    records, problems = load_content(root)
    assert records[0].text is None
    assert problems == [
        Problem(
            "content/sources/a.txt",
            2,
            1,
            "",
            "le fichier n'est pas en UTF-8 valide (octet invalide à la position 3).",
            UTF8_HINT,
        )
    ]


def test_every_file_problem_at_once_and_huge_files_unread(tmp_path: Path) -> None:
    root = make_content(
        tmp_path,
        {
            "events/a.yaml": "title: [\n",
            "events/b.yaml": "title: b\ntitle: c\n",
            "events/c.yaml": "title: ok\n",
            "actors/d.yaml": b"x" * 1_000_001,
        },
    )
    records, problems = load_content(root)
    assert [r.id for r in records] == ["b", "c"]
    assert [(p.path, p.line) for p in problems] == [
        ("content/actors/d.yaml", 0),
        ("content/events/a.yaml", 2),
        ("content/events/b.yaml", 2),
    ]
    assert problems[0].message == "fichier trop volumineux (1 000 001 octets ; maximum 1 000 000)."


def test_missing_content_folder_is_a_problem_not_a_crash(tmp_path: Path) -> None:
    assert load_content(tmp_path) == (
        [],
        [problem("content", "dossier « content » introuvable ou illisible.")],
    )


# --- never an exception -------------------------------------------------------------------


YAMLISH = st.text(alphabet=st.sampled_from(list("ab:-?[]{},&*!|>'\"#% \n\t~\x00é\u0301\\")))


@settings(max_examples=400, deadline=None)
@given(st.binary(max_size=300))
def test_any_bytes_give_a_record_or_problems(data: bytes) -> None:
    check_total(data)


@settings(max_examples=600, deadline=None)
@given(YAMLISH)
def test_any_yamlish_text_gives_a_record_or_problems(text: str) -> None:
    check_total(text.encode())


def check_total(data: bytes) -> None:
    record, problems = parse_record(PATH, data, "event")
    assert record is not None or problems
    assert isinstance(record, RawRecord | None)
    for item in problems:
        assert item.path == PATH and item.line >= 0 and item.column >= 0 and item.message
    if record is not None:
        assert_strings(record.data)


def assert_strings(value: object) -> None:
    if isinstance(value, dict):
        for key, item in value.items():
            assert isinstance(key, str)
            assert_strings(item)
    elif isinstance(value, list):
        for item in value:
            assert_strings(item)
    else:
        assert value is None or isinstance(value, str)


def test_undecodable_file_name_is_shown_safely(tmp_path: Path) -> None:
    folder = tmp_path / "content" / "events"
    folder.mkdir(parents=True)
    with open(os.fsencode(folder) + b"/caf\xe9.yaml", "wb") as handle:
        handle.write(b"title: x\n")
    records, problems = load_content(tmp_path)
    assert records == []
    assert problems == [problem("content/events/caf\\udce9.yaml", BAD_ID.format("caf\\udce9"))]
    "".join(p.format() for p in problems).encode("utf-8")  # printable on any terminal
