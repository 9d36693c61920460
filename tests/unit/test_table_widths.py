"""components.tables.fitted_columns: every text and number column gets a width its longest content fits in."""
import pandas as pd
import streamlit as st

from components import tables


def test_a_long_value_further_down_widens_its_text_column():
    frame = pd.DataFrame({"region": ["Asia", "Africa", "Europe", "Latin America and the Caribbean"]})
    widths = tables.fitted_columns(frame)
    # the longest value decides, not the first rows: wider than the text of "Latin America and t" (cut before)
    assert widths["region"]["width"] >= tables.text_px("Latin America and the Caribbean") + tables.CELL_PAD_PX
    assert widths["region"]["width"] > tables.text_px("Latin America and t") + tables.CELL_PAD_PX


def test_a_long_header_widens_a_short_column():
    frame = pd.DataFrame({"partner_id": ["IOM", "ILO"], "n": [3, 12]})
    config = {"partner_id": st.column_config.TextColumn("Disbursed here by partner"),
              "n": st.column_config.NumberColumn("Countries funded", format="%d")}
    widths = tables.fitted_columns(frame, config)
    assert widths["partner_id"]["width"] >= tables.text_px("Disbursed here by partner") + tables.CELL_PAD_PX
    assert widths["n"]["width"] >= tables.text_px("Countries funded") + tables.CELL_PAD_PX
    assert widths["partner_id"]["label"] == "Disbursed here by partner"        # the rest of the config is kept


def test_number_columns_stay_narrow_but_fit_their_largest_amount():
    frame = pd.DataFrame({"approved": [1.0, 28_118_560.0], "year": [2015, 2024]})
    widths = tables.fitted_columns(frame, {"approved": st.column_config.NumberColumn("A", format="US$%'',d")})
    # "US$28,118,560": 13 characters at most WIDE_PX each
    assert widths["approved"]["width"] >= len("US$28,118,560") * tables.NARROW_PX + tables.CELL_PAD_PX
    assert widths["approved"]["width"] <= tables.MAX_NUMBER_PX
    assert widths["year"]["width"] < widths["approved"]["width"]


def test_a_very_long_text_is_capped_and_given_widths_hidden_columns_and_the_input_are_kept():
    frame = pd.DataFrame({"title": ["x" * 400], "kept": ["a"], "hidden": ["b"], "when": pd.to_datetime(["2024-01-01"])})
    config = {"kept": st.column_config.TextColumn("Kept", width="large"), "hidden": None}
    widths = tables.fitted_columns(frame, config)
    assert widths["title"]["width"] == tables.MAX_TEXT_PX
    assert widths["kept"]["width"] == "large"
    assert widths["hidden"] is None
    assert "when" not in widths                     # dates keep Streamlit's own width
    assert config["kept"]["width"] == "large" and "width" not in config.get("title", {})


def test_empty_and_missing_values_do_not_break_the_widths():
    frame = pd.DataFrame({"name": [None, float("nan"), "Tonga"], "value": [float("nan")] * 3})
    widths = tables.fitted_columns(frame)
    assert widths["name"]["width"] >= tables.MIN_PX
    assert tables.MIN_PX <= widths["value"]["width"] <= tables.MAX_NUMBER_PX
    assert tables.fitted_columns(pd.DataFrame())  == {}


def test_source_text_columns_say_they_are_in_the_sources_language_on_other_pages(monkeypatch):
    """Project, donor and GFMD titles are held in English only: on French and Spanish pages their header says so."""
    from ipmd.i18n import t
    monkeypatch.setattr(tables, "tr", lambda key, **values: t(key, "fr", **values))
    config = {"title": st.column_config.TextColumn("Titre"), "status": st.column_config.TextColumn("Statut")}
    marked = tables.source_text_columns(config, ["title", "partner"], "fr")
    assert marked["title"]["help"] == t("screens17.source_text.help", "fr") and marked["title"]["label"] == "Titre"
    assert marked["partner"]["help"] == t("screens17.source_text.help", "fr")
    assert marked["status"]["help"] is None and config["title"]["help"] is None     # others and the input unchanged
    assert tables.source_text_columns(config, ["title"], "en") == config
