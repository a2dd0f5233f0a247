"""The claims' checks: a gap (days, weeks, months), an order (before, after) or a rank (the nth contact
on a channel since an event), each against the dates of the events it names.

The arithmetic is ``chronicle.claims``'; here the records are read, each claim judged once (the
judgements go on to derive, which shows them) and the problems written.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from chronicle.claims import (
    CONTACT_KINDS,
    Judgement,
    Verdict,
    describe_claim,
    describe_days,
    describe_order,
    evaluate,
    interval_days,
    order_verdict,
    ordinal,
    rank_since,
)
from chronicle.dates import DateError, EdtfDate, parse_edtf
from chronicle.problems import Problem, problem_at

if TYPE_CHECKING:  # check imports this module: the names are for annotations only
    from chronicle.check import Index, TypedRecord

UNITS = ("days", "weeks", "months")
Judged = tuple[Judgement | None, list[Problem]]  # a claim's judgement (None: it cannot be judged) and problems


def event_range(event: TypedRecord) -> tuple[Any, Any] | None:
    """The (earliest, latest) days of an event, or None if its date is unusable."""
    try:
        parsed: EdtfDate = parse_edtf(event.data["date"])
    except (DateError, KeyError, TypeError):
        return None
    return parsed.reach()  # an approximate date ("~") widened by dates.APPROXIMATE_DAYS


def judge_claims(index: Index) -> tuple[dict[str, Judgement], list[Problem]]:
    """Each claim states one thing, a gap, an order or a rank, and the events' dates allow it.

    Returns the judgement of every claim that could be judged (all of them when there is no problem:
    derive shows them without judging again), by id, and the problems.
    """
    judgements: dict[str, Judgement] = {}
    problems: list[Problem] = []
    contacts = ChannelContacts(index)
    for claim in index["claim"].values():
        data = claim.data
        stated = [field for field in (*UNITS, "order", "rank") if field in data]
        if len(stated) != 1:
            problems.append(problem_at(claim, "", "une affirmation donne exactement un écart (days, weeks ou "
                                       "months), un ordre (order) ou un rang (rank).",
                                       "Exemples : days: 84 ; order: before ; rank: 2 avec on_channel."))
            continue
        problems += misplaced_fields(claim, stated[0])
        between = data.get("between") or []
        events = [index["event"].get(e) if isinstance(e, str) else None for e in between]
        if len(events) != 2 or None in events or data.get(stated[0]) is None:
            continue
        ranges = [event_range(e) for e in events if e is not None]
        if None in ranges:
            continue
        if stated[0] == "order":
            judgement, found = judge_order(claim, events, ranges)  # type: ignore[arg-type]
        elif stated[0] == "rank":
            judgement, found = judge_rank(claim, events, contacts)  # type: ignore[arg-type]
        else:
            judgement, found = judge_gap(claim, stated[0], ranges)  # type: ignore[arg-type]
        if judgement is not None:
            judgements[claim.id] = judgement
        problems += found
    return judgements, problems


def misplaced_fields(claim: TypedRecord, stated: str) -> list[Problem]:
    """about and limit go with a gap, on_channel with a rank (and a rank needs its channel)."""
    data, problems = claim.data, []
    if stated == "rank" and not data.get("on_channel"):
        problems.append(problem_at(claim, "rank", "un rang se compte sur un canal : ajoutez on_channel.",
                                   "Exemple : on_channel: chefs-etat-major."))
    for field in ("about", "limit") if stated not in UNITS else ():
        if field in data:
            problems.append(problem_at(claim, field, f"{field} ne va qu'avec un écart (days, weeks ou months).",
                                       f"Retirez {field}."))
    if "on_channel" in data and stated != "rank":
        problems.append(problem_at(claim, "on_channel", "on_channel ne va qu'avec un rang (rank).",
                                   "Retirez on_channel, ou ajoutez rank."))
    return problems


def judge_gap(claim: TypedRecord, unit: str, ranges: list[tuple[Any, Any]]) -> Judged:
    """A gap of days, weeks or months the two events' dates must allow."""
    data, count = claim.data, claim.data[unit]
    verdict = evaluate(ranges[0], ranges[1], unit, count, bool(data.get("about")), data.get("limit"))
    if verdict.holds:
        return Judgement(verdict), []
    said = describe_claim(unit, count, bool(data.get("about")), data.get("limit"))
    reversed_order = verdict.high is not None and verdict.high < 0
    hint = ("Les deux événements sont dans le mauvais ordre : inversez-les dans between (le plus ancien "
            "d'abord)." if reversed_order else "Corrigez la date d'un des événements, ou l'écart annoncé "
            "(about: true si la source reste vague).")
    return Judgement(verdict), [problem_at(claim, "between" if reversed_order else unit,
                                           f"l'affirmation « {said} » ne tient pas : les dates des deux "
                                           f"événements donnent {describe_days(verdict.low, verdict.high)}.", hint)]


def judge_order(claim: TypedRecord, events: list[TypedRecord], ranges: list[tuple[Any, Any]]) -> Judged:
    """« avant », « après »: some days of the two events must be in that order."""
    order = claim.data["order"]
    possible, certain = order_verdict(ranges[0], ranges[1], order)
    judgement = Judgement(Verdict(possible, *interval_days(ranges[0], ranges[1]), 0, 0), certain)
    if possible:
        return judgement, []
    said = f"{events[0].id} {describe_order(order)} {events[1].id}"
    return judgement, [problem_at(claim, "order", f"l'affirmation « {said} » ne tient pas : les dates des deux "
                                  "événements disent le contraire (ou le même jour).",
                                  "Corrigez la date d'un des événements, ou order (before : avant ; after : après).")]


class ChannelContacts:
    """The contacts of each channel as (place in the chronology, id), for the claims of rank.

    Built on first use, once for all claims: every event's date is read once, not once per claim.
    """

    def __init__(self, index: Index) -> None:
        """Nothing is read yet: most chronologies have few claims of rank, or none."""
        self.index = index
        self._keyed: dict[str, tuple[Any, str]] | None = None
        self._contacts: dict[str, list[tuple[Any, str]]] = {}

    def keyed(self) -> dict[str, tuple[Any, str]]:
        """Every event with a usable date, by id: (``EdtfDate.sort_key``, id), the chronology's order."""
        if self._keyed is None:
            self._keyed = {event.id: (key, event.id) for event in self.index["event"].values()
                           if (key := sort_key(event)) is not None}
        return self._keyed

    def of(self, channel: str) -> list[tuple[Any, str]]:
        """The contacts (calls, meetings) on ``channel`` with a usable date."""
        if channel not in self._contacts:
            keyed = self.keyed()
            self._contacts[channel] = [keyed[event.id] for event in self.index["event"].values()
                                       if event.id in keyed and channel in (event.data.get("channels") or [])
                                       and event.data.get("kind") in CONTACT_KINDS]
        return self._contacts[channel]


def judge_rank(claim: TypedRecord, events: list[TypedRecord], channels: ChannelContacts) -> Judged:
    """« le deuxième appel depuis »: the second event is the rank-th contact on the channel since the first."""
    rank, channel = claim.data["rank"], claim.data.get("on_channel")
    if not isinstance(channel, str) or channel not in channels.index["channel"]:
        return None, []  # missing (misplaced_fields) or unknown (check_references)
    since, subject = events
    contacts, keyed = channels.of(channel), channels.keyed()
    if subject.id not in [event_id for _, event_id in contacts]:
        return None, [problem_at(claim, "between.1", f"« {subject.id} » n'est pas un contact (call ou meeting) "
                                 f"du canal « {channel} » : le rang ne peut pas se compter.",
                                 "Vérifiez between (le second est l'événement compté), on_channel, et le kind et "
                                 "les channels de l'événement.")]
    counted = rank_since(contacts, keyed[since.id], subject.id) if since.id in keyed else []
    judgement = Judgement(Verdict(len(counted) == rank, None, None, 0, 0), counted=tuple(counted))
    if len(counted) == rank:
        return judgement, []
    found = (f"la chronologie en fait le {ordinal(len(counted))} ({', '.join(counted)})" if counted else
             f"la chronologie le place avant « {since.id} »")
    return judgement, [problem_at(claim, "rank", f"l'affirmation « {ordinal(rank)} contact sur {channel} depuis "
                                  f"{since.id} » ne tient pas : {found}.",
                                  "Ajoutez le contact qui manque à la chronologie, ou corrigez rank ou les dates.")]


def sort_key(event: TypedRecord) -> Any:
    """The event's place in the chronology (``EdtfDate.sort_key``), or None if its date is unusable."""
    try:
        return parse_edtf(event.data["date"]).sort_key()
    except (DateError, KeyError, TypeError):
        return None
