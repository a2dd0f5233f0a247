"""The timeline's geometry: lanes, marks, silences and an axis that gives dense years room."""

from __future__ import annotations

import datetime
import itertools
from pathlib import Path

import pytest

from chronicle.derive import derive_facts
from chronicle.model import Chronology, build_model
from chronicle.pipeline import check_site
from chronicle.timeline import MARGIN, WIDTH, build_timeline, make_scale, make_segments
from tests.conftest import FIXTURE, make_project


@pytest.fixture(scope="module")
def chronology() -> Chronology:
    checked = check_site(FIXTURE)
    assert checked.index is not None and not checked.problems
    return build_model(checked.index)


def test_one_lane_per_channel_then_events_on_no_channel(chronology: Chronology) -> None:
    timeline = build_timeline(chronology, derive_facts(chronology).silences)
    lanes = [lane.channel for lane in timeline.lanes]
    assert set(lanes[:-1]) == set(chronology.channels) and lanes[-1] is None
    assert all(b.top - a.top == timeline.lanes[1].top - timeline.lanes[0].top
               for a, b in itertools.pairwise(timeline.lanes))
    assert timeline.axis_y == timeline.lanes[-1].top + (timeline.lanes[1].top - timeline.lanes[0].top)
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
    timeline = build_timeline(chronology, derive_facts(chronology).silences)
    assert len(make_scale(chronology).segments) == 7  # 285, 286-2021, 2022, 2023, 2024, 2025-9998, 9999
    assert len(timeline.ticks) < 100
    bar = next(m for lane in timeline.lanes for m in lane.marks if m.event.id == "2021-contacts-repetes")
    assert (bar.x, bar.x + bar.width) == pytest.approx((MARGIN, WIDTH - MARGIN), abs=0.02)
    labels = [tick.label for tick in timeline.ticks if tick.major]
    assert "2016" not in labels and any("–" in label for label in labels)


def test_a_day_is_a_dot_and_a_vaguer_date_a_bar_over_its_range(chronology: Chronology) -> None:
    timeline = build_timeline(chronology, {})
    marks = {m.event.id: m for lane in timeline.lanes for m in lane.marks}
    scale = make_scale(chronology)
    assert marks["2022-05-13-appel-austin-choigou"].width == 0
    interval = marks["2022-03-01-2022-05-13-tests-ligne"]
    assert interval.x == pytest.approx(scale.x(datetime.date(2022, 3, 1)), abs=0.01)
    assert interval.x + interval.width == pytest.approx(scale.x(datetime.date(2022, 5, 14)), abs=0.02)
    month = marks["2023-10-brown-prend-ses-fonctions"]
    assert month.width == pytest.approx(scale.x(datetime.date(2023, 11, 1)) - scale.x(datetime.date(2023, 10, 1)),
                                        abs=0.02)
    for lane in timeline.lanes:  # bars are drawn first: a dot is never hidden under one
        widths = [m.width for m in lane.marks]
        assert widths == sorted(widths, reverse=True)


def test_each_silence_is_drawn_between_its_contacts_with_its_length(chronology: Chronology) -> None:
    facts = derive_facts(chronology)
    timeline = build_timeline(chronology, facts.silences)
    lane = next(lane for lane in timeline.lanes if lane.channel == "austin-choigou")
    (gap,) = lane.gaps
    scale = make_scale(chronology)
    assert gap.label == "84 jours"
    assert gap.x1 == pytest.approx(scale.x(datetime.date(2022, 2, 19)), abs=0.01)
    assert gap.x2 == pytest.approx(scale.x(datetime.date(2022, 5, 13)), abs=0.01)
    assert gap.x1 < gap.label_x < gap.x2


def test_a_strip_for_one_channel(chronology: Chronology) -> None:
    strip = build_timeline(chronology, derive_facts(chronology).silences, ["chefs-etat-major"])
    assert [lane.channel for lane in strip.lanes] == ["chefs-etat-major"]
    assert strip.lanes[0].gaps[0].label == "1020 jours"  # 11 February 2022 to 27 November 2024
    assert strip.height < build_timeline(chronology, {}).height


def test_crowded_silence_labels_never_overlap(tmp_path: Path) -> None:
    events = {}
    for day in range(1, 28, 2):  # a call every other day: many short silences side by side
        events[f"content/events/2022-06-{day:02d}-appel.yaml"] = f"""
            title: Appel du {day} juin
            date: 2022-06-{day:02d}
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
    lane = build_timeline(chronology, derive_facts(chronology).silences, ["austin-choigou"]).lanes[0]
    shown = [g for g in lane.gaps if g.label]
    assert len(lane.gaps) >= 14 and 0 < len(shown) < len(lane.gaps)
    for row in {g.label_y for g in shown}:
        spans = sorted((g.label_x - len(g.label) * 3.2, g.label_x + len(g.label) * 3.2)
                       for g in shown if g.label_y == row)
        assert all(a[1] < b[0] for a, b in itertools.pairwise(spans))


def test_an_empty_chronology_still_has_an_axis(tmp_path: Path) -> None:
    chronology = Chronology(events=(), actors={}, channels={}, sources={}, claims={})
    timeline = build_timeline(chronology, {})
    assert timeline.lanes == () and timeline.ticks and timeline.height > 0
