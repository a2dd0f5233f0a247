"""The images that represent the site's pages when shared (``og:image``): one card per kind of page,
drawn at build time with Pillow from the records (the chronology's title, what the page is, how many
events, actors, channels and sources, the years covered).

One card per kind, not per page: a card costs 30 to 90 ms to draw and encode, so one per event would
add minutes to a build of 10,000 events (bench/README.md's budget); five are drawn while Pagefind
indexes (``export.data_files``), when the build would otherwise wait. The cards use the first font
found among common free ones (DejaVu, Liberation, Noto), else Pillow's own font, which lacks some
accents: the text is then written without them. The same machine always draws the same bytes.
"""

from __future__ import annotations

import io
import textwrap
import unicodedata
from functools import cache
from typing import TYPE_CHECKING

from chronicle.config import Config
from chronicle.model import Chronology
from chronicle.urls import card_url

if TYPE_CHECKING:
    from PIL import ImageFont

SIZE = (1200, 630)  # what Facebook, LinkedIn, Mastodon and X crop least
KINDS = {"site": "Chronologie annotée", "event": "Événement", "actor": "Acteur", "channel": "Canal de communication",
         "source": "Source"}
TEMPLATES = {"event.html": "event", "actor.html": "actor", "channel.html": "channel", "source.html": "source"}
FONTS = ("DejaVuSans.ttf", "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf", "LiberationSans-Regular.ttf",
         "/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf", "NotoSans-Regular.ttf",
         "/usr/share/fonts/truetype/noto/NotoSans-Regular.ttf", "Arial.ttf")
INK, PAPER, ACCENT, MUTED = "#1b1b1b", "#f7f5ef", "#8a2b1f", "#5a5a5a"


def card_for(template: str) -> str:
    """The kind of card a page made with ``template`` shows."""
    return TEMPLATES.get(template, "site")


@cache
def font(size: int) -> tuple[ImageFont.FreeTypeFont | ImageFont.ImageFont, bool]:
    """A font of ``size`` pixels, and whether it draws accented letters (Pillow's own does not)."""
    from PIL import ImageFont  # here: only a build draws cards (the check, a pre-commit hook, needs no Pillow)

    for name in FONTS:
        try:
            return ImageFont.truetype(name, size), True
        except OSError:
            continue
    return ImageFont.load_default(size=size), False


def drawable(text: str, full: bool) -> str:
    """``text`` as the font can draw it: as is, or without accents and typographic dashes."""
    if full:
        return text
    plain = unicodedata.normalize("NFKD", text.replace("–", "-").replace("—", "-").replace("’", "'"))
    return "".join(char for char in plain if not unicodedata.combining(char)).encode("latin-1", "replace").decode(
        "latin-1")


def draw_card(title: str, kicker: str, facts: str) -> bytes:
    """One card: the kind of page above the chronology's title, the figures below."""
    from PIL import Image, ImageDraw

    image = Image.new("RGB", SIZE, PAPER)
    pen = ImageDraw.Draw(image)
    pen.rectangle((0, 0, 24, SIZE[1]), fill=ACCENT)
    small, full = font(38)
    large, _ = font(64)
    pen.text((90, 80), drawable(kicker.upper(), full), font=small, fill=ACCENT)
    lines = textwrap.wrap(title, 30, break_on_hyphens=False)[:4]
    for number, line in enumerate(lines):
        pen.text((90, 160 + number * 84), drawable(line, full), font=large, fill=INK)
    for number, line in enumerate(textwrap.wrap(facts, 56, break_on_hyphens=False)[:2]):
        pen.text((90, 500 + number * 50), drawable(line, full), font=small, fill=MUTED)
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


def site_facts(chronology: Chronology) -> str:
    """"9 événements, 13 acteurs, 3 canaux, 2 sources · 2015–2024"."""
    def count(number: int, noun: str) -> str:
        return f"{number} {noun}{'s' if number > 1 else ''}"
    years = sorted(chronology.by_year)
    span = f" · {years[0]}–{years[-1]}" if years else ""
    return (f"{count(len(chronology.events), 'événement')}, {count(len(chronology.actors), 'acteur')}, "
            f"{count(len(chronology.channels), 'canal').replace('canals', 'canaux')}, "
            f"{count(len(chronology.sources), 'source')}{span}")


def card_files(chronology: Chronology, config: Config) -> dict[str, bytes]:
    """Every card: {path under site/: PNG bytes}. None without a base URL: og:image must be absolute."""
    if not config.base_url:
        return {}
    facts = site_facts(chronology)
    return {card_url(kind).lstrip("/"): draw_card(config.title, kicker, facts) for kind, kicker in KINDS.items()}


def og_image(config: Config, template: str) -> dict[str, object] | None:
    """What a page's head says of its card, or None without a base URL."""
    if not config.base_url:
        return None
    kind = card_for(template)
    return {"url": config.public(card_url(kind)), "width": SIZE[0], "height": SIZE[1],
            "alt": f"{KINDS[kind]} · {config.title}"}
