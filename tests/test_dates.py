"""EDTF dates: ranges, display forms, error texts and sort order (chronicle.dates)."""

from __future__ import annotations

import datetime
import random
import re

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from chronicle.claims import evaluate
from chronicle.dates import (
    MONTHS_FR,
    DateError,
    EdtfDate,
    days_between,
    format_day,
    parse_edtf,
)

D = datetime.date
ACCEPTED = (
    "formes acceptées : 2022-05-13, 2022-05, 2022, 2022-02~ (vers), 2022-11? (incertain), "
    "2022-03-01/2022-11-29 (entre deux dates), 2022-03-01/.. (depuis)."
)


def message_of(text: str) -> str:
    """The French message of the DateError raised for ``text``."""
    with pytest.raises(DateError) as caught:
        parse_edtf(text)
    return caught.value.message


# --- the examples of the EDTF specification, levels 0 and 1 ---------------------------

SPEC_RANGES = [
    # level 0: dates
    ("1985-04-12", D(1985, 4, 12), D(1985, 4, 12), "day"),
    ("1985-04", D(1985, 4, 1), D(1985, 4, 30), "month"),
    ("1985", D(1985, 1, 1), D(1985, 12, 31), "year"),
    # level 0: intervals
    ("1964/2008", D(1964, 1, 1), D(2008, 12, 31), "year"),
    ("2004-06/2006-08", D(2004, 6, 1), D(2006, 8, 31), "month"),
    ("2004-02-01/2005-02-08", D(2004, 2, 1), D(2005, 2, 8), "day"),
    ("2004-02-01/2005-02", D(2004, 2, 1), D(2005, 2, 28), "day"),
    ("2004-02-01/2005", D(2004, 2, 1), D(2005, 12, 31), "day"),
    ("2005/2006-02", D(2005, 1, 1), D(2006, 2, 28), "year"),
    # level 1: seasons, qualifiers, unspecified digits
    ("2001-21", D(2001, 3, 1), D(2001, 5, 31), "month"),
    ("1984?", D(1984, 1, 1), D(1984, 12, 31), "year"),
    ("2004-06~", D(2004, 6, 1), D(2004, 6, 30), "month"),
    ("2004-06-11%", D(2004, 6, 11), D(2004, 6, 11), "day"),
    ("201X", D(2010, 1, 1), D(2019, 12, 31), "year"),
    ("20XX", D(2000, 1, 1), D(2099, 12, 31), "year"),
    ("2004-XX", D(2004, 1, 1), D(2004, 12, 31), "year"),
    ("1985-04-XX", D(1985, 4, 1), D(1985, 4, 30), "month"),
    ("1985-XX-XX", D(1985, 1, 1), D(1985, 12, 31), "year"),
    # level 1: extended intervals
    ("1985-04-12/..", D(1985, 4, 12), None, "day"),
    ("1985-04/..", D(1985, 4, 1), None, "month"),
    ("1985/..", D(1985, 1, 1), None, "year"),
    ("../1985-04-12", None, D(1985, 4, 12), "day"),
    ("../1985-04", None, D(1985, 4, 30), "month"),
    ("../1985", None, D(1985, 12, 31), "year"),
    ("1985-04-12/", D(1985, 4, 12), None, "day"),
    ("1985-04/", D(1985, 4, 1), None, "month"),
    ("1985/", D(1985, 1, 1), None, "year"),
    ("/1985-04-12", None, D(1985, 4, 12), "day"),
    ("/1985-04", None, D(1985, 4, 30), "month"),
    ("/1985", None, D(1985, 12, 31), "year"),
    ("1984~/2004-06", D(1984, 1, 1), D(2004, 6, 30), "year"),
    ("1984/2004-06~", D(1984, 1, 1), D(2004, 6, 30), "year"),
    ("1984~/2004~", D(1984, 1, 1), D(2004, 12, 31), "year"),
    ("1984?/2004%", D(1984, 1, 1), D(2004, 12, 31), "year"),
    ("1984-06?/2004-08?", D(1984, 6, 1), D(2004, 8, 31), "month"),
    ("1984-06-02?/2004-08-08~", D(1984, 6, 2), D(2004, 8, 8), "day"),
    ("1984-06-02?/..", D(1984, 6, 2), None, "day"),
]


@pytest.mark.parametrize(("text", "start", "end", "precision"), SPEC_RANGES)
def test_spec_examples_parse_to_their_range(
    text: str, start: D | None, end: D | None, precision: str
) -> None:
    date = parse_edtf(text)
    assert (date.start, date.end, date.precision) == (start, end, precision)
    assert date.text == text
    assert date.interval == ("/" in text)


YEARS = "les années hors de 0001–9999 ne sont pas prises en charge."
TIMES = "les heures ne sont pas prises en charge, seulement les jours."


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("1985-04-12T23:20:30", TIMES),
        ("1985-04-12T23:20:30Z", TIMES),
        ("1985-04-12T23:20:30-04", TIMES),
        ("1985-04-12T23:20:30+04:30", TIMES),
        ("Y170000002", YEARS),
        ("Y-170000002", YEARS),
        ("-1985", YEARS),
        ("0000", YEARS),
    ],
)
def test_spec_examples_out_of_scope_are_refused(text: str, message: str) -> None:
    assert message_of(text) == f"« {text} » : {message}"


@pytest.mark.parametrize(
    ("text", "feature"),
    [
        ("2004?-06-11", "partial"),
        ("?2004-06-~11", "partial"),
        ("2004-06-~01/2004-06-~20", "partial"),
        ("156X-12-25", "unspecified"),
        ("15XX-12-XX", "unspecified"),
        ("XXXX-12-XX", "unspecified"),
        ("1XXX-XX", "unspecified"),
        ("1984-1X", "unspecified"),
        ("2004-06-XX/2004-07-03", "interval-x"),
        ("[1667,1668,1670..1672]", "set"),
        ("{1960,1961-12}", "set"),
        ("2001-34", "division"),
        ("1950S2", "significant"),
        ("Y17E7", "year"),
    ],
)
def test_level_2_features_are_named_as_unsupported(text: str, feature: str) -> None:
    words = {
        "partial": "les signes ?, ~ et % sur une partie de la date (niveau 2 d'EDTF) ne "
        "sont pas pris en charge ; placez-les à la fin de la date.",
        "unspecified": "les chiffres inconnus (X) à cet endroit (niveau 2 d'EDTF) ne sont "
        "pas pris en charge.",
        "interval-x": "les chiffres inconnus (X) dans un intervalle (niveau 2 d'EDTF) ne "
        "sont pas pris en charge.",
        "set": "les listes de dates ([…] ou {…}, niveau 2 d'EDTF) ne sont pas prises en charge.",
        "division": "les divisions de l'année 25 à 41 (niveau 2 d'EDTF) ne sont pas prises "
        "en charge ; saisons acceptées : 21 à 24.",
        "significant": "les chiffres significatifs (S, niveau 2 d'EDTF) ne sont pas pris en charge.",
        "year": YEARS,
    }
    assert message_of(text) == f"« {text} » : {words[feature]}"


# --- ranges and flags ------------------------------------------------------------------


def test_seasons_are_three_months_and_winter_ends_in_february() -> None:
    ranges = {code: parse_edtf(f"2022-{code}") for code in (21, 22, 23, 24)}
    assert (ranges[21].start, ranges[21].end) == (D(2022, 3, 1), D(2022, 5, 31))
    assert (ranges[22].start, ranges[22].end) == (D(2022, 6, 1), D(2022, 8, 31))
    assert (ranges[23].start, ranges[23].end) == (D(2022, 9, 1), D(2022, 11, 30))
    assert (ranges[24].start, ranges[24].end) == (D(2022, 12, 1), D(2023, 2, 28))
    assert parse_edtf("9999-24").end == D(9999, 12, 31)


def test_qualifiers_set_flags() -> None:
    assert [(d.approximate, d.uncertain) for d in map(parse_edtf, ["2022", "2022~"])] == [
        (False, False),
        (True, False),
    ]
    assert (parse_edtf("2022?").approximate, parse_edtf("2022?").uncertain) == (False, True)
    assert (parse_edtf("2022%").approximate, parse_edtf("2022%").uncertain) == (True, True)
    assert parse_edtf("2020/2022-05?").uncertain


def test_open_and_unknown_ends() -> None:
    still_open = parse_edtf("2022-03-01/..")
    assert (still_open.open_end, still_open.unknown_end, still_open.open_start) == (
        True,
        False,
        False,
    )
    unknown = parse_edtf("2022-03-01/")
    assert (unknown.open_end, unknown.unknown_end, unknown.end) == (False, True, None)
    assert parse_edtf("../2022").open_start and not parse_edtf("/2022").open_start
    assert parse_edtf("/2022").unknown_start
    assert not parse_edtf("2022").unknown_end


def test_overlapping_interval_is_accepted() -> None:
    date = parse_edtf("2022-03/2022-03-15")
    assert (date.start, date.end) == (D(2022, 3, 1), D(2022, 3, 15))


def test_iso_strings_and_stripping() -> None:
    date = parse_edtf("  2022-05  ")
    assert date.text == "2022-05"
    assert (date.iso_start(), date.iso_end()) == ("2022-05-01", "2022-05-31")
    assert parse_edtf("2022/..").iso_end() is None


def test_results_are_cached() -> None:
    assert parse_edtf("2021-07") is parse_edtf("2021-07")


def test_helpers() -> None:
    assert format_day(D(2022, 5, 13)) == "13 mai 2022"
    assert format_day(D(2022, 3, 1)) == "1er mars 2022"
    assert days_between(D(2022, 3, 1), D(2022, 3, 31)) == 30
    assert MONTHS_FR[0] == "janvier" and MONTHS_FR[11] == "décembre"


# --- display ---------------------------------------------------------------------------

DISPLAYS = [
    ("2022-05-13", "13 mai 2022"),
    ("2022-03-01", "1er mars 2022"),
    ("2022-05", "mai 2022"),
    ("2022", "2022"),
    ("2022-02~", "vers février 2022"),
    ("2022-11?", "novembre 2022 (date incertaine)"),
    ("2022-11%", "vers novembre 2022 (date incertaine)"),
    ("2022-03-01/2022-11-29", "entre le 1er mars et le 29 novembre 2022"),
    ("2021-12-28/2022-01-03", "entre le 28 décembre 2021 et le 3 janvier 2022"),
    ("2022-03/2022-11", "entre mars et novembre 2022"),
    ("2015/2016", "entre 2015 et 2016"),
    ("2022-03-01/..", "depuis le 1er mars 2022"),
    ("../2022-03", "jusqu'en mars 2022"),
    ("2022-03-01/", "à partir du 1er mars 2022 (fin inconnue)"),
    ("201X", "années 2010"),
    ("2004-XX", "2004 (mois inconnu)"),
    ("1985-04-XX", "avril 1985 (jour inconnu)"),
    ("2022-21", "printemps 2022"),
    # forms the brief leaves open, pinned so they do not drift
    ("2022-05-13~", "vers le 13 mai 2022"),
    ("2022~", "vers 2022"),
    ("201X~", "vers les années 2010"),
    ("20XX", "années 2000 à 2099"),
    ("1985-XX-XX", "1985 (mois et jour inconnus)"),
    ("2004-XX?", "2004 (mois inconnu, date incertaine)"),
    ("2022-22", "été 2022"),
    ("2022-24~", "vers l'hiver 2022"),
    ("2022-21/2022-23", "entre le printemps et l'automne 2022"),
    ("2021-23/2022-03", "entre l'automne 2021 et mars 2022"),
    ("2004/2005-02", "entre 2004 et février 2005"),
    ("2022/..", "depuis 2022"),
    ("../2022-03-01", "jusqu'au 1er mars 2022"),
    ("../2022", "jusqu'en 2022"),
    ("../2022-22", "jusqu'à l'été 2022"),
    ("/2022-03", "jusqu'en mars 2022 (début inconnu)"),
    ("2022/", "à partir de 2022 (fin inconnue)"),
    ("2022-23/", "à partir de l'automne 2022 (fin inconnue)"),
    ("1984~/2004?", "entre 1984 et 2004 (début approximatif, fin incertaine)"),
    (
        "1984%/2004%",
        "entre 1984 et 2004 (début approximatif et incertain, fin approximative et incertaine)",
    ),
    ("2022-03-01?/..", "depuis le 1er mars 2022 (début incertain)"),
]


@pytest.mark.parametrize(("text", "expected"), DISPLAYS)
def test_display_in_french(text: str, expected: str) -> None:
    assert parse_edtf(text).display() == expected


# --- errors ----------------------------------------------------------------------------


def test_malformed_message_word_for_word() -> None:
    assert message_of("02/03/2022") == (
        "« 02/03/2022 » n'est pas une date EDTF valide ; formes acceptées : 2022-05-13, "
        "2022-05, 2022, 2022-02~ (vers), 2022-11? (incertain), 2022-03-01/2022-11-29 "
        "(entre deux dates), 2022-03-01/.. (depuis)."
    )


@pytest.mark.parametrize(
    "text",
    ["2022-2-3", "20222", "2022-13", "2022-00", "2022-01-00", "2022-21-05", "22",
     "2022-05-13 14", "2022 -05", "2022~?", "mai 2022", "2022-05-13/2022/2023", "2022-"],
)  # fmt: skip
def test_malformed_dates(text: str) -> None:
    assert message_of(text) == f"« {text.strip()} » n'est pas une date EDTF valide ; {ACCEPTED}"


@pytest.mark.parametrize(
    ("text", "day"),
    [("2022-02-30", "30 février 2022"), ("2023-02-29", "29 février 2023"),
     ("2022-04-31", "31 avril 2022"), ("2022-01-32", "32 janvier 2022")],
)  # fmt: skip
def test_impossible_days(text: str, day: str) -> None:
    assert message_of(text) == f"« {text} » n'est pas une date EDTF valide : le {day} n'existe pas."


def test_leap_day_exists_in_leap_years() -> None:
    assert parse_edtf("2024-02-29").start == D(2024, 2, 29)


def test_reversed_interval_message_word_for_word() -> None:
    assert message_of("2022-11-29/2022-03-01") == (
        "« 2022-11-29/2022-03-01 » : l'intervalle finit avant de commencer "
        "(fin : 1er mars 2022 ; début : 29 novembre 2022)."
    )
    assert message_of("2022-11/2022-03") == (
        "« 2022-11/2022-03 » : l'intervalle finit avant de commencer (fin : mars 2022 ; début : novembre 2022)."
    )


def test_other_refusals() -> None:
    assert message_of("../..") == "« ../.. » : un intervalle doit avoir au moins une date connue."
    assert message_of("/") == "« / » : un intervalle doit avoir au moins une date connue."
    assert message_of("") == f"La date est vide ; {ACCEPTED}"
    not_text = D(2022, 5, 13)
    assert message_of(not_text) == (  # type: ignore[arg-type]
        "« 2022-05-13 » : la date doit être du texte ; écrivez-la entre guillemets."
    )


def test_date_error_is_a_value_error() -> None:
    with pytest.raises(ValueError, match="n'est pas une date EDTF valide"):
        parse_edtf("2022-13")


# --- sort order ------------------------------------------------------------------------


def test_sort_order() -> None:
    expected = [
        "../2022-01",  # open start first
        "2021/..",
        "2022-01-01",  # same start: earlier end first
        "2022-01",  # same range: coarser precision first...
        "2022-01-01/2022-01-31",
        "2022-01/2022-06",
        "2022",
        "2022-21",
        "2022-03-01/2022-11-29",
        "2022-03-01/..",  # open end last among its start
        "/2022-03-02",  # unknown start: at its end
        "2023-02?",  # ...then text
        "2023-02~",
    ]
    shuffled = expected[:]
    random.Random(7).shuffle(shuffled)
    assert [d.text for d in sorted(map(parse_edtf, shuffled), key=EdtfDate.sort_key)] == expected


# --- properties ------------------------------------------------------------------------

QUALIFIERS = st.sampled_from(["", "", "?", "~", "%"])


def forms_of(day: D, allow_x: bool) -> list[str]:
    """Every written form whose range contains ``day``."""
    iso = day.isoformat()
    season = {3: 21, 4: 21, 5: 21, 6: 22, 7: 22, 8: 22, 9: 23, 10: 23, 11: 23, 12: 24}
    forms = [iso, iso[:7], iso[:4]]
    if day.month in season:
        forms.append(f"{iso[:4]}-{season[day.month]}")
    elif day.year > 1:
        forms.append(f"{day.year - 1:04d}-24")
    if allow_x:
        forms += [iso[:3] + "X", iso[:2] + "XX", iso[:4] + "-XX", iso[:7] + "-XX"]
    return forms


@st.composite
def single_dates(draw: st.DrawFn) -> tuple[str, D]:
    """A valid non-interval EDTF string and one day inside its range."""
    day = draw(st.dates())
    return draw(st.sampled_from(forms_of(day, allow_x=True))) + draw(QUALIFIERS), day


@st.composite
def valid_texts(draw: st.DrawFn) -> str:
    """Any valid EDTF string of the supported subset."""
    if draw(st.booleans()):
        return draw(single_dates())[0]
    first, second = sorted([draw(st.dates()), draw(st.dates())])
    left = draw(st.sampled_from(forms_of(first, allow_x=False))) + draw(QUALIFIERS)
    right = draw(st.sampled_from(forms_of(second, allow_x=False))) + draw(QUALIFIERS)
    left, right = draw(st.sampled_from([(left, right), (left, ".."), (left, ""), ("..", right), ("", right)]))
    return f"{left}/{right}"


@given(single_dates())
def test_a_written_form_contains_its_day(sample: tuple[str, D]) -> None:
    text, day = sample
    date = parse_edtf(text)
    assert date.start is not None and date.end is not None
    assert date.start <= day <= date.end


@given(valid_texts())
def test_valid_dates_are_consistent(text: str) -> None:
    date = parse_edtf(text)
    assert date.text == text
    assert date.start is None or date.end is None or date.start <= date.end
    assert date.start is not None or date.end is not None
    assert date.display().strip() == date.display() != ""
    assert date.iso_start() == (date.start.isoformat() if date.start else None)


@given(valid_texts(), valid_texts())
def test_sort_key_follows_start(first_text: str, second_text: str) -> None:
    first, second = parse_edtf(first_text), parse_edtf(second_text)
    first_known = first.start or (first.end if first.unknown_start else None)  # "/2022": placed at its end
    second_known = second.start or (second.end if second.unknown_start else None)
    first_start, second_start = first_known or D.min, second_known or D.min
    if first_start < second_start or (first_known is None and second_known is not None):
        assert first.sort_key() < second.sort_key()
    assert (first.sort_key() == second.sort_key()) == (first_text == second_text)


@settings(max_examples=50, deadline=None)
@given(valid_texts())
def test_closed_ranges_agree_with_the_edtf_package(text: str) -> None:
    # edtf is only an oracle here (see bench/dates.md): it fakes open ends, shortens winter
    # and refuses a qualified season ("2022-21?"), which we accept as level 1 does intervals.
    edtf = pytest.importorskip("edtf")
    assume(".." not in text and not text.startswith("/") and not text.endswith("/"))
    assume(not re.search(r"-24(?:[?~%]|/|$)|-2[1-4][?~%]|^00.X", text))
    theirs = edtf.parse_edtf(text)
    date = parse_edtf(text)
    assert date.start == edtf.struct_time_to_date(theirs.lower_strict())
    assert date.end == edtf.struct_time_to_date(theirs.upper_strict())


# --- approximate dates in the arithmetic ------------------------------------------------


@pytest.mark.parametrize(("text", "reach"), [
    ("2024-12-03~", (D(2024, 11, 30), D(2024, 12, 6))),      # a day: three days each side
    ("2022-03~", (D(2022, 2, 14), D(2022, 4, 15))),          # a month: fifteen days each side
    ("2021~", (D(2020, 7, 3), D(2022, 7, 1))),               # a year: half a year each side
    ("2022-02-21~/2022-02-26", (D(2022, 2, 18), D(2022, 2, 26))),  # only the approximate end moves
    ("2024-12-03?", (D(2024, 12, 3), D(2024, 12, 3))),       # uncertain is not approximate
    ("2022-03-01/..", (D(2022, 3, 1), None)),
])
def test_approximate_dates_reach_further_than_they_are_written(text: str, reach: tuple[D, D | None]) -> None:
    date = parse_edtf(text)
    assert date.reach() == reach
    written = parse_edtf(text.replace("~", ""))
    assert (date.start, date.end) == (written.start, written.end)  # display, sorting and filing keep the text


def test_an_approximate_day_lets_a_claim_hold_a_few_days_off() -> None:
    later = (D(2024, 12, 10), D(2024, 12, 10))
    assert not evaluate((D(2024, 12, 3), D(2024, 12, 3)), later, "days", 5).holds
    assert evaluate(parse_edtf("2024-12-03~").reach(), later, "days", 5).holds
