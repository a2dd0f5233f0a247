"""Template-ready values for records: every text formatted, every link decided.

Templates never compute; these functions hand them plain dicts of strings, Markup and
site-root URLs (the ``rel`` filter makes those relative to the page).
"""

from __future__ import annotations

import html
import re
import unicodedata
from collections.abc import Callable
from functools import cache
from typing import Any

import icu

from chronicle import urls
from chronicle.claims import describe_claim, describe_days, describe_order, ordinal
from chronicle.config import Config
from chronicle.dates import EdtfDate, format_day
from chronicle.derive import ClaimCheck, Passage, Silence, Status
from chronicle.markdown import render_markdown
from chronicle.metadata import html_datetime
from chronicle.model import Actor, Channel, Chronology, Event, Source
from chronicle.wording import at_words, duration_words, exact_text, silence_sentence

PRECISION_FR = {"day": "au jour près", "month": "au mois près", "year": "à l'année près"}
BASIS_FR = {"explicit": "donnée par la source", "inferred": "déduite"}
ACTOR_TYPES_FR = {"person": "Personne", "institution": "Institution", "state": "État"}
CHANNEL_KINDS_FR = {
    "military-leaders": "Chefs d'état-major", "defence-ministers": "Ministres de la Défense",
    "operational-line": "Ligne opérationnelle", "diplomatic": "Diplomatie", "intelligence": "Renseignement",
    "arms-control": "Maîtrise des armements", "national-security": "Sécurité nationale",
    "hotline": "Ligne directe",
}
COUNTRIES_FR = {"US": "États-Unis", "RU": "Russie", "UA": "Ukraine", "FI": "Finlande", "PL": "Pologne",
                "KP": "Corée du Nord", "KR": "Corée du Sud", "SY": "Syrie", "DE": "Allemagne",
                "EG": "Égypte", "SE": "Suède", "FR": "France", "GB": "Royaume-Uni"}
LANGUAGES_FR = {"fr": "français", "en": "anglais", "ru": "russe", "uk": "ukrainien", "de": "allemand"}
MONTHS = ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre",
          "octobre", "novembre", "décembre")


TAG = re.compile(r"<[^>]+>")
PALETTE_SIZE = 10  # the stylesheet colours kinds k0..k9


def link(name: str, url: str) -> dict[str, str]:
    """A link for the templates."""
    return {"name": name, "url": url}


def plain_text(markdown: str) -> str:
    """Editors' Markdown as one line of plain text (meta descriptions, exports)."""
    return " ".join(html.unescape(TAG.sub("", str(render_markdown(markdown)))).split())


def kind_slot(config: Config, kind_id: str) -> int:
    """The colour of a kind: its position in the vocabulary, on a palette of ten."""
    return [k.id for k in config.kinds].index(kind_id) % PALETTE_SIZE


@cache
def collator() -> icu.Collator:
    """French collation (CLDR), numbers by value: the locale is named, never the environment's
    (``bench/collation.md`` measures the choice)."""
    french = icu.Collator.createInstance(icu.Locale("fr"))
    french.setAttribute(icu.UCollAttribute.NUMERIC_COLLATION, icu.UCollAttributeValue.ON)
    return french


def collation_key(text: str) -> bytes:
    """The sort key of a name in French order: "État-major" among the E, "Oleksiy" before "OTAN"."""
    return bytes(collator().getSortKey(text))


def by_name(records: list[Any], name: Callable[[Any], str]) -> list[Any]:
    """``records`` sorted by their names in French order (ties by name as written, for stability)."""
    return sorted(records, key=lambda record: (collation_key(name(record)), name(record)))


def folded(text: str) -> str:
    """A spelling as search compares it: lower case, accents off, one kind of apostrophe, words
    separated by single spaces ("Sergueï  Choïgou" -> "serguei choigou")."""
    decomposed = unicodedata.normalize("NFKD", text.replace("’", "'"))
    bare = "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()
    return " ".join(re.sub(r"[^\w']+", " ", bare).split())


def date_view(date: EdtfDate) -> dict[str, Any]:
    """A date in words, with its value for <time datetime> at its true precision (``2015``, ``2021-09``;
    ``metadata.html_datetime``) and its earliest day (``iso_start``, to sort by)."""
    return {"text": date.display(), "iso": html_datetime(date), "iso_start": date.iso_start() or date.iso_end() or "",
            "precision": PRECISION_FR[date.precision], "approximate": date.approximate,
            "uncertain": date.uncertain}


# Why a date is not a day, said plainly: (precision of the date, how it was established) -> reason.
VAGUE_REASONS = {
    ("month", "inferred"): "aucun des articles ne donne le jour, seulement le mois",
    ("month", "explicit"): "la source ne donne que le mois",
    ("year", "inferred"): "aucun des articles ne donne le mois ni le jour",
    ("year", "explicit"): "la source ne donne que l'année",
}
QUALIFIERS = (("approximate", "approximative"), ("uncertain", "incertaine"))


def datation_view(event: Event) -> dict[str, str]:
    """The kind of date of an event, in words that agree with what is shown, and why it is not a day.

    A range of days is never labelled "au jour près": it is a range because no article gives the
    day (the date is then deduced), or because the source itself gives a period.
    """
    date, inferred = event.date, event.date_basis == "inferred"
    qualifiers = "".join(f", {word}" for flag, word in QUALIFIERS if getattr(date, flag))
    if date.interval:
        if date.start is None or date.end is None:
            label, reason = "Date ouverte", "les articles ne donnent qu'une borne"
        elif inferred:
            label, reason = "Intervalle de dates", ("aucun des articles ne donne le jour ; leurs indications "
                                                    "placent l'événement entre ces deux dates")
        else:
            label, reason = "Période", "la source donne une période, pas un jour"
    elif date.precision == "day":
        label = "Date au jour près"
        reason = "déduite des indications des articles" if inferred else "donnée par la source"
    else:
        label = f"Date {PRECISION_FR[date.precision]}"
        reason = VAGUE_REASONS[(date.precision, event.date_basis)]
    return {"label": label + qualifiers, "reason": reason, "inferred": "yes" if inferred else ""}


def span_text(first: EdtfDate, second: EdtfDate) -> str:
    """"du 18 février au 13 mai 2022": from the end of one date to the start of the next."""
    if first.precision == second.precision == "day" and not (first.interval or second.interval):
        assert first.start and second.start
        start = format_day(first.start)
        if first.start.year == second.start.year:
            start = start.rsplit(" ", 1)[0]
        return f"du {start} au {format_day(second.start)}"
    return f"de {first.display()} à {second.display()}"


def event_summary(event: Event, chronology: Chronology, config: Config) -> dict[str, Any]:
    """An event as a line of a list: date, title, kind, actors, channels, summary.

    Computed once per event and chronology (``Chronology.summaries``); templates only read it.
    """
    summary = chronology.summaries.get(event.id)
    if summary is None:
        summary = chronology.summaries[event.id] = summarise_event(event, chronology, config)
    return summary


def summarise_event(event: Event, chronology: Chronology, config: Config) -> dict[str, Any]:
    """The line of a list for one event (see ``event_summary``)."""
    return {
        "id": event.id,
        "url": urls.event_url(event.id),
        "title": event.title,
        "date": date_view(event.date),
        "kind": event.kind,
        "kind_label": config.kind(event.kind).label,
        "slot": kind_slot(config, event.kind),
        "filter": {"acteur": " ".join(event.actors), "canal": " ".join(event.channels),
                   "nature": event.kind, "annee": str(event.year)},
        "actors": [link(chronology.actors[a].name, urls.record_url("actor", a)) for a in event.actors],
        "channels": [link(chronology.channels[c].name, urls.record_url("channel", c)) for c in event.channels],
        "summary": render_markdown(event.summary),
    }


def group_by_month(events: list[dict[str, Any]], originals: tuple[Event, ...]) -> list[dict[str, Any]]:
    """Events of one year grouped under "mai 2022"; dates vaguer than a month come first."""
    groups: list[dict[str, Any]] = []
    for view, event in zip(events, originals, strict=True):
        day = event.date.start or event.date.end
        assert day is not None
        precise = event.date.precision in ("day", "month")
        label = f"{MONTHS[day.month - 1]} {day.year}" if precise else f"{day.year}, dates imprécises"
        if not groups or groups[-1]["label"] != label:
            groups.append({"label": label, "events": []})
        groups[-1]["events"].append(view)
    return groups


def silence_anchor(silence: Silence) -> str:
    """The anchor of a silence on its channel page (named after the contact that opens it)."""
    return urls.silence_anchor(silence.before.id)


def silence_text(silence: Silence) -> str:
    """ "84 jours sans contact connu, du 18 février au 13 mai 2022": the same words everywhere."""
    return silence_sentence(silence.before.date, silence.after.date, silence.low, silence.high)


def silence_view(silence: Silence) -> dict[str, Any]:
    """A silence in words, its exact figures, its anchor and the two contacts linked."""
    return {
        "anchor": silence_anchor(silence),
        "text": silence_text(silence),
        "exact": exact_text(silence.before.date, silence.after.date, silence.low, silence.high),
        "days": silence.high,
        "before": link(silence.before.title, urls.event_url(silence.before.id)),
        "after": link(silence.after.title, urls.event_url(silence.after.id)),
        "merged": [link(e.title, urls.event_url(e.id)) for e in silence.merged],
    }


def status_view(status: Status) -> dict[str, Any]:
    """Where a channel stands: its last known contact and the silence since, at the latest source."""
    if status.last is None:
        return {"last": None, "since": ""}
    since = ""
    if status.as_of is not None:
        words = duration_words(status.low, status.high, True)
        since = (f"{words[0].upper()}{words[1:]} sans contact connu depuis, à la date de la source "
                 f"la plus récente, {at_words(status.as_of.published)}.")
    return {"last": link(status.last.title, urls.event_url(status.last.id)), "date": status.last.date.display(),
            "since": since}


def claim_view(check: ClaimCheck, chronology: Chronology) -> dict[str, Any]:
    """A claim, what it says, what the dates give, and the verdict."""
    claim = check.claim
    source = chronology.sources[claim.source]
    gap = claim.unit not in ("order", "rank")
    return {
        "id": claim.id,
        "quote": claim.quote,
        "kind": "gap" if gap else claim.unit,
        "said": describe_claim(claim.unit, claim.count, claim.about, claim.limit) if gap else "",
        "computed": describe_days(check.verdict.low, check.verdict.high) if gap else "",
        "relation": describe_order(claim.order or "before"),
        "certain": check.certain,
        "ordinal": ordinal(claim.count) if claim.unit == "rank" else "",
        "channel": link(chronology.channels[claim.channel].name, urls.record_url("channel", claim.channel))
        if claim.channel in chronology.channels else None,
        "counted": [link(chronology.event(event_id).title, urls.event_url(event_id)) for event_id in check.counted],
        "holds": check.verdict.holds,
        "verdict": ("cohérent avec " if check.verdict.holds else "incompatible avec ")
        + ("la chronologie" if claim.unit == "rank" else "les dates"),
        "source": link(source.title, urls.record_url("source", source.id)),
        "first": link(check.first.title, urls.event_url(check.first.id)),
        "second": link(check.second.title, urls.event_url(check.second.id)),
        "note": render_markdown(claim.note) if claim.note else None,
    }


def source_split(source_id: str, chronology: Chronology) -> bool:
    """Whether a source's passages are split by the year of the events citing it (past ``urls.LIST_LIMIT``)."""
    return urls.is_split(len(chronology.by_source.get(source_id, ())))


def passage_url(source_id: str, event: Event, number: int, chronology: Chronology) -> str:
    """The address of a cited passage: on its source's page or, when more than ``urls.LIST_LIMIT`` events
    cite the source, on the page of the citing event's year (``/sources/<id>/2022/``)."""
    return urls.passage_url(source_id, event.id, number, event.year, source_split(source_id, chronology))


def passage_view(passage: Passage) -> dict[str, Any]:
    """A cited passage on its source page, linked to the event that cites it."""
    return {
        "anchor": urls.passage_anchor(passage.event.id, passage.citation.number),
        "quote": passage.citation.quote,
        "line": passage.line,
        "event": link(passage.event.title, urls.event_url(passage.event.id)),
        "citation_url": urls.citation_url(passage.event.id, passage.citation.number),
    }


def spelled_also(actor: Actor) -> str:
    """The other spellings of a name as a line of French: "Shoigu, Shoygu ou Choïgu"; a spelling that
    differs from one before only by case or accents is left out."""
    seen, shown = {folded(actor.name)}, []
    for alias in actor.aliases:
        if folded(alias) not in seen:
            seen.add(folded(alias))
            shown.append(alias)
    return f"{', '.join(shown[:-1])} ou {shown[-1]}" if len(shown) > 1 else "".join(shown)


def actor_view(actor: Actor) -> dict[str, Any]:
    """An actor's identity for its page and for lists."""
    roles = []
    for role in actor.roles:
        when = ""
        if role.start and role.end:
            when = f"de {role.start.display()} à {role.end.display()}"
        elif role.start:
            when = f"depuis {role.start.display()}"
        elif role.end:
            when = f"jusqu'à {role.end.display()}"
        roles.append({"title": role.title, "when": when})
    return {
        "id": actor.id, "url": urls.record_url("actor", actor.id), "name": actor.name,
        "aliases": list(actor.aliases), "search_variants": list(actor.search_variants),
        "also": spelled_also(actor), "type": ACTOR_TYPES_FR[actor.type],
        "country": COUNTRIES_FR.get(actor.country or "", actor.country or ""), "roles": roles,
        "description": render_markdown(actor.description) if actor.description else None,
    }


def channel_view(channel: Channel, chronology: Chronology) -> dict[str, Any]:
    """A channel's identity and count of events, for its page and the index of channels."""
    return {
        "id": channel.id, "url": urls.record_url("channel", channel.id), "name": channel.name,
        "kind": CHANNEL_KINDS_FR[channel.kind],
        "parties": [link(chronology.actors[p].name, urls.record_url("actor", p)) for p in channel.parties],
        "established": date_view(channel.established) if channel.established else None,
        "description": render_markdown(channel.description) if channel.description else None,
        "events": len(chronology.by_channel.get(channel.id, ())),
    }


def source_view(source: Source, chronology: Chronology) -> dict[str, Any]:
    """A source's identity for its page and for lists."""
    return {
        "id": source.id, "url": urls.record_url("source", source.id), "title": source.title,
        "published": date_view(source.published), "basis": BASIS_FR[source.published_basis],
        "note": source.published_note, "reports": list(source.reports), "link": source.url,
        "language": source.language, "language_name": LANGUAGES_FR.get(source.language, source.language),
        "events": len(chronology.by_source.get(source.id, ())),
    }
