"""Helpers of the browser tests: axe-core, screenshots, the pages of each kind."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import axe_playwright_python
from playwright.sync_api import Page

from tests.conftest import REPO

SCREENSHOTS = REPO / "tests" / "screenshots"
# axe-core (MPL-2.0) as shipped inside the axe-playwright-python wheel
AXE_SCRIPT = Path(axe_playwright_python.__file__).with_name("axe.min.js")
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
WIDTHS = (375, 1280)
EVENT = "/evenements/2022-05-13-appel-austin-choigou/"
PAGE_KINDS = {
    "chronologie": "/",
    "evenement": EVENT,
    "evenement-intervalle": "/evenements/2022-03-01-2022-05-13-tests-ligne/",
    "acteurs": "/acteurs/",
    "acteur": "/acteurs/sergei-choigou/",
    "canaux": "/canaux/",
    "canal": "/canaux/austin-choigou/",
    "sources": "/sources/",
    "source": "/sources/cnn-2022-05-13/",
    "annee": "/annees/2022/",
    "recherche": "/recherche/",
    "a-propos": "/a-propos/",
    "corrections": "/a-propos/corrections/",
    "introuvable": "/404.html",
}


def run_axe(page: Page) -> list[dict[str, Any]]:
    """axe-core's violations of the WCAG 2.2 A and AA rules on the page as it is now."""
    page.add_script_tag(content=AXE_SCRIPT.read_text(encoding="utf-8"))
    options = {"runOnly": {"type": "tag", "values": AXE_TAGS}, "resultTypes": ["violations"]}
    result = page.evaluate("options => axe.run(document, options)", options)
    return list(result["violations"])


def describe_violations(violations: list[dict[str, Any]]) -> str:
    """The violations, one line per failing element, for an assertion message."""
    lines = []
    for violation in violations:
        for node in violation["nodes"]:
            lines.append(f"{violation['id']} ({violation['impact']}): {json.dumps(node['target'])} "
                         f"{node.get('failureSummary', '')[:300]}")
    return "\n".join(lines)


def save_screenshot(page: Page, name: str) -> Path:
    """A full-page screenshot in tests/screenshots/ (git-ignored), to be looked at."""
    SCREENSHOTS.mkdir(exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path
