"""Texts in the stream-safe format of Unicode (UAX #15): no run of more than 30 combining marks.

Normalising a run of combining marks of mixed classes costs its length squared in CPython (the
marks are sorted by insertion): 40,000 marks take 4 s, a 1 MB source text of them hours. No
writing system stacks more than a few marks on a letter; UAX #15 draws the line at 30
"non-starters" in a row. Chronicle refuses longer runs with a positioned message and blanks
them before anything normalises the text, so every later step stays linear.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache

from chronicle.problems import Problem

MAX_NON_STARTERS = 30  # UAX #15, "Stream-Safe Text Format"
# The last code point with a non-zero combining class is U+1E94A (Unicode 15); a test checks that
# none lies beyond this bound in the running Python's Unicode tables.
LAST_NON_STARTER = 0x20000
MESSAGE = ("suite de {count} signes combinants (accents, diacritiques) à la file, plus de {most} : "
           "aucune écriture n'en empile autant, et la normalisation d'un tel texte prendrait des heures.")
HINT = ("Retirez ces signes (souvent un texte « zalgo » collé depuis le web) ; une lettre en porte rarement "
        "plus de trois.")


def is_non_starter(char: str) -> bool:
    """Whether ``char`` is a UAX #15 non-starter: a non-zero combining class, or a canonical
    decomposition that begins with one (U+0F73 TIBETAN VOWEL SIGN II)."""
    if unicodedata.combining(char):
        return True
    decomposition = unicodedata.decomposition(char)
    if not decomposition or decomposition.startswith("<"):
        return False
    return bool(unicodedata.combining(chr(int(decomposition.split()[0], 16))))


@cache
def long_run() -> re.Pattern[str]:
    """A run of more than ``MAX_NON_STARTERS`` non-starters (built on first use: ~0.1 s)."""
    ranges: list[tuple[int, int]] = []
    for point in range(0x300, LAST_NON_STARTER):
        if is_non_starter(chr(point)):
            if ranges and ranges[-1][1] == point - 1:
                ranges[-1] = (ranges[-1][0], point)
            else:
                ranges.append((point, point))
    members = "".join(re.escape(chr(low)) + (f"-{re.escape(chr(high))}" if high > low else "")
                      for low, high in ranges)
    return re.compile(f"[{members}]{{{MAX_NON_STARTERS + 1},}}")


def stream_safe(path: str, text: str) -> tuple[str, list[Problem]]:
    """``text`` with every over-long run of non-starters blanked (one space per character, so that
    positions hold), and a problem at each such run.

    Already-normalised text is left alone without a look: CPython tells NFC text in one linear
    pass, and NFC text has its marks in order, which normalises in linear time.
    """
    if text.isascii() or unicodedata.is_normalized("NFC", text):
        return text, []
    runs = list(long_run().finditer(text))
    if not runs:
        return text, []
    problems = []
    for run in runs:
        line = text.count("\n", 0, run.start()) + 1
        column = run.start() - text.rfind("\n", 0, run.start())
        count = run.end() - run.start()
        shown = f"{count:,}".replace(",", " ")
        problems.append(Problem(path, line, column, "", MESSAGE.format(count=shown, most=MAX_NON_STARTERS), HINT))
    blank = long_run().sub(lambda run: " " * len(run.group()), text)
    return blank, problems
