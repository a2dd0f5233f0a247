"""Pages -> bytes, in memory: the Jinja environment (autoescape, StrictUndefined)."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

import jinja2

from chronicle import urls
from chronicle.plan import Page


@jinja2.pass_context
def relative_link(context: jinja2.runtime.Context, url: str) -> str:
    """The ``rel`` filter: a site-root URL made relative to the page being rendered.

    A page served at any address (the 404 page) gets links from the site's base path instead.
    """
    if context.get("absolute_links"):
        return urlsplit(context["site"]["base_url"]).path.rstrip("/") + url
    return urls.relative(context["page_url"], url)


def make_environment(template_dir: Path) -> jinja2.Environment:
    """The one Jinja environment: HTML and XML autoescaped, undefined names an error."""
    environment = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(template_dir)),
        autoescape=jinja2.select_autoescape(["html", "xml"]),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    environment.filters["rel"] = relative_link
    return environment


def render_page(page: Page, environment: jinja2.Environment) -> bytes:
    """The bytes of one page."""
    return environment.get_template(page.template).render(page.context).encode("utf-8")


def render_pages(pages: list[Page], environment: jinja2.Environment) -> dict[str, bytes]:
    """Every page rendered: {path under site/: bytes}."""
    return {urls.output_path(page.url): render_page(page, environment) for page in pages}
