"""Problems found in the content: the one shape every check reports."""

from __future__ import annotations

from dataclasses import dataclass


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
        """``path:line:column: field: message (hint)`` on one line."""
        field = f" {self.field}:" if self.field else ""
        text = f"{self.path}:{self.line}:{self.column}:{field} {self.message}"
        if self.hint:
            text += f" {self.hint}"
        return text


class ContentError(Exception):
    """Raised by a stage that cannot go on; carries every problem found."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__(f"{len(problems)} problem(s)")
        self.problems = sorted(problems)
