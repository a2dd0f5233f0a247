"""Properties that hold for every input, checked with Hypothesis.

- any bytes as any kind of record file give a record or problems, never an exception;
- any text in any field is published escaped: nothing runs that the templates did not write;
- every valid id maps to a path inside ``site/``, and the writer refuses every other path;
- for every EDTF string the parser accepts, its French display and its range agree;
- the data export round-trips: it reads back to what the editor wrote, and validates.
"""

from __future__ import annotations

import calendar
import datetime
import json
import shutil
import unicodedata
from pathlib import Path, PurePosixPath

import pytest
from hypothesis import HealthCheck, Phase, assume, example, given, settings
from hypothesis import strategies as st
from markupsafe import escape

from chronicle import urls
from chronicle.dates import MONTHS_FR, DateError, parse_edtf
from chronicle.load import FOLDERS, RawRecord, parse_record, valid_id
from chronicle.pipeline import build_files
from chronicle.problems import ContentError
from chronicle.write import UnsafePathError, relative_parts, safe_relative
from tests.conftest import FIXTURE, copy_inputs
from tests.test_output_scan import export_validator, scan_feed, scan_html

EVENT = "content/events/2022-05-13-appel-austin-choigou.yaml"
EVENT_PAGE = "evenements/2022-05-13-appel-austin-choigou/index.html"
SNIPPETS = ["<script>alert(1)</script>", "</script><script>", '" onmouseover="alert(1)', "' onerror='x",
            "javascript:alert(1)", "[x](javascript:alert(1))", "<img src=x onerror=alert(1)>", "{{ 7*7 }}",
            "{% raw %}", "]]>", "<!--", "&amp;", "&#106;avascript:", "\\u003c", "*", "_", "`", "# ", "\n\n",
            "<style>", "<a href='//evil.example'>", "![i](https://evil.example/p.gif)", "Choi\u0308gou"]
# Any character an editor may type (control and format characters are refused by the check,
# with their own tests); "A " first, so that the text is never blank.
CHARACTERS = st.characters(blacklist_categories=("Cs", "Cc", "Cf", "Cn", "Co", "Zl", "Zp"))
TEXT = st.lists(st.one_of(st.text(CHARACTERS, max_size=12), st.sampled_from(SNIPPETS)),
                max_size=6).map(lambda parts: "A " + "".join(parts))
PROJECT_SETTINGS = settings(max_examples=20, deadline=None, phases=[Phase.explicit, Phase.reuse, Phase.generate],
                            suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])


# --- loading ------------------------------------------------------------------------------


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(sorted(FOLDERS)), st.binary(max_size=600))
def test_any_bytes_as_any_record_give_a_record_or_problems(folder: str, data: bytes) -> None:
    path = f"content/{folder}/fiche.yaml"
    record, problems = parse_record(path, data, FOLDERS[folder])
    assert record is not None or problems
    assert record is None or isinstance(record, RawRecord)
    assert all(p.path == path and p.line >= 0 and p.column >= 0 and p.message for p in problems)


# --- any text, escaped --------------------------------------------------------------------


def project_with(tmp_path: Path, fields: dict[str, str]) -> Path:
    """The fixture project, its 2022-05-13 event's fields replaced (as YAML double-quoted text)."""
    root = tmp_path / "project"
    if root.exists():
        shutil.rmtree(root)
    shutil.copytree(FIXTURE / "content", root / "content")
    copy_inputs(root)
    event = root / EVENT
    lines = [line for line in event.read_text(encoding="utf-8").splitlines()
             if line.split(":", 1)[0] not in fields]
    lines += [f"{key}: {json.dumps(value, ensure_ascii=False)}" for key, value in fields.items()]
    event.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return root


def rendered(root: Path) -> dict[str, bytes] | None:
    """The whole site of ``root`` in memory, or None when the check refuses the content."""
    try:
        return build_files(root)
    except ContentError:
        return None


@PROJECT_SETTINGS
@given(title=TEXT, summary=TEXT, annotation=TEXT)
def test_any_text_in_any_field_is_published_escaped(tmp_path: Path, title: str, summary: str,
                                                     annotation: str) -> None:
    files = rendered(project_with(tmp_path, {"title": title, "summary": summary, "annotation": annotation}))
    assume(files is not None)
    assert files is not None
    findings = [finding for path, body in files.items() if path.endswith(".html")
                for finding in scan_html(path, body.decode("utf-8"))]
    assert findings + scan_feed(files) == []
    shown = " ".join(unicodedata.normalize("NFC", title).split())
    page = " ".join(files[EVENT_PAGE].decode("utf-8").split())
    assert str(escape(shown)) in page  # the title, whole and escaped, on its page


# --- ids and paths ------------------------------------------------------------------------


@settings(max_examples=500)
@given(st.text(max_size=40))
def test_valid_ids_map_inside_the_site(text: str) -> None:
    if not valid_id(text):
        return
    site = Path("/site")
    for kind in urls.SECTIONS:
        relative = safe_relative(urls.output_path(urls.record_url(kind, text)))
        assert (site / relative).resolve().is_relative_to(site)
        assert relative.parts[1] == text


@settings(max_examples=1000)
@given(st.lists(st.sampled_from(["..", ".", "", "a", "b.html", "\\", "..\\x", "/", "\x00", "C:", "~", " "]),
                max_size=6).map("/".join) | st.text(max_size=30))
def test_the_writer_refuses_every_path_outside_the_site(path: str) -> None:
    try:
        relative = safe_relative(path)
    except UnsafePathError:
        return
    site = Path("/site")
    assert (site / relative).resolve().is_relative_to(site) and (site / relative).resolve() != site
    assert "\x00" not in path and "\\" not in path and ".." not in PurePosixPath(path).parts


@settings(max_examples=1000, deadline=None)  # no timing: a loaded machine may take longer
@given(st.lists(st.sampled_from(["..", ".", "", "a", "b.html", "\\", "..\\x", "/", "\x00", "C:", "~", " ", "//"]),
                max_size=6).map("/".join) | st.text(max_size=30))
def test_the_writer_reads_a_plain_path_as_the_path_object_does(path: str) -> None:
    """``relative_parts`` (no path object for a plain path) refuses what ``safe_relative`` refuses, and
    gives the same parts for the rest."""
    try:
        expected: tuple[str, ...] | str = safe_relative(path).parts
    except UnsafePathError:
        expected = "refused"
    try:
        parts: tuple[str, ...] | str = relative_parts(path)
    except UnsafePathError:
        parts = "refused"
    assert parts == expected


# --- dates --------------------------------------------------------------------------------


@st.composite
def edtf_point(draw: st.DrawFn) -> str:
    year = draw(st.integers(1, 9999))
    precision = draw(st.sampled_from(["year", "month", "day"]))
    text = f"{year:04d}"
    if precision != "year":
        month = draw(st.integers(1, 12))
        text += f"-{month:02d}"
        if precision == "day":
            text += f"-{draw(st.integers(1, calendar.monthrange(year, month)[1])):02d}"
    return text + draw(st.sampled_from(["", "", "~", "?", "%"]))


EDTF = edtf_point() | st.tuples(edtf_point() | st.just(".."), edtf_point() | st.just("..")).map("/".join)


def point_range(text: str) -> tuple[datetime.date, datetime.date]:
    """The range of one point, computed here independently of the parser."""
    parts = [int(part) for part in text.rstrip("~?%").split("-")]
    year, month, day = parts + [0] * (3 - len(parts))
    if day:
        return datetime.date(year, month, day), datetime.date(year, month, day)
    if month:
        return datetime.date(year, month, 1), datetime.date(year, month, calendar.monthrange(year, month)[1])
    return datetime.date(year, 1, 1), datetime.date(year, 12, 31)


def point_words(text: str) -> list[str]:
    """Words the display of a point must contain: its year, and its month's name."""
    parts = [int(part) for part in text.rstrip("~?%").split("-")]
    return [str(parts[0])] + ([MONTHS_FR[parts[1] - 1]] if len(parts) > 1 else [])


@settings(max_examples=1500)
@given(EDTF)
def test_display_and_range_agree(text: str) -> None:
    try:
        date = parse_edtf(text)
    except DateError as error:
        assert "/" in text and ("finit avant" in error.message or "au moins une date" in error.message)
        return
    left, _, right = text.partition("/")
    display = date.display()
    ends = [part for part in (left, right or left) if part != ".."]
    if left != "..":
        assert date.start == point_range(left)[0]
    if (right or left) != "..":
        assert date.end == point_range(right or left)[1]
    assert date.start is None or date.end is None or date.start <= date.end
    for part in ends:
        for word in point_words(part):
            assert word in display, (text, display)
    if any(part.endswith(("~", "%")) for part in ends):
        assert "vers" in display or "approximati" in display, (text, display)
    if any(part.endswith(("?", "%")) for part in ends):
        assert "incertain" in display, (text, display)
    if "/" in text:
        assert display.startswith(("entre ", "depuis ", "jusqu", "à partir ")), display
    assert date.iso_start() == (date.start.isoformat() if date.start else None)


# --- the export ---------------------------------------------------------------------------


@PROJECT_SETTINGS
@given(title=TEXT, summary=TEXT, date=EDTF)
@example(title="A", summary="A", date="0285/9999-01-01")  # found by this test: the timeline's year 10000
def test_export_round_trips(tmp_path: Path, title: str, summary: str, date: str) -> None:
    root = project_with(tmp_path, {"title": title, "summary": summary, "date": date})
    for claim in (root / "content" / "claims").glob("*.yaml"):  # they pin this event's date
        claim.unlink()
    files = rendered(root)
    assume(files is not None)
    assert files is not None
    text = files["donnees/chronologie.json"].decode("utf-8")
    data = json.loads(text)
    assert json.dumps(data, ensure_ascii=False, sort_keys=True, indent=1) + "\n" == text
    assert list(export_validator().iter_errors(data)) == []
    event = next(e for e in data["events"] if e["id"] == "2022-05-13-appel-austin-choigou")
    parsed = parse_edtf(date)
    assert (event["title"], event["summary"]) == (unicodedata.normalize("NFC", title),
                                                  unicodedata.normalize("NFC", summary))
    assert (event["date"], event["date_start"], event["date_end"]) == (parsed.text, parsed.iso_start(),
                                                                       parsed.iso_end())


@pytest.mark.parametrize("folder", sorted(FOLDERS))
def test_folders_map_to_kinds(folder: str) -> None:
    assert FOLDERS[folder] in {"event", "actor", "channel", "source", "claim"}


MARKDOWN_SYNTAX = st.lists(st.sampled_from([*"ab :/.()!*_`#>-&;\\\n\t[]<", "http://x.fr", "www.x.fr", "&#91;",
                                             "&lt;"])).map("".join)  # pieces of Markdown, pasted at random


@given(text=MARKDOWN_SYNTAX)
@example(text="![a](http://x.fr)")
@example(text="voir <http://x.fr>")
@example(text="&#91;a&#93;(http://x.fr)")
def test_markdown_links_and_images_are_all_found(text: str) -> None:
    """The check skips the parse of a text without ``[`` or ``<``: such a text has no link or image."""
    from chronicle.markdown import _inspector, _targets

    parsed = [child.type for token in _inspector().parse(text) for child in token.children or ()
              if child.type in ("link_open", "image")]
    assert len(_targets(text)) == len(parsed)


PROSE = st.text(alphabet=st.sampled_from([*"aéZ 9.,;:’«»()?%/'\"-+*_[]<>!&\\`~|#=$^{}@\n\t", "\u00a0", "\u202f",
                                          "\u2028"]))


@given(text=PROSE)
@example(text='Le 13 mai, « appel » de "x" (bis) ?')
@example(text="a ~~b~~")
@example(text="a `b`")
@example(text="a *b*")
@example(text="a _b_")
@example(text="a [b](http://x.fr)")
@example(text="a < b")
@example(text="a > b")
@example(text="a & b")
@example(text="a &amp; b")
@example(text="a \\. b")
@example(text="a\nb")
@example(text="a\n===")
@example(text="a | b")
@example(text="a\u00a0")
@example(text="a $b$")
def test_a_plain_line_renders_as_markdown_it_renders_it(text: str) -> None:
    """``render_markdown`` skips markdown-it for one line of plain prose: the HTML must be the same."""
    from chronicle.markdown import _renderer, render_markdown

    assert render_markdown.__wrapped__(text) == _renderer().render(text)
