"""The site's configuration: ``content/site.yaml`` typed into a frozen object."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from chronicle.load import parse_yaml
from chronicle.markdown import markdown_problem, url_problem
from chronicle.problems import Problem
from chronicle.schema import load_schema, type_record


@dataclass(frozen=True)
class Kind:
    """One word of the event-kind vocabulary."""

    id: str
    label: str
    description: str = ""


@dataclass(frozen=True)
class Config:
    """What a build needs besides the records; passed to every stage that needs it."""

    root: Path
    title: str
    language: str
    base_url: str
    kinds: tuple[Kind, ...]
    subtitle: str = ""
    author: str = ""
    license: str = ""
    description: str = ""
    schema_dir: Path = field(default=Path("schema"))

    def kind(self, kind_id: str) -> Kind:
        """The kind ``kind_id`` (the check has made sure it exists)."""
        return next(k for k in self.kinds if k.id == kind_id)


SITE_FILE = "content/site.yaml"


def load_config(root: Path, base_url: str | None = None) -> tuple[Config | None, list[Problem]]:
    """Read and type ``content/site.yaml``; ``base_url`` overrides the file's (deployments)."""
    path = root / SITE_FILE
    if not path.is_file():
        return None, [Problem(SITE_FILE, 0, 0, "", "fichier de configuration introuvable.",
                              "Créez content/site.yaml (voir le README).")]
    parsed = parse_yaml(SITE_FILE, path.read_bytes())
    if parsed.data is None or parsed.problems:
        return None, parsed.problems
    schema_dir = root / "schema"
    typed, problems = type_record(SITE_FILE, parsed.data, parsed.positions, parsed.key_positions,
                                  load_schema(str(schema_dir), "site"),
                                  {"url": url_problem, "markdown": markdown_problem})
    if problems:
        return None, problems
    if base_url is not None and (wrong := url_problem(base_url)):  # checked as the file's: it reaches the same files
        return None, [Problem("--base-url", 0, 0, "", wrong, "Donnez l'adresse publique du site, ex. "
                              "https://exemple.github.io/chronique/.")]
    base = base_url if base_url is not None else typed["base_url"]
    if not base.endswith("/"):
        base += "/"
    kinds = tuple(Kind(key, value["label"], value.get("description") or "")
                  for key, value in typed["kinds"].items())
    return Config(root=root, title=typed["title"], language=typed["language"], base_url=base,
                  kinds=kinds, subtitle=typed.get("subtitle") or "", author=typed.get("author") or "",
                  license=typed.get("license") or "", description=typed.get("description") or "",
                  schema_dir=schema_dir), []
