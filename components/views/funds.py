"""The trust fund flows screen's sections: the ladder, the four tabs (flows, map, donors, over time), downloads.

Each section loads only what it depends on (`ipmd.fund.report.fund_ladder`, `fund_flows`, ...: the top
filters in `Selection`, then its own controls) and gets its figures through `figure(builder, *args)`, so
nothing is computed or built twice for the same inputs. A tab with controls of its own is an
`@st.fragment`: changing its stages, its "Other" threshold, its measure or its granularity reruns that
tab alone; the top filters rerun the page.
"""
from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
import streamlit as st

from components import charts, maps
from components.data import load
from components.downloads import csv_download, map_downloads
from components.figure_cache import figure
from components.figures import funds as figures
from components.views import fund_sources_uses
from components.kpi import Kpi, kpi_row
from components.links import donor_link, link_column, page_link, project_link
from components.state import (lang, report_unknown, tr, url_choice, url_multiselect,
                              url_selectbox, url_tabs)
from components.tables import data_table, dataframe
from components.text import caption, link_values, literal, markdown, plain
from ipmd import gis
from ipmd.fund import report as fund_report
from ipmd.portfolio import projects
from ipmd.i18n import Message, fmt_pct, usd_column_format

OTHER_STEPS = [0, 1, 2, 3, 5, 10, 15, 20]      # the "Other" threshold, % of a stage's total
LADDER = ("pledged", "deposited", "approved", "disbursed", "spent")
STAGES = ("donor", "fund", "goal", "area", "partner", "region", "country", "balance")


@dataclass(frozen=True)
class Selection:
    """The top filters, every section's first inputs."""
    start: int
    end: int
    donor_types: tuple[str, ...] = ()
    goals: tuple[str, ...] = ()
    partners: tuple[str, ...] = ()
    is_illustrative: bool = True

    @property
    def args(self) -> tuple:
        return self.start, self.end, self.donor_types, self.goals, self.partners

    @property
    def period(self) -> str:
        return (tr("funds.period", start=self.start, end=self.end) if self.start != self.end
                else tr("funds.period_one", start=self.start))

    @property
    def stem(self) -> str:
        return f"{self.start}_{self.end}"

    def chart_title(self, key: str, **values) -> str:
        """A chart's title, marked illustrative while the ledger is the demonstration portfolio."""
        text = tr(key, **values)
        return tr("figures.illustrative", text=text) if self.is_illustrative else text

    def download_note(self) -> str:
        chosen = [", ".join(tr(f"funds.donor_type.{d}") for d in self.donor_types), ", ".join(self.goals),
                  ", ".join(self.partners)]
        return tr("funds.downloads.note", period=self.period,
                  filters="; ".join(c for c in chosen if c) or tr("funds.downloads.no_filters"))


def money(value) -> str:
    return figures.money_text(value, lang())


def share(value) -> str:
    return figures.share_text(value, lang())


def say(message: Message, **more) -> str:
    """A core message in the interface language, its float values written as US$ amounts."""
    values = {k: money(v) if isinstance(v, float) else v for k, v in message.values.items()}
    return tr(message.key, **values, **more)


def year_options(key: str, years: list[int]) -> list[int]:
    """The ledger's years, plus a plausible year a link asks for (so ?from=1990 shows 'no flows', not an error)."""
    raw = st.query_params.get(key, "")
    extra = {int(raw)} if raw.isdigit() and 1900 <= int(raw) <= 2100 else set()
    return sorted(set(years) | extra)


def report_bad(**rejected) -> None:
    """A section's controls given a link value that names nothing (`key=value`): said, the default shown."""
    for key, value in rejected.items():
        if value:
            report_unknown([value], "funds.filter.bad_value", what=f"?{key}=")


def table_and_csv(frame: pd.DataFrame, file_name: str, key: str, column_config: dict | None = None,
                  source_text: tuple = ()) -> None:
    data_table(frame, key, file_name=file_name, column_config=column_config, sources_note=tr("notice.illustrative"),
               source_text=source_text)


def show(fig, key: str, summary: str, sel: Selection, title: str) -> None:
    """A chart of the ledger, with its source (the illustrative portfolio or the imported ledger) and Save or embed."""
    charts.show(fig, key, alt=summary, title=title, sources=charts.ledger_sources(sel.is_illustrative),
                illustrative=sel.is_illustrative)


# ------------------------------------------------------------------------------------------------ ladder

def ladder_section(sel: Selection, data: fund_report.LadderSection) -> None:
    ladder, project_view = data.ladder, data.filters.selects_projects
    names = {s: tr(f"funds.ladder.{s}") for s in fund_report.LADDER_FIGURES}
    definitions = {s: tr(f"funds.def.{s}") for s in names}
    st.subheader(tr("funds.ladder.title"))
    caption(tr("funds.ladder.intro"))
    note, na = tr("funds.ladder.note", period=sel.period), tr("funds.ladder.not_applicable")
    kpi_row([Kpi(names[s], money(getattr(ladder, s)), na if pd.isna(getattr(ladder, s)) else note,
                 help=definitions[s]) for s in LADDER], columns=3)
    kpi_row([Kpi(names["fund_balance"], money(ladder.fund_balance), na if project_view else note,
                 help=definitions["fund_balance"]),
             Kpi(names["partner_balance"], money(ladder.partner_balance), note, help=definitions["partner_balance"]),
             Kpi(names["unpaid_pledges"], money(ladder.unpaid_pledges),
                 na if project_view else tr("funds.ladder.note_stock", end=sel.end),
                 help=definitions["unpaid_pledges"])])
    if project_view:
        st.info(tr("funds.ladder.project_filters"), icon=":material/info:")
    elif sel.donor_types:
        caption(tr("funds.ladder.donor_filter", end=sel.end, share=share(data.donor_share)))
    summary = say(data.summary(), period=sel.period)
    title = sel.chart_title("funds.ladder.chart_title", period=sel.period)
    show(figure(figures.ladder, ladder, names, lang(), title), "funds_ladder", summary, sel, title)
    markdown(summary)
    table_and_csv(pd.DataFrame({"stage": list(names.values()), "amount_usd": [getattr(ladder, s) for s in names],
                                "definition": list(definitions.values())}),
                  f"ipmd_fund_ladder_{sel.stem}.csv", "funds_ladder")


# ------------------------------------------------------------------------------------------------- flows

@st.fragment
def flows_tab(sel: Selection) -> None:
    cols = st.columns([2, 2, 3])
    middle, bad_middle = url_choice(cols[0].segmented_control, tr("funds.sankey.middle"), fund_report.MIDDLE_STAGES,
                                    "middle", "goal", required=True,
                                    format_func=lambda m: tr(f"funds.sankey.middle.{m}"))
    end_stage, bad_end = url_choice(cols[1].segmented_control, tr("funds.sankey.end"), fund_report.END_STAGES,
                                    "end_stage", "region", required=True,
                                    format_func=lambda e: tr(f"funds.sankey.end.{e}"))
    # by default, flows under 3 % of their stage are grouped as "Other": at 0 % all 25 donors were listed
    other, bad_other = url_choice(cols[2].select_slider, tr("funds.sankey.other"), OTHER_STEPS, "other", 3,
                                  format_func=lambda v: fmt_pct(v, lang(), 0), help=tr("funds.sankey.other_help"))
    report_bad(middle=bad_middle, end_stage=bad_end, other=bad_other)
    flow = load(fund_report.fund_flows, *sel.args, middle, end_stage, float(other), lang())
    if not flow.has_flows:
        st.info(tr("funds.no_flows_section"), icon=":material/info:")
        return
    hover_link = tr("funds.sankey.hover_link", source="%{customdata[0]}", target="%{customdata[1]}",
                    value="%{customdata[2]}", share="%{customdata[3]}")
    hover_node = tr("funds.sankey.hover_node", value="%{customdata[0]}", share="%{customdata[1]}")
    title = sel.chart_title("funds.sankey.chart_title", middle=tr(f"funds.sankey.middle.{middle}").lower(),
               end=tr(f"funds.sankey.end.{end_stage}").lower(), period=sel.period)
    rec, counts = flow.reconciliation, flow.counts
    summary = tr("funds.sankey.summary", period=sel.period, n_donors=counts.n_donors, approved=money(rec.approved),
                 n_partners=counts.n_partners, n_end=counts.n_end, end_words=tr(f"funds.sankey.end_words.{end_stage}"),
                 top_partner=counts.top_partner or "–", top_partner_value=money(counts.top_partner_usd))
    show(figure(figures.sankey, flow.links, lang(), hover_link, hover_node, title), "funds_sankey", summary, sel, title)
    if rec.reconciles:
        caption(say(rec.message()))
    else:
        st.error(tr("funds.sankey.reconcile_failed"), icon=":material/error:")
    markdown(summary)
    stage_names = {s: tr(f"funds.stage.{s}") for s in STAGES}
    data_table(lambda: flow.links[["source_stage", "source_label", "target_stage", "target_label", "value", "share"]]
               .replace({c: stage_names for c in ("source_stage", "target_stage")}),
               "funds_links", caption=tr("funds.sankey.table_caption"), column_config={
                   **{c: tr(f"funds.links.{c}") for c in ("source_stage", "source_label", "target_stage",
                                                          "target_label")},
                   "value": st.column_config.NumberColumn(tr("funds.links.value"), format=usd_column_format(lang())),
                   "share": st.column_config.NumberColumn(tr("funds.links.share"), format="percent")})
    # the diagram's links as drawn (its stages and threshold), so the download sits with the diagram
    csv_download(flow.links, f"ipmd_fund_flows_{sel.stem}.csv", key="funds_flows_csv",
                 sources_note=sel.download_note(), label=tr("funds.downloads.flows"))
    sankey_pages(flow)


def sankey_pages(flow: fund_report.FlowSection) -> None:
    """Under the Sankey, its donors and partners as pickers to open a donor's page or a partner's projects' pages
    (Streamlit's plotly selection events do not cover sankey nodes, so a click on the diagram cannot open one)."""
    donors, partners = dict(flow.donors), dict(flow.partners)
    st.markdown(f"**{tr('results_views.links.sankey_heading')}**")
    left, right = st.columns(2)
    with left:
        donor = st.selectbox(tr("results_views.links.pick_donor"), list(donors), index=None, key="sankey_donor",
                             format_func=lambda d: donors[d], placeholder=tr("results_views.links.pick_placeholder"))
        if donor:
            page_link("donor", donor, tr("results_views.links.open_donor", name=donors[donor]))
    with right:
        partner = st.selectbox(tr("results_views.links.pick_partner"), list(partners), index=None,
                               key="sankey_partner", format_func=lambda p: partners[p],
                               placeholder=tr("results_views.links.pick_placeholder"))
        if partner:
            listed = load(projects.partner_projects, (partner,))
            if listed.empty:
                caption(tr("results_views.links.no_projects"))
            table = pd.DataFrame({"link": [project_link(p) for p in listed["project_id"]], "title": listed["title"]})
            if len(table):
                dataframe(table, key="sankey_partner_projects", source_text=("title",), column_config={
                    "link": link_column(tr("results_views.col.project"), "project"),
                    "title": tr("results_views.links.col.title")})


# --------------------------------------------------------------------------------------------------- map

@st.fragment
def map_tab(sel: Selection) -> None:
    kind, bad_money = url_choice(st.segmented_control, tr("funds.map.money"), fund_report.MONEY_KINDS, "money",
                                 "approved", required=True, format_func=lambda k: tr(f"funds.map.money.{k}"))
    report_bad(money=bad_money)
    placed = load(fund_report.fund_map, *sel.args, kind, lang())
    money_name = tr(f"funds.map.money.{kind}")
    money_words = money_name.lower()
    if placed.countries.empty:
        st.info(tr("funds.map.none", money=money_words), icon=":material/info:")
        return
    fig = figure(figures.country_map, placed.countries, lang(),
                 tr("funds.map.hover", money=money_name, value="{value}", n="{n}"),
                 tr("funds.map.colorbar", money=money_name))
    summary = tr("funds.map.summary", period=sel.period, total=money(placed.placed_usd), money=money_words,
                 n=len(placed.countries), top=", ".join(f"{name} ({money(v)})" for name, v in placed.top(3)))
    maps.show_map(fig, key="funds_map", alt=tr("funds.map.alt", money=money_words, period=sel.period),
                  title=sel.chart_title("charts_w1.by_country_year", indicator=money_name, year=sel.period),
                  sources=charts.ledger_sources(sel.is_illustrative), illustrative=sel.is_illustrative)
    caption(tr("funds.map.caption"))
    markdown(summary)
    if placed.unplaced_usd:
        caption(tr("funds.map.unplaced", value=money(placed.unplaced_usd), money=money_words,
                   placed=money(placed.placed_usd), total=money(placed.total_usd)))
    table_and_csv(placed.countries, f"ipmd_fund_{kind}_by_country_{sel.stem}.csv", "funds_map",
                  {"amount_usd": st.column_config.NumberColumn(format="dollar")})
    countries = placed.countries
    map_downloads(lambda con, language: gis.ledger_layer(
        con, countries, language, value="amount_usd", measure=kind, period=f"{sel.start}-{sel.end}",
        illustrative=sel.is_illustrative, extra=("n_projects",)),
        f"ipmd_fund_map_{kind}_{sel.start}-{sel.end}", key="funds_map", layer_name=f"fund_{kind}")


# ------------------------------------------------------------------------------------------------ donors

def donors_tab(sel: Selection) -> None:
    data = load(fund_report.fund_donors, *sel.args)
    donors = data.donors
    if donors.empty:
        st.info(tr("funds.donors.none"), icon=":material/info:")
    else:
        top = donors.iloc[0]
        summary = tr("funds.donors.summary", period=sel.period, n=len(donors),
                     deposited=money(donors["deposited_usd"].sum()), pledged=money(donors["pledged_usd"].sum()),
                     top=plain(top["name"]), top_share=share(top["share_of_deposits"]))
        hover = tr("funds.donors.hover", name="<b>%{customdata[0]}</b>", pledged="%{customdata[1]}",
                   deposited="%{customdata[2]}", share="%{customdata[3]}", first="%{customdata[4]}",
                   last="%{customdata[5]}")
        names = {"pledged_usd": tr("funds.ladder.pledged"), "deposited_usd": tr("funds.ladder.deposited")}
        title = sel.chart_title("funds.donors.chart_title", period=sel.period)
        show(figure(figures.donor_bars, donors, names, lang(), hover, title), "funds_donors", summary, sel, title)
        # the heat map below the bars, full width: beside them, its cells were about 100 px wide in all
        if busiest := data.busiest_year():
            timing_summary = tr("funds.donors.timing_summary", period=sel.period, year=busiest[0],
                                value=money(busiest[1]))
            timing_title = sel.chart_title("funds.donors.timing_title")
            show(figure(figures.donor_timing, data.timing, donors["name"].tolist(), lang(), timing_title),
                 "funds_donor_timing", timing_summary, sel, timing_title)
            caption(timing_summary)
        markdown(summary)
        # each donor's name with a link to its page (the table's CSV keeps the id as a relative link)
        linked = donors.drop(columns=["donor_id"])
        linked.insert(0, "page", [donor_link(d) for d in donors["donor_id"]])
        table_and_csv(linked, f"ipmd_fund_donors_{sel.stem}.csv", "funds_donors", {
            "page": link_column(tr("results_views.links.donor_page"), "donor"),
            "name": tr("funds.donors.col.name"), "donor_type": tr("funds.donors.col.type"),
            "is_world_bank_internal": st.column_config.CheckboxColumn(tr("funds.donors.col.world_bank")),
            "pledged_usd": st.column_config.NumberColumn(tr("funds.donors.col.pledged"), format="dollar"),
            "deposited_usd": st.column_config.NumberColumn(tr("funds.donors.col.deposited"), format="dollar"),
            "unpaid_usd": st.column_config.NumberColumn(tr("funds.donors.col.unpaid"), format="dollar"),
            "share_of_deposits": st.column_config.NumberColumn(tr("funds.donors.col.share"), format="percent"),
            "first_deposit": st.column_config.DateColumn(tr("funds.donors.col.first")),
            "last_deposit": st.column_config.DateColumn(tr("funds.donors.col.last"))}, source_text=("name",))
    world_bank_ceiling(sel, data.world_bank)


def world_bank_ceiling(sel: Selection, wb) -> None:
    markdown(f"**{tr('funds.wb.title')}**")
    ceiling, warn = share(wb.ceiling), share(wb.ceiling - wb.warn_margin)
    caption(tr("funds.wb.intro", ceiling=ceiling, end=sel.end))
    status_text = tr(f"funds.wb.status.{wb.status}")
    numbers = tr("funds.wb.figures", wb=money(wb.wb_deposits), total=money(wb.total_deposits), share=share(wb.share),
                 ceiling=ceiling)
    left, right = st.columns([1, 2])
    with left:
        kpi_row([Kpi(tr("funds.wb.status"), status_text, tr("funds.wb.note", end=sel.end),
                     help=tr("funds.wb.status_help", warn=warn, ceiling=ceiling))], columns=1)
    with right:
        labels = {"at_risk": tr("funds.wb.at_risk_band"), "ceiling": tr("funds.wb.ceiling_label", ceiling=ceiling)}
        wb_title = sel.chart_title("funds.wb.chart_title")
        show(figure(figures.ceiling_bar, wb.share, wb.ceiling, wb.warn_margin, wb.status, labels, lang(), wb_title),
             "funds_wb", f"{status_text}. {numbers}", sel, wb_title)
    headroom = (tr("funds.wb.headroom", value=money(wb.headroom_usd)) if wb.headroom_usd >= 0
                else tr("funds.wb.over", value=money(-wb.headroom_usd)))
    (st.error if wb.status == "breached" else st.warning if wb.status == "at risk" else st.success)(
        literal(f"**{status_text}.** {numbers} {headroom}"))


# --------------------------------------------------------------------------------------------- over time

@st.fragment
def time_tab(sel: Selection) -> None:
    freq, bad_freq = url_choice(st.segmented_control, tr("funds.time.freq"), fund_report.FREQUENCIES, "freq", "Y",
                                required=True, format_func=lambda f: tr(f"funds.time.freq.{f}"))
    report_bad(freq=bad_freq)
    data = load(fund_report.fund_over_time, *sel.args, freq)
    message = data.summary()
    if message is None:
        st.info(tr("funds.no_flows_section"), icon=":material/info:")
        return
    summary = say(message, period=sel.period)
    names = {c: tr(f"funds.time.{c}") for c in ("deposits", "approvals", "disbursements", "fund_balance")}
    title = sel.chart_title("funds.time.chart_title", freq=tr(f"funds.time.freq.{freq}").lower(), period=sel.period)
    show(figure(figures.over_time, data.series, names, lang(), title), "funds_time", summary, sel, title)
    caption(tr("funds.time.balance_note"))
    markdown(summary)
    table_and_csv(data.series.drop(columns=["period_start", "period_end"]),
                  f"ipmd_fund_over_time_{freq}_{sel.stem}.csv", "funds_time")


def sources_uses_tab(sel: Selection) -> None:
    caption(tr("sources_uses.whole_fund"))
    fund_sources_uses.section(sel.end, sel.is_illustrative)


TABS = {"flows": flows_tab, "map": map_tab, "donors": donors_tab, "time": time_tab, "uses": sources_uses_tab}


# --------------------------------------------------------------------------------------------- downloads

def downloads_section(sel: Selection, n_transactions: int) -> None:
    st.subheader(tr("funds.downloads.title"))
    caption(tr("funds.downloads.intro") + " " + tr("funds.downloads.transactions", n=n_transactions))
    csv_download(lambda: load(fund_report.fund_transactions, *sel.args),
                 f"ipmd_fund_transactions_iati_{sel.stem}.csv", key="funds_iati_csv", sources_note=sel.download_note(),
                 label=tr("funds.downloads.iati"))
    caption(tr("funds.downloads.iati_help"))


# ------------------------------------------------------------------------------------------ the page's body

@st.fragment
def body(options: fund_report.FundOptions) -> None:
    """The filters, the ladder, the open tab and the downloads (issue 18): every one of them depends on the top
    filters, so a filter or a tab change reruns this fragment, not the page's navigation, sidebar and title."""
    years = list(range(options.first_year, options.last_year + 1))
    goal_label = dict(zip(options.goals["goal_id"], options.goals["label"]))
    partner_name = dict(zip(options.partners["partner_id"], options.partners["name"]))
    with st.container(border=True):
        cols = st.columns([1.4, 1.4, 2, 2, 3])  # a year (and its arrow) fits in the first two at 1280 px
        start, bad_from = url_selectbox(tr("funds.filter.from"), year_options("from", years), key="from",
                                        default=years[0], container=cols[0])
        end, bad_to = url_selectbox(tr("funds.filter.to"), year_options("to", years), key="to",
                                    default=years[-1], container=cols[1])
        donor_types, bad_types = url_multiselect(tr("funds.filter.donor_type"), options.donor_types, key="donor_type",
                                                 container=cols[2], placeholder=tr("funds.filter.all"),
                                                 format_func=lambda d: tr(f"funds.donor_type.{d}"))
        goals, bad_goals = url_multiselect(tr("funds.filter.goal"), list(goal_label), key="goal", container=cols[3],
                                           placeholder=tr("funds.filter.all"), format_func=goal_label.get)
        partners, bad_partners = url_multiselect(tr("funds.filter.partner"), list(partner_name), key="partner",
                                                 container=cols[4], placeholder=tr("funds.filter.all"),
                                                 format_func=lambda p: f"{p} ({partner_name[p]})")
    start, end, swapped = fund_report.period_years(start, end)
    problems = [tr("funds.filter.bad_year", value=link_values(bad)) for bad in (bad_from, bad_to) if bad]
    problems += [tr("funds.filter.unknown", values=link_values(bad), what=tr(what).lower())
                 for bad, what in ((bad_types, "funds.filter.donor_type"), (bad_goals, "funds.filter.goal"),
                                   (bad_partners, "funds.filter.partner")) if bad]
    if swapped:
        problems.append(tr("funds.filter.swapped", start=end, end=start))
    notice = st.empty()
    sel = Selection(start, end, tuple(donor_types), tuple(goals), tuple(partners), options.is_illustrative)

    # ------------------------------------------------------------------------- the ladder, the open tab, downloads
    ladder = load(fund_report.fund_ladder, *sel.args)
    if ladder.has_money:
        ladder_section(sel, ladder)
        tabs, shown, bad_view = url_tabs({"flows": tr("funds.sankey.title"), "map": tr("funds.map.title"),
                                          "donors": tr("funds.donors.title"), "time": tr("funds.time.title"),
                                          "uses": tr("sources_uses.tab")},
                                         key="view", default="flows")
        if bad_view:
            problems.append(tr("funds.filter.bad_value", value=link_values(bad_view), what="?view="))
        with tabs[shown]:
            TABS[shown](sel)           # only the open tab is computed and drawn
        downloads_section(sel, ladder.n_transactions)
    else:
        st.info(tr("funds.no_flows", period=sel.period), icon=":material/info:")
    if problems:
        notice.warning(literal("\n".join(f"- {problem}" for problem in problems)), icon=":material/help:")
