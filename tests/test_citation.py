"""What a journalist citing a page gets: no placeholder, the base URL everywhere or nowhere, the
chronology as publisher, the pages' dates from the repository's history, and what Zotero reads."""

from __future__ import annotations

import json
import os
import re
import subprocess
from pathlib import Path

import pytest
from lxml import html as lxml_html

from chronicle.gitdates import head_commit, read_history
from chronicle.pipeline import build_files, render_site
from chronicle.problems import ContentError
from tests.conftest import make_project, run_cli
from tests.zotero import embedded_metadata

EVENT = "2022-05-13-appel-austin-choigou"
EVENT_PAGE = f"evenements/{EVENT}/index.html"
BASE = "https://chronologie.github.io/canaux/"
ABSOLUTE = re.compile(rb"https?://[^\s\"'<>)]+")


def without_base(tmp_path: Path) -> Path:
    """The fixture with no base URL in site.yaml."""
    root = make_project(tmp_path)
    site = root / "content/site.yaml"
    site.write_text("".join(line for line in site.read_text(encoding="utf-8").splitlines(keepends=True)
                            if not line.startswith(("base_url:", "tag_authority:"))), encoding="utf-8")
    return root


def text_files(files: dict[str, bytes]) -> dict[str, bytes]:
    """The files a reader or a program reads as text (pages, feeds, data), the search bundle aside."""
    return {path: body for path, body in files.items() if not path.startswith(("pagefind/", "static/"))
            and path.endswith((".html", ".xml", ".txt", ".json", ".csv", ".ris", ".jsonld", "_redirects"))}


def own_addresses(files: dict[str, bytes], sources: set[bytes]) -> dict[str, set[bytes]]:
    """The absolute addresses each file writes, the source articles' own and the vocabularies aside."""
    vocabularies = (b"https://schema.org", b"http://schema.org", b"http://www.w3.org/", b"https://www.w3.org/",
                    b"http://purl.org/", b"https://creativecommons.org/", b"http://www.sitemaps.org/",
                    b"https://json-schema.org/", b"http://ogp.me/")
    found = {}
    for path, body in text_files(files).items():
        addresses = {a.rstrip(b".,;") for a in ABSOLUTE.findall(body)}
        addresses = {a for a in addresses if not a.startswith(vocabularies) and a not in sources}
        if addresses:
            found[path] = addresses
    return found


def source_urls(root: Path) -> set[bytes]:
    """The addresses of the source articles (their pages link to them), and the repository's that
    site.yaml gives ("Proposer une correction" links to it)."""
    found = set()
    for path in [*(root / "content/sources").glob("*.yaml"), root / "content/site.yaml"]:
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.startswith(("url:", "repository:")):
                found.add(line.split(":", 1)[1].strip().encode())
    return found


@pytest.mark.parametrize("placeholder", ["https://example.org/", "https://chronicle.example.org/",
                                         "https://www.example.com/chronique/", "http://site.test/",
                                         "https://chronique.example/"])
def test_build_refuses_a_placeholder_domain_in_site_yaml_or_on_the_command_line(
        tmp_path: Path, placeholder: str) -> None:
    root = without_base(tmp_path)
    outcome = run_cli(root, "build", "--base-url", placeholder)
    assert outcome.returncode != 0
    assert outcome.stderr.startswith("--base-url: adresse") and "nom réservé aux exemples" in outcome.stderr
    assert "Traceback" not in outcome.stderr
    site = root / "content/site.yaml"
    site.write_text(site.read_text(encoding="utf-8") + f"base_url: {placeholder}\n", encoding="utf-8")
    with pytest.raises(ContentError) as error:
        render_site(root)
    [problem] = error.value.problems
    assert (problem.path, problem.field) == ("content/site.yaml", "base_url")
    assert "nom réservé aux exemples" in problem.message and "donnez l'adresse réelle" in problem.message


def test_without_a_base_url_no_file_writes_an_absolute_address_of_the_site(tmp_path: Path) -> None:
    root = without_base(tmp_path)
    files = render_site(root).files
    assert own_addresses(dict(files), source_urls(root)) == {}
    page = files[EVENT_PAGE].decode()
    assert 'rel="canonical"' not in page and "og:url" not in page
    assert "<loc>" not in files["sitemap.xml"].decode()
    assert "Sitemap:" not in files["robots.txt"].decode()
    feed = files["flux.xml"].decode()
    assert f'href="evenements/{EVENT}/"' in feed  # relative to the feed, which sits at the root
    assert re.search(r"<id>urn:uuid:[0-9a-f-]{36}</id>", feed)


def test_a_base_url_given_on_the_command_line_is_the_only_one_used(tmp_path: Path) -> None:
    root = make_project(tmp_path)
    files = render_site(root, BASE).files
    found = own_addresses(dict(files), source_urls(root))
    strays = {path: {a for a in addresses if not a.startswith(BASE.encode())} for path, addresses in found.items()}
    assert {path: a for path, a in strays.items() if a} == {}
    page = files[EVENT_PAGE].decode()
    address = f"{BASE}evenements/{EVENT}/"
    for tag in (f'<link rel="canonical" href="{address}">', f'<meta property="og:url" content="{address}">',
                f'<meta name="citation_public_url" content="{address}">'):
        assert tag in page
    assert f"<loc>{address}</loc>" in files["sitemap.xml"].decode()
    assert f"Sitemap: {BASE}sitemap.xml" in files["robots.txt"].decode()
    assert json.loads(files[f"evenements/{EVENT}/citation.json"])[0]["URL"] == address


def test_the_citation_reads_whole_without_javascript_and_names_the_chronology(fixture_files: dict[str, bytes]) -> None:
    tree = lxml_html.fromstring(fixture_files[EVENT_PAGE])
    [reference] = tree.xpath('//p[@id="reference"]')
    for hidden in reference.xpath(".//*[@hidden]"):
        hidden.drop_tree()
    text = " ".join(reference.text_content().split())
    assert "[" not in text and "Chronicle" not in text and "example" not in text
    assert text == ("Canaux militaires États-Unis–Russie, « Premier appel Austin–Choïgou depuis l'invasion », "
                    "Les canaux militaires États-Unis–Russie, 2015–2024, "
                    f"https://canaux-militaires.github.io/evenements/{EVENT}/.")
    assert tree.xpath('//meta[@name="citation_publisher"]/@content') == ["Canaux militaires États-Unis–Russie"]
    assert "Chronicle" not in tree.xpath('string(//section[@class="cite-block"])')


def test_every_page_says_no_placeholder(fixture_files: dict[str, bytes], real_files: dict[str, bytes]) -> None:
    words = (b"[date de consultation]", "Rédaction Chronicle".encode())
    for files, placeholders in ((fixture_files, words), (real_files, (*words, b"example.org", b"example.com"))):
        for path, body in text_files(files).items():  # (a fixture source's own address is example.org)
            for word in placeholders:
                assert word not in body, (path, word)


# -- Page dates from the repository's history ------------------------------------------------------------


def git(root: Path, *args: str, when: str | None = None) -> str:
    """Run git in ``root`` as a test author would, at the date ``when`` (committer and author)."""
    env = {**os.environ, "GIT_CONFIG_NOSYSTEM": "1", "GIT_CONFIG_GLOBAL": os.devnull,
           "GIT_AUTHOR_NAME": "Rédaction", "GIT_AUTHOR_EMAIL": "redaction@canaux.invalid",
           "GIT_COMMITTER_NAME": "Rédaction", "GIT_COMMITTER_EMAIL": "redaction@canaux.invalid"}
    if when:
        env |= {"GIT_AUTHOR_DATE": when, "GIT_COMMITTER_DATE": when}
    return subprocess.run(["git", *args], cwd=root, env=env, capture_output=True, text=True, check=True).stdout


@pytest.fixture
def history(tmp_path: Path) -> Path:
    """The fixture as its own repository: everything committed on 3 March 2024, then the event
    corrected on 9 October 2024 and one actor renamed (its file moved) on 1 December 2024."""
    root = make_project(tmp_path)
    for name in ("schema", "templates", "static"):  # the repository's own files, not links out of it
        if (root / name).is_symlink():
            (root / name).unlink()
            subprocess.run(["cp", "-r", str(Path(__file__).resolve().parents[1] / name), str(root / name)],
                           check=True)
    git(root, "init", "-q", "-b", "main")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "Première publication", when="2024-03-03T10:00:00+01:00")
    event = root / f"content/events/{EVENT}.yaml"
    event.write_text(event.read_text(encoding="utf-8").replace("une heure", "une heure environ", 1),
                     encoding="utf-8")
    git(root, "commit", "-q", "-am", "Correction", when="2024-10-09T18:30:00+02:00")
    return root


def test_pages_are_dated_by_their_records_history(history: Path) -> None:
    files = render_site(history).files
    page = files[EVENT_PAGE].decode()
    assert ('Publié le <time datetime="2024-03-03T09:00:00Z">3 mars 2024</time> · mis à jour le '
            '<time datetime="2024-10-09T16:30:00Z">9 octobre 2024</time>') in page
    assert "publié le 3 mars 2024, mis à jour le 9 octobre 2024" in page  # in the citation too
    data = json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', page).group(1))
    assert (data["datePublished"], data["dateModified"]) == ("2024-03-03T09:00:00Z", "2024-10-09T16:30:00Z")
    feed = files["flux.xml"].decode()
    entry = next(e for e in feed.split("<entry>") if f"/evenements/{EVENT}/" in e)
    assert "<published>2024-03-03T09:00:00Z</published>" in entry
    assert "<updated>2024-10-09T16:30:00Z</updated>" in entry
    first = feed.split("<entry>")[2]  # after the correction's entry: the event changed last comes first
    assert f"/evenements/{EVENT}/" in first
    sitemap = files["sitemap.xml"].decode()
    assert (f"<loc>https://canaux-militaires.github.io/evenements/{EVENT}/</loc>"
            "<lastmod>2024-10-09T16:30:00Z</lastmod>") in sitemap
    other = "evenements/2024-11-27-appel-brown-guerassimov/index.html"
    assert "Publié le <time" in files[other].decode() and "mis à jour" not in files[other].decode().split(
        'class="page-dates"')[1].split("</p>")[0]


def test_a_list_is_dated_by_the_records_it_lists(history: Path) -> None:
    """A year's page changes when one of its events does, not when a commit touches another year:
    its dates are its events' (an index's, its records'; the home page, about the whole chronology,
    keeps the site's)."""
    files = render_site(history).files

    def modified(path: str) -> list[str]:
        found = re.search(r'<script type="application/ld\+json">(.*?)</script>', files[path].decode())
        data = json.loads(found.group(1))
        return [item["dateModified"] for item in (data if isinstance(data, list) else [data]) if "dateModified" in item]

    assert modified("annees/2022/index.html") == ["2024-10-09T16:30:00Z"]  # the corrected event's year
    assert modified("annees/2024/index.html") == ["2024-03-03T09:00:00Z"]  # untouched since the first publication
    assert modified("acteurs/index.html") == ["2024-03-03T09:00:00Z"]  # an index: by its records' files
    assert "2024-10-09T16:30:00Z" in modified("index.html")
    sitemap = files["sitemap.xml"].decode()
    assert ("<loc>https://canaux-militaires.github.io/annees/2024/</loc><lastmod>2024-03-03T09:00:00Z</lastmod>"
            in sitemap)


def test_a_build_is_the_same_for_a_commit_whatever_the_clock_and_file_times(history: Path) -> None:
    first = build_files(history)
    for path in (history / "content").rglob("*.yaml"):
        os.utime(path, (1_000_000_000, 1_000_000_000))
    assert build_files(history) == first


def test_a_renamed_record_keeps_its_first_publication(history: Path) -> None:
    git(history, "mv", "content/actors/lloyd-austin.yaml", "content/actors/lloyd-austin-2.yaml")
    git(history, "commit", "-q", "-m", "Renommé", when="2024-12-01T12:00:00+00:00")
    dates = read_history(history).files["content/actors/lloyd-austin-2.yaml"]
    assert (dates.published, dates.updated) == (1709456400, 1733054400)


def test_git_runs_isolated_from_the_repositorys_configuration(history: Path, tmp_path: Path) -> None:
    marker = tmp_path / "ran"
    hook = tmp_path / "monitor.sh"
    hook.write_text(f"#!/bin/sh\ntouch {marker}\n", encoding="utf-8")
    hook.chmod(0o755)
    for key, value in (("core.fsmonitor", str(hook)), ("core.pager", str(hook)), ("diff.external", str(hook)),
                       ("log.showSignature", "true"), ("core.quotePath", "true")):
        git(history, "config", key, value)
    assert head_commit(history)
    assert len(read_history(history).files) > 20
    assert not marker.exists()


def test_outside_git_pages_carry_no_date_unless_source_date_epoch_says(tmp_path: Path,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    root = make_project(tmp_path)
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    assert read_history(root).of(f"content/events/{EVENT}.yaml") is None
    page = render_site(root).files[EVENT_PAGE].decode()
    assert "Publié le" not in page and "datePublished" not in page
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1717200000")
    page = render_site(root).files[EVENT_PAGE].decode()
    assert 'Publié le <time datetime="2024-06-01T00:00:00Z">1<sup>er</sup> juin 2024</time>' in page  # typography.py


def test_the_workflows_fetch_the_whole_history() -> None:
    workflows = Path(__file__).resolve().parents[1] / ".github/workflows"
    for path in workflows.glob("*.yml"):
        text = path.read_text(encoding="utf-8")
        checkouts = text.count("uses: actions/checkout@")
        assert text.count("fetch-depth: 0") == checkouts, path.name


# -- What Zotero reads --------------------------------------------------------------------------------------


@pytest.mark.parametrize("path", [EVENT_PAGE, "acteurs/lloyd-austin/index.html",
                                  "canaux/austin-choigou/index.html", "sources/cnn-2022-05-13/index.html"])
def test_zotero_saves_title_publisher_date_url_language_and_site(history: Path, path: str) -> None:
    files = render_site(history).files
    item = embedded_metadata(files[path].decode(), f"https://canaux-militaires.github.io/{path[:-10]}")
    title = lxml_html.fromstring(files[path]).xpath("string(//h1)")
    assert item["itemType"] == "webpage"
    assert item["title"] == " ".join(title.split())
    assert item["websiteTitle"] == "Les canaux militaires États-Unis–Russie, 2015–2024"
    # Zotero's "Page web" has no publisher field: the chronology reaches it as the site's name,
    # and its publisher tag is read (it fills the field of the types that have one)
    assert "publisher" not in item and item["tags_seen"]["publisher"] == "Canaux militaires États-Unis–Russie"
    assert item["creators"] == []  # no person signs the pages: the chronology publishes them
    assert item["date"] in ("2024/03/03", "2024-03-03")
    assert item["url"] == f"https://canaux-militaires.github.io/{path[:-10]}"
    assert item["language"] == "fr"


def test_the_real_chronology_is_dated_by_this_repository(real_files: dict[str, bytes]) -> None:
    # built from the repository's own checkout: every event page says when it was published
    from tests.conftest import REPO

    if not head_commit(REPO):
        pytest.skip("not a git checkout (a source archive): the pages carry no dates, as documented")
    events = [path for path in real_files if path.startswith("evenements/") and path.endswith("/index.html")
              and b'http-equiv="refresh"' not in real_files[path]]
    assert events
    line = 'class="page-dates">Publié le <time datetime="'.encode()
    undated = [path for path in events if line not in real_files[path]]
    assert undated == []
