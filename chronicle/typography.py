"""French typography on every rendered page: applied to the text of the HTML, never to its markup.

Templates and content are written with ordinary spaces and typewriter apostrophes; the printed
page follows the French rules (Lexique des règles typographiques en usage à l'Imprimerie nationale):

- a narrow no-break space (U+202F) before ``; : ! ? »`` and after ``«``, so that no line starts
  with the punctuation or ends with the opening guillemet;
- one apostrophe everywhere, the straight one ('), also in quotations, whose words stay the same:
  Pagefind splits words at it ("l'invasion" is found by "invasion") but not at the curly one (’),
  measured in tests/test_typography.py;
- "1er", "1re" with the letters in superscript (``1<sup>er</sup>``).

Only text between tags changes: attribute values, comments and the content of ``script``, ``style``,
``pre``, ``code`` and ``textarea`` are left as they are; no ``<sup>`` goes where markup is not
allowed (``title``, ``option``) or means something else (SVG).
"""

from __future__ import annotations

import re

NARROW = "\u202f"  # narrow no-break space
VERBATIM = re.compile(r"<(script|style|pre|code|textarea)\b.*?</\1\s*>|<!--.*?-->", re.S | re.I)
TOKEN = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9-]*)[^>]*>|[^<]+|<", re.S)
TEXT_ONLY = {"title", "option", "svg"}  # no element may be added inside these
SPACE = r"(?:[ \t\n\u00a0\u202f]|&nbsp;|&#160;)"
BEFORE = re.compile(SPACE + r"+([;:!?»])")
AFTER_OPENING = re.compile("«" + SPACE + "*")
CLOSING_GLUED = re.compile(r"(?<=[^\s>])»")
APOSTROPHE = re.compile("[’ʼ]")
FIRST = re.compile(r"\b1(ers?|res?)\b")
# Every character one of the rules above acts on: a run of text without any is left as it is, unread
# by them (most runs of a page are white space or plain words: 0.6 ms less per event page; a tenth of
# the pages at 10,000 events, 3.4 s of CPU against 5.3 s, ``bench/tricks.py``).
TRIGGER_CHARACTERS = "’ʼ;:!?»«1"
TRIGGERS = re.compile(f"[{TRIGGER_CHARACTERS}]")
# ``TOKEN``'s tokens again, those that change nothing consumed many at a time by the regular expression
# engine (a tag but those of ``TEXT_ONLY``, a run of text without a trigger, a ``<`` opening no tag), so
# that Python sees only the few tokens it acts on: the same tokens, the same output (``french_html`` per
# event page at 10,000 events: 0.49 -> 0.37 ms of CPU; a "1" that no "er" or "re" follows, as in
# "2021", no longer makes a run worth reading: 0.37 -> 0.29 ms with ``french_text``'s tests below).
_NAME = "[a-zA-Z][a-zA-Z0-9-]*"
_TEXT_ONLY_NAME = ("(?:" + "|".join("".join(f"[{c}{c.upper()}]" for c in name) for name in sorted(TEXT_ONLY))
                   + ")(?![a-zA-Z0-9-])")  # in any case, ASCII only as ``TOKEN``'s (not re.I: "ſvg" is no tag)
UNCHANGED = (f"<(?!/?{_TEXT_ONLY_NAME})/?{_NAME}[^>]*>"  # a tag (its name ends where ``TOKEN``'s does)
             f"|(?:[^<{TRIGGER_CHARACTERS}]|1(?![er]))+(?![^<])"  # a whole run of text (up to a tag or the end)
             f"|<(?!/?{_NAME}[^>]*>)")  # a "<" that ``TOKEN`` takes alone
ACTED_ON = re.compile(f"(?:{UNCHANGED})+|<(/?)({_TEXT_ONLY_NAME})[^>]*>|([^<]+)")


def french_text(text: str, superscript: bool = True) -> str:
    """One run of HTML text (entities allowed) set in French: spaces, apostrophes, "1er".

    Each rule runs only on a run holding its characters (an ``in`` is a tenth of a ``re.sub`` that
    finds nothing)."""
    if "’" in text or "ʼ" in text:
        text = APOSTROPHE.sub("&#39;", text)
    if ";" in text or ":" in text or "!" in text or "?" in text or "»" in text:
        text = BEFORE.sub(NARROW + r"\1", text)
    if "«" in text:
        text = AFTER_OPENING.sub("«" + NARROW, text)
    if "»" in text:
        text = CLOSING_GLUED.sub(NARROW + "»", text)
    if superscript and "1" in text:
        text = FIRST.sub(r"1<sup>\1</sup>", text)
    return text


def french_html(html: str) -> str:
    """A whole HTML page with ``french_text`` applied to its text (see the module's docstring)."""
    out: list[str] = []
    position = 0
    for verbatim in VERBATIM.finditer(html):
        out.append(french_markup(html[position:verbatim.start()]))
        out.append(verbatim.group(0))
        position = verbatim.end()
    out.append(french_markup(html[position:]))
    return "".join(out)


def french_markup(html: str) -> str:
    """``french_html`` on a stretch without verbatim elements: tags kept, text set in French."""
    out: list[str] = []
    inside: list[str] = []  # open elements where no markup may be added
    for token in ACTED_ON.finditer(html):
        text, name = token.group(0), token.group(2)
        if token.group(3):  # a run of text holding a trigger
            out.append(french_text(text, superscript=not inside))
        elif name:
            name = name.lower()
            if not text.endswith("/>"):
                if token.group(1) and name in inside:
                    inside.remove(name)
                elif not token.group(1):
                    inside.append(name)
            out.append(text)
        else:  # tokens that change nothing
            out.append(text)
    return "".join(out)
