"""Time parsing 10,000 varied EDTF strings: the ``edtf`` package against chronicle.dates.

Run from the repository root: ``python bench/bench_dates.py [count]``. Prints the timings
and how often the two disagree on the range (earliest day, latest day) of a date.
"""

from __future__ import annotations

import datetime
import random
import sys
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

Range = tuple[datetime.date | None, datetime.date | None]


def make_samples(count: int, seed: int = 2024) -> list[tuple[str, str]]:
    """``count`` (category, EDTF string) pairs mixing every supported form."""
    rng = random.Random(seed)

    def day() -> str:
        return datetime.date.fromordinal(rng.randint(730000, 740000)).isoformat()

    def month() -> str:
        return day()[:7]

    def point() -> str:
        return rng.choice([day, day, month, lambda: day()[:4]])()

    def interval() -> str:
        first, second = sorted([point(), point()])
        return f"{first}/{second}"

    makers: dict[str, Callable[[], str]] = {
        "day": day,
        "month": month,
        "year": lambda: day()[:4],
        "qualified": lambda: point() + rng.choice("?~%"),
        "unspecified": lambda: rng.choice(
            [day()[:3] + "X", day()[:7] + "-XX", day()[:4] + "-XX", day()[:2] + "XX"]
        ),
        "season": lambda: f"{day()[:4]}-{rng.randint(21, 24)}",
        "interval": interval,
        "open/unknown": lambda: rng.choice([f"{point()}/..", f"../{point()}", f"{point()}/", f"/{point()}"]),
    }
    weights = [30, 15, 10, 10, 5, 5, 15, 10]
    names = rng.choices(list(makers), weights=weights, k=count)
    return [(name, makers[name]()) for name in names]


def parse_with_edtf(text: str) -> Range:
    """Range of a date according to the ``edtf`` package."""
    import edtf

    parsed = edtf.parse_edtf(text)
    low, high = parsed.lower_strict(), parsed.upper_strict()
    return edtf.struct_time_to_date(low), edtf.struct_time_to_date(high)


def parse_with_chronicle(text: str) -> Range:
    """Range of a date according to chronicle.dates."""
    from chronicle.dates import parse_edtf

    parsed = parse_edtf(text)
    return parsed.start, parsed.end


def timed(parse: Callable[[str], Range], texts: list[str]) -> tuple[float, dict[str, Range]]:
    """Seconds to parse every text (printed), and the ranges (failures left out)."""
    ranges: dict[str, Range] = {}
    started = time.perf_counter()
    for text in texts:
        try:
            ranges[text] = parse(text)
        except Exception:  # a failure is a figure here, not a crash
            continue
    return time.perf_counter() - started, ranges


def report(label: str, seconds: float, texts: list[str], ranges: dict[str, Range]) -> None:
    """One line of figures."""
    per_call = seconds / len(texts) * 1e6
    ok = sum(text in ranges for text in texts)
    print(f"{label:<38} {seconds * 1000:9.1f} ms  {per_call:8.1f} µs/date  {ok}/{len(texts)} parsed")


def check_rejections() -> None:
    """Which invalid dates each parser accepts (it should reject them all)."""
    from chronicle.dates import DateError, parse_edtf

    invalid = ["2022-11-29/2022-03-01", "1985-04-12T23:20:30", "2022-02-30", "2022-13"]
    for text in invalid:
        try:
            theirs = f"accepted as {parse_with_edtf(text)}"
        except Exception as error:  # any exception is a rejection
            theirs = f"rejected ({type(error).__name__})"
        try:
            parse_edtf(text)
            ours = "accepted"
        except DateError:
            ours = "rejected"
        print(f"  {text:<24} edtf: {theirs}; chronicle.dates: {ours}")


def main(count: int = 10_000) -> None:
    """Time both parsers on ``count`` dates and compare their ranges."""
    from chronicle.dates import _split, parse_edtf

    samples = make_samples(count)
    texts = [text for _, text in samples]
    print(f"{count} dates, {len(set(texts))} distinct; Python {sys.version.split()[0]}")
    seconds, theirs = timed(parse_with_edtf, texts)
    report("edtf 5.0.2 (parse + lower/upper_strict)", seconds, texts, theirs)
    for label in ("chronicle.dates, cold cache", "chronicle.dates, warm cache"):
        if "cold" in label:
            parse_edtf.cache_clear()
            _split.cache_clear()
        seconds, ours = timed(parse_with_chronicle, texts)
        report(label, seconds, texts, ours)
    failed: Counter[str] = Counter()
    differ: dict[str, list[str]] = {}
    for category, text in samples:
        if text not in theirs:
            failed[category] += 1
        elif theirs[text] != ours[text]:
            differ.setdefault(category, []).append(text)
    print("edtf raised on:", dict(failed) or "nothing")
    for category, texts in differ.items():
        text = texts[0]
        print(f"edtf range differs on {len(texts)} {category}, e.g. {text}:", end=" ")
        print(f"edtf {theirs[text]} vs chronicle.dates {ours[text]}")
    print("invalid dates:")
    check_rejections()


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 10_000)
