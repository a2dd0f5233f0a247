"""Generate a synthetic chronology of N events in Chronicle's own record format.

Equivalent to the peers' benchmark content: events of ~120 words with two actors, one
channel and one citation each; sources whose texts contain every quoted passage; claims
that hold. Deterministic for a given N and seed.

    python bench/generate.py --events 10000 --out /tmp/bench-10000
"""

from __future__ import annotations

import argparse
import random
import shutil
from datetime import date, timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
WORDS = [
    "ligne",
    "canal",
    "appel",
    "ministre",
    "général",
    "état-major",
    "défense",
    "contact",
    "silence",
    "frappe",
    "accord",
    "armée",
    "déconfliction",
    "Washington",
    "Moscou",
    "téléphone",
    "rencontre",
    "sommet",
    "responsable",
    "porte-parole",
    "crise",
    "missile",
    "frontière",
    "alliance",
    "escalade",
    "dialogue",
    "message",
    "réponse",
    "refus",
    "annonce",
]
KINDS = ("call", "meeting", "call-refused", "statement", "military", "political", "channel-used")


def sentence(rng: random.Random, words: int) -> str:
    """A plausible French-looking sentence of ``words`` words."""
    return " ".join(rng.choice(WORDS) for _ in range(words)).capitalize() + "."


def write(path: Path, text: str) -> None:
    """Write ``text`` (UTF-8), creating folders."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def event_date(index: int, events: int) -> date:
    """Dates spread over 2015–2024, denser later (like the real chronology)."""
    span = (date(2024, 12, 31) - date(2015, 1, 1)).days
    fraction = (index / max(events - 1, 1)) ** 0.7
    return date(2015, 1, 1) + timedelta(days=int(span * fraction))


def generate(out: Path, events: int, seed: int = 1) -> None:
    """Write a complete project (content/, schema/, templates/, static/) under ``out``."""
    rng = random.Random(seed)
    if out.exists():
        shutil.rmtree(out)
    content = out / "content"
    for name in ("schema", "templates", "static"):
        shutil.copytree(REPO / name, out / name)
    content.mkdir(parents=True)
    shutil.copy(REPO / "content" / "site.yaml", content / "site.yaml")
    actors = [f"acteur-{i:04d}" for i in range(max(20, events // 50))]
    channels = [f"canal-{i:04d}" for i in range(max(5, events // 100))]
    sources = [f"source-{i:04d}" for i in range(max(2, events // 200))]
    for actor in actors:
        write(
            content / "actors" / f"{actor}.yaml",
            f"name: Acteur {actor[-4:]}\naliases: [A{actor[-4:]}]\n"
            f"type: person\ncountry: {'US' if int(actor[-4:]) % 2 else 'RU'}\n"
            f"description: {sentence(rng, 20)}\n",
        )
    for position, channel in enumerate(channels):
        parties = f"[{actors[(2 * position) % len(actors)]}, {actors[(2 * position + 1) % len(actors)]}]"
        write(
            content / "channels" / f"{channel}.yaml",
            f"name: Canal {channel[-4:]}\nkind: military-leaders\n"
            f"parties: {parties}\ndescription: {sentence(rng, 25)}\n",
        )
    passages: dict[str, list[str]] = {source: [] for source in sources}
    ids = []
    for index in range(events):
        day = event_date(index, events)
        event_id = f"{day.isoformat()}-evenement-{index:06d}"
        ids.append(event_id)
        source = sources[index % len(sources)]
        quote = f"Passage {index:06d} : {sentence(rng, 12)}"
        passages[source].append(quote)
        channel = channels[index % len(channels)]
        first, second = rng.sample(actors, 2)
        write(
            content / "events" / f"{event_id}.yaml",
            (
                "# yaml-language-server: $schema=../../schema/event.schema.json\n"
                f"title: Événement {index} {sentence(rng, 6)}\n"
                f"date: {day.isoformat()}\ndate_basis: explicit\nkind: {KINDS[index % len(KINDS)]}\n"
                f"channels: [{channel}]\nactors: [{first}, {second}]\n"
                f"summary: >-\n  {sentence(rng, 60)} {sentence(rng, 60)}\n"
                f'citations:\n  - source: {source}\n    quote: "{quote}"\n'
            ),
        )
    for position, source in enumerate(sources):
        write(
            content / "sources" / f"{source}.yaml",
            f"title: Source {position}\nlanguage: fr\n"
            "published: 2024-12-31\npublished_basis: explicit\nreports: [Agence]\n",
        )
        write(content / "sources" / f"{source}.txt", "\n".join(passages[source]) + "\n")
    for position in range(min(20, events - 1)):
        first, second = ids[position], ids[position + 1]
        gap = (date.fromisoformat(second[:10]) - date.fromisoformat(first[:10])).days
        source = sources[position % len(sources)]
        write(
            content / "claims" / f"affirmation-{position:03d}.yaml",
            (f'source: {source}\nquote: "{passages[source][0]}"\nbetween: [{first}, {second}]\ndays: {gap}\n'),
        )


def main() -> None:
    """Command line: --events N --out DIR [--seed S]."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--events", type=int, default=1000)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    generate(args.out, args.events, args.seed)
    print(f"{args.events} événements écrits dans {args.out}")


if __name__ == "__main__":
    main()
