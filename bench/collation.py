"""Sorting French names: PyICU, pyuca and a locale-free key, measured (bench/collation.md).

Run: python bench/collation.py (needs PyICU and pyuca installed).
"""

from __future__ import annotations

import random
import time
import unicodedata

import icu
import pyuca

NAMES = ["Vladimir Poutine", "État-major interarmées des États-Unis", "Etats-Unis", "États-Unis", "OTAN",
         "Oleksiy Reznikov", "Œuvre", "Oeuf", "Émile", "Eve", "Ève", "d'Estaing", "de Gaulle", "Département d'État",
         "Zelensky", "Ministère russe de la Défense", "Ministre", "Mark Milley", "mark milley", "Çavuşoğlu",
         "Cavendish", "Łukasz", "Lukas", "Ångström", "Anders", "1er régiment", "10e régiment", "2e régiment"]
EXPECTED_PREFIX = ["Anders"]  # sanity: A before Å-names only by secondary strength


def plain_key(name: str) -> tuple[str, str]:
    """Locale-free: accents and case ignored first (NFKD without marks, casefolded), then the text."""
    base = "".join(c for c in unicodedata.normalize("NFKD", name) if not unicodedata.combining(c))
    return base.casefold().replace("œ", "oe").replace("ł", "l"), name


def measure() -> None:
    collator = icu.Collator.createInstance(icu.Locale("fr"))
    uca = pyuca.Collator()
    sorters = {"code points (today)": lambda names: sorted(names),
               "PyICU fr": lambda names: sorted(names, key=collator.getSortKey),
               "pyuca (DUCET)": lambda names: sorted(names, key=uca.sort_key),
               "locale-free key": lambda names: sorted(names, key=plain_key)}
    many = [f"{random.choice(NAMES)} {n}" for n in range(20_000)]
    for label, sort in sorters.items():
        start = time.perf_counter()
        sort(many)
        took = time.perf_counter() - start
        print(f"## {label}: 20,000 names in {took * 1000:.0f} ms")
        print(" · ".join(sort(NAMES)))


if __name__ == "__main__":
    measure()
