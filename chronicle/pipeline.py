"""The build, one stage a line: load -> check -> model -> derive -> plan -> render -> write."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from chronicle.check import Index, check_content
from chronicle.config import Config, load_config
from chronicle.derive import derive_facts
from chronicle.export import data_files
from chronicle.load import load_content
from chronicle.model import build_model
from chronicle.plan import DuplicateUrlError, plan_pages
from chronicle.problems import ContentError, Problem
from chronicle.render import make_environment, render_pages
from chronicle.search import index_site
from chronicle.write import write_site

PUBLISHED_URLS = "content/published-urls.txt"


@dataclass(frozen=True)
class Checked:
    """The outcome of ``check``: the config and typed records when there was no problem."""

    config: Config | None
    index: Index | None
    problems: list[Problem]


def read_published(root: Path) -> list[tuple[int, str]] | None:
    """The URLs listed in ``content/published-urls.txt`` with their line numbers, if the file exists."""
    path = root / PUBLISHED_URLS
    if not path.is_file():
        return None
    lines = path.read_text(encoding="utf-8").splitlines()
    return [(number, line.strip()) for number, line in enumerate(lines, start=1)
            if line.strip() and not line.startswith("#")]


def check_site(root: Path, base_url: str | None = None) -> Checked:
    """Load and check everything under ``root``; every problem, sorted."""
    config, problems = load_config(root, base_url)
    records, load_problems = load_content(root)
    problems += load_problems
    if config is None:
        return Checked(None, None, sorted(problems))
    loaded = {(p.path) for p in load_problems}
    index, check_problems = check_content([r for r in records if r.path not in loaded], config,
                                          read_published(root), PUBLISHED_URLS)
    return Checked(config, index, sorted(set(problems + check_problems)))


def static_files(root: Path) -> dict[str, bytes]:
    """The files of ``static/``, served under ``/static/``."""
    folder = root / "static"
    if not folder.is_dir():
        return {}
    return {f"static/{path.relative_to(folder).as_posix()}": path.read_bytes()
            for path in sorted(folder.rglob("*")) if path.is_file() and not path.name.startswith(".")}


def build_files(root: Path, base_url: str | None = None) -> dict[str, bytes]:
    """The whole site in memory: {path under site/: bytes}; raises ContentError on any problem."""
    checked = check_site(root, base_url)
    if checked.problems or checked.config is None or checked.index is None:
        raise ContentError(checked.problems)
    chronology = build_model(checked.index)
    facts = derive_facts(chronology)
    try:
        pages = plan_pages(chronology, facts, checked.config)
    except DuplicateUrlError as error:
        raise ContentError(error.problems) from None
    files = render_pages(pages, make_environment(root / "templates"))
    files.update(data_files(chronology, checked.config))
    files.update(static_files(root))
    files.update(index_site(files))
    return files


def build_site(root: Path, out_dir: Path, base_url: str | None = None) -> dict[str, bytes]:
    """Build and write the site; ``out_dir`` is replaced only if everything succeeded."""
    files = build_files(root, base_url)
    write_site(files, out_dir)
    return files
