"""Load stage: YAML record files -> raw records whose scalars all stay strings.

Nothing is ever constructed from YAML: the parser's event stream is walked by hand, so
tags, anchors and aliases are reported instead of obeyed, ``NO`` or ``012`` stay text, and
every value keeps the line and column an error message will need later.
"""

from __future__ import annotations

import os
import re
import time
from dataclasses import dataclass, replace
from operator import attrgetter
from pathlib import Path
from typing import Any
from unicodedata import normalize

import yaml

from chronicle.memo import Memo
from chronicle.problems import Problem
from chronicle.streamsafe import stream_safe

Position = tuple[int, int]

FOLDERS = {
    "events": "event",
    "actors": "actor",
    "channels": "channel",
    "sources": "source",
    "claims": "claim",
}
CONTENT_FILES = frozenset({"site.yaml", "published-urls.txt"})
MAX_BYTES = 1_000_000
MAX_DEPTH = 20
MAX_SCALAR = 100_000
MAX_ID = 80

HINT_SYNTAX = "Vérifiez les guillemets, les deux-points et l'indentation autour de cette ligne."
HINT_TAB = "Indentez avec des espaces (deux par niveau), jamais avec des tabulations."
HINT_CONTROL = "Supprimez ce caractère invisible (souvent collé depuis un PDF)."
HINT_UTF8 = "Enregistrez le fichier en UTF-8 (le réglage par défaut de la plupart des éditeurs)."
MAPPING_EXPECTED = "le fichier doit contenir un seul mapping (des lignes « champ: valeur »)."
EMPTY_FILE = ("fichier vide (ou rien que des commentaires) : une fiche contient des lignes « champ: valeur » ; "
              "copiez une fiche voisine ou lancez « python build.py new ».")
ANCHORS = "les ancres et alias YAML (& et *) ne sont pas acceptés."
BAD_KEY = "clé invalide : une clé doit être un simple nom de champ."
TOO_DEEP = "imbrication trop profonde (plus de 20 niveaux)."
HINT_APOSTROPHE = ("Dans un texte entre apostrophes, doublez chaque apostrophe (l''invasion), ou entourez le "
                   "texte de guillemets doubles.")
HINT_ESCAPE = "Retirez cette séquence « \\… » : un texte ne contient pas de caractère de contrôle."
HINT_BIDI = "Supprimez ce caractère invisible (souvent collé depuis une page web)."
HINT_COLON = "Entourez la valeur de guillemets doubles si elle contient « : » (\"Titre : sous-titre\")."
HINT_QUOTE = "Dans un texte entre guillemets doubles, écrivez \\\" pour un guillemet, ou utilisez « »."
_FULL_TEXT = "(le texte intégral de l'article)."
_WHERE = "les fiches vont dans events/, actors/, channels/, sources/ ou claims/."
_YAML_PROBLEMS = {
    "found unexpected end of stream": "fin de fichier inattendue (guillemet non refermé ?)",
    "found character that cannot start any token": "caractère inattendu en début de valeur",
    "mapping values are not allowed in this context": "deux-points inattendu dans une valeur",
    "did not find expected key": "nom de champ attendu (indentation incohérente ?)",
    "could not find expected ':'": "deux-points « : » attendu",
    "did not find expected node content": "valeur attendue",
    "did not find expected '-' indicator": "tiret « - » attendu (indentation de la liste ?)",
    "block sequence entries are not allowed in this context": "tiret de liste inattendu ici",
    "did not find expected ',' or ']'": "« , » ou « ] » attendu",
    "did not find expected ',' or '}'": "« , » ou « } » attendu",
    "found unknown escape character": "séquence d'échappement inconnue après « \\ »",
    "did not find expected comment or line break": "commentaire ou fin de ligne attendu",
}

_PARSER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # the C parser when libyaml is there
_BOM = b"\xef\xbb\xbf"
_ID = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
# C0 (tab included; \r is gone once line ends are unified), DEL, C1, the two separators
# YAML would count as line breaks, the bidirectional embeddings, overrides and isolates that
# make a text display otherwise than it reads ("Trojan Source"), and the non-characters
# libyaml refuses without a mark.
_FORBIDDEN = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\ufffe\uffff]")
_BIDI = re.compile("[\u202a-\u202e\u2066-\u2069]")
# In a plain text file (a source's article) tabs and line ends are text; the rest is not.
_FORBIDDEN_IN_TEXT = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ufffe\uffff]")
# Fields of free text: a ` #` after a one-line plain value there cuts the text short (a YAML comment).
TEXT_FIELDS = frozenset({"title", "summary", "quote", "annotation", "date_note", "note", "text", "name",
                         "description", "published_note", "prefix"})
_COMMENT_AFTER = re.compile(r"[ \t]+#")
_LONE_BREAK = re.compile(r"(?<=[^\n])\n(?=[^\n])")
_NULLS = frozenset({"", "~", "null", "Null", "NULL"})
_SCALAR, _ALIAS = yaml.ScalarEvent, yaml.AliasEvent
_MAPPING, _MAPPING_END = yaml.MappingStartEvent, yaml.MappingEndEvent
_STARTS = (yaml.MappingStartEvent, yaml.SequenceStartEvent)
_ENDS = (yaml.MappingEndEvent, yaml.SequenceEndEvent)


@dataclass(frozen=True)
class RawRecord:
    """One record file, untyped: every scalar a string (or None when left empty)."""

    kind: str
    id: str
    path: str
    data: dict[str, Any]
    positions: dict[str, Position]
    key_positions: dict[str, Position]
    text: str | None = None


@dataclass
class ParsedYaml:
    """A YAML file read as one mapping; ``data`` is None when it could not be."""

    data: dict[str, Any] | None
    positions: dict[str, Position]
    key_positions: dict[str, Position]
    problems: list[Problem]


class _FatalError(Exception):
    """Stops the event walk, carrying the problem why the file cannot become a mapping."""


def parse_yaml(path: str, data: bytes) -> ParsedYaml:
    """Bytes of a YAML file -> its mapping of strings, positions and every problem found.

    Pure and total: any bytes give a result, never an exception.
    """
    if len(data) > MAX_BYTES:
        return ParsedYaml(None, {}, {}, [_too_big(path, len(data))])
    text, problem = decode_text(path, data)
    if text is None:
        return ParsedYaml(None, {}, {}, [problem] if problem else [])
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    problems = _scan_characters(path, text)
    if problems:
        text = _FORBIDDEN.sub(" ", text)  # one space per character: positions hold
    text, unsafe = stream_safe(path, text)  # before any normalisation: see chronicle/streamsafe.py
    problems += unsafe
    walker = _Walker(path, text)
    mapping = None
    try:
        mapping = walker.walk()
    except _FatalError as fatal:
        walker.problems.append(fatal.args[0])
    except yaml.YAMLError as error:
        if not problems:  # a tab or a stray character explains it already
            walker.problems.append(_syntax_problem(path, error, text))
    problems = sorted(problems + walker.problems)
    return ParsedYaml(mapping, walker.positions, walker.key_positions, problems)


def load_yaml_mapping(
    path: str, data: bytes
) -> tuple[dict[str, Any] | None, dict[str, Position], list[Problem]]:
    """Bytes of a YAML file such as ``site.yaml`` -> (mapping or None, positions, problems)."""
    parsed = parse_yaml(path, data)
    return parsed.data, parsed.positions, parsed.problems


def parse_record(path: str, data: bytes, kind: str) -> tuple[RawRecord | None, list[Problem]]:
    """Path and bytes of a record file -> (the record, or None if unusable; its problems).

    The id is the file name without ``.yaml``; an invalid id is a problem and no record.
    """
    record_id = path.rsplit("/", 1)[-1].removesuffix(".yaml")
    parsed = parse_yaml(path, data)
    if not valid_id(record_id):
        return None, [_bad_id(path, record_id), *parsed.problems]
    if parsed.data is None:
        return None, parsed.problems
    record = RawRecord(kind, record_id, path, parsed.data, parsed.positions, parsed.key_positions)
    return record, parsed.problems


def valid_id(record_id: str) -> bool:
    """True when ``record_id`` is lower-case ASCII words joined by hyphens, at most 80 long."""
    return len(record_id) <= MAX_ID and _ID.fullmatch(record_id) is not None


def decode_text(path: str, data: bytes) -> tuple[str | None, Problem | None]:
    """UTF-8 bytes (byte-order mark allowed) -> (text, None) or (None, the problem)."""
    start = len(_BOM) if data.startswith(_BOM) else 0
    try:
        return data[start:].decode("utf-8"), None
    except UnicodeDecodeError as error:
        offset = start + error.start
        line_start = max(data.rfind(b"\n", 0, offset) + 1, start)
        column = len(data[line_start:offset].decode("utf-8", "replace")) + 1
        message = f"le fichier n'est pas en UTF-8 valide (octet invalide à la position {offset})."
        line = data.count(b"\n", 0, offset) + 1
        return None, Problem(path, line, column, "", message, HINT_UTF8)


def _scan_characters(path: str, text: str, forbidden: re.Pattern[str] = _FORBIDDEN) -> list[Problem]:
    """Tabs in indentation and forbidden characters, at most one of each kind per line."""
    problems: list[Problem] = []
    seen: set[tuple[int, bool]] = set()
    line, line_start, cursor = 1, 0, 0
    for match in forbidden.finditer(text):
        index = match.start()
        breaks = text.count("\n", cursor, index)
        if breaks:
            line, line_start = line + breaks, text.rfind("\n", 0, index) + 1
        cursor = index
        char = match.group()
        indent = char == "\t" and not text[line_start:index].strip(" \t")
        if (line, indent) not in seen:
            seen.add((line, indent))
            message, hint = f"caractère de contrôle U+{ord(char):04X} interdit.", HINT_CONTROL
            if _BIDI.match(char):
                message = (f"caractère de contrôle U+{ord(char):04X} interdit : il inverse le sens d'affichage "
                           "du texte, qui ne se lirait plus comme il s'écrit.")
                hint = HINT_BIDI
            if char == "\t":  # the one control character every keyboard types: name it
                message, hint = "tabulation interdite dans un texte.", "Remplacez-la par une espace."
            if indent:
                message, hint = "tabulation dans l'indentation.", HINT_TAB
            problems.append(Problem(path, line, index - line_start + 1, "", message, hint))
    return problems


def _syntax_problem(path: str, error: yaml.YAMLError, source: str) -> Problem:
    """A parser error -> a problem at its mark, in French when the wording is known."""
    mark = getattr(error, "problem_mark", None)
    problem = " ".join(str(getattr(error, "problem", None) or error).split())
    text = _YAML_PROBLEMS.get(problem, problem).rstrip(".")
    context = getattr(error, "context_mark", None)
    line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
    if problem == "found unexpected end of stream" and context is not None:
        # The fault is the quote left open, not the end of the file where the parser noticed.
        opened = source.split("\n")[context.line][context.column:context.column + 1]
        what = ("apostrophe ouverte ici et jamais refermée" if opened == "'"
                else "guillemet ouvert ici et jamais refermé")
        return Problem(path, context.line + 1, context.column + 1, "", f"erreur de syntaxe YAML : {what}.",
                       HINT_SYNTAX)
    closing = _closing_quote(source, mark) if problem == "did not find expected key" else None
    if closing is not None:
        return _quote_closed_early(path, line, column - 1, closing)
    hint = HINT_COLON if problem == "mapping values are not allowed in this context" else HINT_SYNTAX
    return Problem(path, line, column, "", f"erreur de syntaxe YAML : {text}.", hint)


def _closing_quote(source: str, mark: yaml.Mark | None) -> str | None:
    """The quote just before ``mark`` when it closed a quoted text a word too early (``'l'invasion'``)."""
    if mark is None or mark.column == 0:
        return None
    lines = source.split("\n", mark.line + 1)
    text = lines[mark.line] if mark.line < len(lines) else ""
    before, after = text[mark.column - 1:mark.column], text[mark.column:mark.column + 1]
    if before in ("'", '"') and after and (after.isalnum() or after in "'\"«»…,.;!?-"):
        return before
    return None


def _quote_closed_early(path: str, line: int, column: int, quote: str) -> Problem:
    if quote == "'":
        message = "erreur de syntaxe YAML : cette apostrophe ferme le texte ouvert par une apostrophe."
        return Problem(path, line, column, "", message, HINT_APOSTROPHE)
    message = "erreur de syntaxe YAML : ce guillemet ferme le texte ouvert par un guillemet."
    return Problem(path, line, column, "", message, HINT_QUOTE)


def _position(event: yaml.Event) -> Position:
    mark = event.start_mark
    return mark.line + 1, mark.column + 1


def _nfc(text: str) -> str:
    return text if text.isascii() else normalize("NFC", text)


def _show_tag(tag: str) -> str:
    return "!!" + tag[18:] if tag.startswith("tag:yaml.org,2002:") else tag


class _Walker:
    """Builds the tree of one YAML document from the parser's events, reporting as it goes."""

    def __init__(self, path: str, text: str) -> None:
        self.path = path
        self.text = text
        self.next = _PARSER(text).get_event
        self.positions: dict[str, Position] = {}  # "" gets the mapping's start: its first key
        self.key_positions: dict[str, Position] = {}
        self.problems: list[Problem] = []
        self.anchor_lines: set[int] = set()

    def walk(self) -> dict[str, Any]:
        self.next()  # StreamStartEvent
        if isinstance(self.next(), yaml.StreamEndEvent):
            raise _FatalError(Problem(self.path, 0, 0, "", EMPTY_FILE))
        first = self.next()
        root = self.node(first, "", 1)
        if not isinstance(root, dict):
            raise _FatalError(Problem(self.path, *_position(first), "", MAPPING_EXPECTED))
        self.next()  # DocumentEndEvent
        extra = self.next()
        if isinstance(extra, yaml.DocumentStartEvent):
            raise _FatalError(Problem(self.path, *_position(extra), "", MAPPING_EXPECTED))
        return root

    def add(self, position: Position, field: str, message: str, hint: str = "") -> None:
        self.problems.append(Problem(self.path, *position, field, message, hint))

    def escaped(self, event: yaml.ScalarEvent, field: str) -> str:
        """The text of a scalar, its escaped control characters (``"\\x1b"``) reported and blanked."""
        value: str = event.value
        if event.style == '"' and (found := _FORBIDDEN.search(value)):
            message = f"caractère de contrôle U+{ord(found.group()):04X} interdit (écrit avec « \\ »)."
            self.add(_position(event), field, message, HINT_ESCAPE)
            value = _FORBIDDEN.sub(" ", value)
        return value

    def node(self, event: yaml.Event, path: str, depth: int) -> Any:
        mark = event.start_mark
        position = (mark.line + 1, mark.column + 1)
        self.positions.setdefault(path, position)  # first wins, like the data
        kind = type(event)
        reject = kind is _ALIAS or event.anchor is not None or event.tag is not None
        if reject and not self.report_properties(event, path, position):
            return None
        if kind is _SCALAR:
            value = self.escaped(event, path)
            if event.style == ">" and "\n" in value.rstrip("\n"):
                # In a folded block one blank line gives one line break, which Markdown would fold
                # back into the paragraph: the editor meant a new paragraph (CONTRIBUTING, step 3).
                value = _LONE_BREAK.sub("\n\n", value)
            elif not event.style and path.rpartition(".")[2] in TEXT_FIELDS:
                self.comment_after(event, path)
            if len(value) > MAX_SCALAR:
                self.add(position, path, f"valeur trop longue ({format_count(len(value))} caractères ; "
                         f"maximum {format_count(MAX_SCALAR)}).")
            if event.implicit[0] and value in _NULLS:  # plain, untagged: left empty on purpose
                return None
            return value if value.isascii() else normalize("NFC", value)
        if depth > MAX_DEPTH:
            raise _FatalError(Problem(self.path, *position, path, TOO_DEEP))
        if kind is _MAPPING:
            return self.mapping(path, depth)
        items: list[Any] = []
        prefix = f"{path}." if path else ""
        while type(item := self.next()) is not yaml.SequenceEndEvent:
            items.append(self.node(item, f"{prefix}{len(items)}", depth + 1))
        return items

    def comment_after(self, event: yaml.ScalarEvent, field: str) -> None:
        """Reports a YAML comment after a plain free text: `` #`` silently cut the text there."""
        end = event.end_mark
        stop = self.text.find("\n", end.index)
        rest = self.text[end.index:stop if stop >= 0 else len(self.text)]
        if _COMMENT_AFTER.match(rest):
            dropped = rest.lstrip(" \t")[1:].strip()
            self.add((end.line + 1, end.column + len(rest) - len(rest.lstrip(" \t")) + 1), field,
                     f"« # » après une espace commence un commentaire YAML : la fin de la ligne, "
                     f"« {dropped[:60]} », serait retirée du texte sans un mot.",
                     f"Écrivez ce texte en bloc : « {field.rpartition('.')[2]}: >- » puis le texte à la ligne "
                     "suivante, indenté de deux espaces de plus (les « # » y sont permis).")

    def report_properties(self, event: yaml.Event, path: str, position: Position) -> bool:
        """Reports anchors, aliases and tags; False for an alias, which has no value of its own."""
        is_alias = type(event) is _ALIAS
        if (is_alias or event.anchor is not None) and position[0] not in self.anchor_lines:
            self.anchor_lines.add(position[0])
            self.add(position, path, ANCHORS)
        tag = getattr(event, "tag", None)
        if tag is not None:
            message = f"les étiquettes YAML (« {_show_tag(tag)} ») ne sont pas acceptées."
            self.add(position, path, message)
        return not is_alias

    def mapping(self, path: str, depth: int) -> dict[str, Any]:
        result: dict[str, Any] = {}
        seen: dict[str, Position] = {}
        prefix = f"{path}." if path else ""
        next_event = self.next
        while type(event := next_event()) is not _MAPPING_END:
            plain = type(event) is _SCALAR and event.tag is None and event.anchor is None
            fits = plain and 0 < len(event.value) <= MAX_SCALAR
            key = _nfc(self.escaped(event, path)) if fits else self.key(event, path)
            value = next_event()
            if key is None:
                self.skip(value)
                continue
            mark = event.start_mark
            field, position = prefix + key, (mark.line + 1, mark.column + 1)
            if key in seen:
                first = seen[key][0]
                self.add(position, field, f"champ « {key} » en double (déjà défini ligne {first}).")
                self.node(value, field, depth + 1)  # for the problems inside; the first stays
                continue
            seen[key] = position
            self.key_positions.setdefault(field, position)
            result[key] = self.node(value, field, depth + 1)
        return result

    def key(self, event: yaml.Event, path: str) -> str | None:
        """A mapping key as a string, or None after reporting why it cannot be one."""
        if not self.report_properties(event, path, _position(event)):
            return None
        if type(event) is _SCALAR and 0 < len(event.value) <= MAX_SCALAR:
            return _nfc(self.escaped(event, path))  # a tagged key is reported above, and kept as text
        self.skip(event)
        self.add(_position(event), path, BAD_KEY)
        return None

    def skip(self, event: yaml.Event) -> None:
        """Consumes the rest of a node that is rejected whole, without looking inside."""
        depth = int(isinstance(event, _STARTS))
        while depth:
            event = self.next()
            depth += isinstance(event, _STARTS) - isinstance(event, _ENDS)


# A record file's stat signature is trusted to mean "unchanged" only if its last change (``st_ctime``,
# which no program can set back) is older than this when the load starts: timestamps are coarse (a
# kernel tick, seconds on some file systems), so two writes of the same size within one tick leave the
# same signature; a file changed that recently is read again. make and Hugo trust the same signature.
SETTLED_NS = 2_000_000_000


def load_content(root: Path, memo: Memo | None = None) -> tuple[list[RawRecord], list[Problem]]:
    """Project root -> (every record under ``content/``, sorted by kind and id; every problem).

    Never raises on bad content: unreadable files, stray folders and bad names are problems.
    ``memo``: what the last run read and parsed (``chronicle.memo``; none: read everything).
    """
    memo = memo or Memo()
    records: list[RawRecord] = []
    settled = time.time_ns() - SETTLED_NS  # taken before any file is looked at
    problems: list[Problem] = []
    if (root / "content").is_symlink():  # read from wherever it points: never (SECURITY.md)
        return [], [_whole("content", "les liens symboliques ne sont pas acceptés.")]
    try:
        entries = sorted(os.scandir(root / "content"), key=_name)
    except OSError:
        return [], [_whole("content", "dossier « content » introuvable ou illisible.")]
    for entry in entries:
        name = _display(entry.name)
        if entry.name.startswith("."):
            continue
        if entry.is_symlink():
            message = "les liens symboliques ne sont pas acceptés."
        elif entry.is_dir():
            message = f"dossier « {name} » inconnu : {_WHERE}"
            if entry.name in FOLDERS:
                _load_folder(entry.path, entry.name, records, problems, Reading(memo, settled))
                continue
        elif entry.name in CONTENT_FILES:
            continue
        else:
            message = f"fichier « {name} » hors dossier : {_WHERE}"
        problems.append(_whole(f"content/{name}", message))
    records.sort(key=attrgetter("kind", "id"))
    return records, sorted(problems)


@dataclass(frozen=True)
class Reading:
    """How this load reads record files: the memo to draw from, and the time before which a change
    is settled (``SETTLED_NS``)."""

    memo: Memo
    settled: int

    def record(self, entry: os.DirEntry[str], where: str, kind: str) -> tuple[RawRecord | None, list[Problem]]:
        """The record file ``entry`` (``where``: its path from the project's root), read and parsed, or as
        the last run found it when its stat signature is the same and settled."""
        try:
            info = entry.stat(follow_symlinks=False)
        except OSError:
            return read_record(entry.path, where, kind, self.memo)
        if info.st_ctime_ns >= self.settled or info.st_mtime_ns >= self.settled:
            return read_record(entry.path, where, kind, self.memo)
        key = (where, kind, info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino, info.st_dev)
        return self.memo.recall("record file", key, read_record, entry.path, where, kind, self.memo)


def _load_folder(folder: str, name: str, records: list[RawRecord], problems: list[Problem],
                 reading: Reading) -> None:
    """Loads one record folder; for sources, pairs each ``<id>.yaml`` with its ``<id>.txt``."""
    kind = FOLDERS[name]
    files: dict[str, str | None] = {}
    try:
        entries = sorted(os.scandir(folder), key=_name)
    except OSError as error:
        problems.append(_whole(f"content/{name}", f"dossier illisible ({error.strerror})."))
        return
    read = reading.record
    for entry in entries:
        file_name = entry.name
        where = f"content/{name}/{file_name if file_name.isprintable() else _display(file_name)}"
        if file_name.startswith(".") and not file_name.endswith(".yaml"):
            continue  # .gitkeep, .DS_Store, editors' swap files; a hidden record is reported
        if entry.is_symlink() or not entry.is_file():
            problems.append(_whole(where, "seuls des fichiers ordinaires sont acceptés ici."))
            if kind == "source" and file_name.endswith(".txt"):
                files[file_name] = None  # there, refused: not also "missing"
        elif file_name.endswith(".yaml"):
            files[file_name] = entry.path
            record, found = read(entry, where, kind)
            if found:
                problems += found
            if record is not None:
                records.append(record)
        elif kind == "source" and file_name.endswith(".txt"):
            files[file_name] = entry.path
        else:
            problems.append(_whole(where, _extension_message(file_name)))
    if kind == "source":
        _pair_texts(files, records, problems, reading.memo)


def _name(entry: os.DirEntry[str]) -> str:
    return entry.name


def _pair_texts(files: dict[str, str | None], records: list[RawRecord], problems: list[Problem], memo: Memo) -> None:
    """Gives each source record its ``.txt``; a text missing or without ``.yaml`` is a problem."""
    stems = {name.removesuffix(".yaml") for name in files if name.endswith(".yaml")}
    texts = {name.removesuffix(".txt") for name in files if name.endswith(".txt")}
    doubled = {stem for stem in texts - stems if stem.endswith((".txt", ".yaml"))
               and stem.rpartition(".")[0] in stems - texts}
    for stem in map(_display, sorted(stems - texts - {stem.rpartition(".")[0] for stem in doubled})):
        message = f"texte de la source introuvable : ajoutez content/sources/{stem}.txt"
        problems.append(_whole(f"content/sources/{stem}.yaml", f"{message} {_FULL_TEXT}"))
    for stem in map(_display, sorted(texts - stems)):
        where = f"content/sources/{stem}"
        message = f"texte sans fiche : ajoutez {where}.yaml."
        if stem in doubled:  # "x.txt.txt": an explorer that hides extensions added one
            right = stem.rpartition(".")[0]
            message = (f"« {stem.rpartition('/')[2]}.txt » a une extension de trop (l'explorateur de fichiers "
                       f"cache souvent la dernière) : renommez-le content/sources/{right}.txt.")
        problems.append(_whole(f"{where}.txt", message))
    for index, record in enumerate(records):
        file = files.get(f"{record.id}.txt")
        if record.kind != "source" or file is None:
            continue
        where = f"content/sources/{record.id}.txt"
        data, problem = _read(file, where)
        problems.extend([problem] if problem else [])
        if data is not None:
            text, found = memo.recall("source file", (where, data), source_text, where, data)
            problems.extend(found)
            if text is not None:  # the same record and text: the same record with its text, as last time
                records[index] = memo.recall_for("sourced", record, text, with_text, record, text)


def with_text(record: RawRecord, text: str) -> RawRecord:
    """A source's record with its text."""
    return replace(record, text=text)


def source_text(where: str, data: bytes) -> tuple[str | None, list[Problem]]:
    """The bytes of a source's text (``where``) -> (the text, NFC, or None; its problems)."""
    text, problem = decode_text(where, data)
    if text is None:
        return None, [problem] if problem else []
    if not text.strip():  # one problem, not one "introuvable" per citation
        return None, [_whole(where, "fichier vide : collez-y le texte intégral de l'article, tel qu'il a "
                             "été publié.")]
    text, problems = stream_safe(where, text)  # before any normalisation: see chronicle/streamsafe.py
    problems += _scan_characters(where, text.replace("\r\n", "\n"), _FORBIDDEN_IN_TEXT)
    return _nfc(text), problems


def read_record(file: str, where: str, kind: str,
                memo: Memo | None = None) -> tuple[RawRecord | None, list[Problem]]:
    """The record file ``file`` (``where``: its path from the project's root) -> (record or None, problems);
    parsed unless ``memo`` holds the record of these bytes."""
    data, problem = _read(file, where)
    if problem is not None or data is None:
        return None, [problem] if problem else []
    if memo is None:
        return parse_record(where, data, kind)
    return memo.recall("record", (where, kind, data), parse_record, where, data, kind)


def _read(file: str, where: str) -> tuple[bytes | None, Problem | None]:
    """At most ``MAX_BYTES`` of a file, or the problem that stopped the reading."""
    try:
        with open(file, "rb", buffering=0) as handle:
            size = os.fstat(handle.fileno()).st_size
            if size > MAX_BYTES:  # refused unread
                return None, _too_big(where, size)
            return handle.read(MAX_BYTES + 1), None  # parse_yaml checks the size read again
    except OSError as error:
        return None, _whole(where, f"fichier illisible ({error.strerror}).")


def _extension_message(name: str) -> str:
    extension = os.path.splitext(name)[1]
    if not extension:
        return "fichier sans extension : les fiches s'écrivent en « .yaml »."
    return f"extension « {_display(extension)} » non reconnue : les fiches s'écrivent en « .yaml »."


def _bad_id(path: str, record_id: str) -> Problem:
    message = (
        f"identifiant « {_display(record_id)} » invalide : lettres minuscules sans accent,"
        " chiffres et tirets seulement (ex. 2022-05-13-appel-austin-choigou)."
    )
    return _whole(path, message)


def _too_big(path: str, size: int) -> Problem:
    return _whole(path, f"fichier trop volumineux ({format_count(size)} octets ; maximum "
                        f"{format_count(MAX_BYTES)}).")


def format_count(number: int) -> str:
    """A count the French way, thousands apart: ``1 000 000``."""
    return f"{number:,}".replace(",", " ")


def _whole(path: str, message: str) -> Problem:
    return Problem(path, 0, 0, "", message)


def _display(name: str) -> str:
    """A file name safe to print: undecodable bytes and control characters spelled out."""
    if name.isprintable():
        return name
    name = name.encode("utf-8", "backslashreplace").decode("utf-8")
    return "".join(char if char.isprintable() else f"\\u{ord(char):04x}" for char in name)
