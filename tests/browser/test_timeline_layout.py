"""The timeline as a reader sees it, measured in Chromium at phone, tablet and desktop widths.

Every text of the figure is measured: no two overlap, none leaves its drawing or the page, none is
cut at the left edge where a narrow screen starts; marks are targets of 24 px at least that do
not overlap; the keyboard and the table follow time; light, dark, without JavaScript, in print.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import Browser, Page

from tests.browser.helpers import save_screenshot

WIDTHS = (320, 375, 768, 1280)
PAGES = {"accueil": "/", "canal": "/canaux/chefs-etat-major/"}

# Boxes of the figure's texts, relative to the scrolled canvas (so that scrolling does not move them),
# with what they belong to: the drawing (svg) of an SVG text, the canvas for a lane name.
MEASURE_TEXTS = """() => {
  const canvas = document.querySelector('.tl-canvas').getBoundingClientRect();
  const box = (r) => ({x: r.left - canvas.left, y: r.top - canvas.top, w: r.width, h: r.height});
  const texts = [];
  document.querySelectorAll('.tl text, .tl-name, .tl-legend li').forEach((el) => {
    const r = el.getBoundingClientRect();
    if (!r.width || !el.textContent.trim()) return;
    const owner = el.closest('svg:not(.swatch)') || el.closest('.tl-canvas') || el.closest('.tl');
    texts.push({text: el.textContent.trim(), box: box(r), owner: box(owner.getBoundingClientRect()),
                legend: !!el.closest('.tl-legend')});
  });
  return texts;
}"""

MEASURE_TARGETS = """() => Array.from(document.querySelectorAll('.tl a')).map((a) => {
  const r = a.getBoundingClientRect();
  const hit = a.querySelector('.hit');
  const h = hit ? hit.getBoundingClientRect() : r;
  return {name: a.getAttribute('aria-label') || a.textContent.trim(), w: r.width, h: r.height,
          hit: {x: h.left + scrollX, y: h.top + scrollY, w: h.width, h: h.height},
          mark: a.classList.contains('mark'), t: a.getAttribute('data-t')};
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


@pytest.mark.parametrize("kind", PAGES)
def test_no_text_of_the_timeline_overlaps_or_leaves_its_box(browser: Browser, real_site_url: str, width: int,
                                                           kind: str) -> None:
    for page in open_page(browser, real_site_url + PAGES[kind], width):
        texts = page.evaluate(MEASURE_TEXTS)
        assert len(texts) > 5
        clashes = [(a["text"], b["text"]) for i, a in enumerate(texts) for b in texts[i + 1:]
                   if a["legend"] == b["legend"] and overlap(a["box"], b["box"])]
        assert clashes == [], f"texts drawn over each other at {width}px: {clashes[:5]}"
        outside = [t["text"] for t in texts if not inside(t["box"], t["owner"])]
        assert outside == [], f"texts leaving their drawing at {width}px: {outside[:5]}"
        # the figure stays within the page: it scrolls inside its own box, never the page sideways
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        scroller = page.locator(".tl-scroll").bounding_box()
        assert scroller is not None and scroller["x"] >= 0 and scroller["x"] + scroller["width"] <= width + 0.5
        save_screenshot(page, f"frise-{kind}-{width}")


def test_a_narrow_screen_starts_at_the_busiest_year_without_cutting_a_word(browser: Browser, real_site_url: str,
                                                                            width: int) -> None:
    for javascript in (True, False):
        for page in open_page(browser, real_site_url + "/", width, java_script_enabled=javascript):
            scroller = page.locator(".tl-scroll")
            view = scroller.bounding_box()
            assert view is not None
            busiest = page.locator(".tl-axis .year-label", has_text="2022").bounding_box()
            assert busiest is not None
            # the busiest year's label is on the first screen of the figure, with or without JavaScript
            assert view["x"] <= busiest["x"] and busiest["x"] + busiest["width"] <= view["x"] + view["width"], \
                f"2022 out of view at {width}px (JavaScript: {javascript})"
            left = view["x"]
            cut = page.evaluate("""(left) => Array.from(document.querySelectorAll('.tl svg text'))
                .filter((t) => { const r = t.getBoundingClientRect();
                                 return r.left < left - 0.5 && r.right > left + 0.5; })
                .map((t) => t.textContent)""", left)
            assert cut == [], f"words cut at the left edge at {width}px: {cut}"
            if not javascript:
                save_screenshot(page, f"frise-sans-js-{width}")


def test_marks_are_targets_of_24_px_that_never_overlap(browser: Browser, real_site_url: str, width: int) -> None:
    for page in open_page(browser, real_site_url + "/", width):
        targets = page.evaluate(MEASURE_TARGETS)
        small = [t["name"] for t in targets if t["w"] < 24 - 0.01 or t["h"] < 24 - 0.01]
        assert small == [], f"targets under 24 px at {width}px: {small[:5]}"
        marks = [t for t in targets if t["t"] is not None]
        clashes = [(a["name"], b["name"]) for i, a in enumerate(marks) for b in marks[i + 1:]
                   if overlap(a["hit"], b["hit"])]
        assert clashes == [], f"targets on top of each other at {width}px: {clashes[:3]}"


def test_the_keyboard_and_the_table_follow_time(page: Page, real_site_url: str) -> None:
    page.goto(real_site_url + "/")
    page.locator(".tl-scroll").focus()  # the scrolled region itself is the first stop
    where = """() => { const a = document.activeElement; if (!a.closest('.tl-canvas')) return null;
        const strip = a.closest('.tl-strip');
        return strip ? [Array.from(document.querySelectorAll('.tl-strip')).indexOf(strip),
                        Number(a.getAttribute('data-t'))] : [-1, 0]; }"""
    seen: list[list[int]] = []
    for _ in range(1000):
        page.keyboard.press("Tab")
        stop = page.evaluate(where)
        if stop is None:
            break
        if stop[0] >= 0:
            seen.append(stop)
    assert len(seen) == page.locator(".tl-strip a").count()  # every mark and silence is reached
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


def test_dark_mode_and_print(browser: Browser, real_site_url: str) -> None:
    for page in open_page(browser, real_site_url + "/", 375, color_scheme="dark"):
        colours = page.evaluate("""() => [getComputedStyle(document.querySelector('.tl-axis .year-label')).fill,
                                            getComputedStyle(document.body).backgroundColor]""")
        assert colours[0] != colours[1]
        luminance = page.evaluate("""(c) => c.map((s) => { const [r, g, b] = s.match(/\\d+/g).map(Number);
            const f = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; };
            return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b); })""", colours)
        ratio = (max(luminance) + 0.05) / (min(luminance) + 0.05)
        assert ratio >= 4.5, f"year labels at {ratio:.1f}:1 in dark mode"
        save_screenshot(page, "frise-sombre-375")
    for page in open_page(browser, real_site_url + "/", 1280):
        page.emulate_media(media="print")
        heading, figure = page.locator("#frise"), page.locator(".tl-canvas")
        assert heading.is_visible() == figure.is_visible()
        if figure.is_visible():  # printed whole: the page does not cut it
            box = figure.bounding_box()
            assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 1280


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
