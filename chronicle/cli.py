"""The command line: build | check | serve | new.

Exit 0 ok, 1 content errors, 2 usage errors, 70 a bug of ours, 75 another ``build`` or ``serve``
holds the project (``chronicle.lock``), 130 interrupted."""

from __future__ import annotations

import argparse
import gc
import sys
import time
from contextlib import nullcontext
from pathlib import Path

from chronicle.cache import Inputs, cache_anomaly, forget_build, is_up_to_date, read_inputs, remember_build, sweep_cache
from chronicle.lock import LockFileError, ProjectBusyError, project_lock
from chronicle.problems import ContentError, Problem, capped, counted, printable
from chronicle.urls import PUBLISHED_URLS
from chronicle.write import OutputError, check_output, recover_output

# The pipeline (Jinja, markdown-it, YAML…) is imported by the commands that run it: a build with
# nothing to do is then mostly Python's own start (0.09 s instead of 0.18 s at 10,000 events; measured
# again on a loaded machine, 0.35 s of CPU against 0.57 s with the pipeline imported first).

EXIT_OK, EXIT_CONTENT, EXIT_USAGE, EXIT_INTERNAL, EXIT_BUSY = 0, 1, 2, 70, 75
LOCKED = ("build", "serve")  # the commands that write site/ and .chronicle-cache/: one at a time
RECORD_KINDS = {"event": ("événement", "événements"), "actor": ("acteur", "acteurs"),
                "channel": ("canal", "canaux"), "source": ("source", "sources"),
                "claim": ("affirmation", "affirmations")}


def format_problem(problem: Problem, style: str) -> str:
    """One problem as text (``path:line:column: field: message``) or a GitHub annotation."""
    if style == "github":
        # Workflow commands' own escaping (%25 first, then %0D %0A, and %3A %2C in properties), over
        # ``printable``'s: a value can neither end the command nor forge another one on a new line.
        field = f"{problem.field} : " if problem.field else ""
        text = printable(f"{field}{problem.message} {problem.hint}".strip())
        text = text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
        path = printable(problem.path).replace("%", "%25").replace(",", "%2C").replace(":", "%3A")
        return f"::error file={path},line={max(problem.line, 1)},col={max(problem.column, 1)}::{text}"
    return problem.format()


def report_problems(problems: list[Problem], style: str = "text",
                    then: str = "le site n'a pas été modifié.") -> None:
    """Print every problem, then how many and ``then`` (problems on stdout for GitHub, else stderr)."""
    stream = sys.stdout if style == "github" else sys.stderr
    for problem in capped(problems):  # the first hundred of each file; the count below says all
        print(format_problem(problem, style), file=stream)
    files = len({p.path for p in problems})
    print(f"{counted(len(problems), 'problème')} dans {counted(files, 'fichier')} ; {then}", file=sys.stderr)


def output_message(out: Path, reason: str) -> str:
    """The message refusing the output folder ``out`` for ``reason`` (``write.check_output``)."""
    return (f"Dossier de sortie refusé : {out} : {reason} Rien n'a été écrit. Choisissez avec --out un dossier "
            "absent ou vide hors de content/, templates/, static/ et schema/ (par défaut : site/).")


def command_build(args: argparse.Namespace) -> int:
    """Build the site into ``--out``."""
    started = time.perf_counter()
    recover_output(args.out)  # a build killed in its swap, staging folders left: see ``write.recover_output``
    from chronicle.gitdates import head_commit

    commit = head_commit(args.root)  # a new commit re-dates pages without changing a file
    options: dict[str, object] = {"base_url": args.base_url, **({"commit": commit} if commit else {})}
    anomaly = cache_anomaly(args.root)
    if anomaly:
        print(anomaly, file=sys.stderr)
    sweep_cache(args.root)  # under the lock: what is left there is a killed build's
    inputs = read_inputs(args.root, args.out, options)  # before anything is read: see ``Inputs``
    if not (args.record_urls or args.force):
        if is_up_to_date(args.root, args.out, inputs.key):
            print(f"Rien à reconstruire : {args.out} est à jour.")
            return EXIT_OK
        updated = update_site(args, inputs, started)
        if updated is not None:
            return updated
    from chronicle.incremental import edit_of, templates_fingerprint
    from chronicle.memo import Memo
    from chronicle.pipeline import build_site, record_published
    from chronicle.saved import pickle_stages, seal_stages

    forget_build(args.root)  # the saved stages need no forgetting: they hold the output they were saved with
    if sys.stderr.isatty():
        print("Construction du site…", file=sys.stderr, end="\r")
    parsed, templates = Memo(), templates_fingerprint(args.root)
    try:
        site = build_site(args.root, args.out, args.base_url, memo=parsed, traced=True)  # for the next edit
    except ContentError as error:  # the last saved stages stay as they were
        report_problems(error.problems)
        return EXIT_CONTENT
    pages = sum(1 for path in site.files if path.endswith(".html"))
    elapsed = f"{time.perf_counter() - started:.2f}".replace(".", ",")
    print(f"Site construit : {pages} pages, {len(site.files)} fichiers dans {args.out} en {elapsed} s. "
          f"Ouvrez {args.out / 'index.html'} ou lancez « python build.py serve ».")
    if args.record_urls:
        added = record_published(args.root, site.permanent)
        plural = "s" if len(added) > 1 else ""
        print(f"{len(added)} adresse{plural} nouvelle{plural} enregistrée{plural} dans {PUBLISHED_URLS}"
              + (" : ajoutez ce fichier à votre pull request." if added else "."))
        if added:  # our own write, not an edit: the next build has nothing to redo for it
            inputs = read_inputs(args.root, args.out, options)
    remember_build(args.root, args.out, inputs.key)
    assert site.plan is not None
    stages = edit_of(site.plan, args.root, parsed, templates).stages(frozenset(site.searchable))
    seal_stages(args.root, pickle_stages(args.root, stages), inputs.settings, args.out)  # for the next edit
    return EXIT_OK


def update_site(args: argparse.Namespace, inputs: Inputs, started: float) -> int | None:
    """Rebuild after any edit to content/ from the last build's saved stages (``chronicle.incremental``):
    the same stages and checks as a full build, only the pages that changed rendered again. Its exit
    code; None when the full build must run instead (no saved stages, or most pages to render again)."""
    from chronicle.cache import output_fingerprint
    from chronicle.incremental import plan_edit
    from chronicle.saved import read_stages, write_saved_edit

    try:
        stages = read_stages(args.root, inputs.settings, output_fingerprint(args.out))
        if stages is None:
            return None
        edit = plan_edit(stages, args.root, args.base_url)
        if edit.most():  # rendered on every core, as a clean build does
            return None
        written = write_saved_edit(edit, stages, args.root, args.out, inputs.settings)
    except ContentError as error:  # the problems of a full build: the same stages found them
        report_problems(error.problems)
        return EXIT_CONTENT
    except Exception as error:  # a bug of this path, or Pagefind failing: the full build redoes all, or says why
        print(printable(f"Mise à jour partielle impossible ({type(error).__name__} : {error}) ; "
                        "reconstruction complète."), file=sys.stderr)
        return None
    elapsed = f"{time.perf_counter() - started:.2f}".replace(".", ",")
    rewritten = f"{counted(len(written), 'fichier')} réécrit{'s' if len(written) > 1 else ''}"
    print(f"Site mis à jour : {rewritten} et la recherche indexée de nouveau "
          f"dans {args.out} en {elapsed} s.")
    remember_build(args.root, args.out, inputs.key)
    return EXIT_OK


def command_check(args: argparse.Namespace) -> int:
    """Check the content without writing anything."""
    from chronicle.pipeline import check_site

    checked = check_site(args.root, require_recorded=args.require_recorded_urls)
    if checked.problems:
        report_problems(checked.problems, args.format, "corrigez puis relancez « python build.py check » "
                        "(mode d'emploi : CONTRIBUTING.md).")
        return EXIT_CONTENT
    assert checked.index is not None
    counts = ", ".join(counted(len(checked.index[kind]), *words) for kind, words in RECORD_KINDS.items())
    print(f"Aucun problème ({counts}).")
    notes = sorted(note for records in checked.index.values() for record in records.values() for note in record.notes)
    for note in notes:  # on stderr, like problems: they name a file and a line to edit
        print(f"Remarque : {format_problem(note, 'text')}", file=sys.stderr)
    return EXIT_OK


def command_serve(args: argparse.Namespace) -> int:
    """Build, serve on 127.0.0.1 and rebuild on every change."""
    from chronicle.serve import serve  # imported here: only `serve` needs the watcher

    recover_output(args.out)
    return serve(args.root, args.out, args.port, args.open, args.base_url)


def command_new(args: argparse.Namespace) -> int:
    """Write a new record from flags."""
    from chronicle.new import NewRecordError, closing_message, write_new_record

    try:
        path = write_new_record(args.root, args.kind, vars(args))
    except NewRecordError as error:
        print(printable(f"build.py new : {error}"), file=sys.stderr)
        return EXIT_USAGE
    print(closing_message(args.kind, path, args.root))
    return EXIT_OK


def make_parser() -> argparse.ArgumentParser:
    """The argument parser, with help for every command."""
    from chronicle.argparse_fr import FrenchParser, install

    install()
    parser = FrenchParser(prog="build.py", description="Chronicle : construit la chronologie "
                                     "annotée de content/ en site statique dans site/.")
    parser.add_argument("--root", type=Path, default=Path.cwd(), metavar="DOSSIER",
                        help="dossier du projet (par défaut : ici)")
    commands = parser.add_subparsers(dest="command", metavar="commande")
    build = commands.add_parser("build", help="construire le site (commande par défaut)",
                                description="Vérifie le contenu puis construit site/.")
    check = commands.add_parser("check", help="vérifier le contenu sans rien écrire",
                                description="Vérifie toutes les fiches et affiche tous les problèmes.")
    check.add_argument("--format", choices=("text", "github"), default="text",
                       help="text (par défaut) ou github (annotations de pull request)")
    check.add_argument("--require-recorded-urls", action="store_true",
                       help=f"échouer aussi si une adresse du site manque à {PUBLISHED_URLS} "
                       "(avant une mise en ligne)")
    build.add_argument("--record-urls", action="store_true",
                       help=f"ajouter à {PUBLISHED_URLS} les adresses nouvelles du site construit")
    build.add_argument("--force", action="store_true",
                       help="tout reconstruire, même si rien n'a changé depuis la dernière construction")
    serve = commands.add_parser("serve", help="construire, servir en local et reconstruire à chaque "
                                "modification", description="Sert site/ sur 127.0.0.1 et recharge la page "
                                "ouverte à chaque modification de content/, templates/ ou static/.")
    serve.add_argument("--port", type=int, default=8000,
                       help="port (par défaut 8000 ; 0 pour un port libre, affiché au démarrage)")
    serve.add_argument("--open", action="store_true", help="ouvrir le navigateur")
    for sub in (build, serve):
        sub.add_argument("--out", type=Path, default=None, metavar="DOSSIER",
                         help="dossier de sortie (par défaut site/)")
        sub.add_argument("--base-url", default=None, metavar="ADRESSE", help="adresse publique du site (remplace "
                         "celle de "
                         "content/site.yaml), ex. https://exemple.github.io/chronique/")
    from chronicle.new import add_new_parser

    add_new_parser(commands)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run the command line; returns the exit code."""
    parser = make_parser()
    args = parser.parse_args(argv)
    args.root = args.root.resolve()
    if args.command is None:
        args = parser.parse_args([*(argv or []), "build"])
        args.root = args.root.resolve()
    explicit_out = getattr(args, "out", None) is not None
    if getattr(args, "out", None) is None:
        args.out = args.root / "site"
    if args.command in ("build", "serve"):
        refused = check_output(args.root, args.out)
        if refused:  # a committed ``site`` link is the project's problem (1); ``--out`` a usage error (2)
            print(output_message(args.out, refused), file=sys.stderr)
            return EXIT_USAGE if explicit_out else EXIT_CONTENT
    if args.command in ("build", "check"):
        # One pass that makes millions of objects and frees few, in cycles almost none (~1,000 at
        # 10,000 events): the collector's walks over them cost a tenth of the build (``bench/tricks.py``:
        # 13.4 s of CPU without it, 15.9 s with it, up to planning, a tenth of the pages and the data
        # files; planning alone 3.2 s against 5.3 s). ``serve`` runs for hours and keeps it.
        gc.disable()
    handlers = {"build": command_build, "check": command_check, "serve": command_serve, "new": command_new}
    try:
        with project_lock(args.root, args.command) if args.command in LOCKED else nullcontext():
            return handlers[args.command](args)
    except ProjectBusyError as busy:
        print(busy.message, file=sys.stderr)
        return EXIT_BUSY
    except LockFileError as error:
        print(error.message, file=sys.stderr)
        return EXIT_CONTENT
    except OutputError as error:
        print(output_message(args.out, error.message), file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("Interrompu ; le site n'a pas été modifié.", file=sys.stderr)
        return 130
    except Exception as error:  # a bug of ours, not the editor's: say so, without a traceback
        print(printable(f"Erreur interne de Chronicle ({type(error).__name__} : {error}). Signalez-la avec la "
                        "commande lancée."), file=sys.stderr)
        return EXIT_INTERNAL
