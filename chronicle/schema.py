"""Type raw records (every scalar a string) against the JSON Schemas of ``schema/``.

The schemas are the one description of the fields: editors' YAML plugins read them for
autocompletion, and this module reads them to type and check each record. Only the subset
of JSON Schema the schemas use is interpreted (type, properties, required,
additionalProperties, propertyNames, maxProperties, items, enum, pattern, minLength, maxLength,
minItems, maxItems, uniqueItems, minimum, maximum, format); every failure becomes a French Problem.
"""

from __future__ import annotations

import difflib
import json
import re
import unicodedata
from collections import Counter
from collections.abc import Callable
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

from chronicle.inputs import read_bytes
from chronicle.load import format_count
from chronicle.problems import PER_FILE, Problem

Position = tuple[int, int]
FormatCheck = Callable[[str], "str | None"]

TYPE_NAMES = {
    "string": "un texte",
    "array": "une liste",
    "object": "un ensemble de champs (« champ: valeur »)",
    "integer": "un nombre entier",
    "boolean": "true ou false",
}
INTEGER = re.compile(r"[0-9]{1,9}")  # matched whole (fullmatch): "84\n" is not a number
EMPTY = "le champ est vide."
EMPTY_HINTS = {
    "required": "Ce champ est obligatoire : donnez-lui une valeur.",
    "optional": "Donnez-lui une valeur, ou retirez la ligne.",
    "item": "Donnez une valeur à cet élément, ou retirez-le.",
}


@cache
def load_schema(directory: str, kind: str) -> dict[str, Any]:
    """The parsed JSON Schema ``schema/<kind>.schema.json``."""
    folder = Path(directory)  # read without following links (``chronicle.inputs``), from the project's root
    return json.loads(read_bytes(folder.parent, f"{folder.name}/{kind}.schema.json"))


@cache
def compiled_pattern(pattern: str) -> re.Pattern[str]:
    """A schema's ``pattern``, compiled to match the whole value and ASCII classes only.

    JSON Schema patterns are ECMA-262 searches, where ``$`` is the very end and ``\\d`` an ASCII
    digit; Python's ``$`` also matches before a final newline and its ``\\d`` any script's digits.
    Every pattern of ``schema/`` is anchored (``^…$``, a test holds it) and is matched here with
    ``fullmatch``, so an alias ``"x\\n"`` or a language ``"fr\\n"`` is refused as editors' tools do.
    """
    if not (pattern.startswith("^") and pattern.endswith("$")):
        raise ValueError(f"schema pattern not anchored with ^…$: {pattern!r}")
    return re.compile(pattern, re.ASCII)


def whole_match(pattern: str, value: str) -> bool:
    """Whether all of ``value`` (not a prefix, not all but a final newline) matches ``pattern``."""
    return compiled_pattern(pattern).fullmatch(value) is not None


# ``closest`` compares a word with every candidate (difflib, ~50 µs each): fine for a schema's
# fields or a few hundred ids, 0.5 s a word against 10,000. Past ``FEW`` candidates, only those
# that share the most trigrams with the word (counted within ``VOTE_BUDGET``) are compared.
FEW = 300
SHORTLIST = 30
VOTE_BUDGET = 20_000


def closest(word: str, candidates: list[str] | tuple[str, ...] | set[str], limit: int = 3) -> list[str]:
    """The candidates nearest to ``word``, closest first (at most ``limit``), in bounded time."""
    pool = list(candidates) if len(candidates) <= FEW else shortlist(word, frozenset(candidates))
    return difflib.get_close_matches(word, pool, n=limit, cutoff=0.5)


def trigrams(word: str) -> set[str]:
    """The character trigrams of ``word`` framed by spaces (a two-letter word has some too)."""
    framed = f" {word} "
    return {framed[i:i + 3] for i in range(len(framed) - 2)}


@lru_cache(maxsize=16)
def trigram_index(candidates: frozenset[str]) -> tuple[dict[str, list[str]], tuple[str, ...]]:
    """Each trigram of the candidates with the candidates that hold it; and the candidates sorted."""
    index: dict[str, list[str]] = {}
    ordered = tuple(sorted(candidates))
    for candidate in ordered:
        for gram in trigrams(candidate):
            index.setdefault(gram, []).append(candidate)
    return index, ordered


def shortlist(word: str, candidates: frozenset[str]) -> list[str]:
    """The ``SHORTLIST`` candidates sharing the most trigrams with ``word``: rare trigrams count
    first, and one held by so many candidates that it would overrun ``VOTE_BUDGET`` is left out."""
    index, ordered = trigram_index(candidates)
    grams = sorted((len(index[gram]), gram) for gram in trigrams(word) if gram in index)
    votes: Counter[str] = Counter()
    budget = VOTE_BUDGET
    for size, gram in grams:
        if size > budget:
            break
        budget -= size
        votes.update(index[gram])
    best = sorted(votes.items(), key=lambda item: (-item[1], item[0]))[:SHORTLIST]
    return [candidate for candidate, _ in best] or list(ordered[:SHORTLIST])


def ordered_by_closeness(word: str, candidates: list[str]) -> list[str]:
    """Every candidate, the close ones first, then the rest in alphabetical order."""
    near = closest(word, candidates, limit=len(candidates))
    return near + sorted(c for c in candidates if c not in near)


SCRIPTS = {"CYRILLIC": "cyrillique", "GREEK": "grecque", "ARMENIAN": "arménienne"}


def lookalike(key: str) -> str:
    """A warning when ``key`` holds a letter that only looks Latin (Cyrillic "і", Greek "ο"...)."""
    for char in key:
        name = unicodedata.name(char, "")
        if not char.isascii() and char.isalpha() and not name.startswith("LATIN"):
            script = SCRIPTS.get(name.split()[0], "d'un autre alphabet")
            return (f" Il contient « {char} » (U+{ord(char):04X}, lettre {script}), qui ressemble à une lettre "
                    "latine sans en être une.")
    return ""


class Typer:
    """Types one record's raw data against its schema, collecting problems."""

    def __init__(self, path: str, positions: dict[str, Position], key_positions: dict[str, Position],
                 formats: dict[str, FormatCheck]) -> None:
        self.path = path
        self.positions = positions
        self.key_positions = key_positions
        self.formats = formats
        self.problems: list[Problem] = []

    def full(self) -> bool:
        """Whether this file has had the ``PER_FILE`` problems an editor is shown (``capped``): later
        ones are still reported, without the suggestions that would cost a search each."""
        return len(self.problems) >= PER_FILE

    def report(self, field: str, message: str, hint: str = "", at_key: bool = False) -> None:
        """Record a problem at the value (or key) of ``field``, or its nearest parent."""
        table = self.key_positions if at_key else self.positions
        probe = field
        while probe not in table and probe:
            probe = probe.rpartition(".")[0]
        line, column = table.get(probe, self.positions.get("", (1, 1)))
        self.problems.append(Problem(self.path, line, column, field, message, hint))

    def value(self, raw: Any, schema: dict[str, Any], field: str, role: str = "item") -> Any:
        """The typed value of ``raw`` under ``schema``, or None after reporting why not.

        ``role`` (required, optional or item) says what an empty value should be told.
        """
        kind = schema.get("type")
        if raw is None or (isinstance(raw, str) and kind not in ("object", "array") and not raw.strip()):
            self.report(field, EMPTY, EMPTY_HINTS[role])
            return None
        if kind == "object":
            return self.mapping(raw, schema, field)
        if kind == "array":
            return self.sequence(raw, schema, field)
        if not isinstance(raw, str):
            got = "une liste" if isinstance(raw, list) else TYPE_NAMES["object"]
            self.report(field, f"on attend {TYPE_NAMES.get(kind, 'un texte')}, pas {got}.",
                        "Écrivez la valeur sur la même ligne que le nom du champ.")
            return None
        if kind == "integer":
            return self.integer(raw, schema, field)
        if kind == "boolean":
            if raw not in ("true", "false"):
                self.report(field, f"« {raw} » n'est pas un booléen.", "Écrivez true ou false.")
                return None
            return raw == "true"
        return self.string(raw, schema, field)

    def string(self, raw: str, schema: dict[str, Any], field: str) -> str | None:
        """Check a string's length, enumeration, pattern and format."""
        if len(raw) < schema.get("minLength", 0):
            self.report(field, f"texte trop court (minimum {schema['minLength']} caractères).")
            return None
        maximum = schema.get("maxLength")
        if maximum is not None and len(raw) > maximum:
            self.report(field, f"texte trop long ({format_count(len(raw))} caractères ; maximum "
                        f"{format_count(maximum)}).",
                        "Raccourcissez-le.")
            return None
        if "enum" in schema and raw not in schema["enum"]:
            allowed = ", ".join(ordered_by_closeness(raw, schema["enum"]))
            self.report(field, f"valeur « {raw} » inconnue.", f"Valeurs possibles : {allowed}.")
            return None
        if "pattern" in schema and not whole_match(schema["pattern"], raw):
            return self.pattern_failure(raw, schema, field)
        check = self.formats.get(schema.get("format", ""))
        if check is not None:
            message = check(raw)
            if message:
                self.report(field, message)
                return None
        return raw

    def pattern_failure(self, raw: str, schema: dict[str, Any], field: str) -> None:
        """Report a string that does not match the field's pattern."""
        if schema["pattern"].startswith("^[a-z0-9]"):
            self.report(field, f"identifiant « {raw} » invalide.",
                        "Un identifiant s'écrit en minuscules sans accent, chiffres et tirets "
                        "(ex. lloyd-austin).")
        else:
            example = (schema.get("examples") or [""])[0]
            self.report(field, f"valeur « {raw} » mal formée.", f"Exemple de valeur attendue : {example}.")

    def integer(self, raw: str, schema: dict[str, Any], field: str) -> int | None:
        """A non-negative integer within the schema's bounds."""
        if not INTEGER.fullmatch(raw):
            self.report(field, f"« {raw} » n'est pas un nombre entier.", "Écrivez un nombre, ex. 84.")
            return None
        number = int(raw)
        low, high = schema.get("minimum", 0), schema.get("maximum", 10**9)
        if not low <= number <= high:
            self.report(field, f"{number} est hors des bornes ({low} à {high}).")
            return None
        return number

    def sequence(self, raw: Any, schema: dict[str, Any], field: str) -> list[Any] | None:
        """A list whose items are typed by ``items``."""
        if not isinstance(raw, list):
            hint = "Écrivez [a, b] ou un élément par ligne précédé de « - »."
            got = "un texte" if isinstance(raw, str) else TYPE_NAMES["object"]
            if isinstance(raw, str):
                hint = f"Écrivez [{raw}] ou une ligne « - {raw} » par élément."
            self.report(field, f"on attend une liste, pas {got}.", hint)
            return None
        low, high = schema.get("minItems", 0), schema.get("maxItems")
        if len(raw) < low:
            self.report(field, f"il faut au moins {low} élément{'s' if low > 1 else ''}.")
        if high is not None and len(raw) > high:
            # One problem, and the items left unread: 60,000 unknown ids must not cost 60,000 searches.
            self.report(field, f"liste trop longue ({format_count(len(raw))} éléments ; maximum {high}).",
                        "Retirez les éléments en trop.")
            return None
        items = [self.value(item, schema.get("items", {}), f"{field}.{index}")
                 for index, item in enumerate(raw)]
        if schema.get("uniqueItems"):
            seen: set[Any] = set()
            for index, item in enumerate(items):
                if isinstance(item, str) and item in seen:
                    self.report(f"{field}.{index}", f"« {item} » figure deux fois dans la liste.",
                                "Retirez le doublon.")
                if isinstance(item, str):
                    seen.add(item)
        return items

    def mapping(self, raw: Any, schema: dict[str, Any], field: str) -> dict[str, Any] | None:
        """A mapping: unknown, missing and mistyped fields are all reported."""
        if not isinstance(raw, dict):
            got = "une liste" if isinstance(raw, list) else "un texte"
            self.report(field, f"on attend un ensemble de champs (« champ: valeur »), pas {got}.")
            return None
        most = schema.get("maxProperties")
        if most is not None and len(raw) > most:
            self.report(field, f"trop de champs ({format_count(len(raw))} ; maximum {most}).",
                        "Retirez les champs en trop.")
            return None
        properties: dict[str, Any] = schema.get("properties", {})
        extra = schema.get("additionalProperties", True)
        names = schema.get("propertyNames")
        typed: dict[str, Any] = {}
        prefix = f"{field}." if field else ""
        for key, value in raw.items():
            role = "required" if key in schema.get("required", ()) else "optional"
            if key in properties:
                typed[key] = self.value(value, properties[key], prefix + key, role)
            elif isinstance(extra, dict):
                if names is not None and not self.name(key, names, prefix + key):
                    continue
                typed[key] = self.value(value, extra, prefix + key, role)
            elif self.full():  # 60,000 unknown fields must not cost 60,000 searches for the closest
                self.report(prefix + key, f"champ inconnu « {key} ».", at_key=True)
            else:
                allowed = ", ".join(ordered_by_closeness(key, list(properties)))
                self.report(prefix + key, f"champ inconnu « {key} ».{lookalike(key)}",
                            f"Champs acceptés : {allowed}.", at_key=True)
        for key in schema.get("required", []):
            if key not in raw:
                self.report(prefix + key, "champ obligatoire manquant.",
                            f"Ajoutez une ligne « {key}: … ».")
        return typed


    def name(self, key: str, schema: dict[str, Any], field: str) -> bool:
        """Whether ``key`` is a valid name for a free field (``propertyNames``), after reporting why not."""
        if len(key) > schema.get("maxLength", len(key)) or not whole_match(schema.get("pattern", "^.*$"), key):
            self.report(field, f"nom « {key} » invalide.", "Un nom s'écrit en minuscules sans accent, chiffres et "
                        f"tirets, {schema.get('maxLength', 80)} caractères au plus (ex. call-refused).", at_key=True)
            return False
        return True


def type_record(path: str, data: dict[str, Any], positions: dict[str, Position],
                key_positions: dict[str, Position], schema: dict[str, Any],
                formats: dict[str, FormatCheck]) -> tuple[dict[str, Any], list[Problem]]:
    """Type ``data`` against ``schema``: the typed mapping and every problem found."""
    typer = Typer(path, positions, key_positions, formats)
    typed = typer.mapping(data, schema, "") or {}
    return typed, typer.problems
