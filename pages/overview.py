"""Overview: the world's migrants, remittances and the partnership's reach, on one map."""
import streamlit as st

from components.shell import require_app
from components import maps
from components.data import load
from components.downloads import map_downloads
from components.kpi import Kpi, kpi_row
from components.figure_cache import figure
from components.figures import years_map
from components.labels import country_frame, figure_note, format_value, unit_of, value_labels
from components.provenance import caption_sources, illustrative_notice, source_label
from components.sidebar import year
from components.state import lang, tr, url_selectbox
from components.tables import data_table
from components.text import markdown
from ipmd import gis
from ipmd.profiles import overview
from ipmd.fund import summary as fund_summary
from ipmd.profiles import compare
from ipmd.i18n import fmt_compact, fmt_date, fmt_number, fmt_pct, fmt_usd, plural

require_app()

chosen_year = year()
st.title(tr("overview.title"))
st.caption(tr("overview.intro"))
st.page_link("pages/compare.py", label=tr("compare.overview_link"), icon=":material/compare_arrows:",
             query_params={"lang": lang()})

# The key figures sit above the map but are computed after it: the map is sent to the browser first,
# which needs the longest to draw it (on a first visit, it also loads the charting library).
figures_box = st.container()

st.subheader(tr("overview.map.title"))
indicator, _ = url_selectbox(tr("overview.map.indicator"), overview.MAP_INDICATORS, key="indicator",
                             default=overview.MAP_INDICATORS[0], format_func=lambda i: tr(f"indicator.{i}"))
values = load(overview.map_values, indicator, chosen_year)
names = country_frame(lang())
values = values.merge(names[["iso3", "name"]], on="iso3")
log_scale, diverging = indicator in overview.MAP_LOG_SCALE, indicator in overview.MAP_DIVERGING
colorbar_title = tr(f"indicator.{indicator}.short")
if indicator == overview.LEDGER_INDICATOR:
    fig = figure(maps.world_choropleth, values.assign(label=value_labels(indicator, values)), names,
                 colorbar_title=colorbar_title, log_scale=log_scale, diverging=diverging)
else:   # every year the source publishes, as frames: the map's slider and play button step through them
    years = load(compare.values_by_year, indicator)
    shown_year = max((y for y in years["map_year"].unique() if y <= chosen_year), default=years["map_year"].min())
    fig = figure(years_map.stepping_map, years[["map_year", "iso3", "value"]].assign(
        label=value_labels(indicator, years)), names, int(shown_year), colorbar_title=colorbar_title,
        log_scale=log_scale, diverging=diverging,
        words={"year": tr("screens19.label_prefix", label=tr("compare.map.year")), "play": tr("compare.map.play"),
               "pause": tr("compare.map.pause")})
event = maps.show_map(fig, key="overview_map", clickable=True,
                      alt=tr("overview.map.alt", indicator=tr(f"indicator.{indicator}"), year=chosen_year))
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
    caption_sources(*values["source_id"].unique())
data_table(lambda: values.sort_values("value", ascending=False)[["name", "iso3", "value", "year", "source_id"]],
           "overview", file_name=f"ipmd_{indicator}_{chosen_year}.csv",
           sources_note="\n".join(source_label(s) for s in values["source_id"].unique()))
if not values.empty:
    map_downloads(lambda con, language: gis.indicator_layer(con, indicator, chosen_year, language),
                  f"ipmd_map_{indicator}_{chosen_year}", key="overview_map", layer_name=indicator)

with figures_box:
    kpis = load(overview.world_kpis, chosen_year)
    fund = load(fund_summary.fund_kpis, chosen_year)
    last = load(overview.last_transaction, chosen_year)
    if last is None:
        fund_note = tr("figures.fund_note_empty", year=chosen_year)
    elif last.year < chosen_year:
        fund_note = tr("figures.fund_note_ended", year=chosen_year, last=fmt_date(last, lang()))
    else:
        fund_note = tr("figures.fund_note", year=chosen_year)
    if fund.is_illustrative:
        fund_note = tr("figures.illustrative", text=fund_note)
    kpi_row([
        Kpi(tr("overview.kpi.migrants"), fmt_compact(kpis.migrants and kpis.migrants.value, lang()),
            figure_note(kpis.migrants)),
        Kpi(tr("overview.kpi.female_share"), fmt_pct(kpis.female_share and kpis.female_share.value, lang()),
            figure_note(kpis.female_share)),
        Kpi(tr("overview.kpi.lmic_remittances"), fmt_usd(kpis.lmic_remittances and kpis.lmic_remittances.value, lang()),
            figure_note(kpis.lmic_remittances)),
    ])
    kpi_row([
        Kpi(tr("overview.kpi.project_countries"), fmt_number(fund.countries, lang()),
            fund_note, help=tr("overview.kpi.project_countries_help")),
        Kpi(tr("overview.kpi.deposited"), fmt_usd(fund.deposited, lang()),
            fund_note, help=tr("funds.def.deposited")),
        Kpi(tr("overview.kpi.approved"), fmt_usd(fund.approved, lang()),
            fund_note, help=tr("funds.def.approved")),
    ])
    illustrative_notice(fund.is_illustrative)
