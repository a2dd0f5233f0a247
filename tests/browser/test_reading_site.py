"""What a reader sees (issue 14, points 5, 6, 8, 9, 10), measured in Chromium: the phone's first
screen, the filters, search in every spelling, French typography, the order of names, event dates,
and the 404 page under a sub-path."""

from __future__ import annotations

import functools
import re
import threading
import unicodedata
from collections.abc import Iterator
from http.server import ThreadingHTTPServer
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from chronicle.pipeline import build_site
from tests.browser.conftest import QuietHandler
from tests.conftest import FIXTURE, indexed_texts

pytestmark = pytest.mark.browser
PHONE = {"width": 375, "height": 667}
CHOIGOU = "/acteurs/sergei-choigou/"
# Every kind of page, for the typography walk (real content: its texts are the longest).
REAL_PAGES = ("/", "/evenements/2022-02-invasion-russe-ukraine/", CHOIGOU, "/acteurs/", "/canaux/austin-choigou/",
              "/canaux/", "/sources/", "/annees/2022/", "/a-propos/", "/recherche/")

# Text nodes with an ordinary or no-break space before ; : ! ? » or after «: a line can start there.
LOOSE_PUNCTUATION = """() => {
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  const found = [];
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    if (node.parentElement.closest("script, style, code, pre")) continue;
    const match = node.data.match(/[ \\u00a0][;:!?»]|«[ \\u00a0]/);
    if (match) found.push(node.data.trim().slice(0, 60));
  }
  return found;
}"""


def phone(browser: Browser, javascript: bool = True) -> Page:
    return browser.new_context(viewport=PHONE, locale="fr-FR", java_script_enabled=javascript).new_page()


def box(page: Page, selector: str) -> dict[str, float]:
    found = page.locator(selector).first.bounding_box()
    assert found is not None, selector
    return found


# --- 5. The home page on a phone --------------------------------------------------------------


@pytest.mark.parametrize("width", [320, 375])
@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_the_phone_first_screen_says_what_this_is_and_shows_events(javascript: bool, width: int, browser: Browser,
                                                                   real_site_url: str) -> None:
    page = browser.new_context(viewport={**PHONE, "width": width}, locale="fr-FR",
                               java_script_enabled=javascript).new_page()
    page.goto(real_site_url + "/")
    screen = PHONE["height"]
    title, lede = box(page, "main h1"), box(page, "main .lede")
    assert title["y"] + title["height"] <= screen and lede["y"] + lede["height"] <= screen
    expect(page.locator("main .lede")).to_contain_text("chronologie")
    events = page.locator(".latest-list a")
    assert events.count() >= 1
    first = events.first.bounding_box()
    assert first is not None and first["y"] + first["height"] <= screen, f"first event at {first}"
    assert events.first.get_attribute("href", timeout=1000).startswith("evenements/")
    page.context.close()


def test_the_lists_of_channels_years_and_actors_come_after_the_events(browser: Browser, real_site_url: str) -> None:
    page = phone(browser)
    page.goto(real_site_url + "/")
    last_event = page.locator(".chronology .event-item").last.bounding_box()
    lists = box(page, ".browse-links")
    assert last_event is not None and lists["y"] > last_event["y"]
    page.context.close()


def test_a_chosen_filter_shows_its_results_right_below(browser: Browser, real_site_url: str) -> None:
    page = phone(browser)
    page.goto(real_site_url + "/")
    page.select_option("#filtre-acteur", "sergei-choigou")
    form = box(page, "[data-filters]")
    first = page.locator(".event-item:visible").first.bounding_box()
    assert first is not None
    # nothing but the year and month headings between the filters and the first result
    assert first["y"] - (form["y"] + form["height"]) < 200, (form, first)
    page.context.close()


CLIPPED_OPTIONS = """() => {
  const out = [];
  const probe = document.createElement("span");
  probe.style.cssText = "position:absolute;visibility:hidden;white-space:nowrap";
  document.body.append(probe);
  for (const select of document.querySelectorAll("[data-filters] select")) {
    const style = getComputedStyle(select);
    probe.style.font = style.font;
    // the room for the text: the box less its padding and the arrow (about 1.5em)
    const room = select.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight)
      - 1.5 * parseFloat(style.fontSize);
    for (const option of select.options) {
      probe.textContent = option.textContent;
      if (probe.getBoundingClientRect().width > room) out.push([select.name, option.value, option.textContent]);
    }
  }
  probe.remove();
  return out;
}"""


def test_the_filter_menus_show_every_name_whole_on_a_computer(page: Page, real_site_url: str) -> None:
    page.goto(real_site_url + "/")
    expect(page.locator("#filtre-acteur")).to_be_visible()  # the real chronology is one page, with its filters
    assert page.evaluate(CLIPPED_OPTIONS) == []


@pytest.mark.parametrize("width", [320, 375])
def test_on_a_phone_a_name_too_long_for_its_menu_is_shown_whole_once_chosen(width: int, browser: Browser,
                                                                           real_site_url: str) -> None:
    page = browser.new_context(viewport={"width": width, "height": 800}, locale="fr-FR").new_page()
    page.goto(real_site_url + "/")
    expect(page.locator("#filtre-acteur")).to_be_visible()
    clipped = page.evaluate(CLIPPED_OPTIONS)
    chosen = page.locator("[data-filter-chosen]")
    for name, value, text in clipped:
        page.select_option(f"#filtre-{name}", value)
        expect(chosen).to_contain_text(text)
        line = chosen.bounding_box()
        assert line is not None and line["x"] + line["width"] <= width  # wraps, never leaves the screen
        page.select_option(f"#filtre-{name}", "")
    page.context.close()


# --- 6. Event pages -----------------------------------------------------------------------------


def test_event_dates_are_labelled_as_what_they_are(page: Page, real_site_url: str) -> None:
    page.goto(real_site_url + "/evenements/2022-02-invasion-russe-ukraine/")
    expect(page.locator(".event-date")).to_contain_text("entre le 21 février et le 26 février 2022")
    facts = page.locator(".facts")
    expect(facts).not_to_contain_text("jour près")
    expect(facts).to_contain_text("aucun des articles ne donne le jour")
    expect(facts).to_contain_text(re.compile(r"Rapporté par \d+ sources"))
    page.goto(real_site_url + "/annees/2022/")
    for link in page.locator(".event-title a").all()[:40]:
        href = link.get_attribute("href")
        assert href
        sub = page.context.new_page()
        sub.goto(real_site_url + "/annees/2022/" + href)
        shown = sub.locator(".event-date").inner_text()
        label = sub.locator(".datation").inner_text()
        if shown.startswith("entre") or shown.startswith("depuis"):
            assert "jour près" not in label, f"{href}: {shown} / {label}"
        sub.close()


def test_an_event_page_leads_to_the_same_actor_s_next_event(page: Page, site_url: str) -> None:
    page.goto(site_url + "/evenements/2022-05-13-appel-austin-choigou/")
    neighbours = page.locator(".neighbours")
    expect(neighbours).to_contain_text("Précédent pour Sergueï Choïgou")
    neighbours.get_by_role("link", name="Établissement de la ligne de déconfliction").click()
    expect(page.locator("main h1")).to_have_text("Établissement de la ligne de déconfliction")


# --- 8. Search -----------------------------------------------------------------------------------


def fold(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c)).casefold()


def all_results(page: Page, query: str) -> tuple[str, list[str]]:
    """The status line and every result's address for ``query``, showing more until all are shown."""
    page.fill("#q", query)
    page.keyboard.press("Enter")
    expect(page).to_have_title(re.compile(f"«\u202f{re.escape(query)}\u202f»"))
    status = page.locator("[data-search-status]")
    expect(status).to_contain_text(f"«\u202f{query}\u202f»")
    more = page.locator("[data-search-more]")
    while more.is_visible():
        before = page.locator("[data-search-results] li").count()
        more.click()
        expect(page.locator("[data-search-results] li")).not_to_have_count(before)
    return status.inner_text(), page.locator("[data-search-results] .result-title a").evaluate_all(
        "links => links.map(a => new URL(a.href).pathname)")


def test_every_spelling_finds_every_page_about_the_actor_in_the_same_order(page: Page, site_url: str,
                                                                           site_dir: Path) -> None:
    spellings = ["Sergueï Choïgou", "Shoigu", "Sergei Shoigu", "Choïgou", "choigou", "SHOIGU", "Sergueï Choigou"]
    texts = indexed_texts(path.read_bytes() for path in (site_dir / "pagefind" / "fragment").iterdir())
    names = [fold(s) for s in ("Choïgou", "Shoigu")]
    about = {url for url, text in texts.items() if any(name in fold(text) for name in names)}
    page.goto(site_url + "/recherche/")
    outcomes = {spelling: all_results(page, spelling) for spelling in spellings}
    _, first_urls = outcomes[spellings[0]]
    assert first_urls[0] == CHOIGOU
    assert about <= set(first_urls), about - set(first_urls)
    for spelling, (status, found) in outcomes.items():
        assert found == first_urls, spelling
        assert status.startswith(f"{len(found)} résultat"), status


def test_counts_are_true_results_show_kind_and_date_and_narrow_by_kind(page: Page, real_site_url: str) -> None:
    page.goto(real_site_url + "/recherche/")
    status, urls = all_results(page, "Guérassimov")
    count = int(status.split()[0])
    assert count == len(urls) > 20  # more than a page: "show more" was needed and every result came
    kinds = page.locator("[data-search-kinds] label")
    counts = [int(re.search(r"\((\d+)\)", text).group(1)) for text in kinds.all_inner_texts()]  # type: ignore[union-attr]
    assert counts[0] == count == sum(counts[1:])
    page.locator("[data-search-kinds] label", has_text="Événement").click()
    types = page.locator("[data-search-results] .result-type").all_inner_texts()
    assert types and all(t.upper().startswith("ÉVÉNEMENT") for t in types)
    assert all(re.search(r"\b(19|20)\d\d\b", t) for t in types), "every event result shows its date"
    expect(page).to_have_url(re.compile(r"nature=%C3%89v%C3%A9nement|nature=Événement"))


def test_excerpts_come_from_the_text_not_the_furniture(page: Page, real_site_url: str) -> None:
    page.goto(real_site_url + "/recherche/")
    all_results(page, "jour")
    excerpts = " ".join(page.locator("[data-search-results] li p:not(.result-type)").all_inner_texts())
    assert "Datation" not in excerpts and "le passage dans la source" not in excerpts
    assert "Aussi écrit" not in excerpts


# --- 9. French typography and order -----------------------------------------------------------------


@pytest.mark.parametrize("path", REAL_PAGES)
def test_no_line_can_start_with_punctuation(path: str, browser: Browser, real_site_url: str) -> None:
    page = phone(browser)
    page.goto(real_site_url + path)
    assert page.evaluate(LOOSE_PUNCTUATION) == []
    page.context.close()


def test_search_results_follow_french_typography_too(browser: Browser, real_site_url: str) -> None:
    page = phone(browser)
    page.goto(real_site_url + "/recherche/")
    all_results(page, "Shoigu")
    assert page.evaluate(LOOSE_PUNCTUATION) == []
    page.context.close()


def test_names_are_in_french_order(page: Page, real_site_url: str) -> None:
    """The browser's own collation (Intl.Collator, ICU) agrees with the site's order."""
    page.goto(real_site_url + "/acteurs/")
    in_order = page.locator(".record-title a").evaluate_all(
        "links => { const names = links.map(a => a.textContent);"
        " const sorted = [...names].sort(new Intl.Collator('fr', {numeric: true}).compare);"
        " return [names.join(' | '), sorted.join(' | ')]; }")
    assert in_order[0] == in_order[1]
    page.goto(real_site_url + "/")
    names = in_order[0].split(" | ")
    assert names.index("État-major interarmées des États-Unis") < names.index("Vladimir Poutine")
    assert names.index("Oleksiy Reznikov") < names.index("OTAN")
    page.goto(real_site_url + "/")
    for menu in ("#filtre-acteur", "#filtre-canal"):
        shown, collated = page.locator(f"{menu} option:not([value=''])").evaluate_all(
            "options => { const names = options.map(o => o.textContent);"
            " return [names, [...names].sort(new Intl.Collator('fr', {numeric: true}).compare)]; }")
        assert len(shown) > 5 and shown == collated, menu


def test_actor_spellings_read_as_a_line(page: Page, real_site_url: str) -> None:
    page.goto(real_site_url + CHOIGOU)
    line = page.locator(".aliases").inner_text()
    assert line.startswith("Aussi écrit ") and line.endswith(".") and " ou " in line


def test_a_date_note_reads_as_editing_not_as_a_developer_s_log(page: Page, real_site_url: str) -> None:
    page.goto(real_site_url + "/evenements/2022-05-13-appel-austin-choigou/")
    expect(page.locator(".date-note")).to_contain_text("18 février 2022 + 84 jours")
    expect(page.locator("main")).not_to_contain_text("Python")


# --- 10. The 404 page under a sub-path -------------------------------------------------------------


class SubPathHandler(QuietHandler):
    """The site under /chronique/, with its 404 page for any missing address (as GitHub Pages does)."""

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        if code != 404:
            super().send_error(code, message, explain)
            return
        body = (Path(self.directory) / "404.html").read_bytes()
        self.send_response(404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def translate_path(self, path: str) -> str:
        return super().translate_path(path.removeprefix("/chronique"))


@pytest.fixture(scope="module")
def sub_path_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    out = tmp_path_factory.mktemp("sub-path") / "site"
    build_site(FIXTURE, out, "https://exemple.github.io/chronique/")
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(SubPathHandler, directory=str(out)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/chronique"
    server.shutdown()
    server.server_close()


@pytest.mark.parametrize("missing", ["/nulle-part", "/evenements/inconnu/plus/loin/"])
def test_the_404_page_keeps_its_styles_and_links_under_a_sub_path(missing: str, page: Page, sub_path_url: str,
                                                                  site_url: str) -> None:
    page.goto(site_url + "/")
    styled = page.evaluate("getComputedStyle(document.body).backgroundColor")
    response = page.goto(sub_path_url + missing)
    assert response is not None and response.status == 404
    expect(page.locator("h1")).to_have_text("Page introuvable")
    assert page.evaluate("getComputedStyle(document.body).backgroundColor") == styled
    page.get_by_role("link", name="chronologie").first.click()
    expect(page).to_have_url(sub_path_url + "/")
