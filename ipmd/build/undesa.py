"""UN DESA International Migrant Stock workbooks: official tables turned into tidy frames.

A sheet looks like: a title block, a row of block labels ("..., both sexes combined", "..., males",
"..., females"), the header row (index, name, notes, data type, location code, 1990 ... 2024 repeated per
block), then one row per region, group, country or area, in the UN's order (regions are followed by their
subregions, subregions by their countries). Values ".." (not available) become missing, never 0.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from ipmd.build.sources import FILES, SourceError, read_csv, read_workbook

NAME_COL = "Region, development group, country or area"
YEARS_2024 = (1990, 1995, 2000, 2005, 2010, 2015, 2020, 2024)
WORLD_M49 = 900
MORE_DEVELOPED_M49 = 901      # first development group: ends the SDG regions block
UNKNOWN_ORIGIN_M49 = 2003     # origin workbook: "Others" (origin unknown)
SMALL_WORDS = {"and", "the", "of"}

# sheet -> the sex blocks it must hold, in order
DEST_SHEETS = {"Table 1": ("total", "male", "female"), "Table 2": ("total", "male", "female"),
               "Table 3": ("total", "male", "female"), "Table 4": ("total",)}
ORIGIN_SHEETS = {"Table 1": ("total", "male", "female"), "Table 2": ("total",)}


@dataclass
class Workbook:
    rows: pd.DataFrame               # row_index, name, m49 (from Table 1), in sheet order
    tables: dict[str, pd.DataFrame]  # sheet -> long frame: row_index, m49, year, sex, value
    raw: dict[str, pd.DataFrame] = field(default_factory=dict)   # every sheet read, unparsed (header=None)


def clean_name(name: str) -> str:
    """UN names carry '*' footnote marks."""
    return str(name).replace("*", "").strip()


def title_region(name: str) -> str:
    """'LATIN AMERICA AND THE CARIBBEAN' -> 'Latin America and the Caribbean'."""
    words = clean_name(name).lower().split()
    return " ".join(w if (i and w in SMALL_WORDS) else w.capitalize() for i, w in enumerate(words))


def _sex_of(label: str) -> str:
    text = str(label).lower()
    if "females" in text:
        return "female"
    if "males" in text:
        return "male"
    return "total"


def parse_sheet(raw: pd.DataFrame, file_name: str, sheet: str, sexes: tuple[str, ...],
                years: tuple[int, ...] = YEARS_2024) -> tuple[pd.DataFrame, pd.DataFrame]:
    """One raw sheet -> (rows: row_index, name, code_cell; long: row_index, year, sex, value)."""
    where = f"{file_name} (sheet {sheet})"
    hdr = next((i for i in range(min(25, len(raw))) if str(raw.iat[i, 1]).strip() == NAME_COL), None)
    if hdr is None:
        raise SourceError(f"{where}: column '{NAME_COL}' not found in the header rows")
    header = list(raw.iloc[hdr])
    labels = raw.iloc[hdr - 3] if hdr >= 3 else pd.Series([None] * len(header))
    code_col = next((j for j, h in enumerate(header) if str(h).strip() == "Location code"), None)

    blocks: list[tuple[str, dict[int, int]]] = []   # (sex, {year: column})
    current_label = None
    for j, h in enumerate(header):
        if isinstance(labels.iloc[j], str) and labels.iloc[j].strip():
            current_label = labels.iloc[j]
        try:
            year = int(float(h))
        except (TypeError, ValueError):
            continue
        if not 1950 <= year <= 2100:
            continue
        sex = _sex_of(current_label) if len(sexes) > 1 else "total"
        if not blocks or blocks[-1][0] != sex or year in blocks[-1][1]:
            blocks.append((sex, {}))
        blocks[-1][1][year] = j
    found = [b[0] for b in blocks]
    if tuple(found) != sexes:
        raise SourceError(f"{where}: expected blocks {list(sexes)} of year columns, found {found}")
    for sex, cols in blocks:
        for year in years:
            if year not in cols:
                raise SourceError(f"{where}: column '{year}' ({sex}) is missing")

    body = raw.iloc[hdr + 1:]
    index = pd.to_numeric(body.iloc[:, 0], errors="coerce")
    body = body[index.notna()]
    if body.empty:
        raise SourceError(f"{where}: no data rows below the header; the file looks truncated")
    rows = pd.DataFrame({
        "row_index": pd.to_numeric(body.iloc[:, 0]).astype(int).to_numpy(),
        "name": body.iloc[:, 1].map(clean_name).to_numpy(),
        "code_cell": (pd.to_numeric(body.iloc[:, code_col], errors="coerce").to_numpy()
                      if code_col is not None else None),
    })
    parts = []
    for sex, cols in blocks:
        for year in years:
            parts.append(pd.DataFrame({
                "row_index": rows["row_index"].to_numpy(), "year": year, "sex": sex,
                "value": pd.to_numeric(body.iloc[:, cols[year]], errors="coerce").to_numpy(),
            }))
    long = pd.concat(parts, ignore_index=True)
    return rows, long[long["value"].notna()].reset_index(drop=True)


def _read(sources_dir: Path, source_id: str, sheets: dict[str, tuple[str, ...]]) -> Workbook:
    file_name = FILES[source_id].file_name
    raw = read_workbook(sources_dir, source_id)
    first_rows, tables = None, {}
    for sheet, sexes in sheets.items():
        rows, long = parse_sheet(raw[sheet], file_name, sheet, sexes)
        if first_rows is None:
            if rows["code_cell"] is None or rows["code_cell"].isna().any():
                raise SourceError(f"{file_name} (sheet {sheet}): column 'Location code' has empty cells")
            first_rows = rows.assign(m49=rows["code_cell"].astype(int)).drop(columns="code_cell")
            if len(first_rows) < 280:
                raise SourceError(f"{file_name} (sheet {sheet}): {len(first_rows)} rows, expected at least 280; "
                                  f"the file looks truncated")
        # Later tables may lack the location code: align on the row index and check the names agree.
        merged = rows.merge(first_rows, on="row_index", how="left", suffixes=("", "_t1"))
        bad = merged[merged["name"] != merged["name_t1"]]
        if len(bad):
            r = bad.iloc[0]
            raise SourceError(f"{file_name} (sheet {sheet}): row {r.row_index} is '{r['name']}' but "
                              f"'{r.name_t1}' in the first table; rows do not line up")
        tables[sheet] = long.merge(first_rows[["row_index", "m49"]], on="row_index")
    return Workbook(rows=first_rows, tables=tables, raw=raw)


def read_destination(sources_dir: Path) -> Workbook:
    return _read(sources_dir, "undesa_ims_2024_destination", DEST_SHEETS)


def read_origin(sources_dir: Path) -> Workbook:
    return _read(sources_dir, "undesa_ims_2024_origin", ORIGIN_SHEETS)


def read_2020_totals(sources_dir: Path) -> pd.DataFrame:
    """2020 edition, tidy file: m49, name, year, sex, value (migrant stock); code 927 listed twice, kept once."""
    df = read_csv(sources_dir, "undesa_ims_2020_destination")
    out = pd.DataFrame({
        "m49": df["location_code"].astype(int), "name": df["location"].map(clean_name),
        "year": df["year"].astype(int), "sex": df["sex"].map({"both": "total", "male": "male", "female": "female"}),
        "value": pd.to_numeric(df["migrant_stock"], errors="coerce"),
    })
    if out["sex"].isna().any():
        raise SourceError(f"{FILES['undesa_ims_2020_destination'].file_name}: column 'sex' holds values other "
                          f"than both/male/female")
    return out.dropna(subset=["value"]).drop_duplicates(["m49", "year", "sex"]).reset_index(drop=True)


def classify_rows(rows: pd.DataFrame) -> pd.DataFrame:
    """Kind, UN region and subregion of every row, read from the order of the sheet.

    After World come the SDG regions, then (from 'More developed regions', M49 901) the development and
    income groups, then the geographic regions (names in capitals), each followed by its subregions and
    their countries. Codes below 900 are countries or areas; everything else is an aggregate.
    """
    out, state, region, subregion = [], "start", None, None
    for r in rows.itertuples(index=False):
        kind, reg, sub = None, None, None
        if r.m49 == WORLD_M49:
            kind, state = "world", "sdg"
        elif r.m49 == UNKNOWN_ORIGIN_M49:
            kind = "un_other"
        elif r.m49 < 900:
            if region is None:
                raise SourceError(f"country row '{r.name}' ({r.m49}) comes before any geographic region")
            kind, reg, sub = "country", region, subregion or region
        elif r.m49 == MORE_DEVELOPED_M49 or state == "dev" and not r.name.isupper():
            kind, state = "un_development_group", "dev"
        elif r.name.isupper():
            kind, state, region, subregion = "un_region", "geo", title_region(r.name), None
        elif state == "sdg":
            kind = "un_sdg_region"
        elif state == "geo":
            kind, subregion = "un_subregion", r.name
            reg = region
        else:
            raise SourceError(f"cannot classify row '{r.name}' ({r.m49})")
        out.append((r.row_index, r.name, r.m49, kind, reg, sub))
    return pd.DataFrame(out, columns=["row_index", "name", "m49", "kind", "un_region", "un_subregion"])


# ---------------------------------------------------------------------------------------------------------------
# Issue 19: how each country's stock is counted, the annual rate of change (2024), refugees in the stock (2020).

PERIOD = re.compile(r"^\s*(\d{4})\s*-\s*(\d{4})\s*$")
DATA_TYPE_CODES = {"B", "C", "I", "R"}


def _header(raw: pd.DataFrame, where: str) -> int:
    hdr = next((i for i in range(min(25, len(raw))) if str(raw.iat[i, 1]).strip() == NAME_COL), None)
    if hdr is None:
        raise SourceError(f"{where}: column '{NAME_COL}' not found in the header rows")
    return hdr


def _column(raw: pd.DataFrame, hdr: int, names: tuple[str, ...], where: str) -> int:
    header = [str(h).strip() for h in raw.iloc[hdr]]
    for name in names:
        if name in header:
            return header.index(name)
    raise SourceError(f"{where}: column '{names[0]}' is missing")


def _body(raw: pd.DataFrame, hdr: int, where: str) -> pd.DataFrame:
    body = raw.iloc[hdr + 1:]
    body = body[pd.to_numeric(body.iloc[:, 0], errors="coerce").notna()]
    if body.empty:
        raise SourceError(f"{where}: no data rows below the header; the file looks truncated")
    return body


def blocks(raw: pd.DataFrame, where: str) -> list[tuple[str, dict]]:
    """The labelled blocks of value columns of a sheet: (label, {year or (first, last) period: column}).
    A block starts where the label row (three rows above the header) has a text."""
    hdr = _header(raw, where)
    labels = raw.iloc[hdr - 3] if hdr >= 3 else pd.Series([None] * raw.shape[1])
    out: list[tuple[str, dict]] = []
    for j, h in enumerate(raw.iloc[hdr]):
        label = labels.iloc[j]
        if isinstance(label, str) and label.strip():
            out.append((label.strip(), {}))
        period = PERIOD.match(str(h))
        try:
            key = (int(period.group(1)), int(period.group(2))) if period else int(float(h))
        except (TypeError, ValueError):
            continue
        if isinstance(key, int) and not 1950 <= key <= 2100:
            continue
        if not out:
            raise SourceError(f"{where}: value column '{h}' comes before any block label")
        out[-1][1][key] = j
    return out


def _block(found: list[tuple[str, dict]], words: tuple[str, ...], where: str) -> dict:
    """The one block whose label holds all `words` (case-insensitive)."""
    match = [cols for label, cols in found if all(w in label.lower() for w in words)]
    if len(match) != 1:
        raise SourceError(f"{where}: expected one block of columns labelled with {list(words)}, found {len(match)} "
                          f"(labels: {[label for label, _ in found]})")
    return match[0]


def _long(body: pd.DataFrame, code_col: int, cols: dict, **fixed) -> pd.DataFrame:
    parts = []
    for key, j in cols.items():
        year = key[1] if isinstance(key, tuple) else key
        parts.append(pd.DataFrame({
            "m49": pd.to_numeric(body.iloc[:, code_col], errors="coerce").to_numpy(), "year": year,
            "value": pd.to_numeric(body.iloc[:, j], errors="coerce").to_numpy(), **fixed}))
    long = pd.concat(parts, ignore_index=True)
    long = long[long["m49"].notna() & long["value"].notna()]
    return long.assign(m49=long["m49"].astype(int)).drop_duplicates(["m49", "year", *fixed]).reset_index(drop=True)


def rate_of_change(dest: Workbook) -> pd.DataFrame:
    """IMS 2024 Table 5: annual rate of change of the migrant stock (% per year) by sex over each period
    (1990-1995 ... 2020-2024): m49, year (the period's last year), sex, value, period ('2020-2024')."""
    file_name = FILES["undesa_ims_2024_destination"].file_name
    where = f"{file_name} (sheet Table 5)"
    raw = dest.raw["Table 5"]
    hdr = _header(raw, where)
    code_col = _column(raw, hdr, ("Location code",), where)
    body = _body(raw, hdr, where)
    found = blocks(raw, where)
    parts = []
    for sex, words in (("total", ("both sexes",)), ("male", (", males",)), ("female", ("females",))):
        cols = _block(found, ("annual rate of change",) + words, where)
        if (2020, 2024) not in cols or (1990, 1995) not in cols:
            raise SourceError(f"{where}: column '2020-2024' or '1990-1995' ({sex}) is missing")
        periods = {k: f"{k[0]}-{k[1]}" for k in cols}
        long = _long(body, code_col, cols, sex=sex)
        parts.append(long.assign(period=long["year"].map({k[1]: v for k, v in periods.items()})))
    return pd.concat(parts, ignore_index=True)


def read_2020_refugees(sources_dir: Path) -> pd.DataFrame:
    """IMS 2020 Table 6 (official workbook): refugees and asylum-seekers within the migrant stock, number and % of
    the stock, 1990-2020, both sexes: m49, year, measure ('number'|'pct_of_stock'), value. '~' and '..' are
    missing."""
    source_id = "undesa_ims_2020_destination_workbook"
    file_name = FILES[source_id].file_name
    raw = read_workbook(sources_dir, source_id)["Table 6"]
    where = f"{file_name} (sheet Table 6)"
    hdr = _header(raw, where)
    code_col = _column(raw, hdr, ("Location code",), where)
    body = _body(raw, hdr, where)
    if len(body) < 280:
        raise SourceError(f"{where}: {len(body)} rows, expected at least 280; the file looks truncated")
    found = blocks(raw, where)
    number = _block([(lbl, c) for lbl, c in found if "percentage" not in lbl.lower()
                     and "rate of change" not in lbl.lower()], ("refugee",), where)
    pct = _block(found, ("refugee", "percentage"), where)
    for name, cols in (("number", number), ("percentage", pct)):
        if 2020 not in cols or 1990 not in cols:
            raise SourceError(f"{where}: column '2020' or '1990' ({name}) is missing")
    return pd.concat([_long(body, code_col, number, measure="number"),
                      _long(body, code_col, pct, measure="pct_of_stock")], ignore_index=True)


def _repair(text: str) -> str:
    """The 2024 notes sheet spells 'Réunion' as 'RÃ©union' (UTF-8 read as cp1252): undo that where it applies."""
    if "Ã" not in text:
        return text
    try:
        return text.encode("cp1252").decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return text


def counting_methods(dest: Workbook) -> pd.DataFrame:
    """How each row's migrant stock is counted, from IMS 2024 Table 1's 'Data type' column (B: foreign-born,
    C: foreign citizens, I: imputed, no data; R: refugees and asylum-seekers added, from UNHCR/UNRWA) and its
    'Coverage' note (number into the 'Migrant notes' sheet): m49, data_type, by_birth, by_citizenship, is_imputed,
    refugees_added, coverage_note. Rows with an empty data type (regions) are left out."""
    file_name = FILES["undesa_ims_2024_destination"].file_name
    where = f"{file_name} (sheet Table 1)"
    raw = dest.raw["Table 1"]
    hdr = _header(raw, where)
    type_col = _column(raw, hdr, ("Data type", "Type of data"), where)
    code_col = _column(raw, hdr, ("Location code",), where)
    note_col = _column(raw, hdr, ("Coverage", "Notes"), where)
    body = _body(raw, hdr, where)
    notes = migrant_notes(dest.raw["Migrant notes"])
    out = []
    for code, dtype, note in zip(body.iloc[:, code_col], body.iloc[:, type_col], body.iloc[:, note_col]):
        if not isinstance(dtype, str) or not dtype.strip():
            continue
        tokens = dtype.split()
        if not tokens or set(tokens) - DATA_TYPE_CODES:
            raise SourceError(f"{where}: column 'Data type' holds '{dtype}', expected codes B, C, I, R")
        number = pd.to_numeric(note, errors="coerce")
        text = None
        if pd.notna(number):
            text = notes.get(int(number))
            if text is None:
                raise SourceError(f"{file_name} (sheet Migrant notes): note {int(number)} is missing")
        out.append({"m49": int(code), "data_type": " ".join(tokens), "by_birth": "B" in tokens,
                    "by_citizenship": "C" in tokens, "is_imputed": "I" in tokens, "refugees_added": "R" in tokens,
                    "coverage_note": text})
    return pd.DataFrame(out)


def migrant_notes(raw: pd.DataFrame) -> dict[int, str]:
    """The numbered country notes of the 'Migrant notes' sheet: number -> text."""
    notes = {}
    for row in raw.itertuples(index=False):
        cells = [c for c in row if not (isinstance(c, float) and pd.isna(c)) and c is not None]
        if len(cells) >= 2 and isinstance(cells[-1], str):
            number = pd.to_numeric(cells[-2], errors="coerce")
            if pd.notna(number) and float(number).is_integer():
                notes[int(number)] = _repair(" ".join(cells[-1].split()))
    return notes
