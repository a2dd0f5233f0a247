"""The timeline as a reader sees it, measured in Chromium at phone, tablet and desktop widths.

Below 60rem it reads down (time running down the page); from 60rem it is the wide figure. Every
text of the figure is measured in both forms: no two overlap, none leaves its drawing, none is cut
at either edge of the screen; marks are targets of 24 px at least that do not overlap; key events
are named; the keyboard, the narrow form and the table follow time; light, dark, without
JavaScript, in print.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import Browser, Page

from tests.browser.helpers import save_screenshot

WIDTHS = (320, 375, 768, 1280)
NARROW = (320, 375, 768)
PAGES = {"accueil": "/", "canal": "/canaux/chefs-etat-major/", "canal-austin": "/canaux/austin-choigou/"}

# Every text the reader sees in the figure, each line of it a box: SVG texts (with their drawing),
# and in HTML (lane names, the narrow form, the legend) each line of each text node, from Range
# rects. A visually hidden text (1 px) is no text seen.
MEASURE_TEXTS = """() => {
  const figure = document.querySelector('.tl').getBoundingClientRect();
  const box = (r) => ({x: r.left, y: r.top + scrollY, w: r.width, h: r.height});
  const texts = [];
  document.querySelectorAll('.tl svg text').forEach((el) => {
    const r = el.getBoundingClientRect();
    if (!r.width || !el.textContent.trim()) return;
    texts.push({text: el.textContent.trim(), boxes: [box(r)], owner: box(el.closest('svg').getBoundingClientRect())});
  });
  const walker = document.createTreeWalker(document.querySelector('.tl'), NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const parent = node.parentElement;
    if (!node.textContent.trim() || parent.closest('svg') || parent.closest('.visually-hidden')) continue;
    const range = document.createRange();
    range.selectNodeContents(node);
    const boxes = Array.from(range.getClientRects()).filter((r) => r.width > 1.5 && r.height > 1.5).map(box);
    if (boxes.length) texts.push({text: node.textContent.trim(), boxes: boxes, owner: box(figure)});
  }
  return texts;
}"""

# The links of the figure a reader can reach (visible), with their boxes and their place in time.
MEASURE_TARGETS = """() => Array.from(document.querySelectorAll('.tl a, .tlv a'))
    .filter((a) => a.getClientRects().length && a.getBoundingClientRect().width).map((a) => {
  const r = a.getBoundingClientRect();
  const hit = a.querySelector('.hit');
  const h = hit ? hit.getBoundingClientRect() : r;
  return {name: a.getAttribute('aria-label') || a.textContent.trim(), w: r.width, h: r.height,
          x: r.left, y: r.top + scrollY,
          hit: {x: h.left + scrollX, y: h.top + scrollY, w: h.width, h: h.height},
          chip: a.classList.contains('tlv-mark'), t: a.getAttribute('data-t')};
})"""


def overlap(a: dict[str, float], b: dict[str, float], slack: float = 0.5) -> bool:
    """Whether two boxes share more than ``slack`` px each way."""
    return (min(a["x"] + a["w"], b["x"] + b["w"]) - max(a["x"], b["x"]) > slack
            and min(a["y"] + a["h"], b["y"] + b["h"]) - max(a["y"], b["y"]) > slack)


def inside(inner: dict[str, float], outer: dict[str, float], slack: float = 0.5) -> bool:
    """Whether ``inner`` lies within ``outer``."""
    return (inner["x"] >= outer["x"] - slack and inner["y"] >= outer["y"] - slack
            and inner["x"] + inner["w"] <= outer["x"] + outer["w"] + slack
            and inner["y"] + inner["h"] <= outer["y"] + outer["h"] + slack)


@pytest.fixture(params=WIDTHS, ids=[f"{w}px" for w in WIDTHS])
def width(request: pytest.FixtureRequest) -> int:
    return int(request.param)


def open_page(browser: Browser, url: str, width: int, **options: Any) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": width, "height": 800}, locale="fr-FR", **options)
    page = context.new_page()
    page.goto(url)
    yield page
    context.close()


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "sans-js"])
@pytest.mark.parametrize("kind", PAGES)
def test_no_text_of_the_timeline_overlaps_or_leaves_its_box(browser: Browser, real_site_url: str, width: int,
                                                           kind: str, javascript: bool) -> None:
    for page in open_page(browser, real_site_url + PAGES[kind], width, java_script_enabled=javascript):
        texts = page.evaluate(MEASURE_TEXTS)
        assert len(texts) > 5
        clashes = [(a["text"], b["text"]) for i, a in enumerate(texts) for b in texts[i + 1:]
                   if any(overlap(x, y, 1) for x in a["boxes"] for y in b["boxes"])]
        assert clashes == [], f"texts drawn over each other at {width}px: {clashes[:5]}"
        outside = [t["text"] for t in texts if not all(inside(b, t["owner"]) for b in t["boxes"])]
        assert outside == [], f"texts leaving their drawing at {width}px: {outside[:5]}"
        # nothing cut at either edge of the first screen: the whole of every text is on it, left to right
        cut = [t["text"] for t in texts if any(b["x"] < -0.5 or b["x"] + b["w"] > width + 0.5 for b in t["boxes"])]
        assert cut == [], f"texts cut at the edge of the screen at {width}px: {cut[:5]}"
        assert page.evaluate("document.documentElement.scrollWidth") <= width  # the page never scrolls sideways
        save_screenshot(page, f"frise-{kind}-{width}{'' if javascript else '-sans-js'}")


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "sans-js"])
@pytest.mark.parametrize("narrow", NARROW, ids=[f"{w}px" for w in NARROW])
def test_a_narrow_screen_reads_the_timeline_down_in_time_order(browser: Browser, real_site_url: str,
                                                               narrow: int, javascript: bool) -> None:
    # without smooth scrolling, a jump lands at once (the page scrolls smoothly for those who do not mind)
    for page in open_page(browser, real_site_url + "/", narrow, java_script_enabled=javascript,
                          reduced_motion="reduce"):
        assert page.locator(".tlv").is_visible() and not page.locator(".tl-scroll").is_visible()
        links = [t for t in page.evaluate(MEASURE_TARGETS) if t["t"] is not None]
        assert len(links) >= page.locator(".timeline-table tbody tr[data-t]").count()  # every event, once at least
        days = [int(t["t"]) for t in links]
        assert days == sorted(days), "the narrow form goes back in time"
        for a, b in itertools.pairwise(links):  # read as it is written: left to right, then down
            assert b["y"] > a["y"] + 1 or (abs(b["y"] - a["y"]) <= 1 and b["x"] > a["x"]), (a["name"], b["name"])
        # the densest year is one tap away, at the top of the figure, and the tap brings it on screen
        jump = page.locator(".tlv-dense a")
        assert jump.is_visible()
        top = page.locator(".tlv").bounding_box()
        box = jump.bounding_box()
        assert top is not None and box is not None and box["y"] - top["y"] < 100
        jump.click()
        target = jump.get_attribute("href")
        heading = page.locator(f"{target} .tlv-year").bounding_box()
        assert heading is not None and 0 <= heading["y"] <= 800 - heading["height"]
        assert page.evaluate("location.hash") == target
        assert page.locator(".tlv-year", has_text="2022").count() == 1  # its number: the content's busiest year
        if not javascript:
            save_screenshot(page, f"frise-verticale-sans-js-{narrow}")


def test_marks_are_targets_of_24_px_that_never_overlap(browser: Browser, real_site_url: str, width: int) -> None:
    for page in open_page(browser, real_site_url + "/", width):
        targets = page.evaluate(MEASURE_TARGETS)
        assert len(targets) > 20
        small = [t["name"] for t in targets if t["w"] < 24 - 0.01 or t["h"] < 24 - 0.01]
        assert small == [], f"targets under 24 px at {width}px: {small[:5]}"
        marks = [t for t in targets if t["t"] is not None]
        clashes = [(a["name"], b["name"]) for i, a in enumerate(marks) for b in marks[i + 1:]
                   if overlap(a["hit"], b["hit"])]
        assert clashes == [], f"targets on top of each other at {width}px: {clashes[:3]}"


def test_key_events_are_named_in_both_forms(browser: Browser, real_site_url: str, width: int) -> None:
    for page in open_page(browser, real_site_url + "/", width):
        wide = page.locator(".tl-strip a:has(.callout)").evaluate_all(
            "links => links.map((a) => a.getAttribute('href'))")
        narrow = page.locator(".tlv-key a").evaluate_all("links => links.map((a) => a.getAttribute('href'))")
        assert len(wide) >= 3 and sorted(wide) == sorted(narrow)  # the same key events, whichever form shows
        if width >= 960:
            callouts = page.locator(".tl .callout")
            names = page.locator(".tl-strip a:has(.callout)").evaluate_all(
                "links => links.map((a) => a.getAttribute('aria-label'))")
        else:
            callouts = page.locator(".tlv-key .tlv-text")
            names = page.locator(".tlv-key a").evaluate_all("links => links.map((a) => a.title)")
        shown = callouts.evaluate_all("texts => texts.map((t) => t.textContent)")
        assert all(callouts.nth(i).is_visible() for i in range(callouts.count()))
        for words, name in zip(shown, names, strict=True):  # the words are the event's own title, or its start
            assert words.rstrip("…") in name and len(words) >= 12
        # the frame (the invasion) and a source's words about a silence are written out too
        frame = page.locator(".tl-axis .frame-label" if width >= 960 else ".tlv-frame .tlv-text").first
        assert frame.is_visible() and "invasion" in (frame.text_content() or "")
        quote = page.locator(".tl .gap.quoted text" if width >= 960 else ".tlv-quote").first
        assert quote.is_visible() and "84 jours" in (quote.text_content() or "")


def test_the_keyboard_and_the_table_follow_time(browser: Browser, real_site_url: str, width: int) -> None:
    for page in open_page(browser, real_site_url + "/", width):
        wide = width >= 960
        start = page.locator(".tl-scroll" if wide else ".tlv-dense a")
        start.focus()
        where = """(wide) => { const a = document.activeElement;
            if (!a.closest(wide ? '.tl-canvas' : '.tlv')) return null;
            const strip = a.closest(wide ? '.tl-strip' : '.tlv-list');
            return strip ? [Array.from(document.querySelectorAll('.tl-strip')).indexOf(strip),
                            Number(a.getAttribute('data-t'))] : [-1, 0]; }"""
        seen: list[list[int]] = []
        for _ in range(1000):
            page.keyboard.press("Tab")
            stop = page.evaluate(where, wide)
            if stop is None:
                break
            if stop[1]:
                seen.append(stop)
        links = ".tl-strip a" if wide else ".tlv-list a[data-t]"
        assert len(seen) == page.locator(links).count()  # every mark and silence is reached
        lanes = [lane for lane, _day in seen]
        assert lanes == sorted(lanes), "the keyboard goes through the lanes from top to bottom"
        for lane in set(lanes):
            days = [day for other, day in seen if other == lane]
            assert days == sorted(days), f"the keyboard goes back in time in lane {lane}: {days}"
        days = [int(d) for d in page.locator(".timeline-table tbody tr[data-t]").evaluate_all(
            "rows => rows.map((r) => r.getAttribute('data-t'))")]
        assert len(days) > 10 and days == sorted(days)


def test_silences_read_the_same_in_tooltip_label_table_and_channel_page(page: Page, real_site_url: str) -> None:
    page.goto(real_site_url + "/")
    gaps = page.locator(".tl a.gap")
    assert gaps.count() > 2
    words = gaps.evaluate_all("gs => gs.map((g) => [g.getAttribute('aria-label'), g.querySelector('title')."
                              "textContent, g.getAttribute('href')])")
    table = set(page.locator(".timeline-table a[href*='#silence-']").evaluate_all(
        "links => links.map((a) => a.textContent)"))
    for label, title, _href in words:
        assert label == title and label in table
        assert "de entre" not in label and "à entre" not in label and not label.startswith("De 0 ")
    gaps.first.click()
    assert words[0][0] in page.locator(":target").inner_text()


# Every visible text of the figure: its colour (fill for SVG) and the colour behind it (the first ancestor
# with a background; the page's otherwise), as WCAG relative luminances.
MEASURE_CONTRAST = """() => {
  const lum = (s) => { const [r, g, b] = s.match(/[\\d.]+/g).map(Number);
    const f = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; };
    return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b); };
  const opaque = (s) => s && s !== 'transparent' && !/rgba\\(.*, 0\\)$/.test(s);
  const behind = (el) => { for (let e = el; e; e = e.parentElement) {
      const c = getComputedStyle(e).backgroundColor; if (opaque(c)) return c; }
    return getComputedStyle(document.body).backgroundColor; };
  const out = [];
  document.querySelectorAll('.tl *').forEach((el) => {
    const own = Array.from(el.childNodes).some((n) => n.nodeType === 3 && n.textContent.trim());
    if (!own || !el.getClientRects().length || el.closest('.visually-hidden')) return;
    const style = getComputedStyle(el);
    const ink = el.closest('svg') ? style.fill : style.color;
    const a = lum(ink), b = lum(behind(el));
    out.push({text: el.textContent.trim().slice(0, 40), ratio: (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05)});
  });
  return out;
}"""


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("size", [375, 1280], ids=["375px", "1280px"])
def test_every_text_of_the_timeline_keeps_its_contrast(browser: Browser, real_site_url: str, size: int,
                                                       scheme: str) -> None:
    for page in open_page(browser, real_site_url + "/", size, color_scheme=scheme):
        texts = page.evaluate(MEASURE_CONTRAST)
        assert len(texts) > 10
        faint = [(t["text"], round(t["ratio"], 2)) for t in texts if t["ratio"] < 4.5]
        assert faint == [], f"texts under 4.5:1 at {size}px ({scheme}): {faint[:5]}"
        if scheme == "dark":
            save_screenshot(page, f"frise-sombre-{size}")


@pytest.mark.parametrize("size", [375, 1280], ids=["375px", "1280px"])
def test_print_shows_the_whole_figure_with_its_heading(browser: Browser, real_site_url: str, size: int) -> None:
    for page in open_page(browser, real_site_url + "/", size):
        page.emulate_media(media="print")
        heading, figure = page.locator("#frise"), page.locator(".tl-canvas")
        assert heading.is_visible() and figure.is_visible()  # on paper, the wide figure: one picture, no taps
        assert not page.locator(".tlv").is_visible()
        box = figure.bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= size + 0.5


def test_every_channel_page_says_where_the_channel_stands(page: Page, real_site_url: str) -> None:
    page.goto(real_site_url + "/canaux/")
    links = page.locator("main a").evaluate_all("links => links.map((a) => a.href.split('#')[0])")
    channels = sorted({url for url in links if url.startswith(real_site_url + "/canaux/")
                       and url.rstrip("/") != real_site_url + "/canaux"})
    assert len(channels) > 3
    with_contact = 0
    for url in channels:
        page.goto(url)
        status = page.locator(".status")
        text = status.inner_text()
        assert text.startswith(("Dernier contact connu\u202f: ", "Aucun contact connu")), text  # French spacing
        if text.startswith("Dernier"):
            with_contact += 1
            assert "sans contact connu depuis, à la date de la source la plus récente, " in text
            assert "((" not in text and "))" not in text
            assert status.get_by_role("link").count() == 1  # the last contact, one tap away
    assert with_contact >= 2
