"""Finding a country from what someone typed: a name or part of one, in any of the app's languages, or its ISO code.

The country picker (components/country_picker.py) filters its list by the start of the name as one types, so
that "Moro" lists Morocco alone; what it cannot find that way ("kingdom", "MAR", "Maroc" on an English page,
"cote" for Côte d'Ivoire) it sends here when Enter is pressed. Pure functions, no database.

Matches are ranked, best first (see RANKS); the picker opens a country when the best rank holds one country only,
and lists them otherwise ("united": the United Arab Emirates, the United Kingdom, the United States...).
"""
from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence

# best first; a text of fewer than MIN_INSIDE characters is not looked for inside words ("ma" is in too many)
RANKS = ("iso3", "name", "name_start", "word_start", "other_name", "other_start", "other_word_start", "inside",
         "other_inside")
MIN_INSIDE = 3


def normalized(text: str) -> str:
    """Lower case, accents and punctuation dropped, spaces single: "Côte d'Ivoire" -> "cote d ivoire"."""
    decomposed = unicodedata.normalize("NFKD", str(text))
    plain = "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()
    return " ".join(re.sub(r"[^\w]+", " ", plain).split())


def _rank_in(query: str, name: str) -> int | None:
    """0: the name itself, 1: its start, 2: the start of one of its words, 3: inside it; None: not in it."""
    text = normalized(name)
    if not text:
        return None
    if text == query:
        return 0
    if text.startswith(query):
        return 1
    if any(word.startswith(query) for word in text.split()) or f" {query}" in f" {text}":
        return 2
    if len(query) >= MIN_INSIDE and query in text:
        return 3
    return None


def rank(query: str, iso3: str, name: str, other_names: Sequence[str] = ()) -> int | None:
    """The rank (index in RANKS) of a country for `query`, or None when it does not match at all.
    `name` is its name in the page's language, `other_names` its names in the other languages."""
    wanted = normalized(query)
    if not wanted:
        return None
    if wanted == iso3.casefold():
        return RANKS.index("iso3")
    own = _rank_in(wanted, name)
    others = [r for r in (_rank_in(wanted, n) for n in other_names) if r is not None]
    best_other = min(others) if others else None
    if own is not None and own < 3:
        return own + 1                                  # name, name_start, word_start
    if best_other is not None and best_other < 3:
        return RANKS.index("other_name") + best_other   # other_name, other_start, other_word_start
    if own == 3:
        return RANKS.index("inside")
    if best_other == 3:
        return RANKS.index("other_inside")
    return None


def find(query: str, names: Mapping[str, str], other_names: Mapping[str, Sequence[str]] | None = None) -> list[str]:
    """The ISO3 codes of the countries matching `query`, best first, then by name (`names`: ISO3 -> name in the
    page's language; `other_names`: ISO3 -> its names in the other languages)."""
    other_names = other_names or {}
    ranked = [(r, normalized(name), iso3) for iso3, name in names.items()
              if (r := rank(query, iso3, name, other_names.get(iso3, ()))) is not None]
    return [iso3 for _, _, iso3 in sorted(ranked)]


def best(query: str, names: Mapping[str, str], other_names: Mapping[str, Sequence[str]] | None = None,
         ) -> tuple[str | None, list[str]]:
    """(the one country `query` names, or None; the countries of the best rank, best first). Several countries
    at the best rank ("united") give None and all of them; nothing found gives (None, [])."""
    other_names = other_names or {}
    found = find(query, names, other_names)
    if not found:
        return None, []
    top = rank(query, found[0], names[found[0]], other_names.get(found[0], ()))
    tied = [iso3 for iso3 in found if rank(query, iso3, names[iso3], other_names.get(iso3, ())) == top]
    return (tied[0] if len(tied) == 1 else None), tied
