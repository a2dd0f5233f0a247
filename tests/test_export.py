"""The data files: the JSON contract, the CSV for spreadsheets and the TimelineJS3 file."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import pytest

from chronicle import export
from chronicle.export import data_files
from chronicle.incremental import plan_edit, write_changed
from chronicle.memo import Memo
from chronicle.pipeline import plan_content
from chronicle.serve import unwritten
from tests.conftest import make_project
from tests.linkcheck import parse

EVENT = "2022-05-13-appel-austin-choigou"


def read_csv(files: dict[str, bytes]) -> list[dict[str, str]]:
    raw = files["donnees/evenements.csv"]
    assert raw.startswith("\ufeff".encode()), "a byte-order mark, so that spreadsheets read UTF-8"
    return list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"), newline="")))


def test_csv_has_one_row_per_event_in_chronological_order(fixture_files: dict[str, bytes]) -> None:
    rows = read_csv(fixture_files)
    events = json.loads(fixture_files["donnees/chronologie.json"])["events"]
    assert [row["id"] for row in rows] == [event["id"] for event in events]
    assert b"\r\n" in fixture_files["donnees/evenements.csv"]


def test_csv_rows_read_as_a_spreadsheet_user_expects(fixture_files: dict[str, bytes]) -> None:
    row = next(r for r in read_csv(fixture_files) if r["id"] == EVENT)
    assert row["date"] == "13 mai 2022"
    assert (row["date_debut"], row["date_fin"], row["precision"]) == ("2022-05-13", "2022-05-13", "jour")
    assert row["base_de_la_date"] == "déduite"
    assert row["nature"] == "Appel"
    assert row["acteurs"] == "Lloyd Austin; Sergueï Choïgou"
    assert row["initiateur"] == "Lloyd Austin"
    assert row["resume"] == ("Lloyd Austin obtient un appel d'une heure avec Sergueï Choïgou "
                             "et demande un cessez-le-feu immédiat.")  # Markdown made plain
    assert row["citations"] == "« L'appel a duré environ une heure et était à la demande d'Austin »"
    assert row["adresse"] == f"https://canaux-militaires.github.io/evenements/{EVENT}/"
    interval = next(r for r in read_csv(fixture_files) if r["id"] == "2022-03-01-2022-05-13-tests-ligne")
    assert (interval["date_debut"], interval["date_fin"]) == ("2022-03-01", "2022-05-13")


def test_timelinejs_file_follows_that_tools_format(fixture_files: dict[str, bytes]) -> None:
    data = json.loads(fixture_files["donnees/timelinejs.json"])
    assert data["title"]["text"]["headline"].startswith("Les canaux militaires")
    slides = {slide["unique_id"]: slide for slide in data["events"]}
    assert len(slides) == 9
    call = slides[EVENT]
    assert call["start_date"] == {"year": "2022", "month": "5", "day": "13"}
    assert "end_date" not in call
    assert call["display_date"] == "13 mai 2022"
    assert call["group"] == "Ministres de la Défense Austin–Choïgou"
    assert call["text"]["headline"] == "Premier appel Austin–Choïgou depuis l'invasion"
    assert f'href="https://canaux-militaires.github.io/evenements/{EVENT}/"' in call["text"]["text"]
    assert "<em>cessez-le-feu immédiat</em>" in call["text"]["text"]
    # never more precise than the date: a month, a year, an interval
    assert slides["2023-10-brown-prend-ses-fonctions"]["start_date"] == {"year": "2023", "month": "10"}
    assert slides["2021-contacts-repetes"]["start_date"] == {"year": "2021"}
    interval = slides["2022-03-01-2022-05-13-tests-ligne"]
    assert interval["end_date"] == {"year": "2022", "month": "5", "day": "13"}
    assert slides["2021-contacts-repetes"]["group"] == "Hors canal"


def test_titles_are_escaped_in_timelinejs_html(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from chronicle.pipeline import build_files
    from tests.conftest import make_project

    root = make_project(tmp_path, {"content/events/2022-02-18-appel-austin-choigou.yaml": """
        title: Appel <script>alert(1)</script>
        date: 2022-02-18
        date_basis: explicit
        kind: call
        channels: [austin-choigou]
        actors: [lloyd-austin, sergei-choigou]
        summary: Un appel <b>gras</b>.
        citations:
          - source: cnn-2022-05-13
            quote: Les deux derniers se sont parlé le 18 février
        """})
    files = build_files(root)
    text = files["donnees/timelinejs.json"].decode("utf-8")
    assert "<script>" not in text and "<b>" not in text
    assert "Appel &lt;script&gt;alert(1)&lt;/script&gt;" in text


def test_data_files_are_linked_from_the_about_page_and_each_index(fixture_files: dict[str, bytes]) -> None:
    for page in ("a-propos/index.html", "index.html", "acteurs/index.html", "canaux/index.html",
                 "sources/index.html", "annees/2022/index.html"):
        links = parse(fixture_files[page]).links
        prefix = "../" * page.count("/")
        for data in ("donnees/chronologie.json", "donnees/evenements.csv", "donnees/timelinejs.json"):
            assert prefix + data in links, (page, data)


def test_json_ld_cannot_be_closed_by_a_title(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from chronicle.pipeline import build_files
    from tests.conftest import make_project

    root = make_project(tmp_path, {"content/events/2022-02-18-appel-austin-choigou.yaml": """
        title: Appel </script><script>alert(1)</script>
        date: 2022-02-18
        date_basis: explicit
        kind: call
        channels: [austin-choigou]
        actors: [lloyd-austin, sergei-choigou]
        summary: Un appel.
        citations:
          - source: cnn-2022-05-13
            quote: Les deux derniers se sont parlé le 18 février
        """})
    page = build_files(root)["evenements/2022-02-18-appel-austin-choigou/index.html"].decode("utf-8")
    block = page.split('<script type="application/ld+json">', 1)[1].split("</script>", 1)[0]
    data = json.loads(block)
    assert data["headline"] == "Appel </script><script>alert(1)</script>"
    assert "<script>alert" not in page


def test_the_data_files_written_are_those_the_url_checks_know(fixture_files: dict[str, bytes]) -> None:
    """The permanent-URL checks know the data files before they are made (``DATA_URLS``): the
    build writes exactly those, beside their schema."""
    from chronicle.export import DATA_URLS
    from chronicle.pipeline import EXPORT_SCHEMA

    written = {f"/{path}" for path in fixture_files if path.startswith("donnees/") and path != EXPORT_SCHEMA}
    assert written == set(DATA_URLS)


def test_an_edit_makes_the_data_files_a_clean_build_makes(tmp_path: Path) -> None:
    """Each event's share of the data files is remembered (``export.data_files``' memo): after each edit
    (an actor renamed, a source retitled, an event retitled, the base URL changed), every file has a
    clean build's bytes: none keeps what the last run made of an event whose inputs changed."""
    root = make_project(tmp_path)
    memo = Memo()
    last = data_files_of(root, None, memo)

    def replace(folder: str, name: str, field: str, value: str) -> None:
        path = root / "content" / folder / f"{name}.yaml"
        path.write_text(re.sub(rf"(?m)^{field}: .*$", f"{field}: {value}", path.read_text(encoding="utf-8"), count=1),
                        encoding="utf-8")

    edits = [(lambda: replace("actors", "lloyd-austin", "name", "Lloyd J. Austin"), None, b"Lloyd J. Austin"),
             (lambda: replace("sources", "cnn-2022-05-13", "title", "Un titre nouveau"), None, b"Un titre nouveau"),
             (lambda: replace("events", EVENT, "title", "Un appel retitré"), None, "retitré".encode()),
             (lambda: None, "https://chronique.fr/nouvelle/", b"https://chronique.fr/nouvelle/")]
    for edit, base_url, shown in edits:
        edit()
        memo = Memo(memo)
        edited, clean = data_files_of(root, base_url, memo), data_files_of(root, base_url, None)
        assert edited == clean
        assert shown in clean["donnees/evenements.csv"] and clean["donnees/evenements.csv"] != last[
            "donnees/evenements.csv"]
        last = clean
    assert all(b"https://chronique.fr/nouvelle/" in body for path, body in clean.items() if "evenements/" in path)


def data_files_of(root: Path, base_url: str | None, memo: Memo | None) -> dict[str, bytes]:
    """The data files of ``root``, each event's share remembered by ``memo`` (None: made afresh) as the
    stages remember the records (unchanged records give the very same Events, as in an edit)."""
    plan = plan_content(root, base_url, memo)
    return data_files(plan.chronology, plan.facts, plan.config, memo)


def test_serve_reads_back_only_the_data_files_it_may_not_have_written(tmp_path: Path) -> None:
    """``serve`` skips a file whose bytes are the very ones it wrote last and that is still there; one
    removed since (a deleted event's) or made again is compared and written."""
    kept, made_again, removed = b"kept", b"made again", b"removed"
    written = {"a.json": kept, "b.json": made_again, "c/d.ris": removed}
    for path, data in written.items():
        (tmp_path / path).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / path).write_bytes(data)
    (tmp_path / "c" / "d.ris").unlink()
    files = {"a.json": kept, "b.json": bytes(bytearray(made_again)), "c/d.ris": removed, "e.csv": b"new"}
    assert sorted(unwritten(files, written, tmp_path)) == ["b.json", "c/d.ris", "e.csv"]
    write_changed(unwritten(files, written, tmp_path), tmp_path)
    assert {path: (tmp_path / path).read_bytes() for path in files} == files


def test_an_edit_makes_again_only_the_edited_events_share_of_the_data_files(tmp_path: Path,
                                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    """Through the one incremental path (``plan_edit``, as the command line and ``serve`` run it): after
    one event's title is edited, only that event's share of the data files is made again."""
    made: list[str] = []
    make = export.event_data
    monkeypatch.setattr(export, "event_data", lambda event, *rest: made.append(event.id) or make(event, *rest))
    root = make_project(tmp_path)
    edit = plan_edit(None, root, None)
    data_files(edit.plan.chronology, edit.plan.facts, edit.plan.config, edit.parsed)
    event = root / "content" / "events" / f"{EVENT}.yaml"
    event.write_text(re.sub(r"(?m)^title: .*$", "title: Un appel retitré", event.read_text(encoding="utf-8"),
                            count=1), encoding="utf-8")
    made.clear()
    edit = plan_edit(edit.stages(frozenset()), root, None)
    edited = data_files(edit.plan.chronology, edit.plan.facts, edit.plan.config, edit.parsed)
    assert made == [EVENT]
    assert edited == data_files_of(root, None, None)
