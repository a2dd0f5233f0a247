"""The rendering's shortcuts (chronicle/render.py) give what Jinja and ``urls.relative`` give."""

from __future__ import annotations

from dataclasses import dataclass

import jinja2
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from markupsafe import Markup

from chronicle import urls
from chronicle.render import Environment, relative

PARTS = st.sampled_from(["a", "b", "evenements", "x", "", "index.html", "page-2", "#f", "#"])
URLS = (st.lists(PARTS, max_size=5).map("/".join) | st.lists(PARTS, max_size=5).map(lambda p: "/" + "/".join(p))
        | st.lists(PARTS, max_size=4).map(lambda p: "/" + "/".join(p) + "/"))


@settings(max_examples=3000)
@given(URLS, st.lists(URLS, min_size=1, max_size=4))
def test_the_rel_filter_links_as_urls_relative(page_url: str, links: list[str]) -> None:
    """The links of one page (its folders found once), plain or not (``//``, no leading ``/``, fragments)."""
    assert [relative(page_url, link) for link in links] == [urls.relative(page_url, link) for link in links]


@dataclass
class Record:
    name: str


@pytest.mark.parametrize("source", ["{{ d.name }} {{ d['name'] }} {{ r.name }}", "{{ d.items | length }}",
                                    "{% for k, v in d.items() %}{{ k }}={{ v }}{% endfor %}", "{{ d.missing }}",
                                    "{{ r.missing }}"])
def test_the_environment_reads_dicts_and_objects_as_jinja_does(source: str) -> None:
    values = {"d": {"name": "un"}, "r": Record("deux")}
    rendered = []
    strict = jinja2.StrictUndefined
    for environment in (Environment(undefined=strict), jinja2.Environment(undefined=strict)):
        try:
            rendered.append(environment.from_string(source).render(values))
        except Exception as error:  # an undefined name is an error in both
            rendered.append(type(error).__name__)
    assert rendered[0] == rendered[1]


ESCAPING = {
    "base.html": "{% set body = self.content() %}{{ body }}|{{ body | upper }}|{% block content %}{% endblock %}",
    "page.html": ('{% extends "base.html" %}{% block content %}'
                  '{% macro box(v) %}<b title="{{ v }}">{{ v }}</b>{% endmacro %}'
                  '{{ s }} {{ n }} {{ m }} {{ s ~ m }} {{ s | replace("a", "<") }}'
                  '{% set held %}{{ s }}{% endset %}{{ held }} {{ held | length }} {% include "part.html" %}'
                  '{{ box(s) }} {{ box(s) | length }} {{ l | join(s) }} {{ d | tojson }}{% endblock %}'),
    "part.html": "{% for v in l %}<i>{{ v }}</i>{% if not loop.last %}{{ s }}{% endif %}{% endfor %}",
}


@settings(max_examples=300, deadline=None)  # no timing: a loaded machine may take longer
@given(st.text(alphabet="a<>&'\"é b"), st.integers())
def test_the_environment_escapes_what_templates_write_as_jinja_does(text: str, number: int) -> None:
    """``escape_text`` writes a str escaped without making it ``Markup``: blocks, macros, ``set`` blocks, includes,
    filters and ``~`` give the same page as Jinja's own escaping, values already safe left as they are."""
    values = {"s": text, "n": number, "m": Markup(f"<em>{text}</em>"), "l": [text, number, Markup("<br>")],
              "d": {"k": text}}
    pages = [environment(loader=jinja2.DictLoader(ESCAPING), autoescape=True, undefined=jinja2.StrictUndefined)
             .get_template("page.html").render(values) for environment in (Environment, jinja2.Environment)]
    assert pages[0] == pages[1]
