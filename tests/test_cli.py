"""The command line in a subprocess: exit codes, output, and a site left whole on failure."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import run_cli as run
from tests.conftest import tree


def test_check_ok(project: Path) -> None:
    result = run(project, "check")
    assert result.returncode == 0
    assert result.stdout == "Aucun problème (9 événements, 5 acteurs, 3 canaux, 2 sources, 2 affirmations).\n"


def test_build_is_the_default_and_summarises(project: Path) -> None:
    result = run(project)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("Site construit : 32 pages, 96 fichiers dans ")
    assert (project / "site" / "index.html").is_file()
    assert (project / "site" / "donnees" / "chronologie.json").is_file()


def test_content_error_exits_1_and_leaves_site_whole(project: Path) -> None:
    assert run(project, "build").returncode == 0
    before = tree(project / "site")
    event = project / "content" / "events" / "2022-02-18-appel-austin-choigou.yaml"
    event.write_text(event.read_text(encoding="utf-8").replace("kind: call", "kind: cal"), encoding="utf-8")
    (project / "content" / "actors" / "x.yml").write_text("name: X\n", encoding="utf-8")
    result = run(project, "build")
    assert result.returncode == 1
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert lines[0].startswith("content/actors/x.yml: extension « .yml » non reconnue")
    assert lines[1].startswith("content/events/2022-02-18-appel-austin-choigou.yaml:5:7: kind: nature « cal »")
    assert lines[-1] == "2 problèmes dans 2 fichiers ; le site n'a pas été modifié."
    assert "Traceback" not in result.stderr
    assert tree(project / "site") == before
    assert not [p for p in project.iterdir() if p.name.startswith(".site-")]


def test_check_github_format(project: Path) -> None:
    event = project / "content" / "events" / "2022-02-18-appel-austin-choigou.yaml"
    event.write_text(event.read_text(encoding="utf-8").replace("kind: call", "kind: cal"), encoding="utf-8")
    result = run(project, "check", "--format", "github")
    assert result.returncode == 1
    assert result.stdout == ("::error file=content/events/2022-02-18-appel-austin-choigou.yaml,line=5,col=7::"
                             "kind : nature « cal » inconnue ; natures possibles : call, political.\n")


def test_usage_error_exits_2(project: Path) -> None:
    result = run(project, "publish")
    assert result.returncode == 2
    assert "invalid choice" in result.stderr or "choix invalide" in result.stderr


@pytest.mark.parametrize("command", ["build", "check", "serve", "new"])
def test_every_command_has_help(project: Path, command: str) -> None:
    result = run(project, command, "--help")
    assert result.returncode == 0
    assert result.stdout.startswith(f"utilisation : build.py {command}")


def test_new_event_passes_check_once_quote_filled(project: Path) -> None:
    result = run(project, "new", "event", "--date", "2022-05-13", "--title", "Appel Milley–Guérassimov prévu ?",
                 "--actor", "mark-milley", "--actor", "valeri-guerassimov", "--channel", "chefs-etat-major",
                 "--source", "cnn-2022-05-13")
    assert result.returncode == 0, result.stderr
    path = project / "content" / "events" / "2022-05-13-appel-milley-guerassimov-prevu.yaml"
    assert result.stdout.startswith("Fiche créée : content/events/2022-05-13-appel-milley-guerassimov-prevu.yaml")
    text = path.read_text(encoding="utf-8")
    assert text.startswith("# yaml-language-server: $schema=../../schema/event.schema.json\n")
    unfilled = run(project, "check")
    assert unfilled.returncode == 1
    assert "citations.0.quote: texte à remplacer « COLLEZ ICI" in unfilled.stderr
    assert "summary: texte à remplacer « RÉSUMEZ ICI" in unfilled.stderr
    text = text.replace("RÉSUMEZ ICI L'ÉVÉNEMENT EN UNE À TROIS PHRASES, AVEC VOS MOTS.", "Un appel annoncé.")
    path.write_text(text.replace("COLLEZ ICI LE PASSAGE EXACT DE LA SOURCE",
                                 "Milley devrait également contacter son homologue russe"), encoding="utf-8")
    assert run(project, "check").returncode == 0
    again = run(project, "new", "event", "--date", "2022-05-13", "--title", "Appel Milley–Guérassimov prévu ?")
    assert again.returncode == 2
    assert "existe déjà ; rien n'a été écrit." in again.stderr
