"""The preview's HTTP side (``build.py serve``): the pages with their reload script, the reload
endpoint, the error page while the content has problems; only for this machine's own names.

``chronicle.serve`` builds and watches; this module answers the browser.
"""

from __future__ import annotations

import errno
import html
import re
import sys
from contextlib import suppress
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import SplitResult, parse_qs, urlsplit

from chronicle.problems import Problem, printable

if TYPE_CHECKING:
    from chronicle.serve import BuildState

DATA = "/donnees/"    # the data files, written after a live edit once the editor pauses
RELOAD_PATH = "/__chronicle__/wait"
VERSION = re.compile(r"-?[0-9]{1,18}")  # the reload script's ``?v=``: ASCII digits ("²".isdigit(), int() refuses it)
LOOPBACK = ("127.0.0.1", "localhost", "[::1]")  # the names this preview answers to
RELOAD_SCRIPT = (
    "<script>(function(){var v=%d;function w(){fetch('" + RELOAD_PATH + "?v='+v).then(function(r)"
    "{return r.text()}).then(function(t){if(+t!==v){location.reload()}else{w()}})"
    ".catch(function(){setTimeout(w,1000)})}w()})();</script>"
)
ERROR_STYLE = ("body{font:16px/1.5 system-ui,sans-serif;margin:2rem auto;max-width:60rem;padding:0 1rem}"
               "h1{color:#a4000f}li{margin:.6rem 0}code{white-space:pre-wrap;word-break:break-word}")


def error_page(problems: list[Problem], version: int) -> bytes:
    """The page shown instead of the site while the content has problems."""
    count = len(problems)
    items = "".join(f"<li><code>{html.escape(p.format())}</code></li>" for p in problems)
    plural = "s" if count > 1 else ""
    body = (f"<!doctype html><html lang=\"fr\"><head><meta charset=\"utf-8\"><title>{count} problème{plural}"
            f" dans le contenu</title><style>{ERROR_STYLE}</style></head><body><main>"
            f"<h1>{count} problème{plural} dans le contenu</h1>"
            "<p>Le site n'a pas été reconstruit. Corrigez les fiches ci-dessous (chemin:ligne:colonne: "
            "champ: message) et enregistrez : cette page se rechargera seule.</p>"
            f"<ul>{items}</ul></main>{RELOAD_SCRIPT % version}</body></html>")
    return body.encode("utf-8")


def seen_version(query: str) -> int | None:
    """The build version a waiting page last saw (``?v=3``); -1 when absent; None when malformed."""
    values = parse_qs(query, keep_blank_values=True).get("v")
    if not values:
        return -1
    return int(values[0]) if VERSION.fullmatch(values[0]) else None


def allowed_host(host: str | None, port: int) -> bool:
    """Whether a request naming ``host`` (its Host header) is meant for this preview.

    A page of another site can make the browser send requests here under its own name, once
    its DNS answers 127.0.0.1 (DNS rebinding): the Host header then names that site, and the
    request is refused. Only the loopback names, with the port served, are answered.
    """
    if host is None:
        return False
    names = {f"{name}:{port}" for name in LOOPBACK} | (set(LOOPBACK) if port == 80 else set())
    return host.strip().lower() in names


class Handler(SimpleHTTPRequestHandler):
    """Serves the site, the reload endpoint, and the error page while the build is broken."""

    state: BuildState

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - the stdlib's name
        """Quiet: the terminal shows builds, not requests."""

    def refused(self) -> bool:
        """Answer 403 (and True) to a request whose Host header is not this preview's (``allowed_host``)."""
        port = self.server.server_address[1]
        if allowed_host(self.headers.get("Host"), port):
            return False
        self.send_bytes(f"Cet aperçu ne répond qu'à http://127.0.0.1:{port}/ et http://localhost:{port}/.\n"
                        .encode(), "text/plain; charset=utf-8", status=403)
        return True

    def do_HEAD(self) -> None:
        """The headers ``do_GET`` would send, without the body: a page the last edit changed has its new
        length before it is written (``sent_pending``), never the stale file's."""
        self.do_GET()

    def do_GET(self) -> None:
        """Answer one request; a malformed one gets a 400, never a traceback."""
        if self.refused():
            return
        try:
            self.answer(urlsplit(self.path))
        except (ValueError, UnicodeError):  # a NUL byte, an undecodable path: nothing to serve
            self.send_bytes("Requête malformée.\n".encode(), "text/plain; charset=utf-8", status=400)
        except ConnectionError:
            pass  # the browser left (a reload): nobody to answer
        except OSError as error:  # a path too long to be a file; a file removed while read (the site swapped)
            if error.errno == errno.ENAMETOOLONG:
                self.send_bytes("Requête malformée.\n".encode(), "text/plain; charset=utf-8", status=400)
                return
            with suppress(OSError):
                self.send_bytes(f"Erreur de lecture ({printable(str(error)[:300])}) ; rechargez la page.\n".encode(),
                                "text/plain; charset=utf-8", status=503)

    def answer(self, parts: SplitResult) -> None:
        """Send the page, file or reload answer for ``parts`` (the request's URL, split)."""
        if parts.path == RELOAD_PATH:
            seen = seen_version(parts.query)
            if seen is None:
                self.send_bytes("Paramètre v invalide : un nombre entier est attendu.\n".encode(),
                                "text/plain; charset=utf-8", status=400)
            else:
                self.send_bytes(str(self.state.wait(seen)).encode(), "text/plain")
            return
        if parts.path.startswith(DATA) and self.state.exports:
            self.state.exports.flush()
        problems, version = self.state.problems, self.state.version
        if problems and (parts.path.endswith("/") or parts.path.endswith(".html")):
            self.send_bytes(error_page(problems, version), "text/html; charset=utf-8", status=500)
            return
        if self.sent_pending(parts.path, version):
            return
        target = Path(self.translate_path(parts.path))
        if target.is_dir() and not parts.path.endswith("/"):  # the pages' links are relative to their folder
            self.send_to_folder(parts.path)
            return
        if target.is_dir():
            target = target / "index.html"
        if target.suffix == ".html" and target.is_file():
            self.send_page(target.read_bytes(), version)
        elif not target.exists() and (self.directory_path / "404.html").is_file():
            self.send_page((self.directory_path / "404.html").read_bytes(), version, status=404)
        elif self.command == "HEAD":
            super().do_HEAD()
        else:
            super().do_GET()

    def sent_pending(self, path: str, version: int) -> bool:
        """Send the page at ``path`` if the last edit changed it and it is not written yet: rendered now,
        from the plan (``chronicle.pending``), never the stale file. Whether it was sent."""
        pending = self.state.pending
        if pending is None:
            return False
        relative = Path(self.translate_path(path)).relative_to(self.directory_path).as_posix()
        name = "index.html" if relative == "." else f"{relative}/index.html" if path.endswith("/") else relative
        if not path.endswith("/") and pending.holds(f"{relative}/index.html"):
            self.send_to_folder(path)  # as for a folder written already (``answer``): a new page's too
            return True
        try:
            body = pending.page(name)
        except OSError:
            raise  # a full disk, a path too long: as for any file (``do_GET``)
        except Exception as error:  # a template's error: the background says it on every page too
            problem = Problem("chronicle", 0, 0, "", f"erreur interne ({type(error).__name__} : {error}).",
                              "Signalez-la aux mainteneurs avec la dernière modification faite.")
            self.send_bytes(error_page([problem], version), "text/html; charset=utf-8", status=500)
            return True
        if body is None:
            return False
        if name.endswith(".html"):
            self.send_page(body, version)
        else:
            self.send_bytes(body, self.guess_type(name))
        return True

    @property
    def directory_path(self) -> Path:
        """The served folder."""
        return Path(self.directory)

    def send_page(self, page: bytes, version: int, status: int = 200) -> None:
        """Send an HTML page with the reload script before ``</body>``."""
        script = (RELOAD_SCRIPT % version).encode()
        self.send_bytes(page.replace(b"</body>", script + b"</body>", 1), "text/html; charset=utf-8", status)

    def send_bytes(self, body: bytes, content_type: str, status: int = 200) -> None:
        """Send ``body`` with no caching."""
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def send_to_folder(self, path: str) -> None:
        """A permanent redirect to the folder ``path`` names (its final ``/`` added, the request's query kept),
        as ``SimpleHTTPRequestHandler`` sends for a folder asked for without it."""
        query = urlsplit(self.path).query
        self.send_response(301)
        self.send_header("Location", f"{path}/?{query}" if query else f"{path}/")
        self.send_header("Content-Length", "0")
        self.end_headers()


def open_server(out_dir: Path, port: int, state: BuildState) -> ThreadingHTTPServer | None:
    """The HTTP server on 127.0.0.1:``port`` (0: any free port), or None if the port is taken."""
    handler = type("BoundHandler", (Handler,), {"state": state})
    try:
        server = ThreadingHTTPServer(("127.0.0.1", port), partial(handler, directory=str(out_dir)))
    except OSError as error:
        print(f"Impossible d'écouter sur le port {port} ({error.strerror}) : essayez --port {port + 1}, "
              "ou --port 0 pour un port libre.", file=sys.stderr)
        return None
    server.daemon_threads = True
    return server
