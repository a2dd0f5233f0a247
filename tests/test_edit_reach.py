"""What an edit changes: the pages that show what was edited, and no other.

A page whose plan is unchanged is not rendered again after an edit (``chronicle.incremental``);
these tests hold that a new event reaches only the pages a reader would expect to see it on,
and that a page does not move because of another record's edit (a channel's strip because
another channel got an event, an actor's page because a channel it lists did).
"""

from __future__ import annotations

import itertools
import re
import textwrap
from pathlib import Path
from typing import Any

from chronicle import urls
from chronicle.model import Chronology, Event
from chronicle.pipeline import plan_content
from chronicle.plan import Page
from tests.conftest import make_project

NEW_EVENT = "2022-04-10-declaration-milley"
EVENT_FILE = """
    title: Déclaration de Milley sur la ligne militaire
    date: 2022-04-10
    date_basis: explicit
    kind: statement
    channels: [chefs-etat-major]
    actors: [mark-milley]
    summary: Un exemple d'événement ajouté sur un canal.
    citations:
      - source: cnn-2022-05-13
        quote: Nous n’avons cessé d’essayer
    """


def add_event(root: Path) -> None:
    (root / "content" / "events" / f"{NEW_EVENT}.yaml").write_text(textwrap.dedent(EVENT_FILE), encoding="utf-8")


def planned(root: Path) -> tuple[Chronology, dict[str, Page]]:
    plan = plan_content(root)
    return plan.chronology, {page.url: page for page in plan.pages}


def neighbours(event: Event, chronology: Chronology) -> set[str]:
    """The events whose pages link to ``event`` as the one before or after, in the chronology, on its
    channels or among its actors' events."""
    sequences = [chronology.events, *(chronology.by_channel[c] for c in event.channels),
                 *(chronology.by_actor[a] for a in event.actors)]
    found = set()
    for sequence in sequences:
        position = [e.id for e in sequence].index(event.id)
        found |= {e.id for e in sequence[max(position - 1, 0):position + 2]} - {event.id}
    return found


def reasons(event: Event, chronology: Chronology) -> list[tuple[str, re.Pattern[str]]]:
    """Each kind of page a new event may change, with the URLs it covers: those that show it, count
    it or link to it."""
    def under(*prefixes: str) -> re.Pattern[str]:
        return re.compile("|".join(re.escape(prefix) + ".*" for prefix in prefixes) or "(?!)")

    def exactly(*addresses: str) -> re.Pattern[str]:
        return re.compile("|".join(re.escape(address) for address in addresses))

    sources = dict.fromkeys(citation.source for citation in event.citations)
    return [
        ("its page", under(urls.event_url(event.id))),
        ("its neighbours' pages", exactly(*(urls.event_url(other) for other in neighbours(event, chronology)))),
        ("its actors' pages", under(*(urls.record_url("actor", a) for a in event.actors))),
        ("its channels' pages", under(*(urls.record_url("channel", c) for c in event.channels))),
        ("its sources' pages", under(*(urls.record_url("source", s) for s in sources))),
        ("its year's pages", under(urls.year_url(event.year))),
        ("the home page", exactly(urls.HOME)),
        ("the indexes that count events", exactly(urls.CHANNELS, urls.SOURCES)),
        ("the feed and the sitemap", exactly(urls.FEED, urls.SITEMAP)),
    ]


def changed_pages(before: dict[str, Page], after: dict[str, Page]) -> set[str]:
    return {url for url in before.keys() | after.keys() if before.get(url) != after.get(url)}


def test_a_new_event_changes_only_the_pages_that_show_it(tmp_path: Path) -> None:
    root = make_project(tmp_path)
    _, before = planned(root)
    add_event(root)
    chronology, after = planned(root)
    changed = changed_pages(before, after)
    kinds = reasons(chronology.event(NEW_EVENT), chronology)
    explained = {url: next((name for name, pattern in kinds if pattern.fullmatch(url)), None) for url in changed}
    assert [url for url, why in explained.items() if why is None] == []
    assert set(explained.values()) == {name for name, _ in kinds}  # each kind for a reason: it shows the event
    # the accidents this guards against: another channel's strip moved (its axis scaled with every
    # channel's events), another actor's page differed (it carried the count of a channel it lists)
    for channel in ("austin-choigou", "ligne-deconfliction"):
        assert after[urls.record_url("channel", channel)] == before[urls.record_url("channel", channel)]
    for actor in ("valeri-guerassimov", "charles-brown"):  # both list chefs-etat-major, the new event's channel
        assert after[urls.record_url("actor", actor)] == before[urls.record_url("actor", actor)]


def year_widths(timeline: dict[str, Any]) -> dict[str, float]:
    """The room of each year (or run of years) on a drawn timeline, by its label's full text."""
    majors = sorted((tick["x"], tick["label"]) for tick in timeline["ticks"] if tick["major"])
    return {label: round(x1 - x0, 2) for (x0, label), (x1, _) in itertools.pairwise(majors)}


def test_a_channel_strip_gives_room_to_its_own_events(tmp_path: Path) -> None:
    """The new event's channel's strip draws it; every strip spans the chronology's years and gives
    room to the channel's own busy years: a year with more of its events is wider, years with as
    many (none: busy years of other channels) are as wide."""
    root = make_project(tmp_path)
    _, before = planned(root)
    add_event(root)
    chronology, after = planned(root)
    own = urls.record_url("channel", "chefs-etat-major")
    assert after[own].context["strip"] != before[own].context["strip"]
    drawn = [mark["url"] for lane in after[own].context["strip"]["lanes"] for mark in lane["marks"]]
    assert urls.event_url(NEW_EVENT) in drawn
    years = year_widths(after[urls.HOME].context["timeline"])
    for channel, events in chronology.by_channel.items():
        widths = year_widths(after[urls.record_url("channel", channel)].context["strip"])
        assert list(widths) == list(years)  # the chronology's years, on every strip
        counts = {str(year): sum(event.year == year for event in events) for year in chronology.by_year}
        assert len(set(counts.values())) > 1
        for a, b in itertools.combinations(counts, 2):
            same = abs(widths[a] - widths[b]) <= 0.02  # x rounded to hundredths
            assert same == (counts[a] == counts[b]), (channel, a, b)
            assert same or (widths[a] > widths[b]) == (counts[a] > counts[b]), (channel, a, b)


def test_an_actors_description_plans_again_only_the_parts_that_show_the_actor(tmp_path: Path) -> None:
    """Every searchable page hides the actors' spellings (``Facts.spellings``, given by render): a change to
    an actor's description leaves them as they were, so an edit plans again only the parts that show the actor."""
    root = make_project(tmp_path)
    first = plan_content(root, traced=True)
    actor = root / "content" / "actors" / "lloyd-austin.yaml"
    actor.write_text(actor.read_text(encoding="utf-8").replace("description: ", "description: Désormais, ", 1),
                     encoding="utf-8")
    second = plan_content(root, traced=True, previous=first.trace)
    assert second.planned is not None and ("actor", "lloyd-austin") in second.planned
    chronology = second.chronology
    for key in second.planned:
        if key[0] == "event":
            assert "lloyd-austin" in chronology.event(key[1]).actors, key
    assert {key for key in second.planned if key[0] == "event"} < {("event", e.id) for e in chronology.events}


def test_an_actors_new_alias_plans_again_only_what_shows_it_and_renders_every_searchable_page(
        tmp_path: Path) -> None:
    """Each searchable page hides the spellings of the actors its text names, given by render, not planned
    (``render.render_page``): a new alias plans again only the parts that show the actor (every part was
    planned again: 2.4 s of CPU at 10,000 events), and every searchable page is rendered again, since any
    of them may hold the new spelling."""
    from chronicle.incremental import plan_edit

    root = make_project(tmp_path)
    stages = plan_edit(None, root, None).stages(frozenset())
    actor = root / "content" / "actors" / "lloyd-austin.yaml"
    assert "aliases:" not in actor.read_text(encoding="utf-8")
    actor.write_text(actor.read_text(encoding="utf-8") + "aliases: [Austin junior]\n", encoding="utf-8")
    edit = plan_edit(stages, root, None)
    planned, chronology = edit.plan.planned, edit.plan.chronology
    assert planned is not None and ("actor", "lloyd-austin") in planned
    events = {key[1] for key in planned if key[0] == "event"}
    assert all("lloyd-austin" in chronology.event(event).actors for event in events), events
    assert len(planned) < len(stages.trace.parts if stages.trace else ()) / 2
    searchable = {path for path, page in edit.pages.items() if page.context.get("search_type")}
    assert edit.changed is not None and searchable <= set(edit.changed)
