"""``build.py serve``: build, serve ``site/`` on 127.0.0.1, rebuild and reload on every change.

The served pages get a few lines of script that wait for the next build and reload the
page. While the content has problems, every page shows them instead of a stale site; the
next good edit brings the site back.
"""

from __future__ import annotations

import html
import sys
import threading
import time
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from chronicle.pipeline import build_site
from chronicle.problems import ContentError, Problem

WATCHED = ("content", "templates", "static")
RELOAD_PATH = "/__chronicle__/wait"
RELOAD_SCRIPT = (
    "<script>(function(){var v=%d;function w(){fetch('" + RELOAD_PATH + "?v='+v).then(function(r)"
    "{return r.text()}).then(function(t){if(+t!==v){location.reload()}else{w()}})"
    ".catch(function(){setTimeout(w,1000)})}w()})();</script>"
)


class BuildState:
    """The latest build's outcome, and a condition to wait for the next one."""

    def __init__(self) -> None:
        self.version = 0
        self.problems: list[Problem] = []
        self.changed = threading.Condition()

    def publish(self, problems: list[Problem]) -> None:
        """Record a build's outcome and wake every waiting page."""
        with self.changed:
            self.version += 1
            self.problems = problems
            self.changed.notify_all()

    def wait(self, seen: int, timeout: float = 25.0) -> int:
        """The current version, once it differs from ``seen`` (or after ``timeout``)."""
        with self.changed:
            self.changed.wait_for(lambda: self.version != seen, timeout=timeout)
            return self.version


def error_page(problems: list[Problem], version: int) -> bytes:
    """The page shown instead of the site while the content has problems."""
    items = "".join(f"<li><code>{html.escape(p.format())}</code></li>" for p in problems)
    body = (f"<!doctype html><html lang=\"fr\"><head><meta charset=\"utf-8\"><title>Problèmes dans le "
            f"contenu</title></head><body><main><h1>{len(problems)} problème(s) dans le contenu</h1>"
            f"<p>Le site n'a pas été reconstruit. Corrigez ces fiches : la page se rechargera seule."
            f"</p><ul>{items}</ul></main>{RELOAD_SCRIPT % version}</body></html>")
    return body.encode("utf-8")


def rebuild(root: Path, out_dir: Path, state: BuildState) -> None:
    """Build once and publish the outcome."""
    started = time.perf_counter()
    try:
        files = build_site(root, out_dir)
    except ContentError as error:
        print(f"{len(error.problems)} problème(s) ; le navigateur les affiche.", file=sys.stderr)
        state.publish(error.problems)
        return
    print(f"Reconstruit : {len(files)} fichiers en {time.perf_counter() - started:.2f} s.", file=sys.stderr)
    state.publish([])


class Handler(SimpleHTTPRequestHandler):
    """Serves the site, the reload endpoint, and the error page while the build is broken."""

    state: BuildState

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - the stdlib's name
        """Quiet: the terminal shows builds, not requests."""

    def do_GET(self) -> None:  # noqa: N802 - the stdlib's name
        """Answer one request."""
        if self.path.startswith(RELOAD_PATH):
            seen = int(self.path.partition("v=")[2] or 0)
            self.send_bytes(str(self.state.wait(seen)).encode(), "text/plain")
            return
        problems, version = self.state.problems, self.state.version
        path = self.path.split("?", 1)[0]
        if problems and (path.endswith("/") or path.endswith(".html")):
            self.send_bytes(error_page(problems, version), "text/html; charset=utf-8", status=500)
            return
        target = Path(self.translate_path(path))
        if target.is_dir():
            target = target / "index.html"
        if target.suffix == ".html" and target.is_file():
            page = target.read_bytes().replace(b"</body>", (RELOAD_SCRIPT % version).encode() + b"</body>", 1)
            self.send_bytes(page, "text/html; charset=utf-8")
            return
        super().do_GET()

    def send_bytes(self, body: bytes, content_type: str, status: int = 200) -> None:
        """Send ``body`` with no caching."""
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        self.wfile.write(body)


def watch(root: Path, out_dir: Path, state: BuildState, stop: threading.Event) -> None:
    """Rebuild whenever a file under content/, templates/ or static/ changes."""
    from watchfiles import watch as watch_files

    folders = [str(root / name) for name in WATCHED if (root / name).is_dir()]
    for _changes in watch_files(*folders, stop_event=stop, debounce=50, step=20):
        rebuild(root, out_dir, state)


def serve(root: Path, out_dir: Path, port: int, open_browser: bool = False) -> int:
    """Serve until interrupted; returns the exit code."""
    state = BuildState()
    rebuild(root, out_dir, state)
    out_dir.mkdir(parents=True, exist_ok=True)
    handler = type("BoundHandler", (Handler,), {"state": state})
    server = ThreadingHTTPServer(("127.0.0.1", port), partial(handler, directory=str(out_dir)))
    server.daemon_threads = True
    stop = threading.Event()
    threading.Thread(target=watch, args=(root, out_dir, state, stop), daemon=True).start()
    address = f"http://127.0.0.1:{server.server_address[1]}/"
    print(f"Site servi sur {address} (Ctrl+C pour arrêter).", flush=True)
    if open_browser:
        import webbrowser

        webbrowser.open(address)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        stop.set()
        server.server_close()
    return 0
