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
# Where a rule may act (a trigger, "1" before "er"/"re") or where a run's "1er" stops taking a ``<sup>`` (a
# tag of ``TEXT_ONLY``): found by the regular expression engine, which skips the rest of the page unread.
_NAME = "[a-zA-Z][a-zA-Z0-9-]*"
_TEXT_ONLY_NAME = ("(?:" + "|".join("".join(f"[{c}{c.upper()}]" for c in name) for name in sorted(TEXT_ONLY))
                   + ")(?![a-zA-Z0-9-])")  # in any case, ASCII only as ``TOKEN``'s (not re.I: "ſvg" is no tag)
# One character class first: the engine then skips to the next of its characters without trying each branch.
HITS = re.compile(f"[’ʼ;:!?»«1<](?:(?<=1)[er]|(?<=<)(?=/?{_TEXT_ONLY_NAME})|(?<=[’ʼ;:!?»«]))")
TAG = re.compile(f"<(/?){_NAME}[^>]*>")  # ``TOKEN``'s tag
TEXT_ONLY_TAG = re.compile(f"<(/?)({_TEXT_ONLY_NAME})[^>]*>")


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
    """``french_html`` on a stretch without verbatim elements: tags kept, text set in French.

    The same output as reading every token of ``TOKEN`` in order (tests/test_typography.py), but only the
    places a rule may act on are looked at (``HITS``), each placed among the tokens by looking back from it
    (``tag_holding``); the runs of text around them are set in French, the rest copied as it is (``french_html``
    per event page at 10,000 events, 1,000 pages: 0.21 -> 0.16 ms of CPU; a list of 50 events 0.37 -> 0.30)."""
    out: list[str] = []
    inside: list[str] = []  # open elements where no markup may be added
    done = position = 0  # html[:done] is in ``out``; html[:position] is read
    while hit := HITS.search(html, position):
        at = hit.start()
        end = tag_holding(html, at)
        if end >= 0:  # in a tag's attributes, or a "<" inside a tag
            position = end
        elif html[at] == "<":  # a tag of ``TEXT_ONLY``, or a "<" opening none (no ">" after it)
            tag = TEXT_ONLY_TAG.match(html, at)
            if tag is None:
                position = at + 1
                continue
            position, name = tag.end(), tag.group(2).lower()
            if not tag.group(0).endswith("/>"):
                if tag.group(1) and name in inside:
                    inside.remove(name)
                elif not tag.group(1):
                    inside.append(name)
        else:  # the first hit of a run of text: the run, from the last tag or "<" before it, set in French
            start = max(html.rfind(">", done, at), html.rfind("<", done, at), done - 1) + 1
            position = html.find("<", at)
            if position < 0:
                position = len(html)
            out.append(html[done:start])
            out.append(french_text(html[start:position], superscript=not inside))
            done = position
    out.append(html[done:])
    return "".join(out)


def tag_holding(html: str, at: int) -> int:
    """The end of the tag (``TAG``) that holds the place ``at``, begun before it; -1 if none does.

    Such a tag begins at a "<" after the last ">" before ``at`` (a tag ends at its first ">"): the first
    of them starts a token (a ">" ends a tag or lies in text); each that starts no tag is a token alone,
    and the next "<" starts the next token after the run of text it ends."""
    start = html.find("<", html.rfind(">", 0, at) + 1, at)
    while start >= 0:
        tag = TAG.match(html, start)
        if tag is not None:
            return tag.end()
        start = html.find("<", start + 1, at)
    return -1
