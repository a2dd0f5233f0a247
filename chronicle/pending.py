"""The pages an edit changed that ``serve`` has not written yet: rendered when asked for, or in the background.

``serve`` announces an edit as soon as its plan says which pages changed (the browser reloads);
those pages are then written behind its back (by forked workers when they are many,
``render.render_stream``), while a page the browser asks for before it is written is rendered on
demand from the plan, as Hugo's server does in its "fast render mode". Every write is atomic
(beside the file, then renamed) and made under one lock shared by the edits of a ``serve``, after
checking that the edit was not superseded: once a new edit takes over (``cancel``), nothing of
the old one is written.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import closing, contextmanager
from pathlib import Path

import jinja2

from chronicle.plan import Page
from chronicle.render import Actors, background_workers, render_page, render_stream
from chronicle.write import replace_changed

# How much lower the background's forked workers run (``os.nice``): the pages the browser asks for and the next
# edit's plan, in ``serve``'s own process, get the cores first. After an actor's new alias (every searchable
# page rendered again behind the preview), the next edits' previews at 10,000 events: see bench/README.md.
NICENESS = 10


class PendingPages:
    """The pages of one edit not written yet in ``site/``, by path; a thread writes them all (``start``)."""

    def __init__(self, pages: dict[str, Page], environment: jinja2.Environment, actors: Actors, out_dir: Path,
                 lock: threading.Lock, failed: Callable[[Exception], None]) -> None:
        self.pages = dict(pages)
        self.environment = environment
        self.actors = actors      # the edit's actors' spellings (``render.render_page``)
        self.out_dir = out_dir
        self.lock = lock          # one writer at a time, across the edits of a ``serve``
        self.failed = failed      # told of an error raised while rendering in the background
        self.cancelled = False
        self.broken = False       # the background failed: the pages left are not to be trusted
        self.done = threading.Event()
        self.asked = threading.Condition()  # and how many hold the background (``held``): it waits for none
        self.asking = 0

    def start(self) -> None:
        """Render and write every pending page in a thread of its own (``done`` is set at its end)."""
        threading.Thread(target=self.run, name="chronicle-pending", daemon=True).start()

    def run(self) -> None:
        """Render the pending pages (on every core when they are many, else in this thread, giving way to
        the pages asked for) and write each as it comes, until
        all are written or the edit is superseded; an error is told to ``failed`` unless superseded."""
        try:
            with self.lock:
                pages = list(self.pages.values())
            workers = background_workers(len(pages))
            with closing(render_stream(pages, self.environment, self.actors, workers, NICENESS)) as rendered:
                for path, body in rendered:
                    with self.asked:  # a page asked for, or the next edit's plan, goes first (this thread
                        self.asked.wait_for(lambda: self.asking == 0)  # would share the GIL with it)
                    if not self.write(path, body):
                        return  # superseded: the workers are killed as the stream closes
        except Exception as error:  # a template's error, a full disk: shown on every page, as a build's
            with self.lock:
                self.broken = True
                if self.cancelled:
                    return
            self.failed(error)
        finally:
            self.done.set()

    def write(self, path: str, body: bytes) -> bool:
        """Write the page at ``path`` unless written already; False once the edit is superseded."""
        with self.lock:
            if self.cancelled:
                return False
            if self.pages.pop(path, None) is not None:
                replace_changed(self.out_dir, path, body)  # most pages of an alias are the same
            return True

    def holds(self, path: str) -> bool:
        """Whether the page at ``path`` is one of this edit's, not written yet."""
        with self.lock:
            return path in self.pages

    def page(self, path: str) -> bytes | None:
        """The bytes of the pending page at ``path``, rendered now (and written, unless superseded); None
        when it is not pending (written already, or not one of this edit's)."""
        with self.lock:
            page = self.pages.get(path)
        if page is None:
            return None
        with self.held():  # the background waits: it would share the GIL with this request
            body = render_page(page, self.environment, self.actors)
            self.write(path, body)
        return body

    @contextmanager
    def held(self) -> Iterator[None]:
        """The background paused while inside (a page asked for is rendered, ``serve`` plans the next edit):
        it writes no page, and its workers stop once their pipes are full. The pages an actor's new alias
        renders again (every searchable page: 8 s of CPU at 10,000 events) held the next edit's plan back."""
        with self.asked:
            self.asking += 1
        try:
            yield
        finally:
            with self.asked:
                self.asking -= 1
                self.asked.notify_all()

    def cancel(self) -> dict[str, Page] | None:
        """Supersede this edit: nothing more of it is written. The pages it left unwritten (the next edit
        writes them too), or None when its background failed (the next edit rebuilds everything)."""
        with self.lock:
            self.cancelled = True
            return None if self.broken else dict(self.pages)

    def finished(self) -> bool:
        """Whether every page is written (or the background stopped)."""
        return self.done.is_set()
