"""The same synthetic chronology as a Hugo site, with equivalent minimal templates.

One page per event (title, date, summary, actors, channel, citation), one page per actor
and per channel (taxonomies, listing their events), the home page listing every event.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import yaml

TEMPLATES = {
    "_default/baseof.html": "<!doctype html><html lang=\"fr\"><head><meta charset=\"utf-8\"><title>{{ .Title }}"
                            "</title></head><body><main>{{ block \"main\" . }}{{ end }}</main></body></html>\n",
    "_default/single.html": "{{ define \"main\" }}<h1>{{ .Title }}</h1><p>{{ .Date.Format \"2006-01-02\" }}</p>"
                            "{{ .Content }}<ul>{{ range .Params.acteurs }}<li><a href=\"{{ (printf \"/acteurs/%s/\" "
                            ". | relURL) }}\">{{ . }}</a></li>{{ end }}</ul><blockquote>{{ .Params.quote }}"
                            "</blockquote>{{ end }}\n",
    "_default/list.html": "{{ define \"main\" }}<h1>{{ .Title }}</h1><ol>{{ range .Pages }}<li><a href=\""
                          "{{ .RelPermalink }}\">{{ .Title }}</a> {{ .Date.Format \"2006-01-02\" }}</li>{{ end }}"
                          "</ol>{{ end }}\n",
    "index.html": "{{ define \"main\" }}<h1>{{ .Site.Title }}</h1><ol>{{ range where .Site.RegularPages "
                  "\"Section\" \"evenements\" }}<li><a href=\"{{ .RelPermalink }}\">{{ .Title }}</a></li>{{ end }}"
                  "</ol>{{ end }}\n",
}


def front_matter(data: dict) -> str:
    """YAML front matter for one event page."""
    return "---\n" + yaml.safe_dump(data, allow_unicode=True, sort_keys=True) + "---\n"


def convert(project: Path, out: Path) -> None:
    """Write a Hugo site under ``out`` from the Chronicle project at ``project``."""
    if out.exists():
        shutil.rmtree(out)
    (out / "content" / "evenements").mkdir(parents=True)
    (out / "hugo.toml").write_text(
        'baseURL = "https://example.org/"\nlanguageCode = "fr"\ntitle = "Bench"\n'
        'disableKinds = ["RSS"]\n[taxonomies]\n  acteur = "acteurs"\n  canal = "canaux"\n', encoding="utf-8")
    for name, text in TEMPLATES.items():
        path = out / "layouts" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    date_pattern = re.compile(r"^\d{4}-\d{2}-\d{2}$")
    for event in sorted((project / "content" / "events").glob("*.yaml")):
        data = yaml.safe_load(event.read_text(encoding="utf-8"))
        day = str(data["date"])
        meta = {"title": data["title"], "date": day if date_pattern.match(day) else day[:4] + "-01-01",
                "acteurs": data["actors"], "canaux": data.get("channels", []),
                "quote": data["citations"][0]["quote"]}
        (out / "content" / "evenements" / f"{event.stem}.md").write_text(
            front_matter(meta) + data["summary"] + "\n", encoding="utf-8")
