"""Fuzz the checker and every later stage: one fuzzed record among the fixture chronology.

The first byte picks the kind of record (event, actor, channel, source, claim), the rest is
its YAML. The record goes through load and check with the fixture's other records; when
the check finds nothing, the model, the derived facts, the plan and the rendering of every
page run too. Problems are the expected outcome; any exception is a crash.

    python fuzz/fuzz_check.py fuzz/corpus/check -max_total_time=600    # see fuzz/README.md
"""

from __future__ import annotations

import atexit
import shutil
import sys
import tempfile
from dataclasses import replace
from pathlib import Path

import atheris

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run as a script from anywhere
with atheris.instrument_imports():
    from chronicle.check import check_content
    from chronicle.config import load_config
    from chronicle.derive import derive_facts
    from chronicle.load import load_content, parse_record
    from chronicle.model import build_model
    from chronicle.plan import DuplicateUrlError, plan_pages
    from chronicle.render import make_environment, render_pages

REPO = Path(__file__).resolve().parents[1]
FIXTURE = REPO / "tests" / "fixtures" / "chronology"
KINDS = ("event", "actor", "channel", "source", "claim")
FOLDERS = {"event": "events", "actor": "actors", "channel": "channels", "source": "sources", "claim": "claims"}
TARGETS = {"event": "2022-05-13-appel-austin-choigou", "actor": "lloyd-austin", "channel": "austin-choigou",
           "source": "cnn-2022-05-13", "claim": "84-jours"}

PROJECT = Path(tempfile.mkdtemp(prefix="fuzz-check-"))  # the fixture's content with the real schema/ beside it:
shutil.copytree(FIXTURE / "content", PROJECT / "content")  # a link to it would be refused (SECURITY.md)
shutil.copytree(REPO / "schema", PROJECT / "schema")
atexit.register(shutil.rmtree, PROJECT, True)
CONFIG, _ = load_config(PROJECT)
RECORDS, _ = load_content(PROJECT)
ENVIRONMENT = make_environment(REPO / "templates")
TEXTS = {record.id: record.text for record in RECORDS if record.kind == "source"}


def build(data: bytes) -> None:
    """Check the fixture with one record replaced by ``data``; render all when it passes."""
    assert CONFIG is not None
    kind = KINDS[data[0] % len(KINDS)] if data else "event"
    record_id = TARGETS[kind]
    path = f"content/{FOLDERS[kind]}/{record_id}.yaml"
    record, loaded = parse_record(path, data[1:], kind)
    if record is not None and kind == "source":
        record = replace(record, text=TEXTS[record_id])
    others = [r for r in RECORDS if (r.kind, r.id) != (kind, record_id)]
    usable = record is not None and not loaded
    index, located, checked = check_content(others + ([record] if usable else []), CONFIG,
                                            broken=[] if usable else [path])
    problems = loaded + checked  # as the pipeline does: any problem stops the build here
    if problems:
        for problem in problems:
            problem.format().encode("utf-8")
        return
    chronology = build_model(index)
    facts = derive_facts(chronology, located)
    try:
        pages = plan_pages(chronology, facts, CONFIG)
    except DuplicateUrlError:
        return
    render_pages(pages, ENVIRONMENT, facts.spellings)


def test_one_input(data: bytes) -> None:
    build(data)


def main() -> None:
    atheris.Setup(sys.argv, test_one_input)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
