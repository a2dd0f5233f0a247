"""The editors' path: `new`, messages and annotations, permanent URLs, redirects, corrections,
autocompletion (schemas, editor settings), the local guard and the contributing guide."""

from __future__ import annotations

import json
import re
import shlex
import subprocess
import sys
import tomllib
from importlib import metadata
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

from chronicle.cli import format_problem, make_parser
from chronicle.new import NewRecordError, date_prefix, record_id, slugify, write_new_record
from chronicle.pipeline import (
    PUBLISHED_URLS,
    check_site,
    predicted_urls,
    record_published,
    render_site,
    served_urls,
)
from chronicle.problems import Problem
from tests.conftest import FIXTURE, REPO, make_project
from tests.conftest import run_cli as run

EVENT = "content/events/2022-05-13-appel-austin-choigou.yaml"
RENAMED = "content/events/2022-05-13-premier-appel-austin-choigou.yaml"
KINDS = ("event", "actor", "channel", "source", "claim")
FOLDERS = {"event": "events", "actor": "actors", "channel": "channels", "source": "sources", "claim": "claims"}


def messages(root: Path, require_recorded: bool = False) -> list[str]:
    """The check's problems for the project at ``root``, formatted."""
    return [p.format() for p in check_site(root, require_recorded=require_recorded).problems]


def published(*lines: str) -> str:
    """A ``published-urls.txt`` listing ``lines``."""
    return "# adresses publiées\n" + "".join(f"{line}\n" for line in lines)


# --- build.py new -----------------------------------------------------------------------------

@pytest.mark.parametrize(("title", "slug"), [
    ("Premier appel Austin–Choïgou depuis l'invasion", "premier-appel-austin-choigou-depuis-l-invasion"),
    ("L’œuvre de Guérassimov : « ligne » rouge ?", "l-oeuvre-de-guerassimov-ligne-rouge"),
    ("Straße, Łódź, Æsir", "strasse-lodz-aesir"),
    ("   ", ""),
])
def test_slugify_is_ascii_and_stable(title: str, slug: str) -> None:
    assert slugify(title) == slug
    assert slugify(title) == slugify(title)


@pytest.mark.parametrize(("date", "prefix"), [
    ("2022-05-13", "2022-05-13"), ("2022-05", "2022-05"), ("2015", "2015"), ("2022-02~", "2022-02"),
    ("2024-12-05?", "2024-12-05"), ("2022-03-01/2022-11-29", "2022-03-01"), ("2022-03-01/..", "2022-03-01"),
    ("../2022-03", "2022-03"),
])
def test_event_id_starts_with_the_date_as_written(date: str, prefix: str) -> None:
    assert date_prefix(date) == prefix
    assert record_id("event", {"date": date, "title": "Appel Milley–Guérassimov"}) == \
        f"{prefix}-appel-milley-guerassimov"


def test_new_event_refuses_unknown_ids_with_the_closest(project: Path) -> None:
    result = run(project, "new", "event", "--date", "2022-05-13", "--title", "Appel", "--actor", "lloyd-austn")
    assert result.returncode == 2
    assert result.stderr == "build.py new : acteur « lloyd-austn » inconnu (--actor). Identifiants proches : " \
                            "lloyd-austin.\n"
    assert not (project / "content" / "events" / "2022-05-13-appel.yaml").exists()


@pytest.mark.parametrize(("flags", "message"), [
    ({"date": "2022-13-01", "title": "Appel"}, "--date : « 2022-13-01 » n'est pas une date EDTF valide"),
    ({"date": "2022-05-13"}, "un événement demande --title et --date"),
    ({"date": "2022-05-13", "title": "Appel\nsecret"}, "--title contient un caractère de contrôle"),
    ({"date": "2022-05-13", "title": "Вызов"}, "le titre ne contient aucune lettre latine"),
    ({"date": "2022-05-13", "title": "Appel", "event_kind": "cal"}, "nature « cal » inconnue (--kind)"),
    ({"date": "2022-05-13", "title": "Appel", "channel": ["austin-choigu"]},
     "canal « austin-choigu » inconnu (--channel). Identifiants proches : austin-choigou."),
])
def test_new_event_refuses_bad_flags_before_writing(project: Path, flags: dict[str, Any], message: str) -> None:
    before = sorted((project / "content" / "events").iterdir())
    with pytest.raises(NewRecordError) as caught:
        write_new_record(project, "event", flags)
    assert str(caught.value).startswith(message)
    assert sorted((project / "content" / "events").iterdir()) == before


def test_new_event_with_summary_and_kind_passes_once_quote_filled(project: Path) -> None:
    path = write_new_record(project, "event", {
        "date": "2022-05~", "title": "Refus russes répétés", "actor": ["lloyd-austin", "sergei-choigou"],
        "channel": ["austin-choigou"], "source": ["cnn-2022-05-13"], "event_kind": "call-refused",
        "summary": "Moscou refuse : « pas maintenant »."})
    assert path.name == "2022-05-refus-russes-repetes.yaml"
    text = path.read_text(encoding="utf-8")
    assert text.splitlines()[0] == "# yaml-language-server: $schema=../../schema/event.schema.json"
    assert "kind: call-refused" in text and "Moscou refuse : « pas maintenant »." in text
    assert messages(project) == [
        "content/events/2022-05-refus-russes-repetes.yaml:17:12: citations.0.quote: texte à remplacer « COLLEZ ICI "
        "LE PASSAGE EXACT DE LA SOURCE » laissé par « build.py new ». Remplacez-le par votre texte."]
    path.write_text(text.replace("COLLEZ ICI LE PASSAGE EXACT DE LA SOURCE",
                                 "ont jusqu’à présent refusé de s’engager."), encoding="utf-8")
    assert messages(project) == []


@pytest.mark.parametrize("kind", ["actor", "channel", "claim"])
def test_new_other_records_start_with_their_schema_line(project: Path, kind: str) -> None:
    path = write_new_record(project, kind, {"title": "Nouvelle fiche"})
    assert path == project / "content" / FOLDERS[kind] / "nouvelle-fiche.yaml"
    first = path.read_text(encoding="utf-8").splitlines()[0]
    assert first == f"# yaml-language-server: $schema=../../schema/{kind}.schema.json"


def test_new_source_is_named_after_outlet_and_date_and_gets_its_text(project: Path) -> None:
    result = run(project, "new", "source", "--outlet", "The Washington Post", "--date", "2022-03-24",
                 "--title", "Les chefs militaires russes refusent les appels (d'après The Washington Post)")
    assert result.returncode == 0, result.stderr
    assert result.stdout == (
        "Fiches créées : content/sources/washington-post-2022-03-24.yaml et "
        "content/sources/washington-post-2022-03-24.txt. Collez le texte intégral de l'article dans le .txt à la "
        "place de la ligne en MAJUSCULES, relisez le titre et la date, puis lancez « python build.py check ». "
        "Mode d'emploi : CONTRIBUTING.md.\n")
    record = yaml.safe_load((project / "content/sources/washington-post-2022-03-24.yaml").read_text("utf-8"))
    assert record["reports"] == ["The Washington Post"] and record["published"] == "2022-03-24"
    assert messages(project) == [
        "content/sources/washington-post-2022-03-24.txt:1:1: texte à remplacer laissé par « build.py new ». "
        "Collez-y le texte intégral de l'article, tel qu'il a été publié."]
    (project / "content/sources/washington-post-2022-03-24.txt").write_text("Le texte.\n", encoding="utf-8")
    assert messages(project) == []
    again = run(project, "new", "source", "--title", "Sans média")
    assert (again.returncode, again.stderr) == (2, "build.py new : une source demande --outlet (le média) et "
                                                "--date (sa parution), qui font son identifiant, ex. --outlet CNN "
                                                "--date 2022-05-13 -> cnn-2022-05-13.\n")


def test_new_writes_free_text_as_blocks_so_hash_and_colon_stay(project: Path) -> None:
    path = write_new_record(project, "event", {
        "date": "2022-05-13", "title": "Appel n° 2 #bis : Austin–Choïgou", "actor": ["lloyd-austin"],
        "source": ["cnn-2022-05-13"], "summary": "Austin rappelle : « pas de #cessez-le-feu »."})
    record = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert record["title"] == "Appel n° 2 #bis : Austin–Choïgou"
    assert record["summary"] == "Austin rappelle : « pas de #cessez-le-feu »."


def test_a_claim_naming_a_renamed_event_by_its_alias_resolves_with_a_note(project: Path) -> None:
    old = project / EVENT
    old.rename(project / RENAMED)
    renamed = project / RENAMED
    renamed.write_text(renamed.read_text(encoding="utf-8") + "aliases: [2022-05-13-appel-austin-choigou]\n",
                       encoding="utf-8")
    result = run(project, "check")
    assert (result.returncode, result.stdout) == (0, "Aucun problème (9 événements, 5 acteurs, 3 canaux, "
                                                  "2 sources, 2 affirmations).\n")
    assert result.stderr == (
        "Remarque : content/claims/84-jours.yaml:4:44: between.1: « 2022-05-13-appel-austin-choigou » est un "
        "ancien identifiant de l'événement « 2022-05-13-premier-appel-austin-choigou » (dans ses aliases) : la "
        "référence fonctionne. Écrivez plutôt 2022-05-13-premier-appel-austin-choigou.\n")


ENGLISH = ("usage:", "positional arguments", "optional arguments", "show this help", "error:", "invalid choice",
           "required", "unrecognized")


@pytest.mark.parametrize("command", [[], ["build"], ["check"], ["serve"], ["new"]])
def test_every_help_is_french(project: Path, command: list[str]) -> None:
    result = run(project, *command, "--help")
    assert result.returncode == 0
    assert result.stdout.startswith(f"utilisation : build.py {' '.join(command)}".rstrip())
    assert "-h, --help" in result.stdout and "afficher cette aide et quitter" in result.stdout
    assert not [word for word in ENGLISH if word in result.stdout]


@pytest.mark.parametrize(("arguments", "error"), [
    (["--bad"], "build.py : erreur : arguments non reconnus : --bad"),
    (["serve", "--port", "x"], "build.py serve : erreur : argument --port : valeur invalide : 'x' (un nombre est "
                               "attendu)"),
    (["new", "bidule"], "build.py new : erreur : argument fiche : choix invalide : 'bidule' (possibles : 'event', "
                        "'actor', 'channel', 'source', 'claim')"),
    (["new"], "build.py new : erreur : arguments obligatoires manquants : fiche"),
])
def test_usage_errors_are_french(project: Path, arguments: list[str], error: str) -> None:
    result = run(project, *arguments)
    assert result.returncode == 2
    assert result.stderr.splitlines()[0].startswith("utilisation : build.py")
    assert result.stderr.splitlines()[-1] == error


# --- messages and GitHub annotations ----------------------------------------------------------

def test_github_annotation_escapes_what_github_reads_as_syntax() -> None:
    problem = Problem("content/events/a,b:c.yaml", 0, 0, "summary", "100 % faux\nsur deux lignes.", "Corrigez.")
    assert format_problem(problem, "github") == (
        "::error file=content/events/a%2Cb%3Ac.yaml,line=1,col=1::summary : 100 %25 faux\\u000asur deux lignes. "
        "Corrigez.")


def test_check_github_lists_every_problem_as_an_annotation(project: Path) -> None:
    event = project / EVENT
    text = event.read_text(encoding="utf-8")
    event.write_text(text.replace("kind: call", "kind: cal").replace("- source: cnn-2022-05-13",
                                                                   "- source: cnn-2022"), encoding="utf-8")
    result = run(project, "check", "--format", "github")
    assert result.returncode == 1
    assert result.stdout.splitlines() == [
        f"::error file={EVENT},line=6,col=7::kind : nature « cal » inconnue ; natures possibles : call, political.",
        f"::error file={EVENT},line=12,col=13::citations.0.source : source inconnue « cnn-2022 ». Identifiants "
        "proches : cnn-2022-05-13.",
    ]
    assert result.stderr == ("2 problèmes dans 1 fichier ; corrigez puis relancez « python build.py check » "
                             "(mode d'emploi : CONTRIBUTING.md).\n")


# --- permanent URLs -------------------------------------------------------------------------------

def rename(root: Path, aliases: str | None) -> None:
    """Rename the fixture's May 2022 call, with ``aliases`` added to it (or none)."""
    old, new = root / EVENT, root / RENAMED
    text = old.read_text(encoding="utf-8")
    old.unlink()
    for claim in (root / "content" / "claims").glob("*.yaml"):
        claim.write_text(claim.read_text(encoding="utf-8").replace(old.stem, new.stem), encoding="utf-8")
    new.write_text(text + (f"aliases: {aliases}\n" if aliases else ""), encoding="utf-8")


def test_renaming_a_published_event_without_alias_fails(tmp_path: Path) -> None:
    root = make_project(tmp_path)
    record_published(root, render_site(root).permanent)
    rename(root, None)
    line = (root / PUBLISHED_URLS).read_text(encoding="utf-8").splitlines().index(
        "/evenements/2022-05-13-appel-austin-choigou/") + 1
    assert messages(root) == [
        f"content/published-urls.txt:{line}:1: l'adresse publiée /evenements/2022-05-13-appel-austin-choigou/ "
        "ne mènerait plus nulle part : aucun événement n'a l'identifiant ni l'alias "
        "« 2022-05-13-appel-austin-choigou ». Si vous avez renommé "
        "content/events/2022-05-13-appel-austin-choigou.yaml, ajoutez « aliases: "
        "[2022-05-13-appel-austin-choigou] » dans la nouvelle fiche (content/events/2022-05-13-premier-appel-"
        "austin-choigou.yaml ?) : une redirection sera créée. Pour retirer un événement, mettez son identifiant "
        "dans les aliases de celui qui le remplace (voir CONTRIBUTING.md)."]
    result = run(root, "build")
    assert result.returncode == 1
    assert not (root / "site").exists()


def test_renaming_with_alias_redirects(tmp_path: Path) -> None:
    root = make_project(tmp_path, {PUBLISHED_URLS: published("/evenements/2022-05-13-appel-austin-choigou/")})
    rename(root, "[2022-05-13-appel-austin-choigou]")
    assert messages(root) == []
    files = render_site(root, "https://exemple.github.io/chronique/").files
    redirect = files["evenements/2022-05-13-appel-austin-choigou/index.html"].decode("utf-8")
    assert '<meta http-equiv="refresh" content="0; url=../2022-05-13-premier-appel-austin-choigou/">' in redirect
    assert ('<link rel="canonical" href="https://exemple.github.io/chronique/evenements/'
            '2022-05-13-premier-appel-austin-choigou/">') in redirect
    # the hosts that read _redirects serve the folder at a domain's root: no sub-path in the rules
    rules = [line for line in files["_redirects"].decode("utf-8").splitlines() if not line.startswith("#")]
    assert rules == [
        "/evenements/2022-05-13-appel-austin-choigou/ /evenements/2022-05-13-premier-appel-austin-choigou/ 301!",
        "/evenements/2022-05-13-appel-austin-choigou/ /evenements/2022-05-13-premier-appel-austin-choigou/ 301",
        "/evenements/ligne-deconfliction-mars/ /evenements/2022-03-01-ligne-deconfliction/ 301!",
        "/evenements/ligne-deconfliction-mars/ /evenements/2022-03-01-ligne-deconfliction/ 301"]


def test_redirects_file_at_the_site_root(fixture_files: dict[str, bytes]) -> None:
    rules = [line for line in fixture_files["_redirects"].decode("utf-8").splitlines() if not line.startswith("#")]
    assert rules == ["/evenements/ligne-deconfliction-mars/ /evenements/2022-03-01-ligne-deconfliction/ 301!",
                     "/evenements/ligne-deconfliction-mars/ /evenements/2022-03-01-ligne-deconfliction/ 301"]


@pytest.mark.parametrize(("change", "message"), [
    ({"content/actors/mark-milley.yaml!delete": ""},
     "l'adresse publiée /acteurs/mark-milley/ ne mènerait plus nulle part : la fiche content/actors/mark-milley.yaml "
     "n'existe plus. Une fiche publiée ne se renomme pas et ne se supprime pas (seuls les événements ont des alias) :"
     " rétablissez-la, quitte à en corriger le contenu."),
    ({"content/events/2021-contacts-repetes.yaml!delete": ""},
     "l'adresse publiée /annees/2021/ ne mènerait plus nulle part : plus aucun événement n'est daté de 2021. "
     "Vérifiez la date de l'événement modifié ; si elle est juste, demandez conseil aux mainteneurs : la page de "
     "l'année doit rester en ligne."),
])
def test_every_published_kind_of_page_is_protected(tmp_path: Path, change: dict[str, str], message: str) -> None:
    root = make_project(tmp_path, {PUBLISHED_URLS: published("/acteurs/mark-milley/", "/annees/2021/"), **change})
    found = [m for m in messages(root) if m.startswith(PUBLISHED_URLS)]
    assert len(found) == 1 and found[0].split(": ", 1)[1] == message


def test_published_list_lines_must_be_urls(tmp_path: Path) -> None:
    root = make_project(tmp_path, {PUBLISHED_URLS: published("evenements/x/", "/recherche/", "/flux.xml")})
    assert messages(root) == [
        "content/published-urls.txt:2:1: ligne « evenements/x/ » mal formée. Une adresse publiée s'écrit depuis la "
        "racine du site, ex. /evenements/2022-05-13-appel-austin-choigou/."]


def test_a_rename_is_reported_with_the_other_problems(tmp_path: Path) -> None:
    root = make_project(tmp_path, {PUBLISHED_URLS: published("/evenements/2022-05-13-appel-austin-choigou/")})
    rename(root, None)
    new = root / RENAMED
    new.write_text(new.read_text(encoding="utf-8").replace("kind: call", "kind: cal"), encoding="utf-8")
    found = messages(root)
    assert [m.split(":")[0] for m in found] == [RENAMED, PUBLISHED_URLS]


def test_an_unreadable_record_is_not_reported_as_gone(tmp_path: Path) -> None:
    root = make_project(tmp_path, {PUBLISHED_URLS: published("/evenements/2022-05-13-appel-austin-choigou/")})
    (root / EVENT).write_text("title: « non fermé\n  : :\n", encoding="utf-8")
    found = messages(root)
    assert any(m.startswith(f"{EVENT}:2:3: erreur de syntaxe YAML") for m in found)
    assert not [m for m in found if m.startswith(PUBLISHED_URLS)]


@pytest.mark.parametrize("base", [FIXTURE, REPO], ids=["fixture", "real"])
def test_the_urls_foreseen_by_the_check_are_those_of_the_plan(tmp_path: Path, base: Path) -> None:
    root = make_project(tmp_path, {"content/events/1999-ouvert.yaml": """
        # yaml-language-server: $schema=../../schema/event.schema.json
        title: Date ouverte au début
        date: ../1999-03
        date_basis: explicit
        kind: call
        actors: [lloyd-austin]
        summary: Un événement sans début connu.
        citations:
          - source: cnn-2022-05-13
            quote: a déclaré vendredi
        """}, base=base)
    checked = check_site(root, plan=True)
    assert checked.problems == [] and checked.index is not None
    assert predicted_urls(checked.index) == served_urls(checked.pages)
    assert "/annees/1999/" in predicted_urls(checked.index)


@pytest.mark.parametrize("limit", [2, 50], ids=["every-list-split", "as-published"])
def test_each_part_of_the_plan_serves_the_urls_of_urls_site_parts(tmp_path: Path, limit: int,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    """One URL rule: the check's foreseen URLs and the plan's keys come from ``urls.site_parts``, and each
    part's pages are at the URLs it gives, in its order; with lists of 2, every year, actor, channel
    and source of the real chronology is split into pages (months, years, pages of a month)."""
    from chronicle import urls
    from chronicle.plan import plan_keys, plan_part, url_shape

    monkeypatch.setattr(urls, "LIST_LIMIT", limit)
    monkeypatch.setattr(urls, "INDEX_LIMIT", limit)
    root = make_project(tmp_path, {}, base=REPO)
    checked = check_site(root, plan=True)
    assert checked.problems == [] and checked.chronology and checked.facts and checked.config and checked.index
    parts = urls.site_parts(url_shape(checked.chronology))
    assert plan_keys(checked.chronology) == list(parts)
    for key, expected in parts.items():
        assert [page.url for page in plan_part(key, checked.chronology, checked.facts, checked.config)] == expected, key
    assert predicted_urls(checked.index) == served_urls(checked.pages)
    split = {url for url in served_urls(checked.pages) if "/page-2/" in url or re.search(r"/\d{4}/\d\d/$", url)}
    assert bool(split) == (limit == 2)


def test_record_urls_adds_new_ones_and_removes_none(tmp_path: Path) -> None:
    root = make_project(tmp_path, {PUBLISHED_URLS: "# en-tête gardé\n/evenements/ancienne-adresse-gardee/\n"})
    event = root / "content" / "events" / "2022-03-01-ligne-deconfliction.yaml"
    event.write_text(event.read_text(encoding="utf-8").replace(
        "aliases: [ligne-deconfliction-mars]", "aliases: [ligne-deconfliction-mars, ancienne-adresse-gardee]"),
        encoding="utf-8")
    count = len(render_site(root).permanent)
    assert [m.split(": ", 1)[1][:40] for m in messages(root, require_recorded=True)] == [
        f"{count} adresses nouvelles pas encore enregis"[:40]]
    result = run(root, "build", "--record-urls")
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-1] == (f"{count} adresses nouvelles enregistrées dans "
                                              "content/published-urls.txt : ajoutez ce fichier à votre pull request.")
    lines = (root / PUBLISHED_URLS).read_text(encoding="utf-8").splitlines()
    assert lines[0] == "# en-tête gardé"
    assert lines[1:] == sorted(lines[1:])
    assert {"/", "/evenements/ancienne-adresse-gardee/", "/evenements/2022-05-13-appel-austin-choigou/",
            "/donnees/chronologie.json", "/flux.xml", "/annees/2021/"} <= set(lines)
    assert not [line for line in lines if line.startswith("/static/") or line in ("/404.html", "/_redirects")]
    assert "/evenements/ligne-deconfliction-mars/" not in lines  # a redirect is not a page of its own
    assert messages(root, require_recorded=True) == []
    again = run(root, "build", "--record-urls")
    assert again.stdout.splitlines()[-1] == "0 adresse nouvelle enregistrée dans content/published-urls.txt."


def test_record_published_creates_the_list_with_its_header(project: Path) -> None:
    added = record_published(project, frozenset({"/b/", "/a/"}))
    assert added == ["/a/", "/b/"]
    text = (project / PUBLISHED_URLS).read_text(encoding="utf-8")
    assert text.startswith("# Toutes les adresses publiées par le site") and text.endswith("\n/a/\n/b/\n")


def test_unrecorded_urls_fail_only_when_required(project: Path) -> None:
    record_published(project, render_site(project).permanent)
    write_new_record(project, "event", {"date": "2022-04", "title": "Nouvel appel", "actor": ["lloyd-austin"],
                                        "source": ["cnn-2022-05-13"], "summary": "Un appel de plus."})
    path = project / "content" / "events" / "2022-04-nouvel-appel.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("COLLEZ ICI LE PASSAGE EXACT DE LA SOURCE",
                                                             "a déclaré vendredi"), encoding="utf-8")
    assert messages(project) == []
    lines = len((project / PUBLISHED_URLS).read_text(encoding="utf-8").splitlines())
    assert messages(project, require_recorded=True) == [
        f"content/published-urls.txt:{lines}:1: 1 adresse nouvelle pas encore enregistrée : "
        "/evenements/2022-04-nouvel-appel/. Lancez « python build.py build --record-urls » (ou ajoutez ces lignes à "
        "la main), puis joignez content/published-urls.txt à votre pull request : ces adresses seront alors "
        "protégées."]


# --- corrections ------------------------------------------------------------------------------------

def test_corrections_on_the_page_the_corrections_page_and_the_feed(fixture_files: dict[str, bytes]) -> None:
    text = "«\u202fligne rouge\u202f»\u202f; il s"  # French spacing on the pages (chronicle/typography.py)
    event = fixture_files["evenements/2022-03-01-ligne-deconfliction/index.html"].decode("utf-8")
    assert 'id="corrections"' in event and text in event.split('id="corrections"')[1]
    page = fixture_files["a-propos/corrections/index.html"].decode("utf-8")
    assert '<a href="../../evenements/2022-03-01-ligne-deconfliction/#corrections">' in page and text in page
    feed = fixture_files["flux.xml"].decode("utf-8")
    assert "<updated>2026-12-01T00:00:00Z</updated>\n<author>" in feed
    entry = feed.split("<entry>")[1]
    assert "<title>Correction : Établissement de la ligne de déconfliction</title>" in entry
    assert ("<id>tag:canaux-militaires.github.io,2024:/evenements/2022-03-01-ligne-deconfliction/#correction-1</id>"
            in entry)
    assert "<updated>2026-12-01T00:00:00Z</updated>" in entry
    assert "ligne rouge" in entry


def test_corrections_newest_first(tmp_path: Path) -> None:
    event = "content/events/2022-02-18-appel-austin-choigou.yaml"
    root = make_project(tmp_path)
    text = (root / event).read_text(encoding="utf-8")
    (root / event).write_text(text + "corrections:\n  - date: 2026-11-15\n    text: Date précisée.\n"
                              "  - date: 2025-06-01\n    text: Acteur ajouté.\n", encoding="utf-8")
    files = render_site(root).files
    feed = files["flux.xml"].decode("utf-8")
    titles = re.findall(r"<updated>([0-9-]+)T", feed)
    assert titles[:4] == ["2026-12-01", "2026-12-01", "2026-11-15", "2025-06-01"]
    assert "#correction-2</id>" in feed
    page = files["a-propos/corrections/index.html"].decode("utf-8")
    assert page.index("ligne rouge") < page.index("Date précisée.") < page.index("Acteur ajouté.")


# --- autocompletion: schemas, the first line of every record, editor settings ----------------------

def fields(schema: dict[str, Any], path: str = "") -> list[tuple[str, dict[str, Any]]]:
    """Every property of ``schema``, nested ones included, with its dotted path."""
    found = []
    for name, value in (schema.get("properties") or {}).items():
        dotted = f"{path}.{name}" if path else name
        found.append((dotted, value))
        for inner in (value, value.get("items"), value.get("additionalProperties")):
            if isinstance(inner, dict) and "properties" in inner:
                found += fields(inner, dotted)
    return found


@pytest.mark.parametrize("kind", [*KINDS, "site"])
def test_every_field_has_a_description_and_valid_examples(kind: str) -> None:
    schema = json.loads((REPO / "schema" / f"{kind}.schema.json").read_text(encoding="utf-8"))
    assert schema.get("description")
    found = fields(schema)
    assert len(found) >= 5
    for name, field in found:
        assert field.get("description"), f"{kind}: {name} has no description"
        assert field.get("examples"), f"{kind}: {name} has no examples"
        for example in field["examples"]:
            jsonschema.validate(example, field)


def records(root: Path) -> list[tuple[str, Path]]:
    """Every record file under ``root/content`` with its kind."""
    return [(kind, path) for kind in KINDS for path in sorted((root / "content" / FOLDERS[kind]).glob("*.yaml"))]


@pytest.mark.parametrize("root", [FIXTURE, REPO], ids=["fixture", "real"])
def test_every_record_starts_with_its_schema_line(root: Path) -> None:
    for kind, path in records(root):
        first = path.read_text(encoding="utf-8").split("\n", 1)[0]
        assert first == f"# yaml-language-server: $schema=../../schema/{kind}.schema.json", path
    first = (root / "content" / "site.yaml").read_text(encoding="utf-8").split("\n", 1)[0]
    assert first == "# yaml-language-server: $schema=../schema/site.schema.json"


def test_vscode_maps_every_schema_and_editorconfig_sets_the_basics() -> None:
    settings = json.loads((REPO / ".vscode" / "settings.json").read_text(encoding="utf-8"))
    schemas = settings["yaml.schemas"]
    assert schemas == {f"./schema/{kind}.schema.json": f"content/{FOLDERS[kind]}/*.yaml" for kind in KINDS} | {
        "./schema/site.schema.json": "content/site.yaml"}
    assert all((REPO / path).is_file() for path in schemas)
    assert settings["[yaml]"]["editor.insertSpaces"] is True and settings["[yaml]"]["editor.tabSize"] == 2
    assert settings["[plaintext]"]["files.trimTrailingWhitespace"] is False  # sources stay verbatim
    config = (REPO / ".editorconfig").read_text(encoding="utf-8")
    for line in ("root = true", "charset = utf-8", "indent_style = space", "[*.{yaml,yml}]\nindent_size = 2",
                 "[content/sources/*.txt]\ntrim_trailing_whitespace = false"):
        assert line in config


# --- the local guard (pre-commit) -------------------------------------------------------------------

def pre_commit_hook() -> dict[str, Any]:
    """The one hook of ``.pre-commit-config.yaml``."""
    config = yaml.safe_load((REPO / ".pre-commit-config.yaml").read_text(encoding="utf-8"))
    [repo] = config["repos"]
    assert repo["repo"] == "local"
    [hook] = repo["hooks"]
    return hook


def test_pre_commit_runs_the_check_when_content_changes() -> None:
    hook = pre_commit_hook()
    assert hook["entry"] == "python build.py check"
    assert hook["pass_filenames"] is False  # the check is global: one record is checked against all
    assert re.search(hook["files"], "content/events/2022-05-13-appel-austin-choigou.yaml")
    assert not re.search(hook["files"], "chronicle/cli.py")
    declared = {re.split(r"[<>=\[ ]", dep)[0].lower() for dep in hook["additional_dependencies"]}
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    needed = {re.split(r"[<>=\[ ]", dep)[0].lower() for dep in project["dependencies"]}
    build_only = {"watchfiles", "pagefind", "pillow"}  # serve, search index, share cards: never the check
    assert needed - declared <= build_only, "the hook's environment lacks a dependency"


def requirement(text: str) -> str:
    """The distribution name of a requirement (``PyYAML>=6.0,<7`` -> ``pyyaml``)."""
    return re.split(r"[<>=!~;\[ ]", text, maxsplit=1)[0].lower()


def with_their_dependencies(names: set[str]) -> set[str]:
    """``names`` and everything they require (extras left out), as installed here."""
    found: set[str] = set()
    todo = list(names)
    while todo:
        name = todo.pop()
        if name not in found:
            found.add(name)
            todo += [requirement(r) for r in metadata.requires(name) or [] if "extra ==" not in r]
    return found


def test_check_needs_only_the_hooks_dependencies(project: Path) -> None:
    script = ("import sys, importlib.metadata as m; before = set(sys.modules); from chronicle.cli import main; "
              f"code = main(['--root', {str(project)!r}, 'check']); owners = m.packages_distributions(); "
              "print(code, ' '.join(sorted({d.lower() for name in set(sys.modules) - before "
              "for d in owners.get(name.partition('.')[0], [])})))")
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120, cwd=REPO)
    code, _, used = result.stdout.splitlines()[-1].partition(" ")
    assert code == "0", result.stderr
    declared = {requirement(dep) for dep in pre_commit_hook()["additional_dependencies"]}
    own = {"chronicle"}  # the project itself, an installed distribution once `pip install -e .` ran
    assert set(used.split()) - with_their_dependencies(declared) - own == set()


def test_pre_commit_entry_passes_then_stops_a_broken_record(tmp_path: Path) -> None:
    root = make_project(tmp_path)
    (root / "build.py").symlink_to(REPO / "build.py")
    command = shlex.split(pre_commit_hook()["entry"])
    command[0] = sys.executable
    ok = subprocess.run(command, cwd=root, capture_output=True, text=True, timeout=120)
    assert ok.returncode == 0, ok.stderr
    (root / EVENT).write_text((root / EVENT).read_text(encoding="utf-8").replace("kind: call", "kind: cal"),
                              encoding="utf-8")
    broken = subprocess.run(command, cwd=root, capture_output=True, text=True, timeout=120)
    assert broken.returncode == 1
    assert broken.stderr.startswith(f"{EVENT}:6:7: kind: nature « cal » inconnue")


# --- the contributing guide ---------------------------------------------------------------------------

GUIDE = REPO / "CONTRIBUTING.md"


def guide() -> str:
    """The text of CONTRIBUTING.md."""
    return GUIDE.read_text(encoding="utf-8")


def test_every_command_of_the_guide_is_accepted() -> None:
    commands = re.findall(r"^python build\.py (.+)$", guide(), flags=re.MULTILINE)
    commands += re.findall(r"`python build\.py ([^`]+)`", guide())
    assert len(commands) >= 8
    parser = make_parser()
    for command in commands:
        argv = shlex.split(command.replace("…", "x"))
        if argv == ["--help"]:
            continue
        parser.parse_args(argv)  # exits (SystemExit) on an unknown command or flag


def test_the_guide_explains_every_event_field() -> None:
    schema = json.loads((REPO / "schema" / "event.schema.json").read_text(encoding="utf-8"))
    text = guide()
    for name, _ in fields(schema):
        assert f"`{name.rsplit('.', 1)[-1]}`" in text, name
    for kind in yaml.safe_load((REPO / "content" / "site.yaml").read_text(encoding="utf-8"))["kinds"]:
        assert f"| `{kind}` |" in text, kind


def github_anchor(heading: str) -> str:
    """The anchor GitHub gives a Markdown heading."""
    return re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")


def test_the_guide_links_resolve() -> None:
    text = guide()
    anchors = {github_anchor(h) for h in re.findall(r"^#+ (.+)$", text, flags=re.MULTILINE)}
    links = re.findall(r"\]\(#([^)]+)\)", text)
    assert len(links) >= 15
    assert [link for link in links if link not in anchors] == []


def test_following_the_guide_rename_rank_and_link(project: Path) -> None:
    """Steps 10 and 12 of the guide, as an editor would do them: rename a published event (old id in
    aliases), add a claim of rank naming it by its old id, link two events from a summary."""
    old, new = "2024-11-27-appel-brown-guerassimov", "2024-11-27-premier-appel-brown-guerassimov"
    events = project / "content" / "events"
    text = (events / f"{old}.yaml").read_text(encoding="utf-8")
    (events / f"{old}.yaml").unlink()
    (events / f"{new}.yaml").write_text(text + f"aliases:\n  - {old}\n", encoding="utf-8")
    (project / "content" / "claims" / "premiere-fois-depuis.yaml").write_text(
        "source: brown-guerassimov-2024\n"
        "quote: première fois que les deux dirigeants s’entretenaient depuis la prise de fonctions de Charles\n"
        f"between:\n  - 2023-10-brown-prend-ses-fonctions\n  - {old}\nrank: 1\non_channel: chefs-etat-major\n",
        encoding="utf-8")
    linking = events / "2022-05-13-appel-austin-choigou.yaml"
    linking.write_text(linking.read_text(encoding="utf-8").replace(
        "annotation: L'article", "annotation: Voir [l'appel du 18 février](evenement:2022-02-18-appel-austin-choigou). "
        "L'article"), encoding="utf-8")
    checked = run(project, "check")
    assert checked.returncode == 0, checked.stderr
    assert checked.stderr == (
        f"Remarque : content/claims/premiere-fois-depuis.yaml:5:5: between.1: « {old} » est un ancien identifiant "
        f"de l'événement « {new} » (dans ses aliases) : la référence fonctionne. Écrivez plutôt {new}.\n")
    built = run(project, "build")
    assert built.returncode == 0, built.stderr
    page = (project / "site" / "evenements" / new / "index.html").read_text(encoding="utf-8")
    assert "est le premier contact sur le canal" in page and "la chronologie en compte 1" in page
    linked = (project / "site" / "evenements" / "2022-05-13-appel-austin-choigou" / "index.html").read_text("utf-8")
    assert '<a href="../2022-02-18-appel-austin-choigou/">l\'appel du 18 février</a>' in linked
    assert (project / "site" / "evenements" / old / "index.html").is_file(), "the old address redirects"


@pytest.mark.parametrize(("summary", "message"), [
    ("Voir [l'appel](evenement:2022-02-18-appel-austin-choigo).",
     f"{EVENT}:10:10: summary: lien « evenement:2022-02-18-appel-austin-choigo » : événement inconnu. "
     "Identifiants proches : 2022-02-18-appel-austin-choigou, 2022-05-13-appel-austin-choigou, "
     "2022-02-11-appel-milley-guerassimov."),
    ("RÉSUMEZ ICI L'ÉVÉNEMENT.",
     f"{EVENT}:10:10: summary: texte à remplacer « RÉSUMEZ ICI L'ÉVÉNEMENT. » laissé par « build.py new ». "
     "Remplacez-le par votre texte."),
])
def test_a_text_edit_after_a_build_is_checked_like_the_rest(project: Path, summary: str, message: str) -> None:
    """The build redoes only the pages of an edited text (``live``): its links and placeholders are checked too."""
    assert run(project, "build").returncode == 0
    event = project / EVENT
    text = event.read_text(encoding="utf-8")
    event.write_text(re.sub(r"^summary: .*$", f"summary: {summary}", text, flags=re.MULTILINE), encoding="utf-8")
    built = run(project, "build")
    assert built.returncode == 1
    assert built.stderr.splitlines()[0] == message


def test_the_guide_example_event_passes_the_check(tmp_path: Path) -> None:
    example = re.search(r"```yaml\n(# yaml-language-server: \$schema=../../schema/event.schema.json\ntitle.*?)```",
                        guide(), flags=re.DOTALL)
    assert example is not None
    root = make_project(tmp_path, {"content/events/2022-05-13-exemple-du-guide.yaml": example.group(1)},
                        base=REPO)
    found = [m for m in messages(root) if "exemple-du-guide" in m]
    assert found == []
