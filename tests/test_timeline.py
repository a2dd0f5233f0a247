"""The timeline's geometry: lanes, marks, silences and an axis that gives dense years room."""

from __future__ import annotations

import datetime
import itertools
import re
from pathlib import Path

import pytest

from chronicle.axis import MARGIN, WIDTH, make_scale, make_segments
from chronicle.config import load_config
from chronicle.dates import parse_edtf
from chronicle.derive import CONTACT_KINDS, Facts, derive_facts
from chronicle.figure import glyph, timeline_view
from chronicle.model import Chronology, build_model
from chronicle.pipeline import check_site
from chronicle.timeline import LABEL_CHAR, TARGET, build_timeline
from chronicle.wording import at_words, duration_words, exact_text, moment, silence_label, silence_sentence
from tests.conftest import FIXTURE, REPO, make_project


@pytest.fixture(scope="module")
def chronology() -> Chronology:
    checked = check_site(FIXTURE)
    assert checked.index is not None and not checked.problems
    return build_model(checked.index)


@pytest.fixture(scope="module")
def facts(chronology: Chronology) -> Facts:
    checked = check_site(FIXTURE)
    assert checked.located is not None
    return derive_facts(chronology, checked.located)


def test_one_lane_per_channel_then_events_on_no_channel(chronology: Chronology, facts: Facts) -> None:
    timeline = build_timeline(chronology, facts.silences, facts.claims_of_event)
    lanes = [lane.channel for lane in timeline.lanes]
    assert set(lanes[:-1]) == {c for c in chronology.channels if chronology.by_channel.get(c)} and lanes[-1] is None
    assert all(lane.height >= TARGET for lane in timeline.lanes)
    # every event of a channel is on that channel's lane, the others on the last lane
    for lane in timeline.lanes:
        expected = (chronology.by_channel.get(lane.channel, ()) if lane.channel
                    else tuple(e for e in chronology.events if not e.channels))
        assert sorted(m.event.id for m in lane.marks) == sorted(e.id for e in expected)


def test_the_axis_covers_the_period_and_gives_dense_years_more_room(chronology: Chronology) -> None:
    scale = make_scale(chronology)
    years = {segment.first: segment.x1 - segment.x0 for segment in scale.segments}
    assert list(years) == [2021, 2022, 2023, 2024]
    assert all(segment.first == segment.last for segment in scale.segments)
    assert scale.left == MARGIN and scale.right == pytest.approx(WIDTH - MARGIN)
    assert years[2022] > years[2024] > years[2023]  # 6 events, then 2, then 1
    assert all(width >= 40 for width in years.values())  # an empty or sparse year stays readable
    # linear within a year, continuous across years
    assert scale.x(datetime.date(2022, 1, 1)) == scale.segments[1].x0 == scale.segments[0].x1
    assert scale.x(datetime.date(2022, 7, 2)) == pytest.approx(scale.segments[1].x0 + years[2022] * 182 / 365)


def test_runs_of_empty_years_are_collapsed() -> None:
    assert make_segments({2015, 2021, 2022, 2024}) == [(2015, 2015), (2016, 2020), (2021, 2021), (2022, 2022),
                                                       (2023, 2023), (2024, 2024)]
    assert make_segments({285, 9999}) == [(285, 285), (286, 9998), (9999, 9999)]
    assert make_segments(set()) == [(2000, 2000)]


def test_extreme_dates_keep_the_drawing_small(tmp_path: Path) -> None:
    checked = check_site(make_project(tmp_path, {"content/events/2021-contacts-repetes.yaml": """
        title: De l'an 285 à la fin du calendrier
        date: 0285/9999-12-31
        date_basis: inferred
        date_note: Un cas limite.
        kind: statement
        actors: [mark-milley]
        summary: Un intervalle immense.
        citations:
          - source: cnn-2022-05-13
            quote: Nous n’avons cessé d’essayer
        """}))
    assert checked.index is not None and not checked.problems, checked.problems
    chronology = build_model(checked.index)
    facts = derive_facts(chronology, checked.located)
    timeline = build_timeline(chronology, facts.silences, facts.claims_of_event)
    assert len(make_scale(chronology).segments) == 7  # 285, 286-2021, 2022, 2023, 2024, 2025-9998, 9999
    assert len(timeline.ticks) < 100
    bar = next(m for lane in timeline.lanes for m in lane.marks if m.event.id == "2021-contacts-repetes")
    assert (bar.x, bar.x + bar.width) == pytest.approx((MARGIN, WIDTH - MARGIN), abs=0.02)
    labels = [tick.label for tick in timeline.ticks if tick.major]
    assert "2016" not in labels and any("–" in label for label in labels)


def test_a_day_is_a_glyph_and_a_vaguer_date_a_band_over_its_range(chronology: Chronology) -> None:
    timeline = build_timeline(chronology, {}, {})
    marks = {m.event.id: m for lane in timeline.lanes for m in lane.marks}
    scale = make_scale(chronology)
    assert marks["2022-05-13-appel-austin-choigou"].width == 0
    interval = marks["2022-03-01-2022-05-13-tests-ligne"]
    assert interval.x == pytest.approx(scale.x(datetime.date(2022, 3, 1)), abs=0.01)
    assert interval.x + interval.width == pytest.approx(scale.x(datetime.date(2022, 5, 14)), abs=0.02)
    month = marks["2023-10-brown-prend-ses-fonctions"]
    assert month.width == pytest.approx(scale.x(datetime.date(2023, 11, 1)) - scale.x(datetime.date(2023, 10, 1)),
                                        abs=0.02)
    for lane in timeline.lanes:  # in time order, and no two targets of a row touch: none hides another
        assert [m.event.date.sort_key() for m in lane.marks] == sorted(m.event.date.sort_key() for m in lane.marks)
        for a, b in itertools.combinations(lane.marks, 2):
            assert a.row != b.row or a.extent[1] <= b.extent[0] or b.extent[1] <= a.extent[0]
        assert all(right - left >= TARGET for left, right in (m.extent for m in lane.marks))


def test_each_silence_is_drawn_between_its_contacts_with_its_length(chronology: Chronology, facts: Facts) -> None:
    timeline = build_timeline(chronology, facts.silences, facts.claims_of_event)
    lane = next(lane for lane in timeline.lanes if lane.channel == "austin-choigou")
    (gap,) = lane.gaps
    scale = make_scale(chronology)
    assert gap.label in ("84 jours", "« le premier appel entre les deux en 84 jours »")
    assert gap.x1 == pytest.approx(scale.x(datetime.date(2022, 2, 19)), abs=0.01)
    assert gap.x2 == pytest.approx(scale.x(datetime.date(2022, 5, 13)), abs=0.01)
    assert gap.x1 < gap.label_x < gap.x2


def test_a_strip_for_one_channel(chronology: Chronology, facts: Facts) -> None:
    strip = build_timeline(chronology, facts.silences, facts.claims_of_event, ["chefs-etat-major"])
    assert [lane.channel for lane in strip.lanes] == ["chefs-etat-major"]
    # 11 February 2022 to 27 November 2024
    assert strip.lanes[0].gaps[0].label == "environ trois ans"
    assert len(strip.lanes) < len(build_timeline(chronology, {}, {}).lanes)


def test_crowded_silence_labels_never_overlap(tmp_path: Path) -> None:
    events = {}
    for day in range(1, 28, 2):  # a call every other day: many short silences side by side
        events[f"content/events/2022-04-{day:02d}-appel.yaml"] = f"""
            title: Appel du {day} avril
            date: 2022-04-{day:02d}
            date_basis: explicit
            kind: call
            channels: [austin-choigou]
            actors: [lloyd-austin, sergei-choigou]
            summary: Un appel.
            citations:
              - source: cnn-2022-05-13
                quote: Les deux derniers se sont parlé le 18 février
            """
    checked = check_site(make_project(tmp_path, events))
    assert checked.index is not None and not checked.problems, checked.problems
    chronology = build_model(checked.index)
    facts = derive_facts(chronology, checked.located)
    lane = build_timeline(chronology, facts.silences, facts.claims_of_event, ["austin-choigou"]).lanes[0]
    shown = [g for g in lane.gaps if g.label]
    assert len(lane.gaps) >= 14 and 0 < len(shown) < len(lane.gaps)
    for row in {g.label_y for g in shown}:
        spans = sorted((g.label_x - len(g.label) * LABEL_CHAR / 2, g.label_x + len(g.label) * LABEL_CHAR / 2)
                       for g in shown if g.label_y == row)
        assert all(a[1] < b[0] for a, b in itertools.pairwise(spans))


def test_an_empty_chronology_still_has_an_axis(tmp_path: Path) -> None:
    chronology = Chronology(events=(), actors={}, channels={}, sources={}, claims={})
    timeline = build_timeline(chronology, {}, {})
    assert timeline.lanes == () and timeline.ticks and timeline.axis_height > 0


# --- silences: doubt modelled, French for every pair of date precisions --------------------------

BEFORE = {  # the contact that opens a silence, every precision the dates allow
    "day": "2021-03-10", "month": "2021-03", "year": "2020", "season": "2021-22", "approximate day": "2021-03-10~",
    "approximate month": "2021-03~", "uncertain day": "2021-03-10?", "uncertain month": "2021-03?",
    "approximate and uncertain": "2021-03-10%", "interval in a month": "2021-03-01/2021-03-10",
    "interval over months": "2021-02-14/2021-06-04", "interval over years": "2019-06-01/2021-03-10",
    "open start": "../2021-03-10", "unknown start": "/2021-03-10",
}
AFTER = {  # the contact that closes it
    "day": "2022-05-13", "month": "2022-05", "year": "2023", "season": "2022-23", "approximate day": "2022-05-13~",
    "approximate month": "2022-05~", "uncertain day": "2022-05-13?", "uncertain month": "2022-05?",
    "approximate and uncertain": "2022-05-13%", "interval in a month": "2022-05-21/2022-05-28",
    "interval over months": "2022-05-14/2022-12-04", "interval over years": "2022-05-14/2024-01-10",
    "open end": "2022-05-13/..", "unknown end": "2022-05-13/",
    "same year, day": "2021-11-27", "same year, month": "2021-11",
}
BROKEN = ("de entre", "à entre", "de depuis", "à depuis", "de jusqu", "à jusqu", "de le ", "à le ", "de les ",
          "à les ", "de un ", "de à", "  ", " ,", "((", "de vers", "à vers", "au au", "du du")


def bounds(before: str, after: str) -> tuple[int, int | None]:
    first, second = parse_edtf(before), parse_edtf(after)
    assert first.end and second.start
    high = (second.end - first.start).days if second.end and first.start else None
    return (second.start - first.end).days, high


@pytest.mark.parametrize("before", BEFORE)
@pytest.mark.parametrize("after", AFTER)
def test_every_pair_of_precisions_reads_as_french(before: str, after: str) -> None:
    first, second = parse_edtf(BEFORE[before]), parse_edtf(AFTER[after])
    low, high = bounds(BEFORE[before], AFTER[after])
    text = silence_sentence(first, second, low, high)
    assert (text[0].isupper() or text[0].isdigit()) and " sans contact connu, " in text
    assert not any(fault in text.lower() for fault in BROKEN), text
    assert not re.search(r"\bde [aeiouyéèàâ]", text, re.IGNORECASE), f"« de » not elided: {text}"
    assert not re.search(r"\bà (?:le|les|l'année)\b", text), text
    last_year = (second.end or second.start).year
    assert any(str(year) in text for year in range(second.start.year, last_year + 1))  # the closing year is said
    assert text.startswith("Au moins") == (high is None), text
    if low == high and low < 100:
        assert re.match(rf"(Environ )?{low} jours? ", text, re.IGNORECASE), text
    exact = exact_text(first, second, low, high)
    assert str(low) in exact and (high is None or str(high) in exact)
    assert first.display() in exact and second.display() in exact


@pytest.mark.parametrize(("before", "after", "expected"), [
    ("2022-05-14/2022-12-04", "2024-11-27", "Environ deux ans sans contact connu, de mi-2022 au 27 novembre 2024"),
    ("2022-02-18", "2022-05-13", "84 jours sans contact connu, du 18 février au 13 mai 2022"),
    ("2021-09", "2021-11", "D'un à trois mois sans contact connu, de septembre à novembre 2021"),
    ("2022-04", "2022-08", "De trois à cinq mois sans contact connu, d'avril à août 2022"),
    ("2022-21", "2022-23", "De trois à neuf mois sans contact connu, du printemps à l'automne 2022"),
    ("2022-02-11", "2022-05-14/2022-12-04",
     "De trois à dix mois sans contact connu, du 11 février 2022 à la mi-2022"),
    ("2022-02-11", "2024-11-27",
     "1020 jours (environ trois ans) sans contact connu, du 11 février 2022 au 27 novembre 2024"),
    ("../2022-03-01", "2022-05-13",
     "Au moins deux mois sans contact connu, depuis un contact au plus tard le 1er mars 2022 jusqu'au 13 mai 2022"),
    ("2022-02-11", "2022-05-13/..",
     "Au moins deux mois sans contact connu, depuis le 11 février 2022 jusqu'à un contact au plus tôt le 13 mai 2022"),
    ("2024-12-03?", "2024-12-05?", "Environ 2 jours sans contact connu, du 3 décembre 2024 (date incertaine) au "
                                   "5 décembre 2024 (date incertaine)"),
])
def test_silences_are_rounded_for_reading(before: str, after: str, expected: str) -> None:
    low, high = bounds(before, after)
    assert silence_sentence(parse_edtf(before), parse_edtf(after), low, high) == expected


def test_dates_after_a_preposition() -> None:
    assert at_words(parse_edtf("2024-12-05?")) == "le 5 décembre 2024 (date incertaine)"
    assert at_words(parse_edtf("2022-05")) == "en mai 2022"
    assert at_words(parse_edtf("2022")) == "en 2022"
    assert at_words(parse_edtf("2022-21")) == "au printemps 2022"
    assert at_words(parse_edtf("2022-05-14/2022-12-04")) == "mi-2022"


def test_rounded_lengths() -> None:
    assert duration_words(84, 84) == "84 jours"
    assert duration_words(1, 1) == "un jour"
    assert duration_words(3, 10) == "de 3 à 10 jours"
    assert duration_words(724, 928) == "environ deux ans"
    assert duration_words(500, 600) == "environ un an et demi"
    assert duration_words(376, 376) == "376 jours (environ un an)"
    assert duration_words(452, 452) == "452 jours (environ 15 mois)"
    assert silence_label(452, 452) == "environ 15 mois" and silence_label(84, 84) == "84 jours"
    assert duration_words(92, 296) == "de trois à dix mois"
    assert duration_words(900, 2000) == "de deux ans et demi à cinq ans et demi"
    assert duration_words(92, None) == "au moins trois mois"
    assert duration_words(0, 10) == "au plus 10 jours"


def test_two_records_that_may_be_one_contact_leave_no_silence_between_them(tmp_path: Path) -> None:
    checked = check_site(make_project(tmp_path, {"content/events/2022-02-appel-debut-fevrier.yaml": """
        title: Un appel au début de février
        date: 2022-02-10/2022-02-18
        date_basis: inferred
        date_note: Peut-être l'appel du 18 février.
        kind: call
        channels: [austin-choigou]
        actors: [lloyd-austin, sergei-choigou]
        summary: Un appel.
        citations:
          - source: cnn-2022-05-13
            quote: Les deux derniers se sont parlé le 18 février
        """}))
    assert checked.index is not None and not checked.problems, checked.problems
    chronology = build_model(checked.index)
    silences = derive_facts(chronology, checked.located).silences["austin-choigou"]
    assert all(s.low > 0 for s in silences)
    (longest,) = [s for s in silences if s.after.id == "2022-05-13-appel-austin-choigou"]
    assert (longest.low, longest.high) == (84, 84)  # measured from the last of the two, not from either alone
    assert [e.id for e in longest.merged] == ["2022-02-appel-debut-fevrier"]


def test_contacts_an_editor_says_may_be_one_are_counted_once(tmp_path: Path) -> None:
    checked = check_site(make_project(tmp_path, {"content/events/2022-04-appel-avril.yaml": """
        title: Un appel en avril
        date: 2022-04-12
        date_basis: inferred
        date_note: Peut-être l'appel du 13 mai, mal daté par la source.
        kind: call
        channels: [austin-choigou]
        actors: [lloyd-austin, sergei-choigou]
        possibly_same_as: [2022-05-13-appel-austin-choigou]
        summary: Un appel.
        citations:
          - source: cnn-2022-05-13
            quote: Les deux derniers se sont parlé le 18 février
        """}))
    assert checked.index is not None and not checked.problems, checked.problems
    silences = derive_facts(build_model(checked.index), checked.located).silences["austin-choigou"]
    # 18 February to 12 April or 13 May: one silence, which ends at the earliest of the two
    (silence,) = [s for s in silences if s.before.id == "2022-02-18-appel-austin-choigou"]
    assert silence.after.id == "2022-04-appel-avril" and silence.low == 53
    assert [e.id for e in silence.merged] == ["2022-05-13-appel-austin-choigou"]
    assert not any(s.before.id == "2022-04-appel-avril" for s in silences)


def test_the_real_chronology_invents_no_silence() -> None:
    checked = check_site(REPO)
    assert checked.index is not None
    chronology = build_model(checked.index)
    facts = derive_facts(chronology, checked.located)
    assert all(s.low > 0 for silences in facts.silences.values() for s in silences)
    words = [silence_sentence(s.before.date, s.after.date, s.low, s.high)
             for silences in facts.silences.values() for s in silences]
    assert not any(w.startswith("De 0 ") or "de entre" in w or "à entre" in w for w in words)


def test_a_channel_status_counts_from_its_last_contact_to_the_latest_source(chronology: Chronology,
                                                                             facts: Facts) -> None:
    status = facts.statuses["austin-choigou"]
    contacts = [e for e in chronology.by_channel["austin-choigou"] if e.kind in CONTACT_KINDS]
    assert status.last == contacts[-1]
    latest = max(chronology.sources.values(), key=lambda s: s.published.end or datetime.date.min)
    assert status.as_of == latest
    assert latest.published.end and status.last.date.start
    assert status.high == (latest.published.end - status.last.date.start).days
    no_contact = next(c for c in chronology.channels if not any(
        e.kind in CONTACT_KINDS for e in chronology.by_channel.get(c, ())))
    assert facts.statuses[no_contact].last is None


def test_the_legend_lists_what_the_figure_draws_and_nothing_else(chronology: Chronology, facts: Facts) -> None:
    config, problems = load_config(FIXTURE)
    assert config is not None and not problems
    view = timeline_view(build_timeline(chronology, facts.silences, facts.claims_of_event), chronology, config, "Frise")
    marks = [item for lane in view["lanes"] for item in lane["marks"]]
    assert {entry["label"] for entry in view["legend"]} == {m["kind_label"] for m in marks}
    assert view["has_bands"] == any(m["band"] for m in marks)
    assert view["has_vague"] == any(m["vague"] and not m["band"] for m in marks)
    assert view["has_gaps"] == any(lane["gaps"] for lane in view["lanes"])
    # one glyph per kind, and no two kinds share one: shape tells kinds apart as well as colour
    glyphs = {entry["label"]: entry["glyph"] for entry in view["legend"]}
    assert len(set(glyphs.values())) == len(glyphs)
    assert len({glyph(slot, 0, 0) for slot in range(10)}) == 10


@pytest.mark.parametrize(("first", "last", "label"), [
    ("2022-02-01", "2022-02-28", "février 2022"),  # a whole month, February's end found by the calendar
    ("2024-02-01", "2024-02-29", "février 2024"),  # a leap year's
    ("2022-12-01", "2023-02-28", "hiver 2022"),  # a winter runs into the next year
    ("2023-12-01", "2024-02-29", "hiver 2023"),  # and ends on a leap day
    ("2022-06-01", "2022-08-31", "été 2022"),
    ("2022-01-01", "2022-12-31", "2022"),
])
def test_a_calendar_unit_is_named_as_such(first: str, last: str, label: str) -> None:
    """A range that is exactly a month, a season or a year reads as that unit, not as a rounded middle."""
    named = moment(datetime.date.fromisoformat(first), datetime.date.fromisoformat(last))
    assert named.text() == label and not named.rounded
