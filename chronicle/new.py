"""``build.py new``: write a valid, commented record from flags, never overwriting one."""

from __future__ import annotations

import argparse
import re
import unicodedata
from pathlib import Path
from typing import Any

from chronicle.dates import DateError, parse_edtf

ID_PATTERN = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
FOLDERS = {"event": "events", "actor": "actors", "channel": "channels", "source": "sources",
           "claim": "claims"}


class NewRecordError(ValueError):
    """The flags cannot make a record."""


def slugify(text: str, limit: int = 60) -> str:
    """ASCII lower-case words joined by dashes: "Appel Austin–Choïgou" -> "appel-austin-choigou"."""
    spaced = re.sub(r"[\W_]+", " ", text)  # dashes and apostrophes separate words
    ascii_text = unicodedata.normalize("NFKD", spaced).encode("ascii", "ignore").decode("ascii")
    words = re.findall(r"[a-z0-9]+", ascii_text.lower())
    slug = ""
    for word in words:
        candidate = f"{slug}-{word}" if slug else word
        if len(candidate) > limit:
            break
        slug = candidate
    return slug


def yaml_text(value: str) -> str:
    """A YAML double-quoted scalar for ``value``."""
    escaped = value.replace("\\", "\\\\").replace('"', '\\"')
    return f'"{escaped}"'


def yaml_list(values: list[str] | None) -> str:
    """A flow list of ids."""
    return "[" + ", ".join(values or []) + "]"


def event_text(args: dict[str, Any]) -> str:
    """The YAML of a new event."""
    sources = args.get("source") or ["IDENTIFIANT-DE-LA-SOURCE"]
    citations = "".join(f"  - source: {s}\n    quote: \"COLLEZ ICI LE PASSAGE EXACT DE LA SOURCE\"\n"
                        for s in sources)
    return (
        "# yaml-language-server: $schema=../../schema/event.schema.json\n"
        f"title: {yaml_text(args['title'])}\n"
        f"date: {args['date']}                # EDTF : 2022-05-13, 2022-05, 2022-02~, 2022-03-01/2022-11-29\n"
        "date_basis: explicit            # explicit (la source donne la date) ou inferred (+ date_note)\n"
        f"kind: {args.get('event_kind') or 'call'}                      # voir les « kinds » de content/site.yaml\n"
        f"channels: {yaml_list(args.get('channel'))}\n"
        f"actors: {yaml_list(args.get('actor'))}\n"
        "summary: >-\n  RÉSUMEZ ICI L'ÉVÉNEMENT EN UNE À TROIS PHRASES, AVEC VOS MOTS.\n"
        "citations:                       # passages recopiés mot pour mot\n"
        f"{citations}"
    )


def simple_text(kind: str, args: dict[str, Any]) -> str:
    """The YAML of a new actor, channel, source or claim."""
    head = f"# yaml-language-server: $schema=../../schema/{kind}.schema.json\n"
    title = yaml_text(args.get("title") or "À COMPLÉTER")
    if kind == "actor":
        return head + f"name: {title}\naliases: []        # autres graphies du nom\ntype: person        " \
            "# person, institution ou state\n"
    if kind == "channel":
        return head + f"name: {title}\nkind: diplomatic    # military-leaders, defence-ministers, " \
            f"operational-line, diplomatic...\nparties: {yaml_list(args.get('actor'))}\n"
    if kind == "source":
        return head + (f"title: {title}\nlanguage: fr\npublished: {args.get('date') or '2022'}\n"
                       "published_basis: explicit     # ou inferred, avec published_note\nreports: []\n")
    between = args.get("event") or ["EVENEMENT-1", "EVENEMENT-2"]
    source = (args.get("source") or ["IDENTIFIANT-DE-LA-SOURCE"])[0]
    return head + (f"source: {source}\nquote: \"COLLEZ ICI L'AFFIRMATION EXACTE\"\n"
                   f"between: {yaml_list(between)}\ndays: 0      # ou weeks: / months:, et about: true si vague\n")


def record_id(kind: str, args: dict[str, Any]) -> str:
    """The id of the new record: given by --id, or derived from date and title."""
    if args.get("id"):
        return str(args["id"])
    title = slugify(args.get("title") or "")
    if kind == "event" and args.get("date"):
        day = parse_edtf(args["date"])
        prefix = (day.iso_start() or "")[: {"day": 10, "month": 7, "year": 4}[day.precision]]
        return f"{prefix}-{title}" if title else prefix
    return title


def write_new_record(root: Path, kind: str, args: dict[str, Any]) -> Path:
    """Write the record and return its path; refuses to overwrite an existing file."""
    if kind == "event" and not (args.get("title") and args.get("date")):
        raise NewRecordError("un événement demande --title et --date.")
    if kind != "event" and not (args.get("title") or args.get("id")):
        raise NewRecordError("donnez --title (ou --id).")
    try:
        new_id = record_id(kind, args)
    except DateError as error:
        raise NewRecordError(error.message) from None
    if not ID_PATTERN.match(new_id) or len(new_id) > 80:
        raise NewRecordError(f"identifiant « {new_id} » invalide : minuscules sans accent, chiffres, tirets.")
    path = root / "content" / FOLDERS[kind] / f"{new_id}.yaml"
    if path.exists():
        raise NewRecordError(f"{path.relative_to(root).as_posix()} existe déjà ; rien n'a été écrit.")
    text = event_text(args) if kind == "event" else simple_text(kind, args)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def add_new_parser(commands: Any) -> None:
    """The ``new`` subcommand and its flags."""
    new = commands.add_parser("new", help="créer une fiche (event, actor, channel, source, claim)",
                              description="Écrit une fiche commentée à compléter ; n'écrase jamais.")
    new.add_argument("kind", choices=list(FOLDERS), help="nature de la fiche")
    new.add_argument("--title", help="titre (ou nom)")
    new.add_argument("--date", help="date EDTF, ex. 2022-05-13")
    new.add_argument("--id", help="identifiant (sinon déduit de la date et du titre)")
    new.add_argument("--kind", dest="event_kind", help=argparse.SUPPRESS)
    for flag, text in (("--actor", "acteur (répétable)"), ("--channel", "canal (répétable)"),
                       ("--source", "source (répétable)"), ("--event", "événement (répétable, claims)")):
        new.add_argument(flag, action="append", help=text)
