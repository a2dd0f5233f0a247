"""Key events called out, and the timeline's narrow form (time running down), on the real chronology
and on made-up ones: what the browser tests measure starts here, as data."""

from __future__ import annotations

import datetime
import itertools
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from chronicle import urls
from chronicle.axis import MONTHS_SHORT, WIDTH, event_days
from chronicle.config import Config, load_config
from chronicle.derive import Facts, derive_facts
from chronicle.figure import timeline_view
from chronicle.model import Chronology, build_model
from chronicle.pipeline import build_files, check_site
from chronicle.plan import longest_silences, tally_target
from chronicle.timeline import SPACING, build_timeline, callout_text, frame_events, key_events
from chronicle.vertical import MONTHLY, range_text
from tests.conftest import FIXTURE, REPO, copy_inputs


def load(root: Path) -> Loaded:
    checked = check_site(root)
    assert checked.index is not None and checked.located is not None and not checked.problems, checked.problems
    config, problems = load_config(root)
    assert config is not None and not problems
    chronology = build_model(checked.index)
    return chronology, config, derive_facts(chronology, checked.located)


Loaded = tuple[Chronology, Config, Facts]


@pytest.fixture(scope="module")
def real() -> Loaded:
    return load(REPO)


def home_view(chronology: Chronology, config: Config, facts: Facts) -> dict[str, Any]:
    timeline = build_timeline(chronology, longest_silences(facts), facts.claims_of_event)
    return timeline_view(timeline, chronology, config, "Frise")


def items(view: dict[str, Any]) -> list[dict[str, Any]]:
    """The narrow form's items, in the order it shows them."""
    return [item for block in view["vertical"]["blocks"] if block["type"] == "year"
            for period in block["periods"] for item in period["items"]]


def test_key_events_are_those_two_claims_or_more_measure_time_around(real: Loaded) -> None:
    chronology, _config, facts = real
    named: dict[str, int] = {}
    for claim in chronology.claims.values():
        for event_id in set(claim.between):
            named[event_id] = named.get(event_id, 0) + 1
    frames = {e.id for e in frame_events(chronology.events, facts.claims_of_event)}
    expected = {event_id for event_id, count in named.items() if count >= 2} - frames
    assert {e.id for e in key_events(chronology.events, facts.claims_of_event)} == expected and len(expected) >= 3
    timeline = build_timeline(chronology, {}, facts.claims_of_event)
    called = [m.event.id for lane in timeline.lanes for m in lane.marks if m.callout]
    assert sorted(called) == sorted(expected)  # each named once, in one lane
    for lane in timeline.lanes:
        for mark in lane.marks:
            if mark.callout:  # the words are the title's, and stay inside the drawing
                assert mark.event.title.startswith(mark.callout.rstrip("…"))
                assert mark.extent[0] >= 0 and mark.extent[1] <= WIDTH
                assert mark.row == 0 or any(other.row == mark.row - 1 and other.callout for other in lane.marks)
        for a, b in itertools.combinations(lane.marks, 2):  # a callout is part of its target: it touches no mark
            assert a.row != b.row or a.extent[1] + SPACING <= b.extent[0] or b.extent[1] + SPACING <= a.extent[0]


def test_a_long_title_is_called_out_up_to_its_first_comma_or_cut_at_a_word(real: Loaded) -> None:
    chronology, _config, _facts = real
    for event in chronology.events:
        text = callout_text(event, limit=30)
        assert len(text) <= 30 and ", " not in text
        assert event.title.startswith(text.removesuffix("…"))
        assert text.endswith("…") or text == event.title.split(", ")[0]


@pytest.mark.parametrize("root", [FIXTURE, REPO], ids=["fixture", "real"])
def test_the_narrow_form_shows_every_drawn_event_once_in_time_order(root: Path) -> None:
    chronology, config, facts = load(root)
    view = home_view(chronology, config, facts)
    shown = items(view)
    drawn = {m["url"] for lane in view["lanes"] for m in lane["marks"]}
    events = [item["url"] for item in shown if item["type"] in ("event", "key", "frame")]
    assert sorted(events) == sorted(drawn)  # each once, though an event may sit in two lanes
    days = [item["t"] for item in shown]
    assert days == sorted(days)
    assert sum(item["type"] == "gap" for item in shown) == sum(len(lane["gaps"]) for lane in view["lanes"])
    # written out: the frames and key events, with the frames' and key events' own words
    assert {item["url"] for item in shown if item["type"] == "key"} == \
        {m["url"] for lane in view["lanes"] for m in lane["marks"] if m["callout"]}
    years = [block for block in view["vertical"]["blocks"] if block["type"] == "year"]
    assert sum(block["count"] for block in years) == len(drawn)


def test_a_busy_year_reads_month_by_month_and_names_its_empty_months(real: Loaded) -> None:
    chronology, config, facts = real
    view = home_view(chronology, config, facts)
    firsts = [event_days(e)[0] for e in chronology.events]
    busy = {day.year for day in firsts if sum(d.year == day.year for d in firsts) > MONTHLY}
    assert busy
    for block in view["vertical"]["blocks"]:
        if block["type"] != "year" or block["year"] not in busy:
            continue
        months = sorted({d.month for d in firsts if d.year == block["year"]})
        labels = [period["label"] for period in block["periods"] if not period["empty"]]
        assert labels[:len(months)] == [MONTHS_SHORT[m - 1] for m in months][:len(labels)]
        empty = [period["label"] for period in block["periods"] if period["empty"]]
        holes = [(a + 1, b - 1) for a, b in itertools.pairwise(months) if b - a > 1]
        assert len(empty) == len(holes)
    # the busiest year is one tap away
    busiest = view["vertical"]["busiest"]
    assert busiest["count"] == max(block["count"] for block in view["vertical"]["blocks"] if block["type"] == "year")
    runs = [block["label"] for block in view["vertical"]["blocks"] if block["type"] == "run"]
    assert all("–" in label or label.isdigit() for label in runs)


def test_a_date_vaguer_than_its_row_says_its_range() -> None:
    day = datetime.date
    assert range_text(day(2022, 5, 14), day(2022, 12, 4), (2022, 5)) == "mai–déc."
    assert range_text(day(2022, 3, 1), day(2022, 5, 13), (2022, 0)) == "mars–mai"
    assert range_text(day(2024, 11, 1), day(2025, 3, 1), (2024, 0)) == "nov. 2024–2025"
    assert range_text(day(2024, 11, 1), day(2025, 3, 1), (2024, 11)) == "nov.–2025"


def test_chips_draw_vague_dates_as_the_wide_figure_does(real: Loaded) -> None:
    chronology, config, facts = real
    view = home_view(chronology, config, facts)
    by_url = {item["url"]: item for item in items(view)}
    for lane in view["lanes"]:
        for mark in lane["marks"]:
            chip = by_url[mark["url"]]
            if mark["band"] is None and not mark["vague"]:  # a known day: a plain glyph on both forms
                assert not chip["range"] and not chip["vague"]
            if chip["range"] or chip["vague"]:  # vague on the narrow form: never a plain day on the wide one
                assert mark["band"] is not None or mark["vague"]


def test_a_large_chronology_reads_down_as_a_bar_per_year(tmp_path: Path) -> None:
    root = tmp_path / "project"  # past DETAIL_LIMIT events, the figure counts them by year
    subprocess.run([sys.executable, str(REPO / "bench" / "generate.py"), "--events", "300", "--out", str(root)],
                   check=True, capture_output=True, timeout=300)
    copy_inputs(root)
    chronology, config, facts = load(root)
    view = home_view(chronology, config, facts)
    vertical = view["vertical"]
    assert view["tallied"] and vertical["tallied"]
    bars = items(view)
    assert bars and all(item["type"] == "tally" and item["url"] for item in bars)
    assert sum(item["count"] for item in bars) == len(chronology.events)  # each event counted once
    assert max(item["share"] for item in bars) == 100
    years = [block["year"] for block in vertical["blocks"] if block["type"] == "year"]
    assert years == sorted(chronology.by_year)
    home = build_files(root)["index.html"].decode()  # the partial renders the bars (it once failed on them)
    assert home.count('class="tlv-note tlv-tally"') == len(bars)


def test_each_year_of_the_narrow_form_leads_to_its_events_in_words(real: Loaded) -> None:
    """A glyph's title is one tap away without a tooltip: each year links to its events written out
    (the year's page from the home figure, the year on the channel's own page from its strip)."""
    chronology, config, facts = real
    years = [block for block in home_view(chronology, config, facts)["vertical"]["blocks"] if block["type"] == "year"]
    assert years and all(block["url"] == urls.year_url(block["year"]) for block in years)
    channel = next(iter(chronology.by_channel))
    strip = build_timeline(chronology, longest_silences(facts), facts.claims_of_event, [channel])
    view = timeline_view(strip, chronology, config, "Activité", False, tally_target(chronology))
    for block in view["vertical"]["blocks"]:
        if block["type"] == "year":
            assert block["url"] in (urls.anchored(urls.record_url("channel", channel), urls.year_anchor(block["year"])),
                                    urls.record_year_url("channel", channel, block["year"]))
