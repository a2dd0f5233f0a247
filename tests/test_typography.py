"""French typography of the printed pages (chronicle/typography.py) and the French order of names."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from chronicle import typography
from chronicle.dates import parse_edtf
from chronicle.model import Event
from chronicle.typography import NARROW, TRIGGERS, french_html, french_markup, french_text
from chronicle.views import by_name, datation_view
from tests.conftest import indexed_texts

# A space (ordinary or no-break) before the punctuation that French sets after a narrow no-break space.
LOOSE = re.compile(r"[ \u00a0][;:!?»]|«[ \u00a0]")


def test_punctuation_gets_a_narrow_no_break_space() -> None:
    assert french_html("<p>Pourquoi ? Parce que : «oui» ; « non » !</p>") == (
        f"<p>Pourquoi{NARROW}? Parce que{NARROW}: «{NARROW}oui{NARROW}»{NARROW}; «{NARROW}non{NARROW}»{NARROW}!</p>")


def test_markup_attributes_scripts_and_code_are_left_alone() -> None:
    page = ('<a title="a : b" href="https://x.org/?q=1">lien</a><script>var a = "b : c";</script>'
            '<code>a : b</code><pre>x ; y</pre><!-- a : b -->')
    assert french_html(page) == page


def test_first_gets_a_superscript_except_where_markup_cannot_go() -> None:
    page = "<title>Le 1er mars</title><p>le 1er mars, la 1re fois</p><svg><text>1er mars</text></svg>"
    assert french_html(page) == ("<title>Le 1er mars</title><p>le 1<sup>er</sup> mars, la 1<sup>re</sup> fois</p>"
                                 "<svg><text>1er mars</text></svg>")


def test_one_apostrophe_everywhere() -> None:
    assert french_html("<p>l’invasion, l&#39;appel, l'OTAN</p>") == "<p>l&#39;invasion, l&#39;appel, l'OTAN</p>"


def test_no_page_of_the_real_site_has_a_loose_punctuation_mark(real_files: dict[str, bytes]) -> None:
    loose = {}
    for path, body in real_files.items():
        if path.endswith(".html"):
            text = re.sub(r"<(script|style|code|pre)\b.*?</\1>|<[^>]+>", "\n", body.decode("utf-8"), flags=re.S)
            found = [m.group(0) for m in LOOSE.finditer(text)]
            if found:
                loose[path] = found[:3]
    assert loose == {}
    assert any(b"1<sup>er</sup>" in body for body in real_files.values())


def test_no_developer_leftover_on_any_page(real_files: dict[str, bytes]) -> None:
    assert [path for path, body in real_files.items() if path.endswith(".html") and b"avec Python" in body] == []


def test_straight_apostrophe_keeps_words_findable(fixture_files: dict[str, bytes]) -> None:
    """Pagefind splits "l'invasion" into "l" and "invasion" but keeps "l’invasion" whole: the site prints
    the straight one, so that "invasion" finds every page that says "l'invasion"."""
    texts = indexed_texts(body for path, body in fixture_files.items() if path.startswith("pagefind/fragment/"))
    assert not any("’" in text for text in texts.values())


def test_names_sort_in_french_order() -> None:
    names = ["Vladimir Poutine", "État-major interarmées", "OTAN", "Oleksiy Reznikov", "Émile", "Eve", "2e", "10e"]
    assert by_name(names, str) == ["2e", "10e", "Émile", "État-major interarmées", "Eve", "Oleksiy Reznikov", "OTAN",
                                   "Vladimir Poutine"]


def event_dated(date: str, basis: str) -> Event:
    return Event("e", "Titre", parse_edtf(date), basis, "call", ("a",), (), "Résumé.", ())


@pytest.mark.parametrize(("date", "basis", "label", "reason"), [
    ("2022-02-21/2022-02-26", "inferred", "Intervalle de dates", "aucun des articles ne donne le jour"),
    ("2022-03-01/2022-05-13", "explicit", "Période", "la source donne une période"),
    ("2022-05-13", "inferred", "Date au jour près", "déduite"),
    ("2022-05-13", "explicit", "Date au jour près", "donnée par la source"),
    ("2022-05", "inferred", "Date au mois près", "aucun des articles ne donne le jour"),
    ("2015", "explicit", "Date à l'année près", "la source ne donne que l'année"),
    ("2024-11-26?", "inferred", "Date au jour près, incertaine", "déduite"),
    ("2021~", "inferred", "Date à l'année près, approximative", "ni le jour"),
    ("2022-03-01/..", "explicit", "Date ouverte", "une borne"),
])
def test_the_kind_of_date_agrees_with_the_range(date: str, basis: str, label: str, reason: str) -> None:
    datation = datation_view(event_dated(date, basis))
    assert datation["label"] == label
    assert reason in datation["reason"]
    if "/" in date:
        assert "jour près" not in datation["label"]



@given(st.text(alphabet=st.characters(exclude_characters="’ʼ;:!?»«1")))
def test_a_run_without_a_trigger_is_left_as_it_is(text: str) -> None:
    """``french_markup`` skips a run of text that holds none of ``TRIGGERS``: no rule changes such a run."""
    assert not TRIGGERS.search(text)
    assert french_text(text) == text


@pytest.mark.parametrize("text", ["l’a", "lʼa", "a ;", "a :", "a !", "a ?", "« a", "a»", "le 1er"])
def test_each_trigger_is_one_a_rule_acts_on(text: str) -> None:
    assert TRIGGERS.search(text) and french_text(text) != text


def french_markup_token_by_token(html: str) -> str:
    """``french_markup`` as first written: every token of ``typography.TOKEN`` read in Python, each rule tried on every
    run of text holding one of the rules' characters."""
    out: list[str] = []
    inside: list[str] = []
    for token in typography.TOKEN.finditer(html):
        closing, name = token.group(1), (token.group(2) or "").lower()
        if name:
            if name in typography.TEXT_ONLY and not token.group(0).endswith("/>"):
                if closing and name in inside:
                    inside.remove(name)
                elif not closing:
                    inside.append(name)
            out.append(token.group(0))
        elif re.search("[’ʼ;:!?»«1]", token.group(0)):
            text = typography.APOSTROPHE.sub("&#39;", token.group(0))
            text = typography.BEFORE.sub(NARROW + r"\1", text)
            text = typography.AFTER_OPENING.sub("«" + NARROW, text)
            text = typography.CLOSING_GLUED.sub(NARROW + "»", text)
            out.append(typography.FIRST.sub(r"1<sup>\1</sup>", text) if not inside else text)
        else:
            out.append(token.group(0))
    return "".join(out)


MARKUP_PIECES = st.sampled_from(["<", ">", "/", "title", "TiTle", "svg", "option", "ſvg", "svg-x", "p", "a", " ", "\n",
                                 ":", ";", "!", "?", "«", "»", "’", "ʼ", "1er", "1re", "1", "er", "re", "&nbsp;",
                                 "\u00a0", '"', "=", "/>", "-", "é", "x"])


@settings(max_examples=2000)
@given(st.lists(MARKUP_PIECES | st.text(max_size=2), max_size=30).map("".join))
def test_french_markup_reads_as_a_walk_over_every_token(html: str) -> None:
    """Only the places a rule may act on are read in Python (``HITS``): the
    output is the same as reading every token in Python, whatever the markup (tags without ends, a
    lone ``<``, ``<title>`` in any case, self-closing tags)."""
    assert french_markup(html) == french_markup_token_by_token(html)
