"""The TimelineJS export read as TimelineJS reads it: each text field written into a page with
``innerHTML``, in Chromium (issue 13 §5). A hostile value in every field must come out as text."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from playwright.sync_api import Browser

from chronicle.pipeline import build_files
from tests.conftest import make_project
from tests.test_security_values import ATTACK, as_markdown, hostile, hostile_files

pytestmark = pytest.mark.browser

AS_INNER_HTML = """(values) => values.map((value) => {
  const box = document.createElement('div');
  box.innerHTML = value;
  const elements = [...box.querySelectorAll('*')];
  return {
    tags: elements.map((element) => element.tagName.toLowerCase()),
    handlers: elements.flatMap((element) => [...element.attributes].map((a) => a.name))
      .filter((name) => name.startsWith('on')),
    text: box.textContent,
  };
})"""


def test_timelinejs_text_fields_are_text_once_in_the_page(browser: Browser, tmp_path: Path) -> None:
    data = json.loads(build_files(make_project(tmp_path, hostile_files()))["donnees/timelinejs.json"])
    fields = [data["title"]["text"]["headline"], data["title"]["text"]["text"]]
    for slide in data["events"]:
        fields += [slide["display_date"], slide["group"], slide["text"]["headline"], slide["text"]["text"]]
    page = browser.new_page()
    try:
        parsed = page.evaluate(AS_INNER_HTML, fields)
    finally:
        page.close()
    assert all(not result["handlers"] for result in parsed)
    assert {tag for result in parsed for tag in result["tags"]} <= {"p", "a", "em", "strong", "code"}
    texts = [result["text"] for result in parsed]
    assert hostile("=") in texts and hostile("+") in texts  # title, subtitle, group, headline: as written
    assert any(text.startswith(as_markdown(hostile("@"))) for text in texts)  # the summary, Markdown read
    assert sum(ATTACK in text or as_markdown(ATTACK) in text for text in texts) >= 5
