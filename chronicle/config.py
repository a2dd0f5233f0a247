"""The site's configuration: ``content/site.yaml`` typed into a frozen object."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit

from chronicle.gitdates import History
from chronicle.inputs import MAX_TEXT, InputError, json_problems, read_bytes, read_tree
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
    base_url: str  # "" when unknown: the site then writes no absolute address at all
    kinds: tuple[Kind, ...]
    subtitle: str = ""
    author: str = ""
    publisher: str = ""  # the chronology's own name as a publisher (never the tool's)
    license_url: str = ""
    tag_authority: str = ""  # "domain,date" of the feed's tag: ids (RFC 4151); see ``feed_id``
    history: History = field(default_factory=History)  # the records' dates (``gitdates``), read by the build
    license: str = ""
    description: str = ""
    repository: str = ""  # where to propose a correction
    contact: str = ""     # the editors' e-mail address
    schema_dir: Path = field(default=Path("schema"))

    @property
    def publisher_name(self) -> str:
        """Who publishes the pages: ``publisher``, else the site's title."""
        return self.publisher or self.title

    def public(self, url: str) -> str:
        """The public address of the site URL ``url``, or "" when the base URL is unknown."""
        return self.base_url.rstrip("/") + url if self.base_url else ""

    def feed_id(self, url: str) -> str:
        """A feed id for the site URL ``url`` that survives a change of domain: a tag: URI (RFC 4151)
        minted by ``tag_authority``, else by the base URL's host in the year the content was first
        committed; without either, a name-based UUID of the publisher and the URL."""
        authority = self.tag_authority
        first = self.history.site()
        if not authority and self.base_url and first:
            authority = f"{urlsplit(self.base_url).hostname},{datetime.fromtimestamp(first.published, UTC).year}"
        if authority:
            return f"tag:{authority}:{url}"
        return uuid.uuid5(uuid.NAMESPACE_URL, f"chronicle:{self.publisher_name}:{url}").urn

    def kind(self, kind_id: str) -> Kind:
        """The kind ``kind_id`` (the check has made sure it exists)."""
        return next(k for k in self.kinds if k.id == kind_id)


SITE_FILE = "content/site.yaml"
# The usual licences' deeds, so that ``license: CC BY 4.0`` alone gives machines a URL (``license_url`` overrides).
LICENSE_URLS = {f"CC {code} 4.0": f"https://creativecommons.org/licenses/{code.lower()}/4.0/"
                for code in ("BY", "BY-SA", "BY-ND", "BY-NC", "BY-NC-SA", "BY-NC-ND")} | {
    "CC0 1.0": "https://creativecommons.org/publicdomain/zero/1.0/",
    "Licence Ouverte 2.0": "https://www.etalab.gouv.fr/licence-ouverte-open-licence/"}
# Names reserved for examples and tests (RFC 2606, RFC 6761): a page never publishes them as its address.
PLACEHOLDER_DOMAINS = ("example.org", "example.com", "example.net", "example.edu")
PLACEHOLDER_TLDS = ("example", "test", "invalid", "localhost")


def placeholder_problem(value: str) -> str | None:
    """A French message when ``value``'s host is a placeholder domain (``example.org``...), or None."""
    try:
        host = (urlsplit(value).hostname or "").rstrip(".").lower()
    except ValueError:
        return None  # malformed: ``url_problem`` says so
    if host in PLACEHOLDER_DOMAINS or host.endswith(tuple(f".{d}" for d in PLACEHOLDER_DOMAINS)) \
            or host.rsplit(".", 1)[-1] in PLACEHOLDER_TLDS:
        return (f"adresse « {value} » refusée : « {host} » est un nom réservé aux exemples, "
                "il ne peut pas être l'adresse publique du site : donnez l'adresse réelle, ou aucune "
                "(le site n'écrit alors aucune adresse absolue ; --base-url la donne au moment de publier).")
    return None


def base_url_problem(value: str) -> str | None:
    """``url_problem``, then ``placeholder_problem``: what is wrong with a base URL, or None."""
    return url_problem(value) or placeholder_problem(value)


def load_config(root: Path, base_url: str | None = None) -> tuple[Config | None, list[Problem]]:
    """Read and type ``content/site.yaml``; ``base_url`` overrides the file's (deployments)."""
    try:  # never through a link, at most 1 MB (``chronicle.inputs``)
        data = read_bytes(root, SITE_FILE, MAX_TEXT)
    except FileNotFoundError:
        return None, [Problem(SITE_FILE, 0, 0, "", "fichier de configuration introuvable.",
                              "Créez content/site.yaml (voir le README).")]
    except InputError as error:
        return None, error.problems
    parsed = parse_yaml(SITE_FILE, data)
    schema_problems = check_schemas(root)
    if parsed.data is None or parsed.problems or schema_problems:
        return None, parsed.problems + schema_problems
    schema_dir = root / "schema"
    typed, problems = type_record(SITE_FILE, parsed.data, parsed.positions, parsed.key_positions,
                                  load_schema(str(schema_dir), "site"),
                                  {"url": url_problem, "markdown": markdown_problem,
                                   "base-url": base_url_problem})
    if base_url:
        message = base_url_problem(base_url)
        if message:
            problems.append(Problem("--base-url", 0, 0, "", message,
                                    "Donnez l'adresse où le site sera réellement publié, ou aucune : "
                                    "le site n'écrit alors aucune adresse absolue."))
    if problems:
        return None, problems
    base = base_url or typed.get("base_url") or ""
    if base and not base.endswith("/"):
        base += "/"
    kinds = tuple(Kind(key, value["label"], value.get("description") or "")
                  for key, value in typed["kinds"].items())
    return Config(root=root, title=typed["title"], language=typed["language"], base_url=base,
                  kinds=kinds, subtitle=typed.get("subtitle") or "", author=typed.get("author") or "",
                  publisher=typed.get("publisher") or "",
                  tag_authority=typed.get("tag_authority") or "",
                  license_url=typed.get("license_url") or LICENSE_URLS.get(typed.get("license") or "", ""),
                  license=typed.get("license") or "", description=typed.get("description") or "",
                  repository=typed.get("repository") or "", contact=typed.get("contact") or "",
                  schema_dir=schema_dir), []


def check_schemas(root: Path) -> list[Problem]:
    """Every problem of ``schema/``: links, sizes, characters, JSON syntax (read before any schema is used)."""
    files, problems = read_tree(root, "schema", MAX_TEXT)
    for path, data in files.items():
        problems += json_problems(path, data) if path.endswith(".json") else []
    return problems
