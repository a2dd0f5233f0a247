"""Browser fixtures: the fixture chronology built once, served over HTTP, driven in Debian's Chromium.

Chromium is installed with apt when it is missing (CI machines run as root); when it cannot
be, the browser tests fail: they are part of the normal run, never skipped.
"""

from __future__ import annotations

import functools
import os
import shutil
import subprocess
import threading
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, Playwright, sync_playwright

from chronicle.pipeline import build_site
from tests.conftest import FIXTURE, REPO

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def install_chromium() -> None:
    """Install Debian's chromium when it is absent; fail the session if that is impossible."""
    if CHROMIUM.exists():
        return
    if os.geteuid() != 0 or shutil.which("apt-get") is None:
        pytest.fail(f"{CHROMIUM} is missing and cannot be installed here (needs root and apt-get): "
                    "run `apt-get install chromium`.")
    for command in (["apt-get", "update"], ["apt-get", "install", "-y", "--no-install-recommends", "chromium"]):
        result = subprocess.run(command, capture_output=True, text=True, check=False,
                                env={**os.environ, "DEBIAN_FRONTEND": "noninteractive"})
        if result.returncode != 0:
            pytest.fail(f"`{' '.join(command)}` failed:\n{result.stdout[-2000:]}\n{result.stderr[-2000:]}")
    if not CHROMIUM.exists():
        pytest.fail(f"chromium was installed but {CHROMIUM} is still missing")


class QuietHandler(SimpleHTTPRequestHandler):
    """Serve files without logging each request."""

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the stdlib's name
        pass


@pytest.fixture(scope="session")
def site_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The fixture chronology, built to a folder as ``build.py build`` does (search index included)."""
    out = tmp_path_factory.mktemp("browser") / "site"
    build_site(FIXTURE, out)
    return out


def serve(folder: Path) -> Iterator[str]:
    """``folder`` served over HTTP on 127.0.0.1, on a free port, until the generator is closed."""
    handler = functools.partial(QuietHandler, directory=str(folder))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="session")
def site_url(site_dir: Path) -> Iterator[str]:
    """The fixture chronology served over HTTP."""
    yield from serve(site_dir)


@pytest.fixture(scope="session")
def real_site_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The real chronology (content/), built and served over HTTP."""
    out = tmp_path_factory.mktemp("browser-real") / "site"
    build_site(REPO, out)
    yield from serve(out)


@pytest.fixture(scope="session")
def playwright_instance(site_url: str, real_site_url: str) -> Iterator[Playwright]:
    """Playwright, started after the site is built (the build runs an event loop of its own)."""
    install_chromium()
    with sync_playwright() as playwright:
        yield playwright


@pytest.fixture(scope="session")
def browser(playwright_instance: Playwright) -> Iterator[Browser]:
    """Debian's Chromium, headless."""
    browser = playwright_instance.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
    yield browser
    browser.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    """A fresh page at desktop width, light colour scheme."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="fr-FR")
    page = context.new_page()
    yield page
    context.close()
