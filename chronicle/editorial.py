"""Editorial checks: the mistakes that would otherwise be published without a word.

Placeholders left by ``build.py new``, an event dated after every source that reports it,
the same event filed twice under two ids, corrections that could not have been made.
Each returns problems, never raises (``check.check_content`` runs them all).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from typing import Any

from chronicle.dates import DateError, EdtfDate, format_day, parse_edtf
from chronicle.memo import Memo
from chronicle.problems import Problem
from chronicle.quotes import normalise

# The texts ``build.py new`` writes for the editor to replace (chronicle/new.py): none may be published.
# (The placeholder ids it writes, IDENTIFIANT-DE-LA-SOURCE, are refused by the schemas' id pattern.)
PLACEHOLDERS = ("RÉSUMEZ ICI", "COLLEZ ICI", "À COMPLÉTER")


def record_texts(value: Any, field: str) -> Iterator[tuple[str, str]]:
    """Every (field, text) of a record's data, lists and mappings walked."""
    if isinstance(value, str):
        yield field, value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from record_texts(item, f"{field}.{key}" if field else str(key))
    elif isinstance(value, list):
        for position, item in enumerate(value):
            yield from record_texts(item, f"{field}.{position}")


def check_placeholders(index: dict[str, dict[str, Any]], problem_at: Any, memo: Memo | None = None) -> list[Problem]:
    """A text ``build.py new`` left to replace ("RÉSUMEZ ICI…") is never published (``memo``: each
    record's problems, remembered by record)."""
    memo = memo or Memo()
    records = [record for records in index.values() for record in records.values()]
    return [problem for found in memo.recall_each("placeholders", records, record_placeholders, problem_at)
            for problem in found]


def record_placeholders(record: Any, problem_at: Any) -> list[Problem]:
    """The texts of one record that ``build.py new`` left to replace."""
    problems: list[Problem] = []
    for field, text in record_texts(record.data, ""):
        found = next((mark for mark in PLACEHOLDERS if mark in text), None)
        if found is not None:
            problems.append(problem_at(record, field, f"texte à remplacer « {_short(text)} » laissé "
                                       "par « build.py new ».",
                                       "Remplacez-le par votre texte."))
    text = getattr(record, "text", None) or ""
    if record.kind == "source" and "COLLEZ ICI" in text:
        line = text.count("\n", 0, text.index("COLLEZ ICI")) + 1
        problems.append(Problem(record.path.removesuffix(".yaml") + ".txt", line, 1, "",
                                "texte à remplacer laissé par « build.py new ».",
                                "Collez-y le texte intégral de l'article, tel qu'il a été publié."))
    return problems


def _short(text: str, limit: int = 50) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit] + "…"


def _date(value: Any) -> EdtfDate | None:
    try:
        return parse_edtf(value) if isinstance(value, str) else None
    except DateError:
        return None


def check_dates_against_sources(index: dict[str, dict[str, Any]], problem_at: Any,
                                memo: Memo | None = None) -> list[Problem]:
    """An event cannot begin after the publication of every source that cites it (``memo``: each event's
    date and sources, remembered by record)."""
    memo = memo or Memo()
    problems: list[Problem] = []
    dates = {source_id: _date(source.data.get("published")) for source_id, source in index["source"].items()}
    events = list(index["event"].values())
    for event, (date, cited) in zip(events, memo.recall_each("dated citations", events, dated_citations), strict=True):
        if date is None:
            continue
        published = [(source_id, dates[source_id]) for source_id in cited if source_id in dates]
        if not published or any(day is None or day.end is None or day.end >= date.start for _, day in published):
            continue
        listed = ", ".join(f"« {source_id} » ({day.display()})" for source_id, day in published if day)
        problems.append(problem_at(event, "date", f"l'événement commence le {format_day(date.start)}, après la "
                                   f"parution de toutes les sources qui le citent : {listed}.",
                                   "Une source ne rapporte pas un fait postérieur : vérifiez la date (l'année "
                                   "surtout) de l'événement ou de la source."))
    return problems


def dated_citations(event: Any) -> tuple[EdtfDate | None, tuple[str, ...]]:
    """An event's date (None when it has no known start) and the ids of the sources it cites."""
    date = _date(event.data.get("date"))
    cited = dict.fromkeys(c.get("source") for c in event.data.get("citations") or [] if isinstance(c, dict))
    return (date if date is not None and date.start is not None else None,
            tuple(source_id for source_id in cited if isinstance(source_id, str)))


def _bucket(event: Any) -> tuple[str, frozenset[str]] | None:
    """The date as written and the actors: two events that share them may be the same fact."""
    date, actors = event.data.get("date"), event.data.get("actors")
    if not isinstance(date, str) or not isinstance(actors, list):
        return None
    return date.strip(), frozenset(a for a in actors if isinstance(a, str))


def _passages(data: dict[str, Any]) -> frozenset[tuple[str, str]]:
    """The cited passages of an event, as quotes are compared (``quotes.normalise``)."""
    return frozenset((c["source"], normalise(c["quote"])) for c in data.get("citations") or []
                     if isinstance(c, dict) and isinstance(c.get("quote"), str) and isinstance(c.get("source"), str))


def check_duplicates(index: dict[str, dict[str, Any]], problem_at: Any, memo: Memo | None = None) -> list[Problem]:
    """The same event copied under a new id (same date, actors and a shared passage) is refused (``memo``:
    each event's date and actors, remembered by record)."""
    memo = memo or Memo()
    buckets: dict[tuple[str, frozenset[str]], list[Any]] = {}
    events = [index["event"][event_id] for event_id in sorted(index["event"])]
    for event, key in zip(events, memo.recall_each("bucket", events, _bucket), strict=True):
        if key is not None:
            buckets.setdefault(key, []).append(event)
    problems: list[Problem] = []
    for events in buckets.values():
        if len(events) < 2:
            continue  # most events share their date and actors with none: no quote to normalise
        seen: list[tuple[Any, frozenset[tuple[str, str]]]] = []
        for event in events:
            passages = _passages(event.data)
            other = next((other for other, theirs in seen if passages & theirs), None)
            if other is not None:
                problems.append(problem_at(event, "", f"cet événement double {other.path} : même date, mêmes "
                                           "acteurs, même passage cité.",
                                           "Si vous avez renommé l'événement, supprimez l'une des deux fiches "
                                           "et mettez son identifiant dans les aliases de l'autre ; sinon "
                                           "distinguez-les (date, acteurs, passage)."))
            seen.append((event, passages))
    return problems


def check_corrections(index: dict[str, dict[str, Any]], problem_at: Any, memo: Memo | None = None,
                      today: datetime.date | None = None) -> list[Problem]:
    """A correction is dated to one known day, not in the future, not before the event it corrects."""
    today = today or datetime.date.today()
    problems: list[Problem] = []
    for event in index["event"].values():
        if not event.data.get("corrections"):
            continue  # most events: their date need not be read
        start = getattr(_date(event.data.get("date")), "start", None)
        for position, correction in enumerate(event.data.get("corrections") or []):
            date = _date(correction.get("date")) if isinstance(correction, dict) else None
            if date is None:
                continue  # no date, or one the schema already refuses
            field = f"corrections.{position}.date"
            hint = "Écrivez le jour de la correction, ex. 2026-12-01."
            if date.interval or date.precision != "day" or date.approximate or date.uncertain:
                problems.append(problem_at(event, field, f"date de correction « {date.text} » imprécise : une "
                                           "correction se date au jour près.", hint))
            elif date.start and date.start > today:
                problems.append(problem_at(event, field, f"date de correction « {date.text} » dans le futur : "
                                           "une correction se date du jour où elle est faite.", hint))
            elif date.end and start and date.end < start:
                problems.append(problem_at(event, field, f"date de correction « {date.text} » antérieure à "
                                           f"l'événement ({format_day(start)}) : on ne corrige pas un fait "
                                           "avant qu'il ait eu lieu.", hint))
    return problems
