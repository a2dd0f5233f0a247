"""The check: the exact message of each problem kind, at its line and column."""

from __future__ import annotations

from pathlib import Path

from chronicle.pipeline import check_site
from tests.conftest import make_project

EVENT = "content/events/2022-05-13-appel-austin-choigou.yaml"
GOOD_EVENT = """
# yaml-language-server: $schema=../../schema/event.schema.json
title: Premier appel Austin–Choïgou depuis l'invasion
date: 2022-05-13
date_basis: inferred
date_note: 84 jours après le 18 février.
kind: call
channels: [austin-choigou]
actors: [lloyd-austin, sergei-choigou]
initiator: lloyd-austin
summary: Lloyd Austin obtient un appel.
citations:
  - source: cnn-2022-05-13
    quote: L'appel a duré environ une heure et était à la demande d'Austin
"""


def problems(tmp_path: Path, files: dict[str, str]) -> list[str]:
    """The formatted problems of the fixture project with ``files`` replaced."""
    return [p.format() for p in check_site(make_project(tmp_path, files)).problems]


def event_with(tmp_path: Path, old: str, new: str) -> list[str]:
    """The problems once ``old`` is replaced by ``new`` in a valid event."""
    assert old in GOOD_EVENT
    return problems(tmp_path, {EVENT: GOOD_EVENT.replace(old, new)})


def test_fixture_is_clean(tmp_path: Path) -> None:
    assert problems(tmp_path, {EVENT: GOOD_EVENT}) == []


def test_unknown_field_lists_allowed_fields_closest_first(tmp_path: Path) -> None:
    assert event_with(tmp_path, "summary:", "sumary:") == [
        f"{EVENT}:2:1: summary: champ obligatoire manquant. Ajoutez une ligne « summary: … ».",
        f"{EVENT}:10:1: sumary: champ inconnu « sumary ». Champs acceptés : summary, actors, "
        "aliases, annotation, channels, citations, corrections, date, date_basis, date_note, initiator, "
        "kind, possibly_same_as, title.",
    ]


def test_empty_title(tmp_path: Path) -> None:
    assert event_with(tmp_path, "title: Premier appel Austin–Choïgou depuis l'invasion", "title:") == [
        f"{EVENT}:2:7: title: le champ est vide. Ce champ est obligatoire : donnez-lui une valeur."
    ]


def test_wrong_types_are_reported_at_the_value(tmp_path: Path) -> None:
    found = event_with(tmp_path, "actors: [lloyd-austin, sergei-choigou]\ninitiator: lloyd-austin",
                       "actors: lloyd-austin")
    assert found == [f"{EVENT}:8:9: actors: on attend une liste, pas un texte. Écrivez [lloyd-austin] ou "
                     "une ligne « - lloyd-austin » par élément."]
    assert event_with(tmp_path / "b", "date: 2022-05-13", "date: [2022]") == [
        f"{EVENT}:3:7: date: on attend un texte, pas une liste. Écrivez la valeur sur la même ligne que le "
        "nom du champ."]


def test_impossible_date(tmp_path: Path) -> None:
    assert event_with(tmp_path, "date: 2022-05-13", "date: 2022-02-30") == [
        f"{EVENT}:3:7: date: « 2022-02-30 » n'est pas une date EDTF valide : le 30 février 2022 n'existe pas."
    ]


def test_reversed_interval(tmp_path: Path) -> None:
    found = event_with(tmp_path, "date: 2022-05-13", "date: 2022-11-29/2022-03-01")
    assert found == [f"{EVENT}:3:7: date: « 2022-11-29/2022-03-01 » : l'intervalle finit avant de commencer "
                     "(fin : 1er mars 2022 ; début : 29 novembre 2022)."]


def test_unknown_actor_suggests_closest_ids(tmp_path: Path) -> None:
    found = event_with(tmp_path, "actors: [lloyd-austin, sergei-choigou]", "actors: [lloyd-austen, sergei-choigou]")
    assert f"{EVENT}:8:10: actors.0: acteur inconnu « lloyd-austen ». Identifiants proches : lloyd-austin." in found


def test_initiator_must_be_an_actor(tmp_path: Path) -> None:
    assert event_with(tmp_path, "initiator: lloyd-austin", "initiator: mark-milley") == [
        f"{EVENT}:9:12: initiator: « mark-milley » n'est pas parmi les acteurs. Ajoutez-le à actors ou "
        "corrigez initiator."]


def test_inferred_date_needs_a_note(tmp_path: Path) -> None:
    assert event_with(tmp_path, "date_note: 84 jours après le 18 février.\n", "") == [
        f"{EVENT}:4:13: date_basis: une date déduite (inferred) demande un champ date_note. Ajoutez "
        "date_note: expliquant comment la date a été établie."]


def test_quote_not_in_source_shows_closest_passage(tmp_path: Path) -> None:
    found = event_with(tmp_path, "était à la demande d'Austin", "était à la demande de Choïgou")
    assert len(found) == 1
    assert found[0].startswith(f"{EVENT}:13:12: citations.0.quote: passage introuvable dans la source "
                               "« cnn-2022-05-13 ». Passage le plus proche (ligne 2) : « ")
    assert "L’appel a duré environ une heure" in found[0]


def test_quote_twice_asks_for_prefix(tmp_path: Path) -> None:
    found = event_with(tmp_path, "L'appel a duré environ une heure et était à la demande d'Austin",
                       "a déclaré")
    assert len(found) == 1
    assert "citations.0.quote: le passage apparaît" in found[0]
    assert found[0].endswith("Ajoutez un champ prefix avec les mots qui le précèdent pour désigner une "
                             "seule occurrence.")


def test_unsafe_link_in_markdown(tmp_path: Path) -> None:
    assert event_with(tmp_path, "summary: Lloyd Austin obtient un appel.",
                      "summary: '[voir](JaVaScRiPt:alert(1))'") == [
        f"{EVENT}:10:10: summary: lien « JaVaScRiPt:alert(1) » refusé : seuls les liens https:, http: et "
        "mailto: sont acceptés."]


def test_unknown_kind(tmp_path: Path) -> None:
    found = event_with(tmp_path, "kind: call", "kind: cal")
    assert found == [f"{EVENT}:6:7: kind: nature « cal » inconnue ; natures possibles : call, political."]


def test_alias_clashing_with_an_event_names_both_files(tmp_path: Path) -> None:
    found = event_with(tmp_path, "summary:", "aliases: [2022-02-18-appel-austin-choigou]\nsummary:")
    assert found == [f"{EVENT}:10:11: aliases.0: « 2022-02-18-appel-austin-choigou » est déjà l'identifiant "
                     "de content/events/2022-02-18-appel-austin-choigou.yaml. Un identifiant ne peut désigner "
                     "qu'un seul événement : retirez-le des aliases de l'un des deux."]


def test_claim_that_cannot_hold(tmp_path: Path) -> None:
    claim = "content/claims/84-jours.yaml"
    found = problems(tmp_path, {claim: """
        source: cnn-2022-05-13
        quote: le premier appel entre les deux en 84 jours
        between: [2022-02-18-appel-austin-choigou, 2022-05-13-appel-austin-choigou]
        days: 83
        """})
    assert found == [f"{claim}:4:7: days: l'affirmation « 83 jours » ne tient pas : les dates des deux "
                     "événements donnent 84 jours. Corrigez la date d'un des événements, ou l'écart annoncé "
                     "(about: true si la source reste vague)."]


def test_url_field_accepts_only_http(tmp_path: Path) -> None:
    source = "content/sources/brown-guerassimov-2024.yaml"
    text = (make_project(tmp_path / "a") / source).read_text(encoding="utf-8")
    found = problems(tmp_path, {source: text.replace("https://example.org/brown-guerassimov",
                                                     "javascript:alert(1)")})
    assert found == [f"{source}:8:6: url: adresse « javascript:alert(1) » refusée : seules les adresses "
                     "https:// (ou http://) sont acceptées."]


def test_published_url_cannot_disappear(tmp_path: Path) -> None:
    found = problems(tmp_path, {
        "content/published-urls.txt": "/evenements/2022-05-13-appel-austin-choigou/\n/evenements/disparu/\n"
                                      "/evenements/ligne-deconfliction-mars/\n",
    })
    assert found == ["content/published-urls.txt:2:1: l'adresse publiée /evenements/disparu/ ne mènerait plus "
                     "nulle part : aucun événement n'a l'identifiant ni l'alias « disparu ». Si vous avez renommé "
                     "content/events/disparu.yaml, ajoutez « aliases: [disparu] » dans la nouvelle fiche : une "
                     "redirection sera créée. Pour retirer un événement, mettez son identifiant dans les aliases "
                     "de celui qui le remplace (voir CONTRIBUTING.md)."]


CHANNEL = "content/channels/austin-choigou.yaml"
CHANNEL_TEXT = ("name: Ministres de la Défense Austin–Choïgou\nkind: defence-ministers\n"
                "parties: [lloyd-austin, sergei-choigou]\n")


def test_removed_event_kept_by_a_channel_redirects_to_it(tmp_path: Path) -> None:
    root = make_project(tmp_path, {
        CHANNEL: CHANNEL_TEXT + "former_events: [rappel-retire]\n",
        "content/published-urls.txt": "/evenements/rappel-retire/\n"})
    checked = check_site(root, plan=True)
    assert checked.problems == []
    redirect = next(p for p in checked.pages if p.url == "/evenements/rappel-retire/")
    assert (redirect.template, redirect.context["target"]) == ("redirect.html", "/canaux/austin-choigou/")


def test_former_event_of_a_channel_clashing_with_an_event(tmp_path: Path) -> None:
    found = problems(tmp_path, {CHANNEL: CHANNEL_TEXT + "former_events: [2022-02-18-appel-austin-choigou]\n"})
    assert found == [f"{CHANNEL}:4:17: former_events.0: « 2022-02-18-appel-austin-choigou » est déjà "
                     "l'identifiant de content/events/2022-02-18-appel-austin-choigou.yaml. Un identifiant ne "
                     "peut désigner qu'un seul événement : retirez-le des former_events de l'un des deux."]


def test_possibly_same_as_names_an_event(tmp_path: Path) -> None:
    found = event_with(tmp_path, "summary:", "possibly_same_as: [2022-02-18-appel-austin-choigu]\nsummary:")
    assert found == [f"{EVENT}:10:20: possibly_same_as.0: événement inconnu « 2022-02-18-appel-austin-choigu ». "
                     "Identifiants proches : 2022-02-18-appel-austin-choigou, 2022-05-13-appel-austin-choigou, "
                     "2022-02-11-appel-milley-guerassimov."]


def test_every_problem_at_once_sorted(tmp_path: Path) -> None:
    bad = GOOD_EVENT.replace("kind: call", "kind: cal").replace("date: 2022-05-13", "date: 2022-2-3")
    found = problems(tmp_path, {EVENT: bad, "content/actors/x.yml": "name: X\n"})
    assert [line.split(": ")[0] for line in found] == [
        "content/actors/x.yml", f"{EVENT}:3:7", f"{EVENT}:6:7"]
    assert " date: « 2022-2-3 » n'est pas une date EDTF : écrivez 2022-02-03 (3 février 2022)." in found[1]
