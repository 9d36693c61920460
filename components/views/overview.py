"""The overview's sections: the world map with its indicator, summary, data and downloads (a fragment)."""
from __future__ import annotations

import streamlit as st

from components import maps
from components.data import load, version
from components.downloads import map_downloads
from components.figure_cache import figure
from components.figures import years_map
from components.labels import country_frame, format_value, unit_of, value_labels
from components.provenance import illustrative_notice, source_label
from components.state import lang, tr, url_selectbox
from components.tables import data_table
from components.text import markdown
from ipmd import gis
from ipmd.i18n import plural
from ipmd.fund import summary as fund_summary
from ipmd.profiles import compare, overview
from ipmd.ticks import indicator_unit


@st.fragment
def map_section(chosen_year: int) -> None:
    """The world map of one indicator (?indicator=): its picker, the map (a year slider and play button for a source
    that publishes several years, drawn by the browser), its summary, data and downloads. A fragment: picking an
    indicator reruns this section only, not the key figures above it; a click on a country opens its profile."""
    st.subheader(tr("overview.map.title"))
    indicator, _ = url_selectbox(tr("overview.map.indicator"), overview.MAP_INDICATORS, key="indicator",
                                 default=overview.MAP_INDICATORS[0], format_func=lambda i: tr(f"indicator.{i}"))
    values = load(overview.map_values, indicator, chosen_year)
    names = country_frame(lang())
    values = values.merge(names[["iso3", "name"]], on="iso3")
    fig = _map_figure(indicator, chosen_year, lang(), version())
    event = maps.show_map(fig, key="overview_map", clickable=True,
                          alt=tr("overview.map.alt", indicator=tr(f"indicator.{indicator}"), year=chosen_year),
                          title=tr("charts_w1.by_country_year", indicator=tr(f"indicator.{indicator}"), year=chosen_year),
                          sources=tuple(values["source_id"].unique()),
                          illustrative=fund_summary.ILLUSTRATIVE_SOURCE in set(values["source_id"]))
    clicked = maps.clicked_iso3(event)
    if clicked:
        st.switch_page("pages/country.py", query_params={"country": clicked, "lang": lang()})
    st.caption(tr("overview.map.click_hint"))
    if indicator != overview.LEDGER_INDICATOR:
        st.caption(tr("compare.map.year_help"))
    if indicator == overview.LEDGER_INDICATOR:
        illustrative_notice(True)
    if not values.empty:
        top = values.nlargest(5, "value")
        unit = unit_of(indicator)
        markdown(tr("overview.map.summary", indicator=tr(f"indicator.{indicator}"), year=chosen_year,
                    countries=plural("figures.count.countries_areas", len(values), lang()),
                    top=", ".join(f"{r.name} ({format_value(r.value, unit)})" for r in top.itertuples())))
    data_table(lambda: values.sort_values("value", ascending=False)[["name", "iso3", "value", "year", "source_id"]],
               "overview", file_name=f"ipmd_{indicator}_{chosen_year}.csv",
               sources_note="\n".join(source_label(s) for s in values["source_id"].unique()))
    if not values.empty:
        map_downloads(lambda con, language: gis.indicator_layer(con, indicator, chosen_year, language),
                      f"ipmd_map_{indicator}_{chosen_year}", key="overview_map", layer_name=indicator)


@st.cache_resource(show_spinner=False, max_entries=200)
def _map_figure(indicator: str, chosen_year: int, language: str, data_version: str):
    """The map of `indicator` opened at `chosen_year`, in `language`: built (its hover labels for every country and
    year included, ~2,000-11,000 values) once per indicator, year, language and database, not on every rerun of the
    overview (the sidebar's year and language rerun the page; issue 18). `language` and `data_version` are the key:
    figure_cache reads the same from the session."""
    names = country_frame(language)
    log_scale, diverging = indicator in overview.MAP_LOG_SCALE, indicator in overview.MAP_DIVERGING
    colorbar_title = tr(f"indicator.{indicator}.short")
    tick_unit = indicator_unit(unit_of(indicator))
    if indicator == overview.LEDGER_INDICATOR:
        values = load(overview.map_values, indicator, chosen_year).merge(names[["iso3", "name"]], on="iso3")
        return figure(maps.world_choropleth, values.assign(label=value_labels(indicator, values)), names,
                      colorbar_title=colorbar_title, log_scale=log_scale, diverging=diverging, unit=tick_unit,
                      lang=language)
    # every year the source publishes, as frames: the map's slider and play button step through them
    years = load(compare.values_by_year, indicator)
    shown_year = max((y for y in years["map_year"].unique() if y <= chosen_year), default=years["map_year"].min())
    return figure(years_map.stepping_map, years[["map_year", "iso3", "value"]].assign(
        label=value_labels(indicator, years)), names, int(shown_year), colorbar_title=colorbar_title,
        log_scale=log_scale, diverging=diverging, unit=tick_unit, lang=language,
        words={"year": tr("screens19.label_prefix", label=tr("compare.map.year")), "play": tr("compare.map.play"),
               "pause": tr("compare.map.pause")})
