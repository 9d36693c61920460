"""Check the message catalogues: every key of every English area file must exist, with the same
{placeholders}, in the French and Spanish file of the same area, and the other way round.

    python tools/i18n_check.py            # report; exit status 1 when anything is out of step
    python tools/i18n_check.py --show     # also print the English text of each missing key (to translate)
    python tools/i18n_check.py --same     # also list texts identical to English (maybe left untranslated)
    python tools/i18n_check.py --snapshot # after translating: record the English texts the translations follow

With a snapshot (tools/i18n_en_snapshot.json), keys whose English text changed since are listed as
'stale': their French and Spanish need a look even though the keys match.

Areas are the files ipmd/locales/<lang>/<area>.json. A key in the wrong area file of a language is
reported as missing in one area and extra in the other, so the files stay parallel.
"""
from __future__ import annotations

import json
import string
import sys
from pathlib import Path

LOCALES = Path(__file__).resolve().parent.parent / "ipmd" / "locales"
REFERENCE = "en"
TRANSLATIONS = ("fr", "es")
SNAPSHOT = Path(__file__).resolve().parent / "i18n_en_snapshot.json"


def placeholders(text: str) -> set[str]:
    """The str.format field names of a message ('{value} million' -> {'value'})."""
    return {field for _, field, _, _ in string.Formatter().parse(text) if field is not None}


def load_area(lang: str, area: str) -> dict[str, str]:
    path = LOCALES / lang / f"{area}.json"
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}


def areas(lang: str) -> set[str]:
    return {path.stem for path in (LOCALES / lang).glob("*.json")}


def problems(languages=TRANSLATIONS) -> list[str]:
    """Every difference between the English catalogue and the translations, one line each."""
    out: list[str] = []
    for lang in languages:
        for area in sorted(areas(REFERENCE) | areas(lang)):
            en, other = load_area(REFERENCE, area), load_area(lang, area)
            if area not in areas(lang):
                out.append(f"{lang}/{area}.json: file missing ({len(en)} keys to translate)")
                continue
            if area not in areas(REFERENCE):
                out.append(f"{lang}/{area}.json: no English file {REFERENCE}/{area}.json")
            for key in en.keys() - other.keys():
                out.append(f"{lang}/{area}.json: missing key {key}")
            for key in other.keys() - en.keys():
                out.append(f"{lang}/{area}.json: extra key {key}")
            for key in en.keys() & other.keys():
                if placeholders(en[key]) != placeholders(other[key]):
                    out.append(f"{lang}/{area}.json: placeholders of {key}: "
                               f"en {sorted(placeholders(en[key]))} vs {lang} {sorted(placeholders(other[key]))}")
                elif not str(other[key]).strip() and str(en[key]).strip():
                    out.append(f"{lang}/{area}.json: empty text for {key}")
    return sorted(out)


def english() -> dict[str, str]:
    return {key: text for area in sorted(areas(REFERENCE)) for key, text in load_area(REFERENCE, area).items()}


def stale() -> list[str]:
    """Keys whose English text changed since the snapshot taken when they were last translated."""
    if not SNAPSHOT.exists():
        return []
    before = json.loads(SNAPSHOT.read_text(encoding="utf-8"))
    return sorted(f"stale: English text of {key} changed since it was translated"
                  for key, text in english().items() if key in before and before[key] != text)


def main(argv: list[str]) -> int:
    if "--snapshot" in argv:
        SNAPSHOT.write_text(json.dumps(english(), ensure_ascii=False, indent=1, sort_keys=True) + "\n",
                            encoding="utf-8")
        print(f"wrote {SNAPSHOT.name}")
    for line in stale():
        print(line)
    found = problems()
    for line in found:
        print(line)
        if "--show" in argv and ": missing key " in line:
            lang_area, key = line.split(": missing key ")
            area = lang_area.split("/")[1].removesuffix(".json")
            print(f"    en: {load_area(REFERENCE, area)[key]!r}")
    if "--same" in argv:        # possibly untranslated: the same text as in English
        for lang in TRANSLATIONS:
            for area in sorted(areas(REFERENCE) & areas(lang)):
                en, other = load_area(REFERENCE, area), load_area(lang, area)
                for key in sorted(en.keys() & other.keys()):
                    if en[key] == other[key] and any(ch.isalpha() for ch in en[key]):
                        print(f"{lang}/{area}.json: same as English: {key} = {en[key]!r}")
    if not found:
        counts = {lang: sum(len(load_area(lang, a)) for a in areas(lang)) for lang in (REFERENCE, *TRANSLATIONS)}
        print("catalogues in step: " + ", ".join(f"{lang} {n} keys" for lang, n in counts.items()))
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
