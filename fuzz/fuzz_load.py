"""Fuzz the loader: any bytes as a record file give a record or problems, never an exception.

    python fuzz/fuzz_load.py fuzz/corpus/load -max_total_time=600      # see fuzz/README.md
"""

from __future__ import annotations

import sys
from pathlib import Path

import atheris

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run as a script from anywhere
with atheris.instrument_imports():
    from chronicle.load import RawRecord, parse_record
    from chronicle.problems import Problem

PATH = "content/events/fuzz.yaml"


def check_strings(value: object) -> None:
    """Every scalar of a loaded record is a string (or None), every key a string."""
    if isinstance(value, dict):
        for key, item in value.items():
            assert isinstance(key, str), key
            check_strings(item)
    elif isinstance(value, list):
        for item in value:
            check_strings(item)
    else:
        assert value is None or isinstance(value, str), value


def test_one_input(data: bytes) -> None:
    record, problems = parse_record(PATH, data, "event")
    assert record is not None or problems, "neither a record nor a problem"
    assert record is None or isinstance(record, RawRecord)
    for problem in problems:
        assert isinstance(problem, Problem) and problem.path == PATH and problem.message
        assert problem.line >= 0 and problem.column >= 0
        problem.format().encode("utf-8")  # printable: no lone surrogate
    if record is not None:
        check_strings(record.data)


def main() -> None:
    atheris.Setup(sys.argv, test_one_input)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
