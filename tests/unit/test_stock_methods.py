"""The counting method of a country (issue 19): UN DESA's data type read from a sheet, and the words it takes."""
import pandas as pd
import pytest

from ipmd.build import undesa
from ipmd.build.provenance import table_sources
from ipmd.build.sources import SourceError
from ipmd.profiles.methods import basis, method_counts, method_key

NAME = undesa.NAME_COL


def sheet(rows: list[list]) -> pd.DataFrame:
    """A Table 1 look-alike: title rows, a label row three above the header, the header, then data rows."""
    width = 7
    top = [[None] * width for _ in range(7)]
    top[4][5] = "International migrant stock at mid-year, both sexes combined"
    header = [None, NAME, "Coverage", "Data type", "Location code", 1990, 2024]
    return pd.DataFrame(top + [header] + rows)


# 'RÃ©union': as the 2024 sheet spells it
NOTES = pd.DataFrame([[None, "Notes"], [None, None], [1, "Including persons born in  RÃ©union."]])


def workbook(rows):
    return undesa.Workbook(rows=pd.DataFrame(), tables={}, raw={"Table 1": sheet(rows), "Migrant notes": NOTES})


def test_data_type_codes_become_flags_and_notes_their_text():
    methods = undesa.counting_methods(workbook([
        [1, "World", None, None, 900, 1, 2],
        [2, "Morocco", None, "C R", 504, 1, 2],
        [3, "France*", 1, "B R", 250, 1, 2],
        [4, "Benin", None, "C  B R", 204, 1, 2],
        [5, "Somalia", None, "I R", 706, 1, 2],
    ])).set_index("m49")
    assert list(methods.index) == [504, 250, 204, 706]           # regions (no data type) are left out
    assert methods.loc[504, ["by_birth", "by_citizenship", "is_imputed", "refugees_added"]].tolist() == \
        [False, True, False, True]
    assert methods.loc[204, "data_type"] == "C B R"
    assert methods.loc[250, "coverage_note"] == "Including persons born in Réunion."   # mojibake undone
    assert pd.isna(methods.loc[504, "coverage_note"])


def test_an_unknown_data_type_or_note_stops_the_build_naming_file_sheet_and_column():
    with pytest.raises(SourceError, match=r"sheet Table 1\).*'Data type'.*'X'"):
        undesa.counting_methods(workbook([[1, "Morocco", None, "X", 504, 1, 2]]))
    with pytest.raises(SourceError, match="Migrant notes.*note 7"):
        undesa.counting_methods(workbook([[1, "France", 7, "B", 250, 1, 2]]))


@pytest.mark.parametrize(("flags", "expected"), [
    ((True, False, False, False), "profile.stock_method.birth"),
    ((False, True, False, True), "profile.stock_method.citizenship_refugees"),
    ((True, True, False, True), "profile.stock_method.birth_and_citizenship_refugees"),
    ((False, False, True, False), "profile.stock_method.imputed"),
])
def test_the_profile_line_follows_the_flags(flags, expected):
    method = dict(zip(("by_birth", "by_citizenship", "is_imputed", "refugees_added"), flags))
    assert method_key(method) == expected
    assert basis(method) == expected.split(".")[-1].removesuffix("_refugees")


def test_counts_split_every_country_once():
    frame = pd.DataFrame({"by_birth": [True, True, False, True, False],
                          "by_citizenship": [False, False, True, True, False],
                          "is_imputed": [False, False, False, False, True],
                          "refugees_added": [True, False, True, True, True]})
    counts = method_counts(frame)
    assert counts == {"total": 5, "birth": 2, "citizenship": 2, "mixed": 1, "imputed": 1, "refugees": 4}
    assert counts["birth"] + counts["citizenship"] + counts["imputed"] == counts["total"]


def test_every_ledger_table_and_every_source_of_a_per_row_table_gets_a_provenance_row():
    tables = {"observations": pd.DataFrame({"source_id": ["a", "b", "a"]}), "donors": pd.DataFrame()}
    rows = table_sources(tables, {"donors"})
    assert set(rows.loc[rows["table_name"] == "observations", "source_id"]) == {"a", "b"}
    assert rows.loc[rows["table_name"] == "donors", "source_id"].tolist() == ["illustrative_portfolio"]
    assert rows["how"].notna().all()
