"""Every page kind in a real Chromium: it renders, loads nothing from elsewhere, passes axe-core."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser.helpers import PAGE_KINDS, WIDTHS, describe_violations, run_axe, save_screenshot

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("kind", sorted(PAGE_KINDS))
def test_page_kind_renders_at_phone_and_desktop_width(kind: str, browser: Browser, site_url: str) -> None:
    for width in WIDTHS:
        context = browser.new_context(viewport={"width": width, "height": 900}, locale="fr-FR")
        page = context.new_page()
        requests: list[str] = []
        errors: list[str] = []
        page.on("request", lambda request, seen=requests: seen.append(request.url))
        page.on("pageerror", lambda error, seen=errors: seen.append(str(error)))
        page.on("console", lambda message, seen=errors: seen.append(message.text) if message.type == "error" else None)
        response = page.goto(site_url + PAGE_KINDS[kind])
        assert response is not None and response.ok
        expect(page.locator("h1")).to_be_visible()
        expect(page.locator("html")).to_have_attribute("lang", "fr")
        page.wait_for_load_state("networkidle")
        assert errors == []
        assert {urlsplit(url).netloc for url in requests} == {urlsplit(site_url).netloc}, "another host"
        # nothing wider than the screen, but the timeline, which scrolls in its own box
        overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert overflow <= 0, f"{kind} overflows by {overflow}px at {width}px"
        save_screenshot(page, f"{kind}-{width}")
        context.close()


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("kind", sorted(PAGE_KINDS))
def test_axe_finds_no_violation(kind: str, scheme: str, browser: Browser, site_url: str) -> None:
    # axe is injected as an inline script: the page's Content-Security-Policy is bypassed for it
    context = browser.new_context(viewport={"width": 1280, "height": 900}, color_scheme=scheme, bypass_csp=True)
    page = context.new_page()
    page.goto(site_url + PAGE_KINDS[kind])
    page.wait_for_load_state("networkidle")
    violations = run_axe(page)
    context.close()
    assert violations == [], describe_violations(violations)


def test_axe_on_the_filtered_chronology_and_search_results(browser: Browser, site_url: str) -> None:
    page = browser.new_context(bypass_csp=True).new_page()
    page.goto(site_url + "/?canal=austin-choigou")
    assert run_axe(page) == []
    page.goto(site_url + "/recherche/?q=Shoigu")
    expect(page.locator("[data-search-results] li").first).to_be_visible()
    violations = run_axe(page)
    assert violations == [], describe_violations(violations)


def test_dark_mode_follows_the_system(browser: Browser, site_url: str) -> None:
    colours = {}
    for scheme in ("light", "dark"):
        context = browser.new_context(color_scheme=scheme, viewport={"width": 1280, "height": 900})
        page = context.new_page()
        page.goto(site_url + PAGE_KINDS["evenement"])
        colours[scheme] = page.evaluate("getComputedStyle(document.body).backgroundColor")
        if scheme == "dark":
            save_screenshot(page, "evenement-sombre-1280")
        context.close()
    assert colours["light"] == "rgb(251, 250, 247)"
    assert colours["dark"] == "rgb(20, 21, 24)"


def test_event_page_prints_without_navigation(page: Page, site_url: str) -> None:
    page.goto(site_url + PAGE_KINDS["evenement"])
    page.emulate_media(media="print")
    assert page.locator(".site-nav").evaluate("e => getComputedStyle(e).display") == "none"
    assert page.locator(".neighbours").evaluate("e => getComputedStyle(e).display") == "none"
    expect(page.locator("#reference")).to_be_visible()
    expect(page.locator("#citation-1")).to_be_visible()
    pdf = page.pdf(format="A4")
    assert pdf.startswith(b"%PDF")


def test_keyboard_focus_is_visible(page: Page, site_url: str) -> None:
    page.goto(site_url + "/")
    page.keyboard.press("Tab")
    skip = page.locator(".skip")
    expect(skip).to_be_focused()
    box = skip.bounding_box()
    assert box is not None and box["x"] >= 0  # the skip link comes into view
    page.keyboard.press("Tab")
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    width = page.evaluate("parseFloat(getComputedStyle(document.activeElement).outlineWidth)")
    assert outline == "solid" and width >= 2


def test_axe_does_find_a_violation_when_there_is_one(browser: Browser, site_url: str) -> None:
    page = browser.new_context(bypass_csp=True).new_page()
    page.goto(site_url + "/a-propos/")
    page.evaluate("""() => {
        const image = document.createElement('img');
        image.src = 'data:image/gif;base64,R0lGODlhAQABAAAAACw=';
        document.querySelector('main').append(image);
        document.querySelector('.lede').style.color = '#f2f2f2';
    }""")
    found = {violation["id"] for violation in run_axe(page)}
    assert {"image-alt", "color-contrast"} <= found


REAL_PAGES = ["/", "/annees/2022/", "/canaux/", "/canaux/austin-choigou/", "/acteurs/", "/acteurs/sergei-choigou/",
              "/evenements/2022-05-13-appel-austin-choigou/", "/sources/", "/sources/cnn-2022-05-13/"]


def test_axe_on_the_real_chronology(browser: Browser, real_site_url: str) -> None:
    """The real content has longer names and denser years than the fixture: axe it too."""
    context = browser.new_context(viewport={"width": 375, "height": 900}, bypass_csp=True)
    page = context.new_page()
    found = []
    for url in REAL_PAGES:
        response = page.goto(real_site_url + url)
        assert response is not None and response.ok, url
        found += [f"{url}: {line}" for line in describe_violations(run_axe(page)).splitlines()]
    save_screenshot(page, "reel-source-375")
    context.close()
    assert found == []
