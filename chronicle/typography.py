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
TRIGGERS = re.compile("[’ʼ;:!?»«1]")


def french_text(text: str, superscript: bool = True) -> str:
    """One run of HTML text (entities allowed) set in French: spaces, apostrophes, "1er"."""
    text = APOSTROPHE.sub("&#39;", text)
    text = BEFORE.sub(NARROW + r"\1", text)
    text = AFTER_OPENING.sub("«" + NARROW, text)
    text = CLOSING_GLUED.sub(NARROW + "»", text)
    if superscript:
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
    for token in TOKEN.finditer(html):
        closing, name = token.group(1), (token.group(2) or "").lower()
        if name:
            if name in TEXT_ONLY and not token.group(0).endswith("/>"):
                if closing and name in inside:
                    inside.remove(name)
                elif not closing:
                    inside.append(name)
            out.append(token.group(0))
        else:
            text = token.group(0)
            out.append(french_text(text, superscript=not inside) if TRIGGERS.search(text) else text)
    return "".join(out)
