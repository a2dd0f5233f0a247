"""What readers and journalists do: filter, search, follow the timeline, copy a citation."""

from __future__ import annotations

import datetime
import re

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser.helpers import EVENT, save_screenshot

pytestmark = pytest.mark.browser
MILLEY_EVENTS = 2  # events of the fixture chronology with Mark Milley
AUSTIN_CHOIGOU = "/canaux/austin-choigou/"
SILENCE = "84 jours sans contact connu, du 18 février au 13 mai 2022"


def visible_events(page: Page) -> int:
    return page.locator(".event-item:visible").count()


def test_filters_work_in_place_and_keep_the_filter_in_the_url(page: Page, site_url: str) -> None:
    page.goto(site_url + "/")
    total = visible_events(page)
    assert total == 9
    page.select_option("#filtre-acteur", "mark-milley")
    expect(page).to_have_url(re.compile(r"/\?acteur=mark-milley$"))
    assert visible_events(page) == MILLEY_EVENTS
    expect(page.locator("[data-filter-status]")).to_have_text(f"{MILLEY_EVENTS} événements sur {total}")
    expect(page.locator("#annee-2024")).to_be_hidden()  # a year without a match disappears
    page.select_option("#filtre-canal", "chefs-etat-major")
    expect(page).to_have_url(re.compile(r"/\?acteur=mark-milley&canal=chefs-etat-major$"))
    assert visible_events(page) == 1
    # the timeline dims the marks that do not match
    assert page.locator(".mark.dim").count() == page.locator(".mark").count() - 1
    page.select_option("#filtre-annee", "2024")
    expect(page.locator("[data-no-match]")).to_be_visible()
    page.get_by_role("button", name="Tout afficher").click()
    expect(page).to_have_url(re.compile(r"/$"))
    assert visible_events(page) == total


def test_a_shared_filtered_url_opens_filtered(page: Page, site_url: str) -> None:
    page.goto(site_url + "/?canal=austin-choigou&nature=call")
    expect(page.locator("#filtre-canal")).to_have_value("austin-choigou")
    expect(page.locator("#filtre-nature")).to_have_value("call")
    assert visible_events(page) == 2
    page.goto(site_url + "/?acteur=inconnu")  # an unknown value is ignored, not an empty page
    assert visible_events(page) == 9


def test_without_javascript_the_filtered_views_are_pages(browser: Browser, site_url: str) -> None:
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(site_url + "/")
    expect(page.locator("[data-filters]")).to_be_hidden()
    page.locator(".browse-links").get_by_role("link", name="Mark Milley").click()
    expect(page.locator("h1")).to_have_text("Mark Milley")
    page.goto(site_url + "/")
    page.locator(".browse-links").get_by_role("link", name="2024").click()
    expect(page.locator("h1")).to_have_text("Année 2024")
    assert page.locator(".event-item").count() == 2
    page.goto(site_url + "/recherche/")
    expect(page.locator("[data-search]")).to_be_hidden()
    expect(page.locator("main")).to_contain_text("La recherche en texte intégral a besoin de JavaScript")
    save_screenshot(page, "recherche-sans-javascript-1280")
    page.goto(site_url + EVENT)
    reference = page.locator("#reference").inner_text()  # as it reads: no placeholder, no day left blank
    assert "[" not in reference and "consulté" not in reference
    assert reference.strip().endswith("/evenements/2022-05-13-appel-austin-choigou/.")
    context.close()


@pytest.mark.parametrize("alias", ["Shoigu", "Sergei Shoigu", "Choïgou"])
def test_search_finds_an_actor_by_an_alias(alias: str, page: Page, site_url: str) -> None:
    page.goto(site_url + "/recherche/")
    page.fill("#q", alias)
    page.keyboard.press("Enter")
    results = page.locator("[data-search-results] li")
    expect(results.first).to_be_visible()
    expect(page).to_have_url(re.compile(r"\?q="))
    link = page.locator("[data-search-results] a", has_text="Sergueï Choïgou").first
    expect(link).to_be_visible()
    link.click()
    expect(page).to_have_url(re.compile(r"/acteurs/sergei-choigou/$"))


def test_search_knows_french_word_forms_and_shares_its_url(page: Page, site_url: str) -> None:
    page.goto(site_url + "/recherche/?q=appels")  # plural: finds the pages about "appel"
    expect(page.locator("[data-search-results] li").first).to_be_visible()
    titles = page.locator("[data-search-results] .result-title").all_inner_texts()
    assert "Premier appel Austin–Choïgou depuis l'invasion" in titles
    expect(page.locator("[data-search-status]")).to_contain_text("résultat")
    save_screenshot(page, "recherche-resultats-1280")


def test_a_timeline_mark_leads_to_its_event(page: Page, site_url: str) -> None:
    page.goto(site_url + "/")
    mark = page.get_by_role("link", name="13 mai 2022, appel : Premier appel Austin–Choïgou depuis l'invasion")
    expect(mark.first).to_be_visible()
    mark.first.click()
    expect(page).to_have_url(re.compile(EVENT + "$"))
    expect(page.locator("h1")).to_have_text("Premier appel Austin–Choïgou depuis l'invasion")


def test_a_timeline_silence_leads_to_its_line_on_the_channel_page(page: Page, site_url: str) -> None:
    page.goto(site_url + "/")
    page.get_by_role("link", name=SILENCE).click()
    expect(page).to_have_url(re.compile(AUSTIN_CHOIGOU + "#silence-2022-02-18-appel-austin-choigou$"))
    expect(page.locator(":target")).to_contain_text(SILENCE)


def test_on_a_phone_the_austin_shoigu_silence_is_two_taps_from_home(browser: Browser, site_url: str) -> None:
    context = browser.new_context(viewport={"width": 375, "height": 740}, has_touch=True, is_mobile=True)
    page = context.new_page()
    page.goto(site_url + "/")
    page.locator(".site-nav").get_by_role("link", name="Canaux").tap()
    page.get_by_role("link", name="Ministres de la Défense Austin–Choïgou").first.tap()
    silence = page.locator(".silences").get_by_text(SILENCE)
    expect(silence).to_be_visible()
    silence.scroll_into_view_if_needed()
    save_screenshot(page, "canal-silence-375")
    context.close()


def test_a_journalist_copies_the_citation_of_an_event(browser: Browser, site_url: str) -> None:
    context = browser.new_context(permissions=["clipboard-read", "clipboard-write"], locale="fr-FR")
    page = context.new_page()
    page.goto(site_url + EVENT)
    page.get_by_role("button", name="Copier la référence", exact=True).click()
    expect(page.locator("[data-copy-status]").first).to_have_text("Référence copiée.")
    copied = page.evaluate("navigator.clipboard.readText()")
    months = ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre",
              "novembre", "décembre")
    today = datetime.date.today()
    assert copied == (
        "Canaux militaires États-Unis–Russie, « Premier appel Austin–Choïgou depuis l'invasion », Les canaux "
        "militaires États-Unis–Russie, 2015–2024, "
        f"https://canaux-militaires.github.io{EVENT} (consulté le {today.day} {months[today.month - 1]} {today.year})."
    )
    page.get_by_role("button", name="Copier la référence APA").click()
    expect(page.locator("[data-copy-status]").nth(1)).to_have_text("Référence copiée.")
    assert page.evaluate("navigator.clipboard.readText()") == (
        "Canaux militaires États-Unis–Russie. (s. d.). Premier appel Austin–Choïgou depuis l'invasion. Les canaux "
        f"militaires États-Unis–Russie, 2015–2024. https://canaux-militaires.github.io{EVENT}")
    context.close()


def test_each_citation_has_an_anchor_and_reaches_its_passage(page: Page, site_url: str) -> None:
    page.goto(site_url + EVENT + "#citation-1")
    expect(page.locator(":target")).to_contain_text("L'appel a duré environ une heure")
    page.locator("#citation-1").get_by_role("link", name="le passage dans la source").click()
    expect(page).to_have_url(re.compile(r"/sources/cnn-2022-05-13/#passage-2022-05-13-appel-austin-choigou-1$"))
    expect(page.locator(":target")).to_contain_text("L'appel a duré environ une heure")
    page.locator(":target").get_by_role("link", name="Premier appel Austin–Choïgou depuis l'invasion").click()
    expect(page).to_have_url(re.compile(EVENT + "#citation-1$"))


def test_event_page_describes_itself_to_other_sites(page: Page, site_url: str) -> None:
    page.goto(site_url + EVENT)
    canonical = f"https://canaux-militaires.github.io{EVENT}"
    expect(page.locator('link[rel="canonical"]')).to_have_attribute("href", canonical)
    expect(page.locator('meta[property="og:url"]')).to_have_attribute("content", canonical)
    expect(page.locator('meta[property="og:type"]')).to_have_attribute("content", "article")
    expect(page.locator('meta[name="twitter:card"]')).to_have_attribute("content", "summary_large_image")
    data = page.evaluate("JSON.parse(document.querySelector('script[type=\"application/ld+json\"]').textContent)")
    assert data["@type"] == "Article" and data["url"] == canonical
    assert data["about"] == {"@type": "Event", "name": "Premier appel Austin–Choïgou depuis l'invasion",
                             "eventStatus": "https://schema.org/EventScheduled", "startDate": "2022-05-13"}


def test_the_404_page_leads_back_home(page: Page, site_url: str) -> None:
    page.goto(site_url + "/404.html")
    page.get_by_role("link", name="chronologie").first.click()
    expect(page.locator("h1")).to_have_text("Les canaux militaires États-Unis–Russie, 2015–2024")
