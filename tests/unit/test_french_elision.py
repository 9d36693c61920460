"""French elision (issue 17): "de" before a vowel is "d'", "le"/"la" are "l'", "que" is "qu'" ("de l'IPMD", never
"de IPMD"). The French messages are scanned as written and rendered with sample values: a placeholder that holds a
name (a donor, a country, a project id) may begin with a vowel, so "de {donor}" reads "de Italie" and a message
must be worded so that it needs no elision ("Donateur : {donor}", "du projet {id}")."""
from __future__ import annotations

import json
import re

from ipmd.i18n import LOCALES_DIR

# A word that elides before a vowel (or a mute h), followed by a word that begins with a vowel. "h" is left out:
# many French words begin with an aspirated h ("le HCR", "de Herfindahl"), which does not elide.
ELIDING = r"(?:de|que|le|la|ce|ne|se|je|me|te|jusque|lorsque|puisque)"
VOWEL_START = r"[aeiouyàâäéèêëîïôöûùüœæAEIOUYÀÂÄÉÈÊËÎÏÔÖÛÙÜŒÆ]"
UNELIDED = re.compile(rf"(?<![\w'’-]){ELIDING}\s+(?={VOWEL_START})(\w+)", re.IGNORECASE)
# Words before which French does not elide (none needed yet beyond these): "le onze", "de ouate"..., and
# "de un" inside "de un à trois" is not written here. Keep this list short: each entry is a real exception.
ALLOWED_NEXT = {"onze", "onzième", "ouistiti", "yaourt", "yacht", "yoga"}
# Placeholders that hold a name or an id (not a number, a date or an amount): a sample starting with a vowel.
NAME_SAMPLE = "Italie"
NAME_PLACEHOLDERS = {"name", "names", "donor", "id", "ids", "who", "countries", "country", "partner", "partner_id",
                     "top_partner", "place", "places", "title", "file", "files", "source", "sources", "provider",
                     "region", "subregion", "wb_region", "income", "item", "items", "indicator", "group", "kind",
                     "label", "code", "top", "text", "goal", "area", "citizenship", "birth", "what", "middle",
                     "problem", "error", "cell", "backup", "licence", "env"}


def french_messages() -> dict[str, str]:
    out: dict[str, str] = {}
    for path in sorted((LOCALES_DIR / "fr").glob("*.json")):
        out.update(json.loads(path.read_text(encoding="utf-8")))
    return out


def unelided(text: str) -> list[str]:
    return [m.group(0) for m in UNELIDED.finditer(text) if m.group(1).lower() not in ALLOWED_NEXT]


PLACEHOLDER = re.compile(r"(%?)\{([A-Za-z_]\w*)[^{}]*\}")     # {name}, {value:.1f}; plotly's %{x} too


def rendered(text: str) -> str:
    """The message with every name placeholder as a name beginning with a vowel and anything else (a number, a
    date, an amount, a plotly hover field) as 12."""
    return PLACEHOLDER.sub(lambda m: NAME_SAMPLE if not m.group(1) and m.group(2) in NAME_PLACEHOLDERS else "12",
                           text)


def test_the_scanner_finds_what_french_elides_and_nothing_else():
    assert unelided("Tableau de bord de IPMD") == ["de IPMD"]
    assert unelided("que Italie et le échéancier, la Organisation") == ["que Italie", "le échéancier", "la Organisation"]
    assert unelided("Tableau de bord de l'IPMD, le HCR, de Herfindahl, le onze, de 2015") == []
    assert unelided("modèle et vérifier, sur le web") == []          # "le" inside a word is no article
    assert rendered("Financement de {id} en {year}") == "Financement de Italie en 12"
    assert unelided(rendered("Promesses de {donor}, de {value:.1f}")) == ["de Italie"]


def test_french_messages_as_written_elide():
    found = {key: unelided(text) for key, text in french_messages().items() if unelided(text)}
    assert not found, found


def test_french_messages_rendered_with_a_name_beginning_with_a_vowel_elide():
    found = {}
    for key, text in french_messages().items():
        sample = rendered(text)
        if unelided(sample):
            found[key] = unelided(sample)
    assert not found, found
