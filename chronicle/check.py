"""Every check of the content, all problems at once.

Records arrive with every scalar a string (``load``); here they are typed against the
JSON Schemas, then checked against each other: references, quotes, dates, claims and the
URLs already published. Nothing here raises on bad content: it returns problems.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from operator import attrgetter
from typing import Any

from chronicle import urls
from chronicle.claim_rules import judge_claims
from chronicle.claims import Judgement
from chronicle.config import Config
from chronicle.dates import DateError, EdtfDate, parse_edtf
from chronicle.editorial import (
    check_corrections,
    check_dates_against_sources,
    check_duplicates,
    check_placeholders,
)
from chronicle.load import FOLDERS, RawRecord
from chronicle.markdown import markdown_problem, url_problem
from chronicle.memo import Memo
from chronicle.problems import PER_FILE, Problem, problem_at
from chronicle.quoting import Spot, check_quotes
from chronicle.references import (
    check_links,
    edtf_suggestion,
    resolve_aliases,
    suggest_actor_ids,
)
from chronicle.schema import closest, load_schema, type_record

KIND_NAMES = {"event": "événement", "actor": "acteur", "channel": "canal", "source": "source",
              "claim": "affirmation"}
FEMININE = frozenset({"source", "claim"})


@dataclass(frozen=True)
class TypedRecord:
    """A record that has been typed: ``data`` holds str, int, bool, list and dict values."""

    kind: str
    id: str
    path: str
    data: dict[str, Any]
    positions: dict[str, tuple[int, int]]
    text: str | None = None
    notes: tuple[Problem, ...] = ()  # remarks that do not stop the build (a reference through an alias)


Index = dict[str, dict[str, TypedRecord]]


@dataclass(frozen=True)
class Located:
    """What the check found on its way, once, that derive shows rather than searches for again.

    Complete when the check found no problem: every citation of every event has its spot, every
    claim its judgement.
    """

    quotes: dict[tuple[str, int], Spot]  # by (event id, citation number from 1)
    claims: dict[str, Judgement]  # by claim id


def format_checks(config: Config) -> dict[str, Any]:
    """The checks behind the schemas' ``format`` keywords."""
    kinds = [kind.id for kind in config.kinds]

    def edtf(value: str) -> str | None:
        try:
            parse_edtf(value)
        except DateError as error:
            meant = edtf_suggestion(value) if "n'est pas une date EDTF valide" in error.message else None
            if meant is None:
                return error.message
            return f"« {value} » n'est pas une date EDTF : écrivez {meant} ({parse_edtf(meant).display()})."
        return None

    def kind(value: str) -> str | None:
        if value in kinds:
            return None
        near = ", ".join(closest(value, kinds, limit=len(kinds)) or kinds)
        return f"nature « {value} » inconnue ; natures possibles : {near}."

    return {"edtf": edtf, "kind": kind, "markdown": markdown_problem, "url": url_problem}


def type_records(records: Iterable[RawRecord], config: Config, memo: Memo | None = None) -> tuple[Index, list[Problem]]:
    """Type every record against its schema (``memo``: the typed records of the last run, by raw record).

    A raw record's typing depends on it, its kind's schema and the event kinds of ``config`` only
    (``format_checks``): that is what it is remembered by.
    """
    memo = memo or Memo()
    formats = format_checks(config)
    kinds = tuple(kind.id for kind in config.kinds)
    index: Index = {kind: {} for kind in KIND_NAMES}
    problems: list[Problem] = []
    for kind, group in itertools.groupby(records, key=attrgetter("kind")):  # loaded by kind: one group each
        raws = list(group)
        schema = load_schema(str(config.schema_dir), kind)
        context = (json.dumps(schema, sort_keys=True), kinds)
        for raw, (record, found) in zip(raws, memo.recall_each("typed", raws, type_one, schema, formats,
                                                               context=context), strict=True):
            problems += found
            index[kind][raw.id] = record
    return index, problems


def type_one(raw: RawRecord, schema: dict[str, Any], formats: dict[str, Any]) -> tuple[TypedRecord, list[Problem]]:
    """One raw record typed against ``schema``, and its problems."""
    typed, found = type_record(raw.path, raw.data, raw.positions, raw.key_positions, schema, formats)
    return TypedRecord(raw.kind, raw.id, raw.path, typed, raw.positions, raw.text), found


def check_reference(record: TypedRecord, field: str, value: Any, target: Collection[str],
                    kind: str) -> list[Problem]:
    """A problem if ``value`` is not the id of a record of ``kind``."""
    if not isinstance(value, str) or value in target:
        return []
    near = closest(value, list(target))
    e, none, it = ("e", "Aucune", "la") if kind in FEMININE else ("", "Aucun", "le")
    hint = f"Identifiants proches : {', '.join(near)}." if near else (
        f"{none} {KIND_NAMES[kind]} de ce nom : créez-{it} ou corrigez l'identifiant.")
    return [problem_at(record, field, f"{KIND_NAMES[kind]} inconnu{e} « {value} ».", hint)]


def known_ids(index: Index, broken: Iterable[str] = ()) -> dict[str, set[str]]:
    """The ids of each kind: checked records, and record files that could not be loaded.

    A file with a syntax error has its own problems; the records that refer to it are not
    reported again for an id that exists.
    """
    known = {kind: set(records) for kind, records in index.items()}
    for path in broken:
        folder, _, name = path.removeprefix("content/").partition("/")
        if folder in FOLDERS and name.endswith(".yaml"):
            known[FOLDERS[folder]].add(name.removesuffix(".yaml"))
    return known


def check_references(index: Index, known: dict[str, set[str]] | None = None,
                     memo: Memo | None = None) -> list[Problem]:
    """Every id that points to another record must exist; the initiator is one of the actors (``memo``:
    each record's references, remembered by record)."""
    ids = known if known is not None else known_ids(index)
    memo = memo or Memo()
    problems: list[Problem] = []
    for kind in ("event", "channel", "claim"):
        records = list(index[kind].values())
        for record, (references, own) in zip(records, memo.recall_each("references", records, record_references),
                                             strict=True):
            problems += own
            for field, value, target in references:
                if value not in ids[target]:
                    problems += check_reference(record, field, value, ids[target], target)
    return problems


Reference = tuple[str, str, str]  # (field, the id written there, the kind of record it names)


def record_references(record: TypedRecord) -> tuple[tuple[Reference, ...], list[Problem]]:
    """The ids a record names, and the problems of the record alone (an initiator not among the actors)."""
    data, references, problems = record.data, [], []
    if record.kind == "event":
        for field, kind in (("actors", "actor"), ("channels", "channel"), ("possibly_same_as", "event")):
            references += [(f"{field}.{position}", value, kind) for position, value in enumerate(data.get(field) or [])]
        references += [(f"citations.{position}.source", citation.get("source"), "source")
                       for position, citation in enumerate(data.get("citations") or []) if citation]
        initiator = data.get("initiator")
        if initiator and initiator not in (data.get("actors") or []):
            problems.append(problem_at(record, "initiator", f"« {initiator} » n'est pas parmi les acteurs.",
                                       "Ajoutez-le à actors ou corrigez initiator."))
    elif record.kind == "channel":
        references += [(f"parties.{position}", value, "actor")
                       for position, value in enumerate(data.get("parties") or [])]
    elif record.kind == "claim":
        references += [("source", data.get("source"), "source"), ("on_channel", data.get("on_channel"), "channel")]
        references += [(f"between.{position}", value, "event")
                       for position, value in enumerate(data.get("between") or [])]
    return tuple(reference for reference in references if isinstance(reference[1], str)), problems


def former_ids(index: Index) -> list[tuple[TypedRecord, str, list[object]]]:
    """The records that keep former event ids, with the field and the ids: events' aliases, channels'
    former_events (removed events whose fact a channel now keeps)."""
    return [*((event, "aliases", event.data.get("aliases") or []) for event in index["event"].values()),
            *((channel, "former_events", channel.data.get("former_events") or [])
              for channel in index["channel"].values())]


def check_aliases(index: Index) -> list[Problem]:
    """An event id, an alias or a channel's former event must name one record only."""
    owners: dict[str, TypedRecord] = dict(index["event"])
    problems: list[Problem] = []
    for event, field, former in former_ids(index):
        for position, alias in enumerate(former):
            if not isinstance(alias, str):
                continue
            other = owners.get(alias)
            if other is event:
                problems.append(problem_at(event, f"{field}.{position}",
                                           f"« {alias} » est l'identifiant de cet événement même.",
                                           "Un alias est un ancien identifiant, abandonné lors d'un renommage."))
            elif other is not None:
                what = "l'identifiant" if other.id == alias else "un alias"
                problems.append(problem_at(event, f"{field}.{position}",
                                           f"« {alias} » est déjà {what} de {other.path}.",
                                           "Un identifiant ne peut désigner qu'un seul événement : "
                                           f"retirez-le des {field} de l'un des deux."))
            else:
                owners[alias] = event
    return problems


def check_notes(index: Index) -> list[Problem]:
    """A date deduced rather than read needs its reasoning."""
    problems: list[Problem] = []
    for kind, basis, note in (("event", "date_basis", "date_note"), ("source", "published_basis",
                                                                     "published_note")):
        for record in index[kind].values():
            if record.data.get(basis) == "inferred" and not record.data.get(note):
                problems.append(problem_at(record, basis, f"une date déduite (inferred) demande un champ "
                                           f"{note}.", f"Ajoutez {note}: expliquant comment la date a été "
                                           "établie."))
    return problems


def check_roles(index: Index) -> list[Problem]:
    """A role cannot end before it starts."""
    problems: list[Problem] = []
    for actor in index["actor"].values():
        for position, role in enumerate(actor.data.get("roles") or []):
            if not role or not role.get("from") or not role.get("to"):
                continue
            try:
                start, end = parse_edtf(role["from"]), parse_edtf(role["to"])
            except DateError:
                continue
            if start.start and end.end and end.end < start.start:
                problems.append(problem_at(actor, f"roles.{position}.to",
                                           "la fonction finit avant de commencer.",
                                           "Vérifiez from et to."))
    return problems


def url_shape(index: Index) -> urls.Shape:
    """What the site's URLs depend on, read from the typed records (``urls.site_parts``): an event whose
    date cannot be read keeps its own page only; values of the wrong type are left out."""
    def ids(values: Any) -> tuple[str, ...]:
        return tuple(dict.fromkeys(value for value in values or () if isinstance(value, str)))

    filings = []
    for event in index["event"].values():
        try:
            parsed: EdtfDate | None = parse_edtf(event.data["date"])
        except (DateError, KeyError, TypeError):
            parsed = None
        day = parsed and (parsed.start or parsed.end)  # an event is filed under its earliest known day
        cited = ids(c.get("source") for c in event.data.get("citations") or () if isinstance(c, dict))
        filings.append(urls.Filing(event.id, day.year if day else None,
                                   urls.filing_month(parsed.precision, day.month) if parsed and day else None,
                                   ids(event.data.get("actors")), ids(event.data.get("channels")), cited,
                                   ids(event.data.get("aliases"))))
    channels = tuple((channel.id, ids(channel.data.get("former_events"))) for channel in index["channel"].values())
    return urls.Shape(tuple(filings), tuple(index["actor"]), channels, tuple(index["source"]))


def predicted_urls(index: Index) -> set[str]:
    """The URLs the site will serve, foreseen from the records without planning the pages.

    Planning costs seconds on a large chronology; this does not. Both read ``urls.site_parts``, and
    ``tests/test_editors.py`` holds this equal to the plan's URLs.
    """
    return urls.foreseen_urls(url_shape(index))


FOLDER_OF_SECTION = {section: f"content/{folder}" for section, folder in (
    (urls.SECTIONS["event"], "events"), (urls.SECTIONS["actor"], "actors"),
    (urls.SECTIONS["channel"], "channels"), (urls.SECTIONS["source"], "sources"))}
YEARS = urls.YEARS


def vanished_url(url: str, index: Index, listed: set[str], suggest: bool = True) -> tuple[str, str]:
    """What an editor reads when a published ``url`` would lead nowhere: (message, hint).

    For an event, the likely new name is the closest id among the events not published yet.
    """
    lost = f"l'adresse publiée {url} ne mènerait plus nulle part"
    found = urls.record_of_url(url)
    if found is None:
        return f"{lost}.", "Cette page ne dépend d'aucune fiche : signalez-le aux mainteneurs du code."
    section, name = found
    if section == YEARS:
        return (f"{lost} : plus aucun événement n'est daté de {name}.",
                "Vérifiez la date de l'événement modifié ; si elle est juste, demandez conseil aux "
                "mainteneurs : la page de l'année doit rester en ligne.")
    if section != urls.SECTIONS["event"]:
        return (f"{lost} : la fiche {FOLDER_OF_SECTION[section]}/{name}.yaml n'existe plus.",
                "Une fiche publiée ne se renomme pas et ne se supprime pas (seuls les événements ont "
                "des alias) : rétablissez-la, quitte à en corriger le contenu.")
    near = closest(name, [e for e in index["event"] if urls.event_url(e) not in listed], limit=1) if suggest else []
    where = f"la nouvelle fiche (content/events/{near[0]}.yaml ?)" if near else "la nouvelle fiche"
    return (f"{lost} : aucun événement n'a l'identifiant ni l'alias « {name} ».",
            f"Si vous avez renommé content/events/{name}.yaml, ajoutez « aliases: [{name}] » dans "
            f"{where} : une redirection sera créée. Pour retirer un événement, mettez son identifiant "
            "dans les aliases de celui qui le remplace (voir CONTRIBUTING.md).")


def check_published(index: Index, published: list[tuple[int, str]], path: str,
                    served: set[str] | None = None) -> list[Problem]:
    """A URL once published must still resolve, directly or through an alias redirect.

    ``served`` is every URL of the planned site; without it (the records have problems, so
    there is no plan) only record and year pages are checked, against the records themselves.
    """
    planned = served if served is not None else predicted_urls(index)
    listed = {url for _, url in published}
    problems: list[Problem] = []
    for line, url in published:
        if not url.startswith("/") or any(ch.isspace() for ch in url):
            problems.append(Problem(path, line, 1, "", f"ligne « {url[:80]} » mal formée.",
                                    "Une adresse publiée s'écrit depuis la racine du site, ex. "
                                    "/evenements/2022-05-13-appel-austin-choigou/."))
        elif url not in planned and (served is not None or urls.record_of_url(url) is not None):
            # Past the problems an editor is shown (``capped``), no search for the new name: each
            # costs a pass over the events, and a 1 MB list has 30,000 lines (issue 13 §6).
            problems.append(Problem(path, line, 1, "", *vanished_url(url, index, listed, len(problems) < PER_FILE)))
    return problems


def check_content(records: list[RawRecord], config: Config,
                  published: list[tuple[int, str]] | None = None,
                  published_path: str = "content/published-urls.txt",
                  broken: Iterable[str] = (), memo: Memo | None = None) -> tuple[Index, Located, list[Problem]]:
    """Type and cross-check every record: the index of typed records, what the check located (the
    passages quoted, the claims' judgements) and every problem, sorted.

    ``broken`` are the paths of record files left out because they could not be loaded; ``memo``: the
    results of the per-record checks the last run remembered (``chronicle.memo``).
    """
    memo = memo or Memo()
    index, problems = type_records(records, config, memo)
    problems = suggest_actor_ids(problems, index)
    resolve_aliases(index, problem_at)
    problems += check_references(index, known_ids(index, broken), memo)
    problems += check_aliases(index)
    problems += check_notes(index)
    spots, found = check_quotes(index, memo)
    judgements, judged = judge_claims(index)
    problems += found + judged
    problems += check_roles(index)
    for editorial in (check_placeholders, check_dates_against_sources, check_duplicates, check_corrections,
                      check_links):
        problems += editorial(index, problem_at, memo)
    if published is not None:
        problems += check_published(index, published, published_path)
    return index, Located(spots, judgements), sorted(set(problems))
