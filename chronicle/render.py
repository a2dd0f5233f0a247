"""Pages -> bytes: the Jinja environment (autoescape, StrictUndefined), and the pages rendered on
every core, streamed to the write stage (``write.write_pages``), which writes them.

The parallel rendering forks worker processes once the pages are planned: each inherits the
pages and the environment and is told only which indices to render; it sends back the pages'
paths and bytes through a pipe, in batches, while this process receives and writes them (never
all the pages in memory at once). Workers ignore SIGINT and SIGTERM; the parent, which catches
them (``write.staged_site``), kills the workers before anything else is cleaned up.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import pickle
import signal
import sys
import threading
from collections.abc import Iterator, Sequence
from multiprocessing.connection import Connection, wait
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import jinja2
import markupsafe

from chronicle import urls
from chronicle.inputs import MAX_TEXT, read_tree
from chronicle.markdown import LINK_MARK, resolve_internal_links
from chronicle.plan import Page
from chronicle.problems import ContentError, Problem, printable
from chronicle.spellings import ActorSpellings, search_terms
from chronicle.typography import french_html

PARALLEL_MIN = 300  # fewer pages than this render in one process: forking would cost more than it saves
BATCH = 1 << 18     # bytes of pages a worker gathers before sending them: few messages, a bounded backlog
Rendered = tuple[str, bytes]  # a page's path under site/ and its bytes
Actors = tuple[ActorSpellings, ...]  # every actor's spellings (``derive.Facts.spellings``), the other input of render
INTERRUPTIONS = {signal.SIGINT, signal.SIGTERM}


class RenderProcessError(RuntimeError):
    """A rendering process stopped without saying why (killed, out of memory)."""


@jinja2.pass_context
def relative_link(context: jinja2.runtime.Context, url: str) -> str:
    """The ``rel`` filter: a site-root URL made relative to the page being rendered.

    A page served at any address (the 404 page) gets links from the site's base path instead (under a
    sub-path: ``--base-url https://host/chronique/``), or relative to the root when the build has none.
    """
    names, parent = context.vars, context.parent  # read as ``context.get`` reads them, without its three calls
    if names["absolute_links"] if "absolute_links" in names else parent.get("absolute_links"):
        base = context["site"]["base_url"]
        if not base:  # no public address known: links from the site's root, right at least one folder deep
            return urls.relative("/", url)
        return urlsplit(base).path.rstrip("/") + url
    return relative(names["page_url"] if "page_url" in names else parent["page_url"], url)


_FOLDERS: list[tuple[str, list[tuple[str, str]]]] = []  # the last page's ``page_folders``: pages render one by one


def relative(page_url: str, url: str) -> str:
    """``urls.relative(page_url, url)``, without splitting paths into parts for each link: the link climbs
    to the deepest folder of the page that holds ``url``, then goes down to it (the filter's cost per
    page, CPU at 10,000 events: event pages 0.15 -> 0.02 ms, lists of 50 events 0.39 -> 0.21 ms).
    Paths that are not plain (a ``//``, no leading ``/``) go through ``urls.relative``."""
    target, _, fragment = url.partition("#")
    target = target or page_url
    if "//" in target or not target.startswith("/"):
        return urls.relative(page_url, url)
    last = _FOLDERS[0] if _FOLDERS else None  # one read: ``serve`` may render pages in two threads at once
    if last is None or last[0] != page_url:
        last = (page_url, page_folders(page_url))
        _FOLDERS[:] = [last]
    for folder, climb in last[1]:
        if target.startswith(folder):
            link = climb + target[len(folder):] or "./"
            return f"{link}#{fragment}" if fragment else link
    return urls.relative(page_url, url)  # the page's own URL is not plain


def page_folders(page_url: str) -> list[tuple[str, str]]:
    """The folders holding the page at ``page_url``, deepest first, each with the ``../`` that climb to it
    from the page (none if the page's URL is not plain)."""
    base = page_url[: page_url.rfind("/") + 1]
    if "//" in base or not base.startswith("/"):
        return []
    parts = base.strip("/").split("/") if base != "/" else []
    return [("/" + "".join(f"{part}/" for part in parts[:depth]), "../" * (len(parts) - depth))
            for depth in range(len(parts), -1, -1)]


_ESCAPE_INNER = getattr(markupsafe, "_escape_inner", None)  # markupsafe's own escaping of a str, in C


def escape_text(value: Any) -> Any:
    """What ``{{ value }}`` writes: ``markupsafe.escape(value)``, a str escaped by markupsafe's own function
    without making a ``Markup`` of it (one Python call instead of three, per value written on every page).

    Only for the templates' output, which is joined into the page: a block, a macro or a ``{% set %}``
    block is still made ``Markup`` by Jinja, which never reads the type of what it joins."""
    if value.__class__ is str and _ESCAPE_INNER is not None:
        return _ESCAPE_INNER(value)
    return markupsafe.escape(value)


class Template(jinja2.Template):
    """A template whose ``{{ value }}`` is written by ``escape_text`` (where Jinja's compiled code says
    ``escape``: a name of the template's own module, bound when it is compiled)."""

    @classmethod
    def from_code(cls, environment: jinja2.Environment, code: Any, names: Any, uptodate: Any = None) -> Any:
        """The compiled template, its module's ``escape`` replaced by ``escape_text``."""
        template = super().from_code(environment, code, names, uptodate)
        template.root_render_func.__globals__["escape"] = escape_text
        return template


class Environment(jinja2.Environment):
    """Jinja's environment, reading ``a.b`` on a dict (what the plan gives the templates) as ``a["b"]`` first.

    Jinja tries the attribute first, and on a dict that raises and catches AttributeError at every
    ``a.b`` of every page (with ``auto_reload`` off: lists of 50 events 1.10 -> 0.94 ms of CPU each at 10,000
    events, 1,000 pages; event pages within the noise). The same values: no template reads a method of a dict with ``.``
    (``period["items"]`` where a key has a method's name), so only a key with that name would differ.
    """

    template_class = Template

    def getattr(self, obj: Any, attribute: str) -> Any:
        """``obj.attribute`` in a template: a dict's key of that name, else as Jinja reads it."""
        if type(obj) is dict:
            try:
                return obj[attribute]
            except KeyError:
                pass
        return super().getattr(obj, attribute)


def make_environment(template_dir: Path) -> jinja2.Environment:
    """The one Jinja environment: HTML and XML autoescaped, undefined names an error.

    The templates are read once, here, without following any link (``chronicle.inputs``): a
    template linked to ``/proc/self/environ`` is a problem (ContentError), never rendered.
    """
    files, problems = read_tree(template_dir.parent, template_dir.name, MAX_TEXT)
    if problems:
        raise ContentError(problems)
    start = len(template_dir.name) + 1
    sources = {path[start:]: data.decode("utf-8") for path, data in files.items()}
    environment = Environment(
        loader=jinja2.DictLoader(sources),
        auto_reload=False,  # the sources are this snapshot: not compared again at each include (see ``Environment``)
        autoescape=jinja2.select_autoescape(["html", "xml"]),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        cache_size=-1,  # a plain dict, no lock: ``serve`` forks workers while its threads may be rendering
    )
    environment.filters["rel"] = relative_link
    environment.filters["search_terms"] = search_terms
    problems = [problem for name in sorted(sources)
                for problem in syntax_problems(environment, f"{template_dir.name}/{name}", sources[name])]
    if problems:
        raise ContentError(problems)
    return environment


def syntax_problems(environment: jinja2.Environment, path: str, source: str) -> list[Problem]:
    """A positioned problem if the template ``source`` (at ``path``) is not valid Jinja: parsed only, a
    tenth of a second for all of them; each is compiled when first rendered."""
    try:
        environment.parse(source, path, path)
    except jinja2.TemplateSyntaxError as error:
        return [Problem(path, error.lineno or 0, 1 if error.lineno else 0, "",
                        f"syntaxe de gabarit Jinja invalide ({printable(error.message or '')}).",
                        "Vérifiez les balises {% … %} et {{ … }} de cette ligne.")]
    return []


def render_page(page: Page, environment: jinja2.Environment, actors: Actors) -> bytes:
    """The bytes of one page, its links to records (written in Markdown) made relative to it; an HTML page
    set in French typography (``typography.french_html``).

    A searchable page hides in the index the spellings of the actors its text names, found among
    ``actors`` (``spellings.search_terms``): given here, not in the page's plan, they are read by no part
    of the plan, and an actor's new alias plans again only the pages that show it; ``incremental``
    renders every searchable page again when they change, as every page when a template does."""
    template = environment.get_template(page.template)
    context = page.context
    text = template.render(context, search_actors=actors) if context.get("search_type") else template.render(context)
    if LINK_MARK in text:
        base = urlsplit(context["site"]["base_url"]).path if context.get("absolute_links") else ""
        text = resolve_internal_links(text, None if context.get("absolute_links") else page.url, base)
    return (french_html(text) if page.template.endswith(".html") else text).encode("utf-8")


def render_pages(pages: list[Page], environment: jinja2.Environment, actors: Actors) -> dict[str, bytes]:
    """Every page rendered: {path under site/: bytes}."""
    return {urls.output_path(page.url): render_page(page, environment, actors) for page in pages}


def worker_count(pages: int, busy: int = 0) -> int:
    """How many forked workers render ``pages`` pages: one per core but ``busy`` (cores left to other
    work meanwhile), or none (this process alone) when that leaves fewer than two, for a small site.

    None too where fork is missing, and outside the main thread (``serve``'s watcher), where a
    signal cannot be caught to stop the workers (``serve`` stops its own: ``background_workers``).
    """
    if (pages < PARALLEL_MIN or "fork" not in multiprocessing.get_all_start_methods()
            or threading.current_thread() is not threading.main_thread()):
        return 0
    count = (os.cpu_count() or 1) - busy
    return count if count > 1 else 0


def background_workers(pages: int) -> int:
    """How many forked workers render ``pages`` pages behind ``serve``'s back: one per core when there are
    many, else none (a fork costs 0.03-0.05 s of a large process's time, the dozens of pages an edit
    changes at 10,000 events about 0.1 s: ``pending.PendingPages`` renders those in a thread that
    gives way to the pages asked for). Unlike ``worker_count``, from any thread: ``serve`` stops them."""
    if pages < PARALLEL_MIN or "fork" not in multiprocessing.get_all_start_methods():
        return 0
    return max(2, os.cpu_count() or 1)


def render_stream(pages: Sequence[Page], environment: jinja2.Environment, actors: Actors,
                  workers: int = 0, niceness: int = 0) -> Iterator[Rendered]:
    """Every page of ``pages`` rendered, as (path under site/, bytes), in no set order: by this process,
    or by ``workers`` forked processes while this one only receives them (a few at a time in memory).

    An error raised by a page is raised here, the same as when rendering in one process. Closed before
    its end (``contextlib.closing``), it kills its workers and waits for them.
    """
    if workers < 1:
        for page in pages:
            yield urls.output_path(page.url), render_page(page, environment, actors)
        return
    yield from render_forked(pages, environment, actors, workers, niceness)


@contextlib.contextmanager
def signals_blocked() -> Iterator[None]:
    """SIGINT and SIGTERM held back while inside, then delivered: nothing is lost, nothing cuts in."""
    signal.pthread_sigmask(signal.SIG_BLOCK, INTERRUPTIONS)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_UNBLOCK, INTERRUPTIONS)


def render_forked(pages: Sequence[Page], environment: jinja2.Environment, actors: Actors, count: int,
                  niceness: int = 0) -> Iterator[Rendered]:
    """``render_stream`` over ``count`` forked workers, each taking every ``count``-th page (pages of a kind
    cost alike, and come together in the plan) and sending them in batches as it goes; ``niceness`` lowers
    their priority (``os.nice``): ``serve``'s background gives the cores to what the editor waits for.

    The workers are killed and waited for before this ends or raises, whatever happens.
    """
    for name in dict.fromkeys(page.template for page in pages):
        environment.get_template(name)  # compiled once, here: the workers inherit them
    context = multiprocessing.get_context("fork")
    workers: dict[Connection, multiprocessing.process.BaseProcess] = {}
    finished = False
    sys.stdout.flush()  # or a worker would print again what is still buffered
    sys.stderr.flush()
    try:
        with signals_blocked():  # until a worker ignores them itself
            for start in range(count):
                reader, writer = context.Pipe(duplex=False)
                worker = context.Process(target=run_worker, daemon=True, args=(
                    pages, environment, actors, range(start, len(pages), count), writer, [*workers, reader],
                    niceness))
                worker.start()
                writer.close()
                workers[reader] = worker
        waiting = dict(workers)
        while waiting:
            for reader in wait(list(waiting)):
                batch = received(waiting[reader], reader, pages, environment, actors)
                if batch is None:
                    del waiting[reader]
                else:
                    yield from batch
        finished = True
    finally:
        with signals_blocked():
            for reader, worker in workers.items():
                if not finished:
                    worker.kill()  # SIGKILL: they ignore SIGTERM
                worker.join()
                reader.close()


def run_worker(pages: Sequence[Page], environment: jinja2.Environment, actors: Actors, share: range,
               connection: Connection, inherited: list[Connection], niceness: int = 0) -> None:
    """In a forked worker: render ``share`` and send ("pages", [(path, bytes)...]) batches of about
    ``BATCH`` bytes, then ("done",); or ("failed", index, error)."""
    for reader in inherited:  # the pipes' read ends: once the parent is gone, a send fails instead of waiting
        reader.close()
    for signum in INTERRUPTIONS:
        signal.signal(signum, signal.SIG_IGN)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, INTERRUPTIONS)
    if niceness:
        os.nice(niceness)
    index = share.start
    try:
        batch: list[Rendered] = []
        size = 0
        for index in share:
            body = render_page(pages[index], environment, actors)
            batch.append((urls.output_path(pages[index].url), body))
            size += len(body)
            if size >= BATCH:
                connection.send(("pages", batch))
                batch, size = [], 0
        connection.send(("pages", batch))
        message: tuple[object, ...] = ("done",)
    except BaseException as error:  # reported to the parent, which raises it
        message = ("failed", index, portable(error))
    with contextlib.suppress(OSError):  # the parent is gone: nobody to tell
        connection.send(message)


def portable(error: BaseException) -> BaseException:
    """``error`` if it survives pickling unchanged, else a RuntimeError that says the same."""
    try:
        copy = pickle.loads(pickle.dumps(error))
        if type(copy) is type(error) and str(copy) == str(error):
            return error
    except Exception:  # any failure to pickle: fall back to the text
        pass
    return RuntimeError(f"{type(error).__name__} : {error}")


def received(worker: multiprocessing.process.BaseProcess, reader: Connection, pages: Sequence[Page],
             environment: jinja2.Environment, actors: Actors) -> list[Rendered] | None:
    """A worker's next batch of pages, None once it is done; its error raised here, as rendering in this
    process would raise it."""
    try:
        message = reader.recv()
    except EOFError:
        worker.join()
        raise RenderProcessError(f"un processus de rendu s'est arrêté sans finir (code {worker.exitcode}).") from None
    if message[0] == "pages":
        return list(message[1])
    if message[0] == "done":
        return None
    _, index, error = message
    render_page(pages[index], environment, actors)  # a template error: raised here again, with its traceback
    raise error  # not the template's: the worker's own error
