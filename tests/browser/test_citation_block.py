"""The "Citer cette page" block as a reader sees it, on a phone and a desktop, with and without JavaScript."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser

from tests.browser.helpers import EVENT, SCREENSHOTS

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("width", [320, 375, 1280])
@pytest.mark.parametrize("script", [True, False], ids=["js", "nojs"])
def test_the_citation_block_fits_reads_whole_and_offers_its_files(browser: Browser, site_url: str, width: int,
                                                                   script: bool) -> None:
    context = browser.new_context(viewport={"width": width, "height": 900}, java_script_enabled=script,
                                  locale="fr-FR")
    page = context.new_page()
    page.goto(site_url + EVENT)
    block = page.locator("section.cite-block")
    block.scroll_into_view_if_needed()
    # nothing leaves the block or the screen: the long address wraps
    overflow = block.evaluate("""block => [...block.querySelectorAll('*')].filter(e => {
        const r = e.getBoundingClientRect(), b = block.getBoundingClientRect();
        return e.offsetParent !== null && (r.right > b.right + 1 || r.left < b.left - 1
            || r.right > document.documentElement.clientWidth + 1 || e.scrollWidth > e.clientWidth + 1);
    }).map(e => e.tagName + '.' + e.className + ': ' + e.textContent.slice(0, 40))""")
    assert overflow == []
    # the block's headings read in their order of rank: "Norme APA" is drawn smaller than "Citer cette page"
    sizes = [float(block.locator(tag).first.evaluate("e => getComputedStyle(e).fontSize").removesuffix("px"))
             for tag in ("h2", "h3")]
    assert sizes[1] < sizes[0], sizes
    reference = " ".join(page.locator("#reference").inner_text().split())
    assert "[" not in reference and "Chronicle" not in reference
    assert reference.endswith(".") and "https://canaux-militaires.github.io" in reference
    assert ("(consulté le" in reference) is script  # only the script knows the day it is read
    for name in ("fichier RIS", "CSL-JSON"):
        link = page.get_by_role("link", name=name)
        box = link.bounding_box()
        assert box and box["height"] >= 20  # in running text: WCAG 2.2's exception for inline links
        response = page.request.get(link.evaluate("a => a.href"))
        assert response.ok and response.body()
    block.screenshot(path=str(SCREENSHOTS / f"citer-{width}-{'js' if script else 'nojs'}.png"))
    context.close()
