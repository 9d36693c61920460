"""The sections of a country profile: headline figures, charts with their summaries, the partnership."""
from __future__ import annotations

import pandas as pd
import streamlit as st

from components import charts, maps, theme
from components.brief_buttons import meeting_pack_picker
from components.data import load, peer_comparison
from components.downloads import csv_download, map_downloads
from components.figure_cache import figure
from components.figures import profile as figures
from components.kpi import Kpi, kpi_row
from components.labels import figure_note, format_value
from components.links import link_column, project_link
from components.provenance import illustrative_notice
from components.state import lang, report_unknown, tr, url_choice, url_selectbox
from components.tables import data_table, dataframe, when_opened
from components.text import caption, markdown
from ipmd import gis
from ipmd.profiles.methods import method_key
from ipmd.i18n import area_label, fmt_compact, goal_label, fmt_pct, fmt_usd, income_group_name, place_name, plural, usd_column_format
from ipmd.profiles.country import (PEER_INDICATORS, SDG_REMITTANCE_COST_TARGET, CountryProfile, detail_text,
                                   download_frame, format_figure, until)


def _value(profile: CountryProfile, indicator: str) -> str:
    return format_figure(profile, indicator, lang())


def _note(profile: CountryProfile, indicator: str, extra: str = "") -> str:
    """The figure's year and source, after its ratios (each of another year says its own: detail_text)."""
    extra = extra or detail_text(profile, indicator, lang())
    note = figure_note(profile.figure(indicator))
    return f"{extra} · {note}" if extra else note


def classification(profile: CountryProfile) -> None:
    """Region and income group, one line under the country name."""
    c, language = profile.country, lang()
    st.caption(tr("profile.classification", subregion=place_name(c.get("un_subregion"), language),
                  region=place_name(c.get("un_region"), language),
                  income=income_group_name(c.get("income_group"), language),
                  wb_region=place_name(c.get("wb_region"), language)))


def compare_link(profile: CountryProfile, name: str) -> None:
    """'Compare with…': the comparison page with this country already picked (?compare=<iso3>)."""
    st.page_link("pages/compare.py", label=tr("compare.link"), icon=":material/compare_arrows:",
                 help=tr("compare.link_help", country=name), query_params={"compare": profile.iso3, "lang": lang()})


def peer_default(profile: CountryProfile) -> str:
    """The peer comparison's measure when the link names none: emigrants as a share of the population where the
    country's emigrants outnumber its immigrants (an emigration country), else immigrants as a share."""
    immigrants, emigrants = profile.figure("immigrant_stock"), profile.figure("emigrant_stock")
    if immigrants and emigrants and emigrants.value > immigrants.value:
        return "emigrant_pct_pop"
    return "immigrant_pct_pop"


def headline(profile: CountryProfile) -> None:
    p = profile
    kpi_row([
        Kpi(tr("profile.immigrants"), _value(p, "immigrant_stock"), _note(p, "immigrant_stock")),
        Kpi(tr("profile.emigrants"), _value(p, "emigrant_stock"), _note(p, "emigrant_stock")),
        Kpi(tr("profile.net_balance"), _value(p, "net_migrant_balance"), _note(p, "net_migrant_balance"),
            help=tr("profile.net_balance_help")),
        Kpi(tr("profile.population"), _value(p, "population"), _note(p, "population")),
    ])
    stock_caveat(p)
    cost = p.figure("remittance_cost_inbound_pct")
    cost_note = ""
    if cost and cost.value > SDG_REMITTANCE_COST_TARGET:
        cost_note = tr("profile.cost_vs_target", target=fmt_pct(SDG_REMITTANCE_COST_TARGET, lang()),
                       gap=fmt_pct(cost.value - SDG_REMITTANCE_COST_TARGET, lang()))
    elif cost:
        cost_note = tr("profile.cost_within_target", target=fmt_pct(SDG_REMITTANCE_COST_TARGET, lang()))
    kpi_row([
        Kpi(tr("profile.remittances_received"), _value(p, "remittances_received_usd"), _note(p, "remittances_received_usd")),
        Kpi(tr("profile.remittances_paid"), _value(p, "remittances_paid_usd"), _note(p, "remittances_paid_usd")),
        Kpi(tr("profile.cost"), _value(p, "remittance_cost_inbound_pct"),
            _note(p, "remittance_cost_inbound_pct", cost_note), help=tr("profile.cost_help")),
    ])
    kpi_row([
        Kpi(tr("profile.refugees_hosted"), _value(p, "refugees_hosted"), _note(p, "refugees_hosted")),
        Kpi(tr("profile.refugees_origin"), _value(p, "refugees_origin"), _note(p, "refugees_origin")),
        Kpi(tr("profile.gdp_per_capita"), _value(p, "gdp_per_capita_usd"),
            _note(p, "gdp_per_capita_usd")),
    ])


def stock_caveat(profile: CountryProfile) -> None:
    """The headline's caveat: how UN DESA counts this country's migrant stock (by birth or citizenship, imputed,
    refugees added or not), in one line, from the workbook's data type (issue 19)."""
    method = profile.stock_method
    if method:
        caption(tr(method_key(method), code=method["data_type"]))


def stock_chart(profile: CountryProfile, name: str) -> None:
    stocks = profile.stocks
    st.subheader(tr("profile.chart.stocks"))
    if stocks.dropna(subset=["immigrants", "emigrants"], how="all").empty:
        st.info(tr("common.no_data"))
        return
    fig = figure(figures.stocks, stocks, (tr("profile.immigrants"), tr("profile.emigrants")),
                 {"female": tr("sex.female"), "male": tr("sex.male")}, profile.year)
    total = until(stocks[stocks["sex"] == "total"], profile.year).sort_values("year")
    if total.empty:
        total = stocks[stocks["sex"] == "total"].sort_values("year")
    first, last = total.iloc[0], total.iloc[-1]
    summary = tr("profile.chart.stocks_summary", country=name, y0=int(first.year), y1=int(last.year),
                 imm0=fmt_compact(first.immigrants, lang()), imm1=fmt_compact(last.immigrants, lang()),
                 emi0=fmt_compact(first.emigrants, lang()), emi1=fmt_compact(last.emigrants, lang()))
    charts.show(fig, "profile_stocks", alt=summary, title=tr("export.title_place", title=tr("profile.chart.stocks"), place=name),
                sources=("undesa_ims_2024_destination", "undesa_ims_2024_origin"))
    markdown(summary)
    st.caption(tr("figures.chosen_year_band", year=profile.year))
    data_table(lambda: stocks.pivot_table(index="year", columns="sex", values=["immigrants", "emigrants"]),
               "profile_stocks", hide_index=False)


def remittance_chart(profile: CountryProfile, name: str) -> None:
    series = profile.remittances.dropna(subset=["received_usd", "paid_usd"], how="all")
    st.subheader(tr("profile.chart.remittances"))
    if series.empty:
        st.info(tr("common.no_data"))
        return
    fig = figure(figures.remittances, series, {"received_usd": tr("profile.remittances_received"),
                                               "paid_usd": tr("profile.remittances_paid")}, profile.year)
    received = until(series, profile.year).dropna(subset=["received_usd"])   # the text quotes what is up to the year
    summary = tr("profile.chart.remittances_summary", country=name,
                 year=int(received.iloc[-1].year) if len(received) else "–",
                 value=fmt_usd(received.iloc[-1].received_usd if len(received) else None, lang()),
                 peak_year=int(received.loc[received.received_usd.idxmax()].year) if len(received) else "–")
    charts.show(fig, "profile_remittances", alt=summary,
                title=tr("export.title_place", title=tr("profile.chart.remittances"), place=name),
                sources=("wdi_remittances_received_usd", "wdi_remittances_paid_usd"))
    markdown(summary)
    st.caption(tr("figures.chosen_year", year=profile.year))
    data_table(series, "profile_remittances")


CORRIDOR_VIEWS = {"bars": "profile.corridors.bars", "map": "profile.corridors.map"}
CORRIDORS = {"destinations": (theme.OKABE_ITO[1], "profile.corridors.destinations_summary"),
             "origins": (theme.OKABE_ITO[2], "profile.corridors.origins_summary")}


def corridors(profile: CountryProfile, names: pd.DataFrame, name: str, stock_year: int) -> None:
    """Where emigrants live or where immigrants come from (one at a time, ?corridors=origins): a ranking, or a
    flows map (?corridor_view=map)."""
    title = tr("profile.chart.corridors", year=stock_year)
    st.subheader(title)
    kind, bad = url_choice(st.segmented_control, title, list(CORRIDORS), "corridors", "destinations", required=True,
                           label_visibility="collapsed", format_func=lambda k: tr(f"profile.corridors.{k}"))
    if bad:
        report_unknown(bad)
    frame = profile.destinations if kind == "destinations" else profile.origins
    colour, summary_key = CORRIDORS[kind]
    if frame.empty:
        st.info(tr("common.no_data"))
        return
    me = names[names["iso3"] == profile.iso3].iloc[0]
    rows = frame.merge(names[["iso3", "name", "label_lon", "label_lat"]], left_on="partner_iso3", right_on="iso3")
    rows["label"] = [format_value(v, "persons") for v in rows["stock"]]
    summary = tr(summary_key, country=name, year=stock_year,
                 top=", ".join(f"{r.name} ({r.label})" for r in rows.head(3).itertuples()))
    # the ranking, or the same corridors on a world map (?corridor_view=map): one drawn at a time. A segmented
    # control, not st.tabs: a tab panel watches every DOM change inside it and, on each, walks its content for
    # something focusable (React Aria's useHasTabbableChild, checkVisibility on every node of the chart), a quarter
    # of what plotly took to draw all four charts on the country switch (issue 18; the profile: README "Performance")
    shown, bad = url_choice(st.segmented_control, tr("profile.corridors.view"), list(CORRIDOR_VIEWS),
                            "corridor_view", "bars", required=True, label_visibility="collapsed",
                            format_func=lambda v: tr(CORRIDOR_VIEWS[v]))
    if bad:
        report_unknown(bad)
    chart_title = tr("export.title_place", title=f"{tr(f'profile.corridors.{kind}')}, {stock_year}", place=name)
    sources = ("undesa_ims_2024_bilateral",)
    if shown == "bars":
        bars = figure(figures.corridor_bars, rows[["name", "stock", "label"]], colour)
        charts.show(bars, "profile_corridor_bars", alt=summary, title=chart_title, sources=sources,
                    year=stock_year)
    elif pd.notna(me["label_lon"]):
        flows = figure(figures.corridor_map, (float(me["label_lon"]), float(me["label_lat"])),
                       rows.dropna(subset=["label_lon"])[["name", "label_lon", "label_lat", "stock", "label"]],
                       colour)
        maps.show_map(flows, key="profile_corridor_map", alt=summary, title=chart_title, sources=sources,
                      year=stock_year)
        map_downloads(lambda con, language: gis.corridor_layer(con, profile.iso3, frame, kind, stock_year, language),
                      f"ipmd_corridors_{kind}_{profile.iso3}_{stock_year}", key="profile_corridor_map",
                      layer_name=f"corridors_{kind}", help_key="gis.download.corridors_help")
    else:
        st.info(tr("common.no_data"))
    markdown(summary)
    data_table(rows[["name", "partner_iso3", "stock"]], "profile_corridor")


PEER_GROUP_NAMES = {"un_region": place_name, "income_group": income_group_name}   # ipmd.profiles.country.peer_comparison's kinds


def peers(comparison: pd.DataFrame, indicator_label: str, name: str, source_id: str | None, year: int) -> None:
    st.subheader(tr("profile.chart.peers", indicator=indicator_label))
    if comparison.empty:
        st.info(tr("common.no_data"))
        return
    groups = [PEER_GROUP_NAMES[kind](group, lang())
              for kind, group in zip(comparison["group_kind"], comparison["group"])]
    lines = [tr("profile.peers.line", group=group, countries=plural("figures.count.countries", row.n, lang()),
                rank=row.rank, median=format_value(row.median, "%"), value=format_value(row.value, "%"))
             for group, row in zip(groups, comparison.itertuples())]
    frame = pd.DataFrame({"label": [name] + [tr("profile.peers.median", group=g) for g in groups],
                          "value": [comparison.iloc[0]["value"], *comparison["median"]],
                          "colour": [theme.OKABE_ITO[0]] + [theme.NO_DATA.replace("d9", "99")] * len(comparison)})
    frame["text"] = [format_value(v, "%") for v in frame["value"]]
    summary = " ".join(lines)
    charts.show(figure(figures.peers, frame, indicator_label), "profile_peers", alt=summary,
                title=tr("export.title_place", title=tr("profile.chart.peers", indicator=indicator_label), place=name),
                sources=(source_id,) if source_id else ())
    markdown(summary)
    st.caption(tr("figures.peers_years", year=year, country=name, own_year=int(comparison.iloc[0]["year"])))


@st.fragment
def peer_section(profile: CountryProfile, name: str, year: int) -> None:
    """The peer comparison and its measure (?peer=, by default the country's own: peer_default). A fragment:
    picking the measure reruns this section only, not the profile."""
    indicator, bad = url_selectbox(tr("profile.peers.pick"), PEER_INDICATORS, key="peer", default=peer_default(profile),
                                   format_func=lambda i: tr(f"indicator.{i}"))
    if bad:
        report_unknown(bad)
    comparison = peer_comparison(indicator, year, profile.iso3)   # cached per country; the values shared by all
    peers(comparison, tr(f"indicator.{indicator}"), name,
          comparison["source_id"].iloc[0] if len(comparison) else None, year)


@st.fragment
def meeting_pack(year: int, language: str) -> None:
    """The meeting pack's expander, picker (?pack=) and download. A fragment: opening it or adding a country reruns
    this section only. A link with ?pack=MAR,PHL opens it with those countries picked."""
    if box := when_opened(tr("profile.meeting_pack"), key="profile_meeting_pack", expanded="pack" in st.query_params):
        with box:
            meeting_pack_picker(year, language)


def goals_text(goals) -> str:
    """A project's goals ("G2, G1": the main one first) by their names in the page's language."""
    return "; ".join(goal_label(g, lang()) for g in str(goals).split(", ")) if isinstance(goals, str) and goals else "–"


def partnership(projects: pd.DataFrame, name: str, iso3: str) -> None:
    st.subheader(tr("profile.partnership.title"))
    if projects.empty:
        st.info(tr("profile.partnership.none", country=name))
    else:
        illustrative_notice(bool(projects["is_illustrative"].any()))
        markdown(tr("profile.partnership.summary", country=name,
                    projects=plural("figures.count.approved_projects", len(projects), lang()),
                    approved=fmt_usd(projects["approved_here"].sum(), lang()),
                    disbursed=fmt_usd(projects["disbursed_here"].sum(), lang())))
        shown = projects.drop(columns=["is_illustrative"]).assign(
            status=[tr(f"coverage.status.{s}") for s in projects["status"]],
            area_id=[area_label(a, lang()) for a in projects["area_id"]],     # the area's name, not its code
            goals=[goals_text(g) for g in projects["goals"]],
            project_id=[project_link(p) for p in projects["project_id"]])     # each opens the project's page
        money = usd_column_format(lang())
        dataframe(shown, key="profile_projects", source_text=("title",), column_config={
            **{c: tr(f"coverage.col.{c}") for c in ("title", "partner_id", "area_id", "status")},
            "project_id": link_column(tr("coverage.col.project_id"), "project"),
            "goals": tr("profile.partnership.goals"),
            "start_date": st.column_config.DateColumn(tr("profile.partnership.start")),
            "end_date": st.column_config.DateColumn(tr("profile.partnership.end")),
            "approved_here": st.column_config.NumberColumn(tr("profile.partnership.approved_here"), format=money),
            "disbursed_here": st.column_config.NumberColumn(tr("profile.partnership.disbursed_here"), format=money),
            "share": st.column_config.NumberColumn(tr("profile.partnership.share"), format="percent"),
        })
    cols = st.columns(2)
    cols[0].page_link("pages/coverage.py", label=tr("profile.partnership.to_coverage"), icon=":material/grid_view:",
                      query_params={"lang": lang()})
    cols[1].page_link("pages/funds.py", label=tr("profile.partnership.to_funds"), icon=":material/account_balance:",
                      query_params={"lang": lang()})


def downloads(iso3: str, name: str) -> None:
    """The profile's data as CSV: every indicator, year, sex and source, with the sources named (read on click)."""
    st.caption(tr("profile.downloads_help", country=name))
    heading = tr("profile.downloads_note", country=name)

    def note(observations: pd.DataFrame) -> str:
        sources = observations[["publisher", "source_title", "edition"]].drop_duplicates()
        return heading + "\n" + "\n".join(f"{r.publisher}, {r.source_title} ({r.edition})" for r in sources.itertuples())

    csv_download(lambda: load(download_frame, iso3), f"ipmd_profile_{iso3}.csv", key="profile_csv",
                 sources_note=note, label=tr("profile.download_csv"))
