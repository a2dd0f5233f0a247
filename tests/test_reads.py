"""The plan's recorded reads (chronicle/reads.py): after any edit, planning again only the parts whose
reads changed gives the very pages of a full plan, and a text edit plans again only a few parts."""

from __future__ import annotations

import pickle
import shutil
import sys
from collections.abc import Callable
from dataclasses import fields, is_dataclass, replace
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from chronicle import urls
from chronicle.check import Located
from chronicle.config import Config
from chronicle.derive import Facts, derive_facts
from chronicle.incremental import Stages
from chronicle.model import Chronology, build_model
from chronicle.pipeline import Plan, check_loaded, load_site, passed, plan_site
from chronicle.plan import plan_keys, plan_part
from chronicle.problems import ContentError
from chronicle.reads import (
    ALL,
    CHRONOLOGY_MAPS,
    FACTS_MAPS,
    KEYS,
    Recorder,
    RecordView,
    TracedChronology,
    TracedFacts,
    TracedMapping,
)
from chronicle.replan import Inputs, Trace, plan_traced
from tests.conftest import REPO, make_project
from tests.test_cache import BUILT, UPDATED, build
from tests.test_incremental import WORDS, apply, replace_line

# The edits that reach the plan (a template does not; a broken file stops before it).
KINDS = ("text", "date", "new", "delete", "rename", "actor", "channel", "source", "claim", "site", "describe")
EDITS = st.lists(st.tuples(st.sampled_from(KINDS), st.integers(0, 50), WORDS), min_size=1, max_size=6)


def model(root: Path) -> tuple[Config, Chronology, Located]:
    """The checked settings, model and what the check located, of the project ``root``."""
    config, index, located = passed(check_loaded(load_site(root)))
    return config, build_model(index), located


def planned(root: Path, previous: Plan | None = None, traced: bool = True) -> Plan:
    """The plan of ``root``, from the trace of ``previous`` when given."""
    config, index, located = passed(check_loaded(load_site(root)))
    chronology = build_model(index)
    return plan_site(root, config, index, chronology, derive_facts(chronology, located), traced,
                     previous.trace if previous else None)


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The fixture chronology (claims, aliases, corrections, split years)."""
    return make_project(tmp_path_factory.mktemp("fixture"))


def test_recording_the_reads_changes_no_page(template: Path) -> None:
    """The plan made through the recording views is the plan made without them."""
    assert planned(template).pages == planned(template, traced=False).pages


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(edits=EDITS)
@example(edits=[("text", 2, "a"), ("date", 3, "b"), ("new", 1, "c"), ("delete", 4, "d"), ("rename", 5, "e")])
@example(edits=[("actor", 1, "a"), ("channel", 0, "b"), ("source", 1, "c"), ("claim", 1, "d"), ("site", 0, "e")])
@example(edits=[("date", 0, "a"), ("date", 7, "b"), ("delete", 1, "c"), ("new", 2, "d"), ("date", 9, "e")])
@pytest.mark.parametrize("limit", [urls.LIST_LIMIT, 2], ids=["lists-whole", "lists-split"])
def test_any_sequence_of_edits_plans_a_full_plans_pages(template: Path, tmp_path_factory: pytest.TempPathFactory,
                                                        monkeypatch: pytest.MonkeyPatch, limit: int,
                                                        edits: list[tuple[str, int, str]]) -> None:
    """Random edits of every kind that reaches the plan: after each, the parts planned again from the
    last trace and the pages kept from it are, page for page and in order, a full plan's; with lists of
    two events, the fixture's actors, channels and years are split into years and months."""
    monkeypatch.setattr(urls, "LIST_LIMIT", limit)
    root = tmp_path_factory.mktemp("reads") / "project"
    shutil.copytree(template, root)
    plan = planned(root)
    for step, (kind, number, words) in enumerate(edits):
        apply(root, kind, number, words, step)
        try:
            again = planned(root, plan)
        except ContentError:  # the edit left a problem (a claim's event deleted...): no plan, as a build
            continue
        assert again.pages == planned(root, traced=False).pages, f"{kind}: a full plan's pages"
        plan = again


def renamed(chronology: Chronology, kind: str, record_id: str, name: str) -> Chronology:
    """``chronology`` with one record's name (an event's title) changed, nothing else."""
    if kind == "event":
        events = tuple(replace(e, title=name) if e.id == record_id else e for e in chronology.events)
        by = {field: {key: tuple(replace(e, title=name) if e.id == record_id else e for e in group)
                      for key, group in getattr(chronology, field).items()}
              for field in ("by_actor", "by_channel", "by_source", "by_year")}
        return replace(chronology, events=events, **by, summaries={})
    records = getattr(chronology, f"{kind}s")
    changed = {**records, record_id: replace(records[record_id], name=name)}
    return replace(chronology, **{f"{kind}s": changed}, summaries={})


@pytest.mark.parametrize(("kind", "record_id"), [("event", "2022-02-18-appel-austin-choigou"),
                                                  ("actor", "lloyd-austin"), ("channel", "austin-choigou")])
def test_every_part_that_shows_a_changed_name_is_planned_again(template: Path, kind: str, record_id: str) -> None:
    """A name changed in the model alone (no file read again, the facts as they were): every part whose
    pages show it is planned again. A read the views missed would leave one of them showing the old one."""
    config, chronology, located = model(template)
    facts = derive_facts(chronology, located)
    config = replace(config, history=planned(template).config.history)
    trace, _ = plan_traced(Inputs(chronology, facts, config), plan_keys(chronology), plan_part)
    name = "Nom changé à dessein"
    changed = renamed(chronology, kind, record_id, name)
    again, todo = plan_traced(Inputs(changed, derive_facts(changed, located), config), plan_keys(changed),
                              plan_part, trace)
    showing = {key for key, pages in again.parts.items() if any(name in repr(page.context) for page in pages)}
    assert showing, "the name shows somewhere"
    assert showing <= set(todo), "every part showing the new name was planned again"
    assert len(todo) < len(trace.parts), "not every part"


@pytest.mark.parametrize(("kind", "kept"), [("actor", True), ("channel", False)])
def test_a_channel_page_planned_again_keeps_its_timeline_unless_what_it_draws_changed(
        template: Path, kind: str, kept: bool) -> None:
    """An actor's new name shows in a channel's lists, not in its timeline (whose marks name the events, and
    the actors only by id): the channel's page is planned again, its timeline kept as drawn (the very
    object: ``plan.drawn``). The channel's own new name is in its timeline's label: drawn again. Either
    way, the pages are a full plan's."""
    config, chronology, located = model(template)
    facts = derive_facts(chronology, located)
    config = replace(config, history=planned(template).config.history)
    trace, _ = plan_traced(Inputs(chronology, facts, config), plan_keys(chronology), plan_part)
    channel = ("channel", "austin-choigou")
    assert any("lloyd-austin" in event.actors for event in chronology.by_channel["austin-choigou"])
    changed = renamed(chronology, kind, "lloyd-austin" if kind == "actor" else "austin-choigou", "Nom changé")
    again, todo = plan_traced(Inputs(changed, derive_facts(changed, located), config), plan_keys(changed),
                              plan_part, trace)
    assert channel in todo
    before, after = trace.parts[channel][0].context["strip"], again.parts[channel][0].context["strip"]
    assert (after is before) == kept
    fresh, _ = plan_traced(Inputs(replace(changed, summaries={}), derive_facts(changed, located), config),
                           plan_keys(changed), plan_part)
    assert again.parts == fresh.parts


@pytest.mark.parametrize(("kind", "record_id"), [("actor", "lloyd-austin"), ("channel", "austin-choigou")])
def test_a_description_edit_plans_again_only_the_records_own_parts(template: Path, kind: str,
                                                                    record_id: str) -> None:
    """An actor's or a channel's description changed in the model alone: the pages that show only its name
    (its events', the home page, the other records') read the name, not the description, and are kept; only
    its own page and the index of its kind (which shows the descriptions) are planned again, as in a full plan."""
    config, chronology, located = model(template)
    facts = derive_facts(chronology, located)
    config = replace(config, history=planned(template).config.history)
    trace, _ = plan_traced(Inputs(chronology, facts, config), plan_keys(chronology), plan_part)
    records = getattr(chronology, f"{kind}s")
    described = replace(records[record_id], description="Une description changée à dessein.")
    changed = replace(chronology, **{f"{kind}s": {**records, record_id: described}}, summaries={})
    again, todo = plan_traced(Inputs(changed, derive_facts(changed, located), config), plan_keys(changed),
                              plan_part, trace)
    assert set(todo) == {(kind, record_id), (f"{kind}s", "")}
    fresh, _ = plan_traced(Inputs(replace(changed, summaries={}), derive_facts(changed, located), config),
                           plan_keys(changed), plan_part)
    assert again.parts == fresh.parts


def test_no_page_holds_a_record_read_field_by_field(template: Path) -> None:
    """Plan code hands a record's fields to the pages, never the recording view of the record: a page
    holding one would be rendered from fields no part's reads hold (and go stale after an edit)."""
    trace = planned(template).trace
    assert trace is not None

    def views(value: object) -> int:
        if isinstance(value, dict):
            return sum(views(v) for v in (*value.keys(), *value.values()))
        if isinstance(value, list | tuple | set | frozenset):
            return sum(views(v) for v in value)
        if type(value) is RecordView:
            return 1
        return views(vars(value)) if is_dataclass(value) and not isinstance(value, type) else 0

    assert sum(views(page.context) for pages in trace.parts.values() for page in pages) == 0


def test_the_reads_of_an_events_page_are_its_own(template: Path) -> None:
    """An event's page reads its event, its neighbours and its claims by key, not the whole chronology."""
    trace = planned(template).trace
    assert trace is not None
    event_id = "2022-02-18-appel-austin-choigou"
    reads = trace.reads[("event", event_id)]
    assert {("event", event_id), ("neighbours", event_id, None), ("claims_of_event", event_id)} <= reads
    assert ("events",) not in reads and ("claim_checks",) not in reads


def test_the_index_of_readers_holds_every_read_of_every_part(template: Path, tmp_path: Path) -> None:
    """After edits that add, move and rename records, each cell a part reads leads back to that part in the
    index an edit finds the parts to plan again by (``Trace.readers``); the saved trace leaves it out and
    makes it again from its reads."""
    root = tmp_path / "project"
    shutil.copytree(template, root)
    plan = planned(root)
    for step, (kind, number) in enumerate([("text", 2), ("new", 1), ("date", 3), ("rename", 5), ("actor", 1)]):
        apply(root, kind, number, "mot", step)
        plan = planned(root, plan)
        assert plan.trace is not None
        index = plan.trace.readers()
        missing = [(key, cell) for key, cells in plan.trace.reads.items() for cell in cells
                   if key not in index.get(cell, ())]
        assert not missing, f"{kind}: reads the index does not lead back to: {missing[:3]}"
    saved = pickle.loads(pickle.dumps(plan.trace))
    assert saved.index is None
    remade = saved.readers()
    assert remade == {cell: {key for key, cells in saved.reads.items() if cell in cells} for cell in remade}
    assert set(remade) == {cell for cells in saved.reads.values() for cell in cells}


@pytest.fixture(scope="module")
def thousand(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The synthetic chronology of the benchmarks, 1,000 events."""
    sys.path.insert(0, str(REPO / "bench"))
    from generate import generate  # type: ignore[import-not-found]

    root = tmp_path_factory.mktemp("bench") / "project"
    generate(root, 1000)
    return root


def test_a_text_edit_plans_again_only_a_few_parts(thousand: Path) -> None:
    """At 1,000 events, an event's title: its page and the few beside it that link to it, its year, its
    actors, channels and source, the home and site pages (and, for now, every channel's page, whose
    strip reads the whole chronology): a part in forty of the site, the rest kept as it was."""
    plan = planned(thousand)
    event = sorted((thousand / "content" / "events").glob("*.yaml"))[500]
    replace_line(event, "title", '"Un titre corrigé"')
    again = planned(thousand, plan)
    assert again.planned is not None and again.trace is not None
    assert ("event", event.stem) in again.planned
    events = [key for key in again.planned if key[0] == "event"]
    assert len(events) <= 12, f"{len(events)} event pages planned again"
    count = len(again.planned)
    assert count < len(again.trace.parts) / 40, f"{count} of {len(again.trace.parts)} parts planned again"
    assert again.pages == planned(thousand, traced=False).pages


def saved_trace(root: Path) -> Trace | None:
    """The trace in the stages the last command-line build saved (its header line skipped)."""
    with (root / ".chronicle-cache" / "stages.pickle").open("rb") as file:
        file.readline()
        stages = pickle.load(file)
    assert isinstance(stages, Stages)
    return stages.trace


def test_the_command_lines_saved_stages_keep_the_trace(tmp_path: Path) -> None:
    """A clean command-line build saves what each part read, and so does the edit after it: the next
    edit starts from them and plans only what it touches."""
    root = make_project(tmp_path)
    assert build(root).startswith(BUILT)
    trace = saved_trace(root)
    assert trace is not None and set(trace.parts) == set(plan_keys(trace.inputs.chronology))
    replace_line(root / "content" / "events" / "2022-02-18-appel-austin-choigou.yaml", "title", '"Titre revu"')
    assert build(root).startswith(UPDATED)
    after = saved_trace(root)
    assert after is not None and after.inputs.chronology.event("2022-02-18-appel-austin-choigou").title == "Titre revu"


def test_a_source_whose_passages_split_moves_every_citing_events_links(template: Path, tmp_path: Path,
                                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    """Events' pages read whether their sources are split (``Facts.split_sources``, a cell of its own, not
    the count of citing events): a new citing event that splits a source plans every citing event's page
    again, its links now to a year."""
    root = tmp_path / "project"
    shutil.copytree(template, root)
    plan = planned(root)
    copied = sorted((root / "content" / "events").glob("*.yaml"))[3]
    source = plan.chronology.event(copied.stem).citations[0].source
    citing = plan.chronology.by_source[source]
    monkeypatch.setattr(urls, "LIST_LIMIT", len(citing))  # one more citing event splits it
    plan = planned(root)
    apply(root, "new", 3, "x", 0)
    again = planned(root, plan)
    assert again.planned is not None
    assert {("event", event.id) for event in citing} <= set(again.planned)
    assert again.pages == planned(root, traced=False).pages


def test_every_field_of_the_model_and_the_facts_is_read_through_the_views() -> None:
    """A field the views do not know would be read unrecorded, and its pages left stale after an edit:
    a field added to ``Chronology`` or ``Facts`` must be added to ``chronicle.reads`` too."""
    traced = {*CHRONOLOGY_MAPS, *FACTS_MAPS, "events", "years", "summaries", "figures", "claim_checks", "spellings"}
    assert {f.name for f in (*fields(Chronology), *fields(Facts))} <= traced
    assert {name for name in traced - set(CHRONOLOGY_MAPS) - set(FACTS_MAPS)} <= \
        {name for name, value in {**vars(TracedChronology), **vars(TracedFacts)}.items() if isinstance(value, property)}


def test_new_settings_plan_every_part_again_and_share_nothing_made_before(template: Path) -> None:
    """A kind's label changed in the settings (``site.yaml``): every page plans again, and the events'
    lines in lists, made once and shared by the parts, are made again too, the new label in them."""
    config, chronology, located = model(template)
    facts = derive_facts(chronology, located)
    config = replace(config, history=planned(template).config.history)
    trace, _ = plan_traced(Inputs(chronology, facts, config), plan_keys(chronology), plan_part)
    relabelled = replace(config, kinds=tuple(replace(kind, label=f"{kind.label} (revu)") for kind in config.kinds))
    again, todo = plan_traced(Inputs(chronology, facts, relabelled), plan_keys(chronology), plan_part, trace)
    assert set(todo) == set(again.parts)
    fresh, _ = plan_traced(Inputs(replace(chronology, summaries={}), facts, relabelled), plan_keys(chronology),
                           plan_part)
    assert again.parts == fresh.parts


def test_each_use_of_a_recorded_mapping_or_sequence_leaves_its_cell() -> None:
    """A lookup reads the key, a walk the keys, a count of a record's events only its count, anything
    else done with the events (a slice, a comparison, a sum) all of them."""
    recorder = Recorder()
    events = TracedMapping({"a": (1, 2), "b": (3,)}, "by_actor", recorder)

    def reads(use: Callable[[], object]) -> set[tuple[object, ...]]:
        recorder.cells = set()
        use()
        return recorder.cells

    assert reads(lambda: len(events["a"])) == {("by_actor.len", "a")}
    assert reads(lambda: events.get("z", ())) == {("by_actor", "z")}
    assert reads(lambda: list(events)) == {("by_actor", KEYS)}
    assert reads(lambda: list(events.items())) == {("by_actor", ALL)}
    for use in (lambda: events["a"][-1:], lambda: events["a"] == (1, 2), lambda: events["a"] + (4,),
                lambda: 2 in events["a"], lambda: list(reversed(events["a"]))):
        assert reads(use) == {("by_actor", "a")}
