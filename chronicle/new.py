"""``build.py new``: write a valid, commented record from flags, never overwriting one.

An event written from ``--date --title --actor --channel --source`` passes the check once
its quote is pasted in. Every id given in a flag must exist: a typo is refused with the
closest ids, before anything is written.
"""

from __future__ import annotations

import os
import re
import unicodedata
from pathlib import Path
from typing import Any

ID_PATTERN = re.compile(r"[a-z0-9]+(-[a-z0-9]+)*")  # fullmatch: "x\n" is not an id
MAX_ID = 80
FOLDERS = {"event": "events", "actor": "actors", "channel": "channels", "source": "sources",
           "claim": "claims"}
REFERENCES = {"actor": ("actors", "acteur"), "channel": ("channels", "canal"),
              "source": ("sources", "source"), "event": ("events", "événement")}
# Letters NFKD does not take apart: "œuvre" must become "oeuvre", not "uvre".
LIGATURES = str.maketrans({"œ": "oe", "Œ": "OE", "æ": "ae", "Æ": "AE", "ß": "ss", "ø": "o", "Ø": "O",
                           "ł": "l", "Ł": "L", "đ": "d", "Đ": "D", "ı": "i"})
DATE_PREFIX = re.compile(r"[0-9]{4}(-[0-9]{2}(-[0-9]{2})?)?")
QUOTE_PLACEHOLDER = "COLLEZ ICI LE PASSAGE EXACT DE LA SOURCE"
TEXT_PLACEHOLDER = "COLLEZ ICI LE TEXTE INTÉGRAL DE L'ARTICLE, tel qu'il a été publié."
SUMMARY_PLACEHOLDER = "RÉSUMEZ ICI L'ÉVÉNEMENT EN UNE À TROIS PHRASES, AVEC VOS MOTS."


class NewRecordError(ValueError):
    """The flags cannot make a record."""


def slugify(text: str, limit: int = 60) -> str:
    """ASCII lower-case words joined by dashes: "Appel Austin–Choïgou" -> "appel-austin-choigou"."""
    spaced = re.sub(r"[\W_]+", " ", text.translate(LIGATURES))  # dashes and apostrophes separate words
    ascii_text = unicodedata.normalize("NFKD", spaced).encode("ascii", "ignore").decode("ascii")
    words = re.findall(r"[a-z0-9]+", ascii_text.lower())
    slug = ""
    for word in words:
        candidate = f"{slug}-{word}" if slug else word
        if len(candidate) > limit:
            break
        slug = candidate
    return slug


def date_prefix(date: str) -> str:
    """The start of an event id, as the date is written: "2022-05-13", "2022-02~" -> "2022-02".

    An interval gives its first known end; the qualifiers ``~ ? %`` are dropped.
    """
    part = next((p for p in date.split("/") if p not in ("", "..")), "")
    found = DATE_PREFIX.match(part.lstrip("~?%"))
    return found.group(0) if found else slugify(part)


def yaml_text(value: str) -> str:
    """A YAML double-quoted scalar for ``value``."""
    escaped = value.replace("\\", "\\\\").replace('"', '\\"')
    return f'"{escaped}"'


def yaml_block(value: str, indent: int = 2) -> str:
    """A folded block (``>-`` and the text on the next line) for ``value``: `` #`` and ``:`` stay text."""
    return ">-\n" + " " * indent + value.strip()


def yaml_list(values: list[str] | None) -> str:
    """A flow list of ids."""
    return "[" + ", ".join(values or []) + "]"


def event_text(args: dict[str, Any]) -> str:
    """The YAML of a new event: required fields filled or marked, optional ones in comments."""
    sources = args.get("source") or ["IDENTIFIANT-DE-LA-SOURCE"]
    citations = "".join(f"  - source: {source}\n    quote: >-\n      {QUOTE_PLACEHOLDER}\n"
                        for source in sources)
    summary = args.get("summary") or SUMMARY_PLACEHOLDER
    actors = args.get("actor") or []
    return (
        "# yaml-language-server: $schema=../../schema/event.schema.json\n"
        "# Mode d'emploi : CONTRIBUTING.md. Vérifiez avec « python build.py check ».\n"
        f"title: {yaml_block(args['title'])}\n"
        f"date: '{args['date']}'  # EDTF : 2022-05-13, 2022-05, 2022, 2022-02~ (vers), "
        "2022-11? (incertaine), 2022-03-01/2022-11-29\n"
        "date_basis: explicit  # explicit : la source donne la date ; inferred : déduite (+ date_note)\n"
        "# date_note: >-\n#   Comment la date a été établie (obligatoire si date_basis vaut inferred).\n"
        f"kind: {args.get('event_kind') or 'call'}  # une des natures de content/site.yaml (kinds)\n"
        f"channels: {yaml_list(args.get('channel'))}\n"
        f"actors: {yaml_list(actors)}\n"
        f"# initiator: {actors[0] if actors else 'IDENTIFIANT'}  # qui a demandé le contact (un des acteurs)\n"
        f"summary: {yaml_block(summary)}\n"
        "citations:  # passages recopiés mot pour mot depuis content/sources/<source>.txt\n"
        f"{citations}"
        "# annotation: >-\n#   Note de la rédaction : contexte, flou, désaccord entre sources.\n"
    )


def simple_text(kind: str, args: dict[str, Any]) -> str:
    """The YAML of a new actor, channel, source or claim."""
    head = (f"# yaml-language-server: $schema=../../schema/{kind}.schema.json\n"
            "# Mode d'emploi : CONTRIBUTING.md. Vérifiez avec « python build.py check ».\n")
    title = yaml_block(args.get("title") or "À COMPLÉTER")
    if kind == "actor":
        return head + (f"name: {title}\naliases: []  # toutes les graphies du nom dans les sources\n"
                       "type: person  # person, institution ou state\n")
    if kind == "channel":
        return head + (f"name: {title}\nkind: diplomatic  # military-leaders, defence-ministers, "
                       f"operational-line, diplomatic...\nparties: {yaml_list(args.get('actor'))}\n")
    if kind == "source":
        outlet = args.get("outlet")
        return head + (f"title: {title}\nlanguage: fr\npublished: '{args.get('date') or '2022'}'\n"
                       "published_basis: explicit  # ou inferred, avec published_note\n"
                       f"reports: {yaml_list([outlet] if outlet else [])}  # le média dont l'article relaie "
                       "les informations\n# Le texte intégral de l'article va dans le fichier .txt du même nom.\n")
    between = args.get("event") or ["EVENEMENT-1", "EVENEMENT-2"]
    source = (args.get("source") or ["IDENTIFIANT-DE-LA-SOURCE"])[0]
    return head + (f"source: {source}\nquote: >-\n  COLLEZ ICI L'AFFIRMATION EXACTE\n"
                   f"between: {yaml_list(between)}  # le plus ancien d'abord\n"
                   "days: 84  # l'écart annoncé : days, weeks ou months (about: true si vague) ;\n"
                   "# ou, pour « avant » / « après » : order: before (sans écart) ;\n"
                   "# ou, pour « le deuxième appel depuis » : rank: 2 et on_channel: <canal> (voir CONTRIBUTING.md).\n")


def record_id(kind: str, args: dict[str, Any]) -> str:
    """The id of the new record: given by --id, or derived from date and title (ASCII, stable).

    A source's id is its outlet and its date, like every source's (``cnn-2022-05-13``).
    """
    if args.get("id"):
        return str(args["id"])
    if kind == "source":
        outlet = re.sub(r"^(the|le|la|les)\s+", "", args.get("outlet") or "", flags=re.IGNORECASE)
        return f"{slugify(outlet)}-{date_prefix(args.get('date') or '')}"
    title = slugify(args.get("title") or "")
    if kind == "event" and args.get("date"):
        if not title:
            raise NewRecordError("le titre ne contient aucune lettre latine : donnez l'identifiant avec --id.")
        return f"{date_prefix(args['date'])}-{title}"
    return title


def check_flags(root: Path, kind: str, args: dict[str, Any]) -> None:
    """Refuse missing flags, control characters, unknown ids and kinds, before anything is written."""
    from chronicle.config import load_config  # here: the command line registers ``new`` on every run
    from chronicle.dates import DateError, parse_edtf
    from chronicle.schema import closest

    if kind == "event" and not (args.get("title") and args.get("date")):
        raise NewRecordError("un événement demande --title et --date, ex. --date 2022-05-13 "
                             "--title \"Appel Austin–Choïgou\".")
    if kind == "source" and not (args.get("id") or (args.get("outlet") and args.get("date"))):
        raise NewRecordError("une source demande --outlet (le média) et --date (sa parution), qui font son "
                             "identifiant, ex. --outlet CNN --date 2022-05-13 -> cnn-2022-05-13.")
    if kind not in ("event", "source") and not (args.get("title") or args.get("id")):
        raise NewRecordError("donnez --title (ou --id).")
    for flag in ("title", "summary"):
        if any(unicodedata.category(char).startswith("C") for char in args.get(flag) or ""):
            raise NewRecordError(f"--{flag} contient un caractère de contrôle (saut de ligne, tabulation…) : "
                                 "écrivez-le sur une seule ligne.")
    for flag, (folder, name) in REFERENCES.items():
        known = sorted(path.stem for path in (root / "content" / folder).glob("*.yaml"))
        for value in args.get(flag) or []:
            if value not in known:
                near = closest(value, known)
                hint = f" Identifiants proches : {', '.join(near)}." if near else (
                    f" Les identifiants sont les noms des fichiers de content/{folder}/.")
                raise NewRecordError(f"{name} « {value} » inconnu (--{flag}).{hint}")
    try:
        if args.get("date"):
            parse_edtf(args["date"])
    except DateError as error:
        raise NewRecordError(f"--date : {error.message}") from None
    event_kind = args.get("event_kind")
    config, _ = load_config(root)
    if event_kind and config is not None and event_kind not in [k.id for k in config.kinds]:
        raise NewRecordError(f"nature « {event_kind} » inconnue (--kind) ; natures possibles : "
                             f"{', '.join(k.id for k in config.kinds)}.")


def write_new_record(root: Path, kind: str, args: dict[str, Any]) -> Path:
    """Write the record and return its path; refuses to overwrite an existing file."""
    check_flags(root, kind, args)
    new_id = record_id(kind, args)
    if not ID_PATTERN.fullmatch(new_id) or len(new_id) > MAX_ID:
        raise NewRecordError(f"identifiant « {new_id} » invalide : minuscules sans accent, chiffres et tirets, "
                             f"{MAX_ID} caractères au plus.")
    path = root / "content" / FOLDERS[kind] / f"{new_id}.yaml"
    for folder in (path.parent.parent, path.parent):  # never written through a link (SECURITY.md)
        if folder.is_symlink():
            raise NewRecordError(f"{folder.relative_to(root).as_posix()} est un lien symbolique : rien n'a été "
                                 "écrit. Remplacez-le par un dossier.")
    if os.path.lexists(path):
        raise NewRecordError(f"{path.relative_to(root).as_posix()} existe déjà ; rien n'a été écrit. "
                             "Changez le titre, ou choisissez l'identifiant avec --id.")
    text = event_text(args) if kind == "event" else simple_text(kind, args)
    article = path.with_suffix(".txt")
    if kind == "source" and os.path.lexists(article):
        raise NewRecordError(f"{article.relative_to(root).as_posix()} existe déjà ; rien n'a été écrit.")
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("x", encoding="utf-8") as handle:  # "x": never overwrite, even in a race
        handle.write(text)
    if kind == "source":
        with article.open("x", encoding="utf-8") as handle:
            handle.write(f"{TEXT_PLACEHOLDER}\n")
    return path


def closing_message(kind: str, path: Path, root: Path) -> str:
    """What ``new`` prints once the record is written: what is left to do, for this kind."""
    where = path.relative_to(root).as_posix()
    then = "puis lancez « python build.py check ». Mode d'emploi : CONTRIBUTING.md."
    if kind == "event":
        return f"Fiche créée : {where}. Remplacez-y les textes en MAJUSCULES (résumé, passages cités), {then}"
    if kind == "source":
        return (f"Fiches créées : {where} et {where.removesuffix('.yaml')}.txt. Collez le texte intégral de "
                f"l'article dans le .txt à la place de la ligne en MAJUSCULES, relisez le titre et la date, {then}")
    if kind == "claim":
        return f"Fiche créée : {where}. Collez l'affirmation exacte, nommez les deux événements et l'écart, {then}"
    return f"Fiche créée : {where}. Complétez-la (les textes en MAJUSCULES), {then}"


def add_new_parser(commands: Any) -> None:
    """The ``new`` subcommand and its flags."""
    new = commands.add_parser("new", help="créer une fiche (event, actor, channel, source, claim)",
                              description="Écrit une fiche commentée à compléter ; n'écrase jamais.",
                              epilog="Exemple : python build.py new event --date 2022-05-13 --title "
                              "\"Appel Austin–Choïgou\" --actor lloyd-austin --actor sergei-choigou "
                              "--channel austin-choigou --source cnn-2022-05-13")
    new.add_argument("kind", choices=list(FOLDERS), metavar="fiche", help="nature de la fiche : "
                     + ", ".join(FOLDERS))
    new.add_argument("--title", metavar="TITRE", help="titre (ou nom)")
    new.add_argument("--date", help="date EDTF, ex. 2022-05-13, 2022-05, 2022-02~")
    new.add_argument("--id", metavar="IDENTIFIANT", help="identifiant (sinon déduit de la date et du titre ; "
                     "pour une source, du "
                     "média et de la date)")
    new.add_argument("--outlet", metavar="MÉDIA", help="média d'une source (CNN, The Washington Post) : "
                     "avec --date, il fait l'identifiant (cnn-2022-05-13)")
    new.add_argument("--kind", dest="event_kind", metavar="NATURE",
                     help="nature de l'événement (par défaut call ; voir kinds dans content/site.yaml)")
    new.add_argument("--summary", metavar="RÉSUMÉ", help="résumé de l'événement (sinon à rédiger dans la fiche)")
    for flag, text, metavar in (("--actor", "acteur (répétable)", "ACTEUR"), ("--channel", "canal (répétable)",
                                "CANAL"), ("--source", "source (répétable)", "SOURCE"),
                                ("--event", "événement (répétable, claims)", "ÉVÉNEMENT")):
        new.add_argument(flag, action="append", metavar=metavar, help=text)
