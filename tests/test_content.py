"""The real chronology held to the content issue: sourced, complete, consistent."""

from __future__ import annotations

import datetime
import hashlib
import re
import unicodedata
from collections import Counter

import pytest

from chronicle.check import Index
from chronicle.derive import Facts, derive_facts
from chronicle.model import Chronology, build_model
from chronicle.pipeline import check_site, served_urls
from chronicle.views import actor_view, datation_view
from tests.conftest import REPO, SEED_SUMS

# Every spelling of a name the five articles use, and whose name it is.
SPELLINGS = {
    "Shoigu": "sergei-choigou", "Shoygu": "sergei-choigou", "Shoïgu": "sergei-choigou",
    "Choïgu": "sergei-choigou", "Choïgou": "sergei-choigou",
    "Gerasimov": "valeri-guerassimov", "Guérassimov": "valeri-guerassimov",
    "Milley": "mark-milley", "Austin": "lloyd-austin", "Kirby": "john-kirby",
    "Charles Brown": "charles-brown", "Poutine": "vladimir-poutine",
}


@pytest.fixture(scope="module")
def index() -> Index:
    checked = check_site(REPO)
    assert checked.problems == []
    assert checked.index is not None
    return checked.index


@pytest.fixture(scope="module")
def chronology(index: Index) -> Chronology:
    return build_model(index)


@pytest.fixture(scope="module")
def facts(chronology: Chronology) -> Facts:
    checked = check_site(REPO)
    assert checked.located is not None
    return derive_facts(chronology, checked.located)


def test_source_texts_are_the_articles_byte_for_byte() -> None:
    """Each article in ``content/sources/`` has the SHA-256 committed for it in ``tests/seeds.sha256`` (the
    seeds as they were handed over: the tests read only the repository), and there is no other text."""
    expected = {line.split()[1]: line.split()[0] for line in SEED_SUMS.read_text(encoding="utf-8").splitlines()
                if line and not line.startswith("#")}
    texts = {path.relative_to(REPO).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
             for path in (REPO / "content" / "sources").glob("*.txt")}
    assert texts == expected


def test_sources_dates_are_inferred_with_reasoning(chronology: Chronology) -> None:
    for source in chronology.sources.values():
        assert source.published_basis == "inferred"
        assert source.published_note and len(source.published_note) > 40


def test_every_source_is_cited_by_several_events(chronology: Chronology) -> None:
    for source_id in chronology.sources:
        assert len(chronology.by_source.get(source_id, ())) >= 2, source_id


def test_every_actor_is_in_an_event_or_a_channel(chronology: Chronology) -> None:
    parties = {party for channel in chronology.channels.values() for party in channel.parties}
    unused = [a for a in chronology.actors if a not in chronology.by_actor and a not in parties]
    assert unused == []


def test_published_urls_all_lead_somewhere() -> None:
    checked = check_site(REPO, plan=True)
    assert checked.problems == []
    served = served_urls(checked.pages)
    published = [line.strip() for line in (REPO / "content" / "published-urls.txt").read_text("utf-8").splitlines()
                 if line.strip() and not line.startswith("#")]
    assert len(published) > 100
    assert [url for url in published if url not in served] == []


def test_the_removed_cold_war_reminder_redirects_to_its_channel(chronology: Chronology) -> None:
    removed = "2022-reuters-rappelle-lignes-directes-guerre-froide"
    assert removed not in {event.id for event in chronology.events}
    assert removed in chronology.channels["lignes-directes-guerre-froide"].former_events
    pages = {page.url: page for page in check_site(REPO, plan=True).pages}
    redirect = pages[f"/evenements/{removed}/"]
    target = "/canaux/lignes-directes-guerre-froide/"
    assert (redirect.template, redirect.context["target"]) == ("redirect.html", target)


def test_every_event_has_a_citation_and_a_summary(chronology: Chronology) -> None:
    assert 35 <= len(chronology.events) <= 60
    for event in chronology.events:
        assert event.citations, event.id
        assert event.summary.strip(), event.id
        if event.date_basis == "inferred":
            assert event.date_note, event.id


@pytest.mark.parametrize("spelling", sorted(SPELLINGS))
def test_every_spelling_in_the_sources_resolves_to_its_actor(spelling: str, chronology: Chronology) -> None:
    assert any(spelling in source.text for source in chronology.sources.values()), spelling
    actor = chronology.actors[SPELLINGS[spelling]]
    assert any(spelling in name for name in (actor.name, *actor.aliases)), (spelling, actor.aliases)


def normalised(text: str) -> str:
    """``text`` as compared with the sources: composed accents, one kind of apostrophe and space, any case."""
    text = unicodedata.normalize("NFC", text).replace("\u2019", "'").replace("\u00a0", " ")
    return re.sub(r"\s+", " ", text).casefold()


def test_names_resolve_to_one_actor_only(chronology: Chronology) -> None:
    names = Counter(normalised(name) for actor in chronology.actors.values()
                    for name in {actor.name, *actor.aliases, *actor.search_variants})
    assert [name for name, count in names.items() if count > 1] == []


def test_every_actor_alias_occurs_in_a_source(chronology: Chronology) -> None:
    texts = normalised(" ".join(source.text for source in chronology.sources.values()))
    absent = [(actor.id, alias) for actor in chronology.actors.values() for alias in actor.aliases
              if normalised(alias) not in texts]
    assert absent == []


def test_search_variants_are_spellings_no_source_uses(chronology: Chronology) -> None:
    texts = normalised(" ".join(source.text for source in chronology.sources.values()))
    variants = {actor.id: actor.search_variants for actor in chronology.actors.values() if actor.search_variants}
    assert {"Choigou", "Guerassimov", "EUCOM", "NDMC"} <= {v for vs in variants.values() for v in vs}
    assert [v for vs in variants.values() for v in vs if normalised(v) in texts] == []


def test_search_variants_are_not_shown_as_the_sources_spellings(chronology: Chronology) -> None:
    view = actor_view(chronology.actors["sergei-choigou"])
    assert "Choigou" in view["search_variants"]
    assert "Choigou" not in view["aliases"] and "Choïgou" in view["aliases"]


def test_every_claim_holds(facts: Facts) -> None:
    checks = facts.claim_checks
    assert len(checks) >= 8
    assert [c.claim.id for c in checks if not c.verdict.holds] == []


def test_the_84_day_silence_is_computed(facts: Facts) -> None:
    silences = facts.silences["austin-choigou"]
    longest = silences[0]
    assert (longest.low, longest.high) == (84, 84)
    assert longest.before.date.text == "2022-02-18" and longest.after.date.text == "2022-05-13"


def test_key_events_are_at_the_right_date(chronology: Chronology) -> None:
    dates = {event.id: event.date.text for event in chronology.events}
    assert dates["2022-05-13-appel-austin-choigou"] == "2022-05-13"
    assert dates["2022-02-18-appel-austin-choigou"] == "2022-02-18"
    assert dates["2022-03-01-etablissement-ligne-deconfliction"] == "2022-03-01"
    assert dates["2024-11-27-appel-brown-guerassimov"] == "2024-11-27"
    assert dates["2021-09-rencontre-milley-guerassimov-helsinki"] == "2021-09"
    brown = chronology.event("2024-11-27-appel-brown-guerassimov")
    assert brown.initiator == "russie"  # « à l'initiative de la partie russe »: not Gerasimov in person
    assert brown.annotation and "première" in brown.annotation


# States that ceased to exist, and their last day: no event after it can involve them.
DISSOLVED = {"union-sovietique": datetime.date(1991, 12, 26)}
# An outlet's act of writing is not a happening: no event is "Reuters rappelle…".
OUTLET_AS_SUBJECT = re.compile(r"^(Reuters|CNN|POLITICO|(The )?Washington Post)\b|\brappelle\b")
# Round counts of weeks or months, and calendar words, that a claim must read as approximate.
ROUND = re.compile(r"\b(une|un|deux|trois|quatre|cinq|six)\s+(semaines?|mois)\b|semaine dernière|il y a un")
QUOTED = re.compile(r"«\s*([^«»]+?)\s*»")


def test_no_event_involves_a_state_that_no_longer_existed(chronology: Chronology) -> None:
    assert set(DISSOLVED) <= set(chronology.actors)
    late = [(event.id, actor) for event in chronology.events for actor in event.actors
            if actor in DISSOLVED and (event.date.start or event.date.end) > DISSOLVED[actor]]
    assert late == []


def test_no_event_only_recalls_history(chronology: Chronology) -> None:
    assert [event.id for event in chronology.events if OUTLET_AS_SUBJECT.search(event.title)] == []
    notes = [event.id for event in chronology.events if "rappel historique" in (event.date_note or "").lower()]
    assert notes == []


def test_every_round_claim_is_marked_approximate(chronology: Chronology) -> None:
    round_claims = [claim for claim in chronology.claims.values() if ROUND.search(claim.quote) and not claim.limit]
    assert len(round_claims) >= 5
    assert [claim.id for claim in round_claims if not claim.about] == []


def test_no_event_starts_after_the_articles_that_report_it(chronology: Chronology) -> None:
    early = []
    for event in chronology.events:
        latest = max(chronology.sources[c.source].published.end for c in event.citations)
        if event.date.start and event.date.start > latest:
            early.append(event.id)
    assert early == []


def quotations(text: str | None) -> list[str]:
    """The pieces of the passages quoted between « » in an editors' text (an ellipsis splits one)."""
    return [piece.strip(" .,;:") for quoted in QUOTED.findall(text or "") for piece in re.split(r"…|\.\.\.", quoted)
            if len(piece.strip(" .,;:")) > 3]


def test_words_quoted_in_an_event_are_in_its_sources(chronology: Chronology) -> None:
    missing = []
    for event in chronology.events:
        cited = normalised(" ".join(chronology.sources[c.source].text for c in event.citations))
        for field in ("summary", "annotation"):
            missing += [(event.id, field, q) for q in quotations(getattr(event, field)) if normalised(q) not in cited]
    assert missing == []


def test_words_quoted_in_notes_and_descriptions_are_in_a_source(chronology: Chronology) -> None:
    texts = normalised(" ".join(source.text for source in chronology.sources.values()))
    fields = [*((e.id, e.date_note) for e in chronology.events),
              *((a.id, a.description) for a in chronology.actors.values()),
              *((c.id, c.description) for c in chronology.channels.values()),
              *((c.id, c.note) for c in chronology.claims.values()),
              *((s.id, s.published_note) for s in chronology.sources.values())]
    assert [(record, q) for record, text in fields for q in quotations(text) if normalised(q) not in texts] == []


def test_no_developer_leftover_in_the_texts(chronology: Chronology) -> None:
    texts = [e.summary + (e.annotation or "") + (e.date_note or "") for e in chronology.events]
    texts += [s.published_note or "" for s in chronology.sources.values()]
    assert [text[:60] for text in texts if "Python" in text] == []


def test_the_early_february_talk_may_be_the_11_february_one(chronology: Chronology) -> None:
    early = chronology.event("2022-02-entretien-milley-guerassimov-debut-fevrier")
    assert early.possibly_same_as == ("2022-02-11-dernier-entretien-milley-guerassimov",)
    for event in (early, chronology.event("2022-02-11-dernier-entretien-milley-guerassimov")):
        assert event.annotation and "même" in event.annotation


def test_no_silence_is_invented_between_the_two_february_talks(facts: Facts) -> None:
    pair = {"2022-02-entretien-milley-guerassimov-debut-fevrier", "2022-02-11-dernier-entretien-milley-guerassimov"}
    silences = facts.silences["chefs-etat-major"]
    assert silences and [s for s in silences if {s.before.id, s.after.id} <= pair] == []
    assert min(s.low for s in silences) > 10  # no "de 0 à 10 jours sans contact"


# Happenings the five articles report, each by words of the passage that reports it and a word the title or
# summary of its event must hold: a reader who knows only the articles must find every one of them as an event,
# not only as context in another event's note.
REPORTED = {
    "politico-2022-02-27": {
        "à Helsinki en septembre dernier": "helsinki",
        "renforcement initial des forces": "renforcement",
        "à nouveau au début de ce mois": "début",
        "mise en alerte de ses forces": "alerte",
        "nous avons fait savoir aux Russes": "canal",
        "ont mise en place en 2015": "syrie",
        "qui réapprovisionnent les forces ukrainiennes": "réapprovisionnent",
        "ont interrompu les «discussions": "stabilité stratégique",
        "doivent annuler la plupart de leurs contacts": "diplomates",
        "reçu l'ordre de se retirer": "retirer",
        "Milley et Gerasimov ne se sont plus parlé": "plus",
        "Nous voyons constamment des avions de chasse": "avions de chasse",
    },
    "washington-post-2022-03": {
        "ont refusé à plusieurs reprises les appels": "refus",
        "a déclaré mercredi": "kirby",
        "avait déclaré lundi": "rupture",
        "le 11 mars": "public",
        "a indiqué jeudi": "rapport",
        "a déclaré James Stavridis": "escalade",
    },
    "cnn-2022-05-13": {
        "le 18 février": "austin",
        "depuis le 11 février": "11 février",
        "Le 1er mars": "établissent",
        "se sont déroulées près de la frontière": "frappes",
        "testée avec succès": "test",
        "point de presse avec des journalistes vendredi": "point de presse",
        "Oleksiy Reznikov, a déclaré vendredi": "longue phase",
        "se replier autour de la capitale": "replier",
        "Vladimir Chizhov": "opération militaire spéciale",
        "Klaus Korhonen": "korhonen",
        "renforcerait ses forces terrestres": "renforcer",
        "Milley devrait également contacter": "contacter",
        "pour la première fois depuis que la Russie a envahi": "84 jours",
    },
    "reuters-2022-11": {
        "ont lancé un appel par le biais de la ligne": "utilisent",
        "le 15 novembre": "missile",
        "a déclaré l'OTAN": "otan",
        "centrale nucléaire ukrainienne de Zaporizhzhia": "zaporizhzhia",
        "barrage de Nova Kakhovka": "barrage",
        "reconquise le 11 novembre": "kherson",
        "à deux reprises depuis le début de la guerre": "deux reprises",
        "Jake Sullivan": "sullivan",
        "reporté les pourparlers du Caire": "caire",
        "conservait plusieurs canaux": "plusieurs canaux",
        "Lorsqu'elle a été annoncée en mars": "plainte",
        "Alexander Vershbow": "opérations quotidiennes",
        "testée deux fois par jour": "deux fois par jour",
        "SAG-U": "sag-u",
    },
    "brown-guerassimov-2024-12-05": {
        "le 27 novembre dernier": "au téléphone",
        "ont annoncé les deux pays ce jeudi": "annoncent",
        "Moscou avait annoncé mardi": "manœuvres",
        "perd du terrain": "perd du terrain",
        "le tir le 21 novembre": "tire",
        "en octobre 2023": "prend ses fonctions",
        "du retour à la Maison Blanche": "retour",
    },
}
FRENCH_MONTHS = ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre",
                 "novembre", "décembre"]


def editors_texts(chronology: Chronology) -> list[tuple[str, str]]:
    """Every text the editors wrote, with the record it belongs to."""
    texts = [(e.id, f) for e in chronology.events for f in (e.title, e.summary, e.annotation, e.date_note) if f]
    texts += [(a.id, a.description or "") for a in chronology.actors.values()]
    texts += [(c.id, c.description or "") for c in chronology.channels.values()]
    texts += [(c.id, c.note or "") for c in chronology.claims.values()]
    texts += [(s.id, f) for s in chronology.sources.values() for f in (s.title, s.published_note or "")]
    return texts


@pytest.mark.parametrize("source_id", sorted(REPORTED))
def test_every_happening_the_articles_report_has_an_event(source_id: str, chronology: Chronology) -> None:
    text = chronology.sources[source_id].text
    assert [words for words in REPORTED[source_id] if words not in text] == []
    missing = [words for words, keyword in REPORTED[source_id].items()
               if not any(c.source == source_id and words in c.quote and keyword in (e.title + e.summary).lower()
                          for e in chronology.events for c in e.citations)]
    assert missing == []


def test_an_article_is_never_dated_more_precisely_than_its_source(chronology: Chronology) -> None:
    """« Reuters (novembre 2022) » would date an article that may be of early December: a month written
    next to an outlet's name must contain the whole range its source's publication may fall in."""
    wrong = []
    for source in (s for s in chronology.sources.values() if s.reports):
        outlet = re.escape(source.reports[0])
        pattern = re.compile(rf"{outlet}\s*[(,]\s*(?:(?:à la )?fin (?:de )?|début (?:de )?|mi-)?(\w+) (\d{{4}})\)")
        low, high = source.published.start, source.published.end
        for record, text in editors_texts(chronology):
            for month, year in pattern.findall(text):
                if month in FRENCH_MONTHS:
                    number = FRENCH_MONTHS.index(month) + 1
                    if not (low.year == high.year == int(year) and low.month == high.month == number):
                        wrong.append((record, source.id, f"{month} {year}"))
    assert wrong == []


def test_an_event_without_a_start_says_so(chronology: Chronology) -> None:
    """An undated statement shows « début inconnu »: its date note must tell the reader why there is none."""
    open_start = [e for e in chronology.events if e.date.start is None]
    assert len(open_start) >= 5
    assert [e.id for e in open_start if "début" not in (e.date_note or "")] == []


def test_an_article_of_uncertain_date_is_not_given_a_month_in_descriptions(chronology: Chronology) -> None:
    """The 2024 article is most likely of Thursday 5 December, but may be of Thursday 28 November: actors and
    channels, which carry no date note, must not say « décembre 2024 » of what it reports."""
    uncertain = [s for s in chronology.sources.values() if s.published.uncertain]
    assert uncertain
    said = []
    for source in uncertain:
        month = f"{FRENCH_MONTHS[source.published.start.month - 1]} {source.published.start.year}"
        said += [(record, month) for record, text in editors_texts(chronology)
                 if record in chronology.actors or record in chronology.channels if month in text]
    assert said == []


UNLINKED_REFERENCE = re.compile(r"voir (?!\[)(cet événement|ces événements\)|l'événement de cette)")


def test_a_reference_to_another_event_is_a_link(chronology: Chronology) -> None:
    """« voir cet événement » in a summary or a note must take the reader to that event: a sentence backed by
    another event's passage is checkable only if the reader can open it."""
    unlinked = [(e.id, field) for e in chronology.events for field in ("summary", "annotation")
                if UNLINKED_REFERENCE.search(getattr(e, field) or "")]
    linked = [e.id for e in chronology.events if "](evenement:" in (e.annotation or "") + e.summary]
    assert len(linked) >= 15
    assert unlinked == []


def test_no_citation_is_only_a_quotation_inside_the_article(chronology: Chronology) -> None:
    """A passage that is wholly the article's own « … » shows as « « … » » and drops who said it: cite the
    sentence with its attribution (« …, a précisé le porte-parole américain »)."""
    bare = [(e.id, c.quote[:40]) for e in chronology.events for c in e.citations
            if c.quote.strip().startswith("«") and c.quote.strip().endswith("»")]
    assert bare == []


def test_a_date_note_adds_to_its_label_instead_of_repeating_it(chronology: Chronology) -> None:
    """The page prints the label's reason right before the note ("Intervalle de dates : aucun des
    articles ne donne le jour ; …"): a note that says it again reads as a stutter (issue 14, point 6)."""
    def words(text: str) -> str:
        return " ".join(re.findall(r"\w+", unicodedata.normalize("NFC", text).lower()))

    repeated = []
    for event in chronology.events:
        clause = words(datation_view(event)["reason"].split(" ; ")[0])
        note = words(re.sub(r"\b(cinq|quatre|trois|deux)\s+", "", event.date_note or ""))
        if clause and clause in note:
            repeated.append((event.id, clause))
    assert repeated == []
