"""The build, one stage a line: load -> check -> model -> derive -> plan -> render -> write.

The check goes as far as the plan: a URL listed in ``content/published-urls.txt`` must
still be served by the planned site (a page, or an alias redirect), and two pages may not
claim one URL. Nothing is rendered or written until every problem has been ruled out.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable, Mapping
from contextlib import closing
from dataclasses import dataclass, replace
from pathlib import Path

import jinja2

from chronicle import render, urls
from chronicle.check import Index, Located, check_content, check_published, predicted_urls
from chronicle.config import Config, load_config
from chronicle.derive import Facts, derive_facts
from chronicle.export import DATA_URLS, data_files, data_paths, line_field
from chronicle.gitdates import read_history
from chronicle.inputs import MAX_STATIC, MAX_URL_LIST, InputError, check_inputs, read_bytes, read_text, read_tree
from chronicle.load import RawRecord, load_content
from chronicle.memo import Memo
from chronicle.model import Chronology, build_model
from chronicle.plan import DuplicateUrlError, Page, PlanKey, plan_keys, plan_pages, plan_part, with_sitemap
from chronicle.problems import ContentError, Problem
from chronicle.render import Actors, make_environment, render_stream
from chronicle.replan import Inputs, Trace, plan_traced
from chronicle.urls import PUBLISHED_URLS
from chronicle.write import (
    SiteFiles,
    interruptions_unwind,
    link_or_copy,
    make_folders,
    staged_site,
    write_pages,
    write_tree,
)

EXPORT_SCHEMA = "donnees/chronologie.schema.json"
PUBLISHED_HEADER = (
    "# Toutes les adresses publiées par le site, une par ligne, depuis sa racine.\n"
    "# Ne retirez jamais une ligne : « python build.py check » échoue si l'une d'elles ne mène plus\n"
    "# nulle part (un événement renommé garde son ancien identifiant dans aliases).\n"
    "# Ajoutez les nouvelles avec « python build.py build --record-urls ».\n"
)
REDIRECTS_FILE = "_redirects"
REDIRECT_TEMPLATE = "redirect.html"
MAX_LISTED = 10


@dataclass(frozen=True)
class Loaded:
    """The load stage: the site's settings, the records read and every problem met reading the inputs."""

    config: Config | None
    records: list[RawRecord]    # those of the files read without a problem
    problems: list[Problem]     # site.yaml and schema/, record files, templates/, static/, published-urls.txt
    unreadable: frozenset[str]  # files with a problem: a record there still exists for the references' check
    published: list[tuple[int, str]]  # content/published-urls.txt, by line


@dataclass(frozen=True)
class Plan:
    """The plan stage: every page, and what the other files are made of (the pages' dates read)."""

    config: Config
    index: Index
    chronology: Chronology
    facts: Facts
    pages: tuple[Page, ...]
    trace: Trace | None = None  # what each part read, when recorded (``chronicle.reads``): the next edit's start
    planned: tuple[PlanKey, ...] | None = None  # the parts planned from scratch (None: all, with no trace)


@dataclass(frozen=True)
class SiteCheck:
    """What ``check_site`` found: every problem, the typed records, and the plan when one was made."""

    config: Config | None
    index: Index | None
    problems: list[Problem]
    plan: Plan | None = None
    located: Located | None = None  # what the check found of the records: the passages, the claims' judgements

    @property
    def pages(self) -> tuple[Page, ...]:
        """The planned pages (none when there was no plan)."""
        return self.plan.pages if self.plan else ()

    @property
    def chronology(self) -> Chronology | None:
        """The model the pages were planned from (None when there was no plan)."""
        return self.plan.chronology if self.plan else None

    @property
    def facts(self) -> Facts | None:
        """The facts derived for the plan (None when there was no plan)."""
        return self.plan.facts if self.plan else None


@dataclass(frozen=True)
class Site:
    """A built site: its files ({path under site/: bytes}, read from disk once written) and the URLs it
    makes permanent."""

    files: Mapping[str, bytes]
    permanent: frozenset[str]
    plan: Plan | None = None  # what it was made of (the incremental path starts from it)
    searchable: tuple[str, ...] = ()  # the pages in its search index, by path (none when it was carried over)


def read_published(root: Path) -> list[tuple[int, str]] | None:
    """The URLs listed in ``content/published-urls.txt`` with their line numbers, if the file exists."""
    try:  # never through a link, bounded, scanned (``chronicle.inputs``)
        text = read_text(root, PUBLISHED_URLS, MAX_URL_LIST).removeprefix("\ufeff")
    except FileNotFoundError:
        return None
    except InputError:
        return None  # ``check_inputs`` reports why
    lines = text.splitlines()
    return [(number, line.strip()) for number, line in enumerate(lines, start=1)
            if line.strip() and not line.lstrip().startswith("#")]


def served_urls(pages: tuple[Page, ...] | list[Page]) -> set[str]:
    """Every URL the planned site answers: its pages, alias redirects included, and the data files."""
    return {page.url for page in pages} | set(DATA_URLS)


def permanent_urls(pages: tuple[Page, ...] | list[Page]) -> frozenset[str]:
    """The URLs readers may link to and that must keep working: all but redirects and the 404 page."""
    return frozenset({page.url for page in pages if page.template != REDIRECT_TEMPLATE
                      and page.url != urls.NOT_FOUND} | set(DATA_URLS))


def check_recorded(published: list[tuple[int, str]] | None, permanent: frozenset[str]) -> list[Problem]:
    """A problem when the site would publish URLs that ``content/published-urls.txt`` does not list yet."""
    listed = {url for _, url in published or []}
    missing = sorted(permanent - listed)
    if not missing:
        return []
    shown = ", ".join(missing[:MAX_LISTED]) + (f" et {len(missing) - MAX_LISTED} autres"
                                               if len(missing) > MAX_LISTED else "")
    line = max((number for number, _ in published or []), default=0)
    plural = "s" if len(missing) > 1 else ""
    return [Problem(PUBLISHED_URLS, line, 1 if line else 0, "",
                    f"{len(missing)} adresse{plural} nouvelle{plural} pas encore enregistrée{plural} : "
                    f"{shown}.",
                    "Lancez « python build.py build --record-urls » (ou ajoutez ces lignes à la main), puis "
                    f"joignez {PUBLISHED_URLS} à votre pull request : ces adresses seront alors protégées.")]


def load_site(root: Path, base_url: str | None = None, memo: Memo | None = None) -> Loaded:
    """Load stage: ``content/site.yaml`` and every record of ``root``, with every problem met reading
    them or the other inputs (``memo``: what the last run found, ``chronicle.memo``)."""
    config, problems = load_config(root, base_url)
    records, load_problems = load_content(root, memo)
    load_problems += check_inputs(root)  # templates/, static/, published-urls.txt: as unreadable as a record
    unreadable = frozenset(problem.path for problem in load_problems)
    return Loaded(config, [r for r in records if r.path not in unreadable], problems + load_problems,
                  unreadable, read_published(root) or [])


def check_loaded(loaded: Loaded, memo: Memo | None = None) -> SiteCheck:
    """Check stage: type and cross-check the records; every problem, sorted.

    With problems there is no plan to compare the published URLs with: they are judged from
    the records alone, and only if all of them could be read (an unreadable one is not gone).
    """
    if loaded.config is None:
        return SiteCheck(None, None, sorted(set(loaded.problems)))
    index, located, problems = check_content(loaded.records, loaded.config, broken=loaded.unreadable, memo=memo)
    problems = loaded.problems + problems
    if problems and not loaded.unreadable:
        problems += check_published(index, loaded.published, PUBLISHED_URLS)
    return SiteCheck(loaded.config, index, sorted(set(problems)), located=located)


def plan_site(root: Path, config: Config, index: Index, chronology: Chronology, facts: Facts,
              traced: bool = False, previous: Trace | None = None) -> Plan:
    """Plan stage: every page, dated from the repository's history; ContentError for two pages at one URL.

    ``traced`` records what each part reads (``chronicle.reads``); from the ``previous`` trace, only the
    parts whose reads changed are planned again.
    """
    config = replace(config, history=read_history(root))  # the pages' dates: only a plan needs them
    trace, planned = None, None
    try:
        if traced or previous is not None:
            trace, todo = plan_traced(Inputs(chronology, facts, config), plan_keys(chronology), plan_part, previous)
            pages = tuple(with_sitemap([page for part in trace.parts.values() for page in part], config))
            planned = tuple(todo)
        else:
            pages = tuple(plan_pages(chronology, facts, config))
    except DuplicateUrlError as error:
        raise ContentError(sorted(set(error.problems))) from None
    return Plan(config, index, chronology, facts, pages, trace, planned)


def check_plan(plan: Plan, published: list[tuple[int, str]], require_recorded: bool = False) -> list[Problem]:
    """The plan's own problems: a published URL it no longer serves; with ``require_recorded``, a URL it
    would publish that ``content/published-urls.txt`` does not list yet."""
    problems = check_published(plan.index, published, PUBLISHED_URLS, served_urls(plan.pages))
    if require_recorded:
        problems += check_recorded(published, permanent_urls(plan.pages))
    return sorted(set(problems))


def plan_content(root: Path, base_url: str | None = None, memo: Memo | None = None, traced: bool = False,
                 previous: Trace | None = None) -> Plan:
    """The stages before rendering, one a line: load -> check -> model -> derive -> plan; raises
    ContentError with every problem of the first stage that has any. ``memo``: the results of the
    stages' pure functions the last run remembered (the incremental path's, ``chronicle.memo``);
    ``traced``, ``previous``: see ``plan_site``."""
    memo = memo or Memo()
    loaded = load_site(root, base_url, memo)
    config, index, located = passed(check_loaded(loaded, memo))
    chronology = build_model(index, memo)
    facts = derive_facts(chronology, located, memo)
    plan = plan_site(root, config, index, chronology, facts, traced, previous)
    return passed_plan(plan, loaded.published)


def passed(checked: SiteCheck) -> tuple[Config, Index, Located]:
    """The settings, the checked records and what the check located, or ContentError with every problem."""
    if checked.problems or checked.config is None or checked.index is None or checked.located is None:
        raise ContentError(checked.problems)
    return checked.config, checked.index, checked.located


def passed_plan(plan: Plan, published: list[tuple[int, str]]) -> Plan:
    """``plan``, or ContentError when a published URL would lead nowhere."""
    problems = check_plan(plan, published)
    if problems:
        raise ContentError(problems)
    return plan


def check_site(root: Path, base_url: str | None = None, require_recorded: bool = False,
               plan: bool = False) -> SiteCheck:
    """Load and check everything under ``root``; every problem, sorted (``build.py check``).

    The published URLs are checked against the URLs foreseen from the records, and only when
    one seems gone against the planned pages themselves. ``plan`` plans the pages in any case
    and returns them; ``require_recorded`` (the gate before a deployment) also reports the URLs
    the site would publish without their being in ``content/published-urls.txt``.
    """
    loaded = load_site(root, base_url)
    checked = check_loaded(loaded)
    if checked.problems or checked.config is None or checked.index is None or checked.located is None:
        return checked
    gone = check_published(checked.index, loaded.published, PUBLISHED_URLS, predicted_urls(checked.index))
    if not (plan or require_recorded or gone):
        return checked
    chronology = build_model(checked.index)
    try:
        made = plan_site(root, checked.config, checked.index, chronology, derive_facts(chronology, checked.located))
    except ContentError as error:  # two pages at one URL
        return SiteCheck(checked.config, checked.index, error.problems, located=checked.located)
    return SiteCheck(made.config, checked.index, check_plan(made, loaded.published, require_recorded), made,
                     checked.located)


def static_files(root: Path) -> dict[str, bytes]:
    """The files of ``static/``, served under ``/static/`` (none through a link: ``chronicle.inputs``)."""
    files, problems = read_tree(root, "static", MAX_STATIC, text=False)
    if problems:
        raise ContentError(problems)
    return files


def redirect_rules(pages: tuple[Page, ...]) -> bytes:
    """``_redirects``: a 301 from each redirect page's path (events' aliases, channels' former events).

    Read by Netlify and by Cloudflare Pages (GitHub Pages ignores it: the HTML redirect pages serve
    there). Both serve the published folder at the root of a domain, so paths are the site's own,
    without the base URL's sub-path. Each rule is written twice because the two hosts disagree:
    Netlify skips a rule whose path has a file (the HTML redirect page) unless forced with ``301!``;
    Cloudflare Pages always applies its rules but refuses ``301!`` as a status, skips that line and
    takes the next one for the same path, ``301``; Netlify, having matched the first, never reads it.
    """
    lines = []
    for page in sorted((p for p in pages if p.template == REDIRECT_TEMPLATE), key=lambda p: p.url):
        rule = f"{line_field(page.url)} {line_field(page.context['target'])}"
        lines += [f"{rule} 301!\n", f"{rule} 301\n"]
    header = ("# Anciennes adresses d'événements renommés (aliases) ou retirés (former_events d'un canal).\n"
              "# Netlify applique la première ligne (301! : la page HTML de redirection existe), Cloudflare Pages\n"
              "# la seconde (il refuse « 301! » et redirige toujours) ; GitHub Pages ignore ce fichier.\n")
    return (header + "".join(lines)).encode("utf-8")


def other_files(plan: Plan, root: Path) -> dict[str, bytes]:
    """The files of the site that are neither pages nor data files: the data files' schema, ``_redirects``,
    ``static/``."""
    files = {EXPORT_SCHEMA: read_bytes(plan.config.schema_dir.parent, "schema/chronologie.schema.json"),
             REDIRECTS_FILE: redirect_rules(plan.pages)}
    files.update(static_files(root))
    return files


def previous_search_bundle(out_dir: Path, folder: Path) -> list[str]:
    """Copy the Pagefind bundle of the site already written in ``out_dir`` into ``folder``; the paths
    of its files (none if there is no bundle). Hard links where possible: its files are never changed.
    """
    source = out_dir / "pagefind"
    paths = sorted(path.relative_to(out_dir).as_posix() for path in source.rglob("*") if path.is_file())
    if paths:
        shutil.copytree(source, folder / "pagefind", copy_function=link_or_copy, dirs_exist_ok=True)
    return paths


@dataclass(frozen=True)
class Written:
    """What ``write_into`` wrote: every path, sorted, and the pages the search index holds."""

    paths: list[str]
    searchable: list[str]


def site_paths(plan: Plan, root: Path) -> tuple[list[tuple[Page, str]], dict[str, bytes], list[str]]:
    """Where the plan's files go: (page, path) pairs, the other files ({path: bytes}), the data files' paths.

    A page whose path is also another file's or a data file's gives way to it (the last wins).
    """
    others = other_files(plan, root)
    data = data_paths(plan.chronology, plan.config)
    pages = [(page, urls.output_path(page.url)) for page in plan.pages]
    taken = {*others, *data}  # a set: 20,000 data files at 10,000 events, looked up for each of 14,000 pages
    return [(page, path) for page, path in pages if path not in taken], others, data


def write_into(plan: Plan, root: Path, folder: Path, search_from: Path | None = None,
               memo: Memo | None = None) -> Written:
    """Write the whole site into the empty ``folder``: the pages (rendered on every core), the other
    files and the search index. The data files are made while Pagefind indexes, when this process
    would otherwise wait for it.

    ``memo`` remembers each event's share of the data files (``export.data_files``) for the next edit.

    ``search_from`` (the live preview) reuses the search index of the site already there
    instead of indexing again, the slowest step at scale; ``serve`` makes it again once the
    editor pauses (``serve.PendingSearch``).
    """
    from chronicle.search import MARKER  # here: the check runs without Pagefind (the pre-commit hook)

    pages, others, data = site_paths(plan, root)
    make_folders([*(path for _, path in pages), *others, *data], folder)  # all checked before anything is written
    write_tree(others, folder)
    marked = {path for path, body in others.items() if path.endswith(".html") and MARKER in body}
    environment, actors = make_environment(root / "templates"), plan.facts.spellings
    bundle = previous_search_bundle(search_from, folder) if search_from is not None else []
    searchable: list[str] = []

    def data_files_of_plan() -> dict[str, bytes]:
        return data_files(plan.chronology, plan.facts, plan.config, memo)  # each event's share remembered

    if bundle:
        render_and_write([page for page, _ in pages], environment, actors, folder)
        write_tree(data_files_of_plan(), folder)  # nothing indexed: the bundle is carried over
    else:
        bundle, searchable = render_and_index(pages, environment, actors, folder, marked, data_files_of_plan)
    return Written(sorted({*(path for _, path in pages), *others, *data, *bundle}), searchable)


def render_and_write(pages: list[Page], environment: jinja2.Environment, actors: Actors, folder: Path,
                     busy: int = 0) -> list[str]:
    """Render ``pages`` with ``actors``' spellings (``render.render_page``) on every core but ``busy``, and
    write each into ``folder`` as it comes; the paths of those that carry Pagefind's marker, sorted."""
    from chronicle.search import MARKER

    workers = render.worker_count(len(pages), busy)  # looked up in its module: tests ask for more
    with closing(render_stream(pages, environment, actors, workers)) as rendered:
        return write_pages(rendered, folder, MARKER)


def foreseen_searchable(page: Page) -> bool:
    """Whether the plan makes ``page`` searchable (its template then marks it for Pagefind)."""
    return bool(page.context.get("search_type"))


def render_and_index(pages: list[tuple[Page, str]], environment: jinja2.Environment, actors: Actors, folder: Path,
                     marked: set[str], later: Callable[[], Mapping[str, bytes]]) -> tuple[list[str], list[str]]:
    """Render ``pages`` ((page, path) pairs) into ``folder`` and index the searchable ones (those whose
    bytes carry Pagefind's marker, with the files of ``marked``); the paths of the search bundle and
    of the pages indexed, sorted. The files ``later`` makes (the data files) are made and written
    while Pagefind indexes.

    The pages the plan makes searchable (``search_type``) and whatever Pagefind's glob finds
    beside them are rendered first, on every core; Pagefind (a core and a half) then indexes them
    while the other pages (lists, years: half the rendering time) are rendered in this process.
    Should a page the plan did not foresee carry the marker, Pagefind runs again once all is written.
    """
    from chronicle.search import glob_finds, index_folder, indexing, search_glob

    foreseen = [path for page, path in pages if foreseen_searchable(page)]
    if not foreseen and not marked:
        render_and_write([page for page, _ in pages], environment, actors, folder)
        write_tree(later(), folder)
        return index_folder(folder, []), []  # fails: nothing to search
    glob = search_glob([*foreseen, *marked])
    marked |= set(render_and_write([page for page, path in pages if glob_finds(glob, path)], environment, actors,
                                   folder))
    with indexing(folder, glob) as finish:
        marked |= set(render_and_write([page for page, path in pages if not glob_finds(glob, path)], environment,
                                       actors, folder, busy=1))
        write_tree(later(), folder)
        indexed = sorted(marked)
        if all(glob_finds(glob, path) for path in marked):
            return finish(indexed), indexed
    return index_folder(folder, indexed), indexed


def render_site(root: Path, base_url: str | None = None, search_from: Path | None = None) -> Site:
    """The whole site in memory, built in a temporary folder; raises ContentError on any problem.

    ``search_from``: as for ``write_into``.
    """
    plan = plan_content(root, base_url)
    with interruptions_unwind(), tempfile.TemporaryDirectory(prefix="chronicle-site-") as tmp:
        folder = Path(tmp)
        written = write_into(plan, root, folder, search_from)
        files = {path: (folder / path).read_bytes() for path in written.paths}
    return Site(files, permanent_urls(plan.pages), plan, tuple(written.searchable))


def build_files(root: Path, base_url: str | None = None) -> dict[str, bytes]:
    """The whole site in memory: {path under site/: bytes}; raises ContentError on any problem."""
    return dict(render_site(root, base_url).files)


def build_site(root: Path, out_dir: Path, base_url: str | None = None, reuse_search: bool = False,
               memo: Memo | None = None, traced: bool = False) -> Site:
    """Build and write the site, one stage a line; ``out_dir`` is replaced only if everything succeeded,
    and raises ContentError with every problem of the first stage that has any.

    The pages are rendered on every core and written into a staging folder beside ``out_dir`` as
    they come, then indexed there: they are never held in memory together. ``reuse_search``: see
    ``write_into``'s ``search_from``; ``memo``: see ``plan_content``; ``traced`` records what each
    part of the plan reads, for the next edit to plan only what it touches (``chronicle.reads``).
    """
    memo = memo or Memo()
    loaded = load_site(root, base_url, memo)
    config, index, located = passed(check_loaded(loaded, memo))
    chronology = build_model(index, memo)
    facts = derive_facts(chronology, located, memo)
    plan = passed_plan(plan_site(root, config, index, chronology, facts, traced), loaded.published)
    with staged_site(out_dir) as folder:
        written = write_into(plan, root, folder, out_dir if reuse_search else None, memo)  # render -> write
    return Site(SiteFiles(out_dir, written.paths), permanent_urls(plan.pages), plan, tuple(written.searchable))


def record_published(root: Path, permanent: frozenset[str]) -> list[str]:
    """Add the URLs of ``permanent`` missing from ``content/published-urls.txt``; the ones added, sorted.

    Nothing is ever removed: the comments stay at the top, then every URL, sorted.
    """
    path = root / PUBLISHED_URLS
    known = {url for _, url in read_published(root) or []}
    added = sorted(permanent - known)
    if not added and path.is_file():
        return []
    try:
        text = read_text(root, PUBLISHED_URLS, MAX_URL_LIST).removeprefix("\ufeff")
    except FileNotFoundError:
        text = PUBLISHED_HEADER
    comments = [line for line in text.splitlines() if line.lstrip().startswith("#")]
    listed = sorted(known | set(added))
    temporary = path.with_name(f".{path.name}.{os.getpid()}")
    temporary.write_text("\n".join(comments + listed) + "\n", encoding="utf-8")
    os.replace(temporary, path)  # replaces the file itself: never writes through a link
    return added
