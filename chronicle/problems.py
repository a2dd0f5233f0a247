"""Problems found in the content: the one shape every check reports."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from itertools import groupby
from typing import Any


@dataclass(frozen=True, order=True)
class Problem:
    """One thing an editor must fix, at a position in a file.

    ``path`` is relative to the project root (``content/events/x.yaml``); ``line`` and
    ``column`` are 1-based (0 when the problem concerns the whole file); ``field`` is a
    dotted path (``citations.0.quote``) or ``""``; ``message`` and ``hint`` are French
    sentences written for editors.
    """

    path: str
    line: int
    column: int
    field: str
    message: str
    hint: str = ""

    def format(self) -> str:
        """``path:line:column: field: message (hint)`` on one line (``path: message`` for a whole
        file), whatever the values quoted in it."""
        field = f" {self.field}:" if self.field else ""
        where = f"{self.path}:{self.line}:{self.column}:" if self.line else f"{self.path}:"
        text = f"{where}{field} {self.message}"
        if self.hint:
            text += f" {self.hint}"
        return printable(text)


def printable(text: str) -> str:
    """``text`` with every character a terminal would act on written as ``\\uXXXX``.

    Messages quote the editors' values: a newline in one would print a second, forged, problem
    line in a CI log; an escape sequence (U+001B) would recolour or rewrite the terminal; a
    bidirectional override would make the line read otherwise than it is. Every character that
    is not printable (control, format, line and paragraph separators, unassigned) is shown by its
    code instead, as file names already are; spaces (U+00A0, U+202F of French typography) stay.
    """
    if text.isprintable():  # the common case, one C-level scan
        return text
    return "".join(f"\\u{ord(char):04x}" if unicodedata.category(char) in HIDDEN else char for char in text)


HIDDEN = frozenset({"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"})  # the categories ``printable`` writes as codes


def counted(count: int, singular: str, plural: str | None = None) -> str:
    """``count`` and its noun, agreed the French way (0 and 1 are singular): "1 problème", "3 canaux"."""
    return f"{count} {singular if count <= 1 else plural or singular + 's'}"


PER_FILE = 100  # problems described per file (``capped``): past them, each costs a count, not a search


def too_many(path: str, count: int) -> Problem:
    """The last problem of a file that has more than ``PER_FILE``: how many are left unsaid."""
    plural = "s" if count > 1 else ""
    shown = f"{count:,}".replace(",", " ")
    return Problem(path, 0, 0, "", f"et {shown} autre{plural} problème{plural} dans ce fichier, non "
                   f"détaillé{plural} (les {PER_FILE} premiers le sont).",
                   "Corrigez ceux-ci et relancez la vérification.")


def capped(problems: list[Problem]) -> list[Problem]:
    """``problems`` (sorted) with at most ``PER_FILE`` of each file, then one that counts the others.

    A 1 MB file can hold 500,000 faults: the editor reads the first hundred and what to do, and the
    terminal or the CI log is not flooded.
    """
    kept: list[Problem] = []
    for path, group in groupby(problems, key=lambda problem: problem.path):
        of_file = list(group)
        kept += of_file[:PER_FILE]
        if len(of_file) > PER_FILE:
            kept.append(too_many(path, len(of_file) - PER_FILE))
    return kept

def problem_at(record: Any, field: str, message: str, hint: str = "") -> Problem:
    """A problem at ``field`` of ``record`` (or at its nearest enclosing field)."""
    probe = field
    while probe and probe not in record.positions:
        probe = probe.rpartition(".")[0]
    line, column = record.positions.get(probe, (1, 1))
    return Problem(record.path, line, column, field, message, hint)



class ContentError(Exception):
    """Raised by a stage that cannot go on; carries every problem found."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__(f"{len(problems)} problem(s)")
        self.problems = sorted(problems)
