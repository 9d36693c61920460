"""AppTest of the profile and overview on the committed database: the official figures they show (UN DESA 2024),
a country's corridors and its CSV of every figure with its sources. Other page behaviour: tests/app/test_app.py."""
import io
import json

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

import apptest_pages
from ipmd import db, queries
from ipmd.i18n import fmt_compact, fmt_pct


def open_page(page: str, **params) -> AppTest:
    return apptest_pages.open_page(page, timeout=60, **params)


texts = apptest_pages.visible_texts


def test_philippines_profile_shows_official_2024_figures():
    con = db.connect()
    obs = queries.country_observations(con, "PHL")
    official = obs[(obs.indicator_id == "emigrant_stock") & (obs.year == 2024) & (obs.sex == "total")
                   & obs.is_default_source].value.iloc[0]
    immigrants = obs[(obs.indicator_id == "immigrant_stock") & (obs.year == 2024) & (obs.sex == "total")
                     & obs.is_default_source].value.iloc[0]
    at = open_page("pages/country.py", country="PHL")
    assert not at.exception
    shown = texts(at)
    assert "Philippines" in shown
    assert fmt_compact(official, "en") in shown
    assert fmt_compact(immigrants, "en") in shown
    assert "UN DESA" in shown and "2024" in shown



def test_world_kpis_match_un_desa():
    at = open_page("pages/overview.py")
    shown = texts(at)
    assert fmt_compact(304_021_813, "en") in shown      # 304.0 million
    assert fmt_pct(48.03, "en") in shown                # 48.0%



def _corridor_partners(at: AppTest) -> list[str]:
    """The country names on the corridor bar chart."""
    [bars] = [c for c in at.get("plotly_chart") if c.proto.id and "profile_corridor_bars" in c.proto.id]
    return json.loads(bars.proto.spec)["data"][0]["y"]



def test_corridors_show_destinations_then_origins_from_the_link():
    con = db.connect()
    where_emigrants_live = queries.top_destinations(con, "PHL", 2024)["partner_iso3"].tolist()
    where_immigrants_come_from = queries.top_origins(con, "PHL", 2024)["partner_iso3"].tolist()
    names = queries.named_countries(con, "en").set_index("iso3")["name"]

    at = open_page("pages/country.py", country="PHL")
    assert set(_corridor_partners(at)) == {names[c] for c in where_emigrants_live}
    assert "United States" in " ".join(_corridor_partners(at))

    at = open_page("pages/country.py", country="PHL", corridors="origins")
    assert not at.exception
    assert set(_corridor_partners(at)) == {names[c] for c in where_immigrants_come_from}
    assert at.query_params.get("corridors") in ("origins", ["origins"])



def test_profile_csv_holds_every_figure_of_the_country_with_its_sources(deferred_downloads):
    at = open_page("pages/country.py", country="KEN")
    assert not at.exception
    text = deferred_downloads["ipmd_profile_KEN.csv"]().decode("utf-8-sig")
    notes = [line for line in text.splitlines() if line.startswith("# ")]
    assert any("Kenya" in line for line in notes)
    assert any("UN DESA" in line for line in notes) and any("World Bank" in line for line in notes)
    table = pd.read_csv(io.StringIO(text), comment="#")
    con = db.connect()
    expected = queries.country_observations(con, "KEN")
    figures = table[table["partner_iso3"].isna()]
    assert len(figures) == len(expected) > 100
    assert set(table["iso3"]) == {"KEN"}
    assert figures["value"].sum() == pytest.approx(expected["value"].sum(), rel=1e-9)
    # the corridors too: emigrants by destination and immigrants by origin, every estimate year and sex
    corridors = table[table["partner_iso3"].notna()]
    out, into = con.execute("""SELECT count(*) FILTER (WHERE origin_iso3 = 'KEN'), count(*) FILTER (WHERE dest_iso3 = 'KEN')
                               FROM bilateral_stock""").fetchone()
    assert corridors["indicator_id"].value_counts().to_dict() == {"emigrants_by_destination": out,
                                                                  "immigrants_by_origin": into}
    uganda = corridors[(corridors.partner_iso3 == "UGA") & (corridors.indicator_id == "immigrants_by_origin")
                       & (corridors.year == 2024) & (corridors.sex == "total")]
    assert uganda["value"].iloc[0] == con.execute("""SELECT stock FROM bilateral_stock WHERE origin_iso3 = 'UGA'
        AND dest_iso3 = 'KEN' AND year = 2024 AND sex = 'total'""").fetchone()[0]
    # rounded as published: whole people and dollars, percentages to 3 decimals
    people = table[table["unit"].isin(["persons", "US$"])]["value"]
    assert (people == people.round()).all()
    shares = table[table["unit"] == "%"]["value"]
    assert (shares == shares.round(3)).all() and len(shares)
