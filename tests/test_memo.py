"""The incremental path's memory (chronicle/memo.py): the stages before the plan, run again after an
edit with what the last run remembered, report what a clean check reports and make the same model;
a file is read again whenever it may have changed, and the memory neither grows nor breaks on pickling."""

from __future__ import annotations

import os
import pickle
from pathlib import Path

import pytest

import chronicle.load
from chronicle.memo import Memo
from chronicle.pipeline import Plan, check_site, plan_content
from chronicle.problems import ContentError, Problem
from tests.conftest import make_project

EVENT = "content/events/2022-02-18-appel-austin-choigou.yaml"
SOURCE_TEXT = "content/sources/cnn-2022-05-13.txt"


def run(root: Path, memo: Memo) -> Plan | list[Problem]:
    """The stages up to the plan with ``memo``: the plan, or the problems they stop at."""
    try:
        return plan_content(root, None, memo)
    except ContentError as error:
        return error.problems


def clean(root: Path) -> Plan | list[Problem]:
    """The same, from nothing remembered."""
    return run(root, Memo())


def cited_passage(root: Path) -> str:
    """A passage of ``SOURCE_TEXT`` that an event quotes."""
    plan = clean(root)
    assert isinstance(plan, Plan)
    return next(citation.quote for event in plan.chronology.events for citation in event.citations
                if citation.source == "cnn-2022-05-13")


def test_a_source_text_edited_under_a_quote_is_reported_as_a_clean_check_reports_it(tmp_path: Path) -> None:
    root = make_project(tmp_path)
    passage = cited_passage(root)
    memo = Memo()
    assert isinstance(run(root, memo), Plan)
    text = root / SOURCE_TEXT
    original = text.read_text(encoding="utf-8")
    words = passage.split()
    text.write_text(original.replace(words[1], words[1] + "x", 1), encoding="utf-8")  # the quote no longer matches

    memo = Memo(memo)
    found = run(root, memo)
    assert isinstance(found, list) and found == check_site(root).problems
    assert any("passage introuvable" in problem.message for problem in found)

    text.write_text(original.replace(words[1], f"{words[1]} {words[1]}", 1), encoding="utf-8")  # now it is broken
    found = run(root, Memo(memo))  # from the failed run's memory too
    assert found == check_site(root).problems

    text.write_text(original, encoding="utf-8")
    assert isinstance(run(root, Memo(memo)), Plan)


def test_a_quote_found_once_and_then_twice_is_reported(tmp_path: Path) -> None:
    root = make_project(tmp_path)
    passage = cited_passage(root)
    memo = Memo()
    run(root, memo)
    text = root / SOURCE_TEXT
    text.write_text(text.read_text(encoding="utf-8") + f"\n{passage}\n", encoding="utf-8")
    found = run(root, Memo(memo))
    assert isinstance(found, list) and found == check_site(root).problems
    assert any("apparaît 2 fois" in problem.message for problem in found)


def rewrite_in_place(path: Path, old: str, new: str) -> None:
    """Change ``path``'s bytes keeping its size, inode and modification time: only its change time (to
    the kernel's tick, which may be the same as the last write's) tells them apart."""
    data = path.read_bytes()
    assert len(old.encode()) == len(new.encode()) and old.encode() in data
    info = path.stat()
    with path.open("r+b") as file:
        file.write(data.replace(old.encode(), new.encode(), 1))
    os.utime(path, ns=(info.st_atime_ns, info.st_mtime_ns))
    assert path.stat().st_size == info.st_size and path.stat().st_mtime_ns == info.st_mtime_ns


def title_of(plan: Plan | list[Problem], event_id: str) -> str:
    assert isinstance(plan, Plan), plan
    return plan.chronology.event(event_id).title


def test_a_record_rewritten_with_the_same_size_and_time_is_read_again(tmp_path: Path,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """Where timestamps are coarse (a kernel tick, seconds on some file systems), two writes of the same
    size leave the same stat signature: a file changed lately is read again, whatever its signature."""
    root = make_project(tmp_path)
    event_id = Path(EVENT).stem
    memo = Memo()
    title = title_of(run(root, memo), event_id)
    rewrite_in_place(root / EVENT, title[:4], "ABCD")
    memo = Memo(memo)
    assert title_of(run(root, memo), event_id) == "ABCD" + title[4:]
    reads = count_reads(monkeypatch)
    memo = Memo(memo)
    run(root, memo)  # had it been written again within the tick, its signature would be the same
    assert EVENT in reads, "a file changed less than two seconds ago is read again, its signature untrusted"
    rewrite_in_place(root / EVENT, "ABCD", "WXYZ")  # within the same second, same size, same time
    assert title_of(run(root, Memo(memo)), event_id) == "WXYZ" + title[4:]


def count_reads(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The record files ``load`` opens from now on."""
    reads: list[str] = []
    real = chronicle.load._read

    def counted(file: str, where: str) -> tuple[bytes | None, Problem | None]:
        reads.append(where)
        return real(file, where)

    monkeypatch.setattr(chronicle.load, "_read", counted)
    return reads


def test_a_settled_file_is_not_read_again_and_a_changed_one_is(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = make_project(tmp_path)
    monkeypatch.setattr(chronicle.load, "SETTLED_NS", -3600 * 10**9)  # every file's last change looks settled
    reads = count_reads(monkeypatch)
    memo = Memo()
    run(root, memo)
    records = [path for path in reads if path.endswith(".yaml")]
    assert len(records) == len(list((root / "content").glob("*/*.yaml")))
    reads.clear()
    memo = Memo(memo)
    assert isinstance(run(root, memo), Plan)
    assert [path for path in reads if path.endswith(".yaml")] == []
    event = root / EVENT
    event.write_text(event.read_text(encoding="utf-8").replace("title: ", "title: Nouveau ", 1), encoding="utf-8")
    found = run(root, Memo(memo))
    assert [path for path in reads if path.endswith(".yaml")] == [EVENT]
    assert title_of(found, event.stem).startswith("Nouveau ")


def test_unchanged_records_keep_their_model_objects(tmp_path: Path) -> None:
    """What the plan compares (``chronicle.memo``): an edit leaves the other records' Events, actors,
    channels, sources and claims the very objects of the last run."""
    root = make_project(tmp_path)
    memo = Memo()
    before = run(root, memo)
    event = root / EVENT
    event.write_text(event.read_text(encoding="utf-8").replace("title: ", "title: Nouveau ", 1), encoding="utf-8")
    after = run(root, Memo(memo))
    assert isinstance(before, Plan) and isinstance(after, Plan)
    old = {event.id: event for event in before.chronology.events}
    changed = [event.id for event in after.chronology.events if event is not old[event.id]]
    assert changed == [Path(EVENT).stem]
    for field in ("actors", "channels", "sources", "claims"):
        assert all(record is getattr(before.chronology, field)[key]
                   for key, record in getattr(after.chronology, field).items())
    assert after.chronology == clean(root).chronology


def test_the_memo_keeps_only_the_latest_run(tmp_path: Path) -> None:
    root = make_project(tmp_path)
    memo = Memo()
    run(root, memo)
    sizes = memo.sizes()
    event = root / EVENT
    added = event.with_name("2022-04-01-nouveau.yaml")
    added.write_text(event.read_text(encoding="utf-8").replace("aliases:", "ancien_aliases:"), encoding="utf-8")
    memo = Memo(memo)
    run(root, memo)
    assert memo.sizes()["record"] == sizes["record"] + 1
    added.unlink()
    for _ in range(3):
        memo = Memo(memo)
        run(root, memo)
        memo.settle()
    assert memo.sizes() == sizes
    assert isinstance(run(root, Memo(memo)), Plan)  # a settled memo is drawn on as any other


def test_the_memo_survives_pickling_as_the_command_line_saves_it(tmp_path: Path,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    root = make_project(tmp_path)
    memo = Memo()
    before = run(root, memo)
    saved = pickle.loads(pickle.dumps(memo, protocol=pickle.HIGHEST_PROTOCOL))
    parsed: list[str] = []
    real = chronicle.load.parse_record
    monkeypatch.setattr(chronicle.load, "parse_record",
                        lambda path, data, kind: parsed.append(path) or real(path, data, kind))
    event = root / EVENT
    event.write_text(event.read_text(encoding="utf-8").replace("title: ", "title: Nouveau ", 1), encoding="utf-8")
    after = run(root, Memo(saved))
    assert parsed == [EVENT], "only the edited file is parsed again"
    assert isinstance(before, Plan) and isinstance(after, Plan)
    assert after.chronology == clean(root).chronology and after.pages == clean(root).pages  # type: ignore[union-attr]
