"""Search by any spelling (issue 14, point 8), measured on the real chronology's Pagefind index in
Chromium: every spelling of every actor finds the same pages in the same order, his page first; the
index itself holds every spelling on every page about him (raw Pagefind queries); two actors in one
query; a misspelt name; excerpts; and result items that fit a 320 px screen."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

pytestmark = pytest.mark.browser
SEARCH = "/recherche/"
# Pagefind asked directly, with the options the search page declares: no merging, no rewriting.
RAW = """async (queries) => {
  const form = document.querySelector("[data-search]");
  const bundle = new URL(form.dataset.bundle, location.href);
  const pagefind = await import(new URL("pagefind.js", bundle).href);
  await pagefind.options({ ...JSON.parse(form.dataset.pagefindOptions), baseUrl: new URL("../", bundle).pathname });
  const out = {};
  for (const query of queries) {
    const search = await pagefind.search(query);
    out[query ?? ""] = await Promise.all(search.results.map(async (r) => {
      const data = await r.data();
      return { url: data.url, content: data.content };
    }));
  }
  return out;
}"""


def fold(text: str) -> str:
    plain = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    return " ".join(re.sub(r"[^\w]+", " ", plain.casefold()).split())


def names(text: str, spellings: list[str]) -> bool:
    """Whether ``text`` holds one of ``spellings``, word for word, case and accents aside."""
    padded = f" {fold(text)} "
    return any(f" {fold(spelling)} " in padded for spelling in spellings)


@pytest.fixture(scope="module")
def search_page(browser: Browser, real_site_url: str) -> Iterator[Page]:
    """The real chronology's search page, at a computer's width."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="fr-FR")
    page = context.new_page()
    page.goto(real_site_url + SEARCH)
    yield page
    context.close()


@pytest.fixture(scope="module")
def actors(search_page: Page) -> list[dict[str, Any]]:
    """Every actor's address and spellings (the name first), as the search page is given them."""
    found: list[dict[str, Any]] = search_page.locator("[data-search]").evaluate(
        "form => JSON.parse(form.dataset.spellings)")
    assert len(found) > 30
    return found


@pytest.fixture(scope="module")
def indexed(search_page: Page) -> dict[str, str]:
    """The text Pagefind indexed of every page, by address (``search(null)``: every page)."""
    return {page["url"]: page["content"] for page in search_page.evaluate(RAW, [None])[""]}


def shown(page: Page, query: str) -> tuple[int, str, list[str]]:
    """Search ``query`` as a reader does; the count printed, the status line, and every result's address
    (the "more" button pressed until all are shown)."""
    page.fill("#q", query)
    page.keyboard.press("Enter")
    status = page.locator("[data-search-status]")
    expect(status).to_contain_text(f"«\u202f{query}\u202f»")
    expect(page).to_have_title(re.compile(re.escape(f"«\u202f{query}\u202f»")))
    more = page.locator("[data-search-more]")
    while more.is_visible():
        before = page.locator("[data-search-results] > li").count()
        more.click()
        expect(page.locator("[data-search-results] > li")).not_to_have_count(before)
    text = status.inner_text()
    count = int(text.split()[0]) if text[0].isdigit() else 0
    return count, text, page.locator("[data-search-results] .result-title a").evaluate_all(
        "links => links.map(a => new URL(a.href).pathname)")


def test_every_spelling_of_every_actor_finds_the_same_pages_in_the_same_order(
        search_page: Page, actors: list[dict[str, Any]], indexed: dict[str, str]) -> None:
    """Name, aliases and search variants of each of the actors: one list, his page first, the count printed
    true, and every page whose indexed text names him in any spelling in it."""
    for actor in actors:
        spellings = actor["spellings"]
        count, _, first = shown(search_page, spellings[0])
        about = {url for url, text in indexed.items() if names(text, spellings)}
        assert first[0] == actor["url"], spellings[0]
        assert count == len(first)
        assert about <= set(first), (spellings[0], about - set(first))
        for spelling in spellings[1:]:
            assert shown(search_page, spelling)[::2] == (count, first), spelling


def test_the_index_itself_finds_every_page_about_an_actor_by_any_spelling(
        search_page: Page, actors: list[dict[str, Any]], indexed: dict[str, str]) -> None:
    """Raw Pagefind, one query per spelling: each finds every page whose text names the actor in any
    spelling, and ranks his page first, unless the spelling is part of another actor's name
    ("ministère de la défense" in "ministère de la défense à Moscou": the page then rewrites it)."""
    queries = [spelling for actor in actors for spelling in actor["spellings"]]
    raw = search_page.evaluate(RAW, queries)
    missed, not_first = [], []
    for actor in actors:
        spellings = actor["spellings"]
        about = {url for url, text in indexed.items() if names(text, spellings)}
        others = [s for other in actors if other is not actor for s in other["spellings"]]
        for spelling in spellings:
            urls = [result["url"] for result in raw[spelling]]
            missed += [(spelling, url) for url in sorted(about - set(urls))]
            if not any(names(other, [spelling]) for other in others) and urls[:1] != [actor["url"]]:
                not_first.append((spelling, urls[:3]))
    assert missed == []
    assert not_first == []


@pytest.mark.parametrize(("query", "canonical"), [
    ("Shoigu Austin", "Sergueï Choïgou Lloyd Austin"),
    ("Austin Shoygu", "Lloyd Austin Sergueï Choïgou"),
    ("Guérassimov Milley", "Valeri Guérassimov Mark Milley"),
    ("gerasimov MILLEY", "Valeri Guérassimov Mark Milley"),
])
def test_a_query_naming_two_actors_finds_the_pages_naming_both(
        query: str, canonical: str, search_page: Page, actors: list[dict[str, Any]], indexed: dict[str, str]) -> None:
    count, _, found = shown(search_page, query)
    assert (count, found) == shown(search_page, canonical)[::2]
    named = [actor for actor in actors if names(canonical, [actor["spellings"][0]])]
    assert len(named) == 2
    both = {url for url, text in indexed.items() if all(names(text, actor["spellings"]) for actor in named)}
    assert len(both) >= 3 and both <= set(found), both - set(found)
    assert set(found[:2]) == {actor["url"] for actor in named}  # their own pages first


def test_a_name_misspelt_by_one_letter_is_read_as_the_name(search_page: Page) -> None:
    count, status, found = shown(search_page, "Gerasimov Miley")
    assert (count, found) == shown(search_page, "Valeri Guérassimov Mark Milley")[::2]
    assert "(lu «\u202fGerasimov Milley\u202f»)" in status


def test_a_word_the_index_holds_is_never_read_as_a_name(search_page: Page) -> None:
    """"russe" and "Milleyy" are one letter from "Russie" and "Milley"; the texts use "russe": it is
    searched as typed (Pagefind's French stemming finds "Russie" too), "Milleyy" is read as the name."""
    count, status, _ = shown(search_page, "russe")
    assert " lu " not in status and count > 0
    assert "(lu «\u202fMilley\u202f»)" in shown(search_page, "Milleyy")[1]


def test_every_result_shows_the_spelling_it_was_found_by(search_page: Page, actors: list[dict[str, Any]]) -> None:
    """A page that writes only "Shoigu" (a quotation) is found by the name sent for "Shoigu", and its
    excerpt marks the spelling it holds, never the top of the page; no excerpt shows a list's label."""
    spellings = next(actor["spellings"] for actor in actors if actor["url"] == "/acteurs/sergei-choigou/")
    for query in ("Shoigu", "Choïgou"):
        shown(search_page, query)
        excerpts = search_page.locator("[data-search-results] .result-excerpt")
        marks = [excerpt.locator("mark").all_inner_texts() for excerpt in excerpts.all()]
        assert marks and all(any(names(mark, spellings) for mark in found) for found in marks), marks
        furniture = [text for text in excerpts.all_inner_texts()
                     if re.search(r"Acteurs\s*:|Canaux\s*:|À l'initiative de", text)]
        assert furniture == []  # the labels of the lists of actors and channels are not text


def test_an_excerpt_cut_out_of_a_page_starts_at_a_word_and_says_it_is_cut(search_page: Page) -> None:
    """Pagefind cuts its excerpt anywhere: an actor's started « · Russie. Valeri Guérassimov… » (the middle
    of its « Personne · Russie » line), the Kremlin's « » Kremlin, Joe Biden… ». A cut excerpt starts
    with « … » then a word, never with the punctuation left of the cut, and ends with « … » if cut there."""
    for query in ("Guérassimov", "Milley", "Russie", "Kremlin"):
        shown(search_page, query)
        excerpts = search_page.locator("[data-search-results] .result-excerpt").all_inner_texts()
        assert excerpts, query
        odd = [text for text in excerpts if re.match(r"[\s·»),;:.!?–—-]", text)
               or re.match(r"… [\s·»),;:.!?–—-]", text)]
        assert odd == [], query
        assert any(text.startswith("… ") for text in excerpts), query  # actors' pages: cut after their heading
        assert any(text.endswith(" …") for text in excerpts), query


@pytest.mark.parametrize("width", [320, 375])
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_results_fit_a_phone_screen(width: int, scheme: str, browser: Browser, real_site_url: str) -> None:
    context = browser.new_context(viewport={"width": width, "height": 700}, locale="fr-FR", color_scheme=scheme)
    page = context.new_page()
    page.goto(real_site_url + SEARCH)
    shown(page, "Guérassimov")
    overflow = page.evaluate("""(width) => [...document.querySelectorAll(
        '[data-search-results] li, [data-search-results] li *, [data-search-kinds] label, [data-search-status]')]
      .filter((e) => { const r = e.getBoundingClientRect(); return r.width && (r.left < 0 || r.right > width + 0.5
        || e.scrollWidth > e.clientWidth + 1); })
      .map((e) => e.tagName + ' ' + e.textContent.slice(0, 40))""", width)
    assert overflow == []
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    context.close()
