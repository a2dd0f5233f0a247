"""References between records as editors write them: old ids, names instead of ids, mistyped dates.

- A claim (or ``possibly_same_as``) naming an event by one of its ``aliases`` resolves to the
  event: renaming an event as CONTRIBUTING says must not break what cites it. The record gets a
  note (not a problem) suggesting the new id.
- An actor written by its name or a spelling ("Guerassimov") gets the id whose name matches.
- A date written "19/10/2022" or "octobre 2022" gets the EDTF form meant ("écrivez 2022-10-19"),
  read by python-dateutil with French month names, day first.
"""

from __future__ import annotations

import datetime
import difflib
import re
import unicodedata
from dataclasses import replace
from functools import cache
from typing import Any, ClassVar

from chronicle.editorial import record_texts
from chronicle.memo import Memo
from chronicle.problems import Problem
from chronicle.quotes import normalise

# Fields whose values are event ids, for each kind of record.
EVENT_REFERENCES = {"claim": ("between",), "event": ("possibly_same_as",)}


def alias_owners(index: dict[str, dict[str, Any]]) -> dict[str, str]:
    """Each event alias -> the id of the event that now carries it (ids themselves excluded)."""
    owners: dict[str, str] = {}
    for event_id, event in index["event"].items():
        for alias in event.data.get("aliases") or []:
            if isinstance(alias, str) and alias not in index["event"]:
                owners.setdefault(alias, event_id)
    return owners


def resolve_aliases(index: dict[str, dict[str, Any]], problem_at: Any) -> None:
    """Rewrite references to an event's former id into its id, in place, each with a note."""
    owners = alias_owners(index)
    if not owners:
        return
    resolve_link_aliases(index, problem_at, owners)
    for kind, fields in EVENT_REFERENCES.items():
        for record_id, record in list(index[kind].items()):
            notes: list[Problem] = []
            data = dict(record.data)
            for field in fields:
                values = data.get(field)
                if not isinstance(values, list):
                    continue
                resolved = [owners.get(value, value) if isinstance(value, str) else value for value in values]
                for position, (old, new) in enumerate(zip(values, resolved, strict=True)):
                    if old != new:
                        notes.append(alias_note(record, problem_at, f"{field}.{position}", old, new))
                data[field] = resolved
            if notes:
                index[kind][record_id] = replace(record, data=data, notes=(*record.notes, *notes))


def alias_note(record: Any, problem_at: Any, field: str, old: str, new: str) -> Problem:
    """The note of a reference through an alias: it works, and the new id is better."""
    return problem_at(record, field, f"« {old} » est un ancien identifiant de l'événement « {new} » (dans "
                      "ses aliases) : la référence fonctionne.", f"Écrivez plutôt {new}.")


def _folded(text: str) -> str:
    """Lower case, no accents, words separated by single spaces: how names are compared."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return " ".join(re.findall(r"[a-z0-9]+", ascii_text.lower()))


def actor_by_name(value: str, actors: dict[str, Any]) -> list[str]:
    """The ids of the actors whose name, aliases or search variants match ``value`` (a whole name or a
    last name): "Guerassimov" and "Valeri Guérassimov" -> valeri-guerassimov."""
    wanted = _folded(value)
    if not wanted:
        return []
    found = []
    for actor_id, actor in sorted(actors.items()):
        names = [actor.data.get("name"), *(actor.data.get("aliases") or []),
                 *(actor.data.get("search_variants") or [])]
        folded = [_folded(name) for name in names if isinstance(name, str)]
        if any(wanted == name or wanted == name.rpartition(" ")[2] for name in folded):
            found.append(actor_id)
    return found


ACTOR_FIELDS = re.compile(r"^(actors\.\d+|initiator|parties\.\d+)$")


def suggest_actor_ids(problems: list[Problem], index: dict[str, dict[str, Any]]) -> list[Problem]:
    """The schema's "identifiant invalide" for an actor written by name gets the id to write."""
    result = []
    for problem in problems:
        value = re.match(r"identifiant « (.+) » invalide", problem.message)
        if value and ACTOR_FIELDS.match(problem.field):
            ids = actor_by_name(value.group(1), index["actor"])
            if ids:
                listed = " ou ".join(ids)
                problem = replace(problem, hint=f"« {value.group(1)} » est un nom : écrivez l'identifiant de "
                                  f"l'acteur, {listed}.")
        result.append(problem)
    return result


MONTHS = ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre",
          "novembre", "décembre")


@cache
def _french() -> Any:
    """dateutil's reader with French month names (with and without accents), day first.

    Imported here: only a date the check refuses needs it.
    """
    from dateutil import parser as date_parser

    class FrenchDates(date_parser.parserinfo):
        MONTHS: ClassVar[list[tuple[str, ...]]] = [
            (month, _folded(month), month[:3], _folded(month)[:4]) for month in MONTHS]
        JUMP: ClassVar[list[str]] = [*date_parser.parserinfo.JUMP, "le", "du", "en", "er"]

    return date_parser, FrenchDates(dayfirst=True)


_DEFAULTS = (datetime.datetime(2000, 1, 1), datetime.datetime(2001, 2, 2))


def edtf_suggestion(text: str) -> str | None:
    """The EDTF form of a date written otherwise ("19/10/2022" -> "2022-10-19", "octobre 2022" ->
    "2022-10"), or None when dateutil cannot read a whole date with a year in it."""
    cleaned = re.sub(r"\b1er\b", "1", text.strip(), flags=re.IGNORECASE)
    about = re.match(r"(vers|environ|autour de)\s+(le\s+)?", cleaned, flags=re.IGNORECASE)
    cleaned = cleaned[about.end():] if about else cleaned
    if not re.search(r"\d{4}", cleaned) or len(cleaned) > 40:
        return None
    year_first = re.match(r"\d{4}\b", cleaned) is not None  # 2022-2-3 is the 3rd of February, not the 2nd of March
    date_parser, french = _french()
    try:
        first, second = (date_parser.parse(cleaned, parserinfo=french, default=default, yearfirst=year_first,
                                           dayfirst=not year_first) for default in _DEFAULTS)
    except (ValueError, OverflowError):
        return None
    suffix = "~" if about else ""
    if first.year != second.year:
        return None
    if first.month != second.month:
        return f"{first.year:04d}{suffix}"
    if first.day != second.day:
        return f"{first.year:04d}-{first.month:02d}{suffix}"
    return first.date().isoformat() + suffix


ELISION = re.compile(r"\[\s*(…|\.\.\.)\s*\]|\(\s*(…|\.\.\.)\s*\)")


def first_difference(quote: str, closest: str) -> str:
    """Where a quote first parts from the closest passage, as a diff would show it, in words:
    "Différence au mot 4 : « parlés » au lieu de « parlé » de la source."."""
    wanted, found = normalise(quote).split(), normalise(closest).split()
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, wanted, found, autojunk=False).get_opcodes():
        if tag == "equal":
            continue
        yours, theirs = " ".join(wanted[i1:i2][:6]), " ".join(found[j1:j2][:6])
        if tag == "delete":
            return f"Différence au mot {i1 + 1} : « {yours} » n'est pas dans la source."
        if tag == "insert":
            return f"Différence au mot {i1 + 1} : la source a ici « {theirs} », absent de votre passage."
        return f"Différence au mot {i1 + 1} : « {yours} » au lieu de « {theirs} » dans la source."
    return "Les mots sont les mêmes : la différence est dans la ponctuation ou les espaces."


# [texte](evenement:ID) in any text of a record (summaries, annotations, notes, descriptions, corrections).
LINK = re.compile(r"\]\(\s*<?(evenement|acteur|canal|source):([^)\s>]*)>?")
LINK_HINT = ("Un lien vers une fiche s'écrit [texte](evenement:IDENTIFIANT), de même avec acteur:, canal: ou "
             "source:, suivi de l'identifiant (le nom du fichier sans .yaml).")


def _rewritten(value: Any, field: str, owners: dict[str, str], found: list[tuple[str, str, str]]) -> Any:
    """``value`` with every link to an event alias pointing to the event's id; ``found`` gets each change."""
    if isinstance(value, str) and "evenement:" in value:
        def swap(match: re.Match[str]) -> str:
            if match.group(1) != "evenement" or match.group(2) not in owners:
                return match.group(0)
            found.append((field, match.group(2), owners[match.group(2)]))
            return match.group(0).replace(match.group(2), owners[match.group(2)])
        return LINK.sub(swap, value)
    if isinstance(value, dict):
        return {key: _rewritten(item, f"{field}.{key}" if field else key, owners, found) for key, item in value.items()}
    if isinstance(value, list):
        return [_rewritten(item, f"{field}.{position}", owners, found) for position, item in enumerate(value)]
    return value


def resolve_link_aliases(index: dict[str, dict[str, Any]], problem_at: Any, owners: dict[str, str]) -> None:
    """Links written with an event's former id point to the event (each with a note)."""
    for records in index.values():
        for record_id, record in list(records.items()):
            found: list[tuple[str, str, str]] = []
            data = _rewritten(record.data, "", owners, found)
            if found:
                notes = tuple(alias_note(record, problem_at, field, old, new) for field, old, new in found)
                records[record_id] = replace(record, data=data, notes=(*record.notes, *notes))


def check_links(index: dict[str, dict[str, Any]], problem_at: Any, memo: Memo | None = None) -> list[Problem]:
    """Every [texte](evenement:ID) (acteur:, canal:, source:) names a record; else the closest ids
    (``memo``: each record's links, remembered by record)."""
    from chronicle.markdown import INTERNAL, INTERNAL_KINDS
    from chronicle.schema import closest

    memo = memo or Memo()
    names = {"event": "événement", "actor": "acteur", "channel": "canal", "source": "source"}
    problems: list[Problem] = []
    records = [record for records in index.values() for record in records.values()]
    for record, links in zip(records, memo.recall_each("links", records, record_links), strict=True):
        for field, scheme, target in links:
            kind = INTERNAL_KINDS[scheme]
            if INTERNAL.match(f"{scheme}:{target}") and target in index[kind]:
                continue
            near = closest(target, list(index[kind]))
            hint = f"Identifiants proches : {', '.join(near)}." if near else LINK_HINT
            problems.append(problem_at(record, field, f"lien « {scheme}:{target} » : "
                                       f"{names[kind]} inconnu{'e' if kind == 'source' else ''}.", hint))
    return problems


def record_links(record: Any) -> tuple[tuple[str, str, str], ...]:
    """The links to records written in the texts of ``record``: (field, scheme, target), in order."""
    return tuple((field, match.group(1), match.group(2)) for field, text in record_texts(record.data, "")
                 for match in (LINK.finditer(text) if "](" in text else ()))
