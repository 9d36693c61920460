"""Trust fund flows: follow every dollar from donor to country (ladder, flow diagram, map, donors, over time)."""
import pandas as pd
import streamlit as st

from components.shell import require_app
from components import charts, fund_charts, maps
from components.data import load
from components.downloads import csv_download, map_downloads
from components.figure_cache import cached_figure
from components.kpi import Kpi, kpi_row
from components.labels import country_frame
from components.provenance import illustrative_notice
from components.state import lang, tr, url_choice, url_multiselect, url_selectbox, url_tabs
from components.tables import data_table
from components.text import caption, link_values, literal, markdown, plain
from ipmd import gis
from ipmd.fund import report as fund_report
from ipmd.i18n import fmt_date, fmt_pct, fmt_usd, usd_column_format

require_app()


def money(value) -> str:
    return fmt_usd(value, lang())


def share(value) -> str:
    return fmt_pct(None if pd.isna(value) else 100 * value, lang())


def day(value) -> str:
    return "–" if pd.isna(value) else fmt_date(pd.Timestamp(value).date(), lang())


def year_options(key: str, years: list[int]) -> list[int]:
    """The ledger's years, plus a plausible year a link asks for (so ?from=1990 shows 'no flows', not an error)."""
    raw = st.query_params.get(key, "")
    extra = {int(raw)} if raw.isdigit() and 1900 <= int(raw) <= 2100 else set()
    return sorted(set(years) | extra)


def table_and_csv(frame: pd.DataFrame, file_name: str, key: str, column_config: dict | None = None) -> None:
    data_table(frame, key, file_name=file_name, column_config=column_config, sources_note=tr("notice.illustrative"))


OTHER_STEPS = [0, 1, 2, 3, 5, 10, 15, 20]      # the "Other" threshold, % of a stage's total

# --------------------------------------------------------------------------------------------- filters
st.title(tr("funds.title"))
caption(tr("funds.intro"))
options = load(fund_report.fund_options, lang())
illustrative_notice(options.is_illustrative)
if options.first_year is None:
    st.info(tr("funds.no_flows", period="–"))
    st.stop()

years = list(range(options.first_year, options.last_year + 1))
goal_label = dict(zip(options.goals["goal_id"], options.goals["label"]))
partner_name = dict(zip(options.partners["partner_id"], options.partners["name"]))
problems = []
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
for bad in (bad_from, bad_to):
    if bad:
        problems.append(tr("funds.filter.bad_year", value=link_values(bad)))
for bad, what in ((bad_types, "funds.filter.donor_type"), (bad_goals, "funds.filter.goal"),
                  (bad_partners, "funds.filter.partner")):
    if bad:
        problems.append(tr("funds.filter.unknown", values=link_values(bad), what=tr(what).lower()))
if start > end:
    problems.append(tr("funds.filter.swapped", start=start, end=end))
    start, end = end, start
period = tr("funds.period", start=start, end=end) if start != end else tr("funds.period_one", start=start)

# The ladder, then the four views as tabs (?view=flows|map|donors|time), then the downloads. Every view's own
# controls are drawn first (one cached call computes the whole page from them); its charts only when it is open.
notice_slot = st.empty()
slots = {name: st.empty() for name in ("ladder", "views", "downloads")}
with slots["views"].container():
    tabs, shown, bad_view = url_tabs({"flows": tr("funds.sankey.title"), "map": tr("funds.map.title"),
                                      "donors": tr("funds.donors.title"), "time": tr("funds.time.title")},
                                     key="view", default="flows")
boxes = {"ladder": slots["ladder"].container(), **tabs, "downloads": slots["downloads"].container()}

with boxes["flows"]:
    cols = st.columns([2, 2, 3])
    middle, bad_middle = url_choice(cols[0].segmented_control, tr("funds.sankey.middle"), fund_report.MIDDLE_STAGES,
                                     "middle", "goal", required=True,
                                     format_func=lambda m: tr(f"funds.sankey.middle.{m}"))
    end_stage, bad_end = url_choice(cols[1].segmented_control, tr("funds.sankey.end"), fund_report.END_STAGES,
                                     "end_stage", "region", required=True,
                                     format_func=lambda e: tr(f"funds.sankey.end.{e}"))
    # by default, flows under 3 % of their stage are grouped as "Other": at 0 % all 25 donors were listed
    other, bad_other = url_choice(cols[2].select_slider, tr("funds.sankey.other"), OTHER_STEPS, "other", 3,
                                   format_func=lambda v: fmt_pct(v, lang(), 0),
                                   help=tr("funds.sankey.other_help"))
with boxes["map"]:
    money_kind, bad_money = url_choice(st.segmented_control, tr("funds.map.money"), fund_report.MONEY_KINDS,
                                        "money", "approved", required=True,
                                        format_func=lambda k: tr(f"funds.map.money.{k}"))
with boxes["time"]:
    freq, bad_freq = url_choice(st.segmented_control, tr("funds.time.freq"), fund_report.FREQUENCIES, "freq", "Y",
                                 required=True, format_func=lambda f: tr(f"funds.time.freq.{f}"))
for bad, key in ((bad_view, "view"), (bad_middle, "middle"), (bad_end, "end_stage"), (bad_other, "other"),
                 (bad_money, "money"), (bad_freq, "freq")):
    if bad:
        problems.append(tr("funds.filter.bad_value", value=link_values(bad), what=f"?{key}="))
if problems:
    notice_slot.warning(literal("\n".join(f"- {problem}" for problem in problems)), icon=":material/help:")

view = (start, end, tuple(donor_types), tuple(goals), tuple(partners), middle, end_stage, float(other), money_kind,
        freq, lang())          # everything the report and its figures depend on
report = load(fund_report.fund_report, *view)
if not report.has_money:
    for slot in slots.values():
        slot.empty()
    st.info(tr("funds.no_flows", period=period), icon=":material/info:")
    st.stop()

ladder = report.ladder
middle_names = {m: tr(f"funds.sankey.middle.{m}") for m in fund_report.MIDDLE_STAGES}
end_names = {e: tr(f"funds.sankey.end.{e}") for e in fund_report.END_STAGES}
stage_names = {s: tr(f"funds.stage.{s}") for s in ("donor", "fund", "goal", "area", "partner", "region", "country",
                                                   "balance")}
names = {s: tr(f"funds.ladder.{s}") for s in ("pledged", "deposited", "approved", "disbursed", "spent",
                                                "fund_balance", "partner_balance", "unpaid_pledges")}
definitions = {s: tr(f"funds.def.{s}") for s in names}
project_view = report.filters.selects_projects

# --------------------------------------------------------------------------------------------- 1. ladder
with boxes["ladder"]:
    st.subheader(tr("funds.ladder.title"))
    caption(tr("funds.ladder.intro"))
    note = tr("funds.ladder.note", period=period)
    na = tr("funds.ladder.not_applicable")
    kpi_row([Kpi(names[s], money(getattr(ladder, s)), na if pd.isna(getattr(ladder, s)) else note,
                 help=definitions[s]) for s in ("pledged", "deposited", "approved", "disbursed", "spent")], columns=3)
    kpi_row([Kpi(names["fund_balance"], money(ladder.fund_balance), na if project_view else note,
                 help=definitions["fund_balance"]),
             Kpi(names["partner_balance"], money(ladder.partner_balance), note, help=definitions["partner_balance"]),
             Kpi(names["unpaid_pledges"], money(ladder.unpaid_pledges),
                 na if project_view else tr("funds.ladder.note_stock", end=end), help=definitions["unpaid_pledges"])])
    if project_view:
        st.info(tr("funds.ladder.project_filters"), icon=":material/info:")
    elif donor_types:
        caption(tr("funds.ladder.donor_filter", end=end,
                      share=share(report.donors["share_of_deposits"].sum() if len(report.donors) else 0)))
    summary = (tr("funds.ladder.summary_projects", period=period, approved=money(ladder.approved),
                  disbursed=money(ladder.disbursed), spent=money(ladder.spent),
                  partner_balance=money(ladder.partner_balance)) if project_view else
               tr("funds.ladder.summary", period=period, **{s: money(getattr(ladder, s)) for s in names}))
    fig = cached_figure("funds.ladder", view, lambda: fund_charts.ladder(
        ladder, names, money, tr("funds.ladder.chart_title", period=period)))
    st.plotly_chart(fig, key="funds_ladder", config=charts.CHART_CONFIG, alt=summary)
    markdown(summary)
    table_and_csv(pd.DataFrame({"stage": list(names.values()), "amount_usd": [getattr(ladder, s) for s in names],
                                "definition": list(definitions.values())}),
                  f"ipmd_fund_ladder_{start}_{end}.csv", "funds_ladder")

# ---------------------------------------------------------------------------------------------- 2. flows
links = report.links
with boxes["flows"]:
    if shown == "flows":
        if not report.has_flows:
            st.info(tr("funds.no_flows_section"), icon=":material/info:")
        else:
            hover_link = tr("funds.sankey.hover_link", source="%{customdata[0]}", target="%{customdata[1]}",
                            value="%{customdata[2]}", share="%{customdata[3]}")
            hover_node = tr("funds.sankey.hover_node", value="%{customdata[0]}", share="%{customdata[1]}")
            title = tr("funds.sankey.chart_title", middle=middle_names[middle].lower(),
                       end=end_names[end_stage].lower(), period=period)
            fig = cached_figure("funds.sankey", view, lambda: fund_charts.sankey(
                links, money=money, share=share, link_hover=hover_link, node_hover=hover_node, title=title))
            rec = report.reconciliation
            if rec.mode == "approved":
                reconciliation = tr("funds.sankey.reconcile_projects", approved=money(rec.approved))
            elif rec.brought_forward > 0:
                reconciliation = tr("funds.sankey.reconcile_brought_forward", deposited=money(rec.deposited),
                                    brought=money(rec.brought_forward), approved=money(rec.approved))
            elif rec.not_yet_approved > 0:
                reconciliation = tr("funds.sankey.reconcile_deposits", deposited=money(rec.deposited),
                                    approved=money(rec.approved), not_yet=money(rec.not_yet_approved))
            else:
                reconciliation = tr("funds.sankey.reconcile_equal", deposited=money(rec.deposited),
                                    approved=money(rec.approved))
            counts = report.flow_counts
            summary = tr("funds.sankey.summary", period=period, n_donors=counts.n_donors, approved=money(rec.approved),
                         n_partners=counts.n_partners, n_end=counts.n_end,
                         end_words=tr(f"funds.sankey.end_words.{end_stage}"), top_partner=counts.top_partner or "–",
                         top_partner_value=money(counts.top_partner_usd))
            st.plotly_chart(fig, key="funds_sankey", config=charts.CHART_CONFIG, alt=summary)
            if rec.reconciles:
                caption(reconciliation)
            else:
                st.error(tr("funds.sankey.reconcile_failed"), icon=":material/error:")
            markdown(summary)
            data_table(lambda: links[["source_stage", "source_label", "target_stage", "target_label", "value",
                                      "share"]].replace({c: stage_names for c in ("source_stage", "target_stage")}),
                       "funds_links", caption=tr("funds.sankey.table_caption"), column_config={
                           **{c: tr(f"funds.links.{c}") for c in ("source_stage", "source_label", "target_stage",
                                                                  "target_label")},
                           "value": st.column_config.NumberColumn(tr("funds.links.value"),
                                                                  format=usd_column_format(lang())),
                           "share": st.column_config.NumberColumn(tr("funds.links.share"), format="percent")})

# ------------------------------------------------------------------------------------------------ 3. map
with boxes["map"]:
    if shown == "map":
        money_name = tr(f"funds.map.money.{money_kind}")
        money_words = money_name.lower()
        if report.countries.empty:
            st.info(tr("funds.map.none", money=money_words), icon=":material/info:")
        else:
            fig = cached_figure("funds.map", view, lambda: maps.world_choropleth(
                fund_charts.map_frame(report.countries, money,
                                      tr("funds.map.hover", money=money_name, value="{value}", n="{n}")),
                country_frame(lang()), colorbar_title=tr("funds.map.colorbar", money=money_name)))
            top = report.countries.head(3)
            summary = tr("funds.map.summary", period=period, total=money(report.countries["amount_usd"].sum()),
                         money=money_words, n=len(report.countries),
                         top=", ".join(f"{r.name} ({money(r.amount_usd)})" for r in top.itertuples()))
            maps.show_map(fig, key="funds_map", alt=tr("funds.map.alt", money=money_words, period=period))
            caption(tr("funds.map.caption"))
            markdown(summary)
            if report.unplaced_usd:
                caption(tr("funds.map.unplaced", value=money(report.unplaced_usd), money=money_words,
                              placed=money(report.countries["amount_usd"].sum()),
                              total=money(getattr(ladder, money_kind))))
            table_and_csv(report.countries, f"ipmd_fund_{money_kind}_by_country_{start}_{end}.csv", "funds_map",
                          {"amount_usd": st.column_config.NumberColumn(format="dollar")})
            map_downloads(lambda con, language: gis.ledger_layer(
                con, report.countries, language, value="amount_usd", measure=money_kind, period=f"{start}-{end}",
                illustrative=options.is_illustrative, extra=("n_projects",)),
                f"ipmd_fund_map_{money_kind}_{start}-{end}", key="funds_map", layer_name=f"fund_{money_kind}")

# --------------------------------------------------------------------------------------------- 4. donors
donors = report.donors
wb = report.world_bank
with boxes["donors"]:
    if shown == "donors":
        if donors.empty:
            st.info(tr("funds.donors.none"), icon=":material/info:")
        else:
            top = donors.iloc[0]
            summary = tr("funds.donors.summary", period=period, n=len(donors),
                         deposited=money(donors["deposited_usd"].sum()), pledged=money(donors["pledged_usd"].sum()),
                         top=plain(top["name"]), top_share=share(top["share_of_deposits"]))
            hover = tr("funds.donors.hover", name="<b>%{customdata[0]}</b>", pledged="%{customdata[1]}",
                       deposited="%{customdata[2]}", share="%{customdata[3]}", first="%{customdata[4]}",
                       last="%{customdata[5]}")
            fig = cached_figure("funds.donors", view, lambda: fund_charts.donor_bars(
                donors, {"pledged_usd": names["pledged"], "deposited_usd": names["deposited"]}, money, share, day,
                hover, tr("funds.donors.chart_title", period=period)))
            st.plotly_chart(fig, key="funds_donors", config=charts.CHART_CONFIG, alt=summary)
            # the heat map below the bars, full width: beside them, its cells were about 100 px wide in all
            timing = report.donor_timing
            if not timing.empty:
                busiest = timing.groupby("year")["deposited_usd"].sum()
                timing_summary = tr("funds.donors.timing_summary", period=period, year=int(busiest.idxmax()),
                                    value=money(busiest.max()))
                fig = cached_figure("funds.donor_timing", view, lambda: fund_charts.donor_timing(
                    timing, donors["name"].tolist(), money, tr("funds.donors.timing_title")))
                st.plotly_chart(fig, key="funds_donor_timing", config=charts.CHART_CONFIG, alt=timing_summary)
                caption(timing_summary)
            markdown(summary)
            table_and_csv(donors.drop(columns=["donor_id"]), f"ipmd_fund_donors_{start}_{end}.csv", "funds_donors", {
                "name": tr("funds.donors.col.name"), "donor_type": tr("funds.donors.col.type"),
                "is_world_bank_internal": st.column_config.CheckboxColumn(tr("funds.donors.col.world_bank")),
                "pledged_usd": st.column_config.NumberColumn(tr("funds.donors.col.pledged"), format="dollar"),
                "deposited_usd": st.column_config.NumberColumn(tr("funds.donors.col.deposited"), format="dollar"),
                "unpaid_usd": st.column_config.NumberColumn(tr("funds.donors.col.unpaid"), format="dollar"),
                "share_of_deposits": st.column_config.NumberColumn(tr("funds.donors.col.share"), format="percent"),
                "first_deposit": st.column_config.DateColumn(tr("funds.donors.col.first")),
                "last_deposit": st.column_config.DateColumn(tr("funds.donors.col.last"))})

        markdown(f"**{tr('funds.wb.title')}**")
        ceiling, warn = share(wb.ceiling), share(wb.ceiling - wb.warn_margin)
        caption(tr("funds.wb.intro", ceiling=ceiling, end=end))
        status_text = tr(f"funds.wb.status.{wb.status}")
        figures = tr("funds.wb.figures", wb=money(wb.wb_deposits), total=money(wb.total_deposits),
                     share=share(wb.share), ceiling=ceiling)
        left, right = st.columns([1, 2])
        with left:
            kpi_row([Kpi(tr("funds.wb.status"), status_text, tr("funds.wb.note", end=end),
                         help=tr("funds.wb.status_help", warn=warn, ceiling=ceiling))], columns=1)
        with right:
            fig = cached_figure("funds.world_bank", view, lambda: fund_charts.ceiling_bar(
                wb.share, wb.ceiling, wb.warn_margin, wb.status, pct=share, title=tr("funds.wb.chart_title"),
                labels={"at_risk": tr("funds.wb.at_risk_band"),
                        "ceiling": tr("funds.wb.ceiling_label", ceiling=ceiling)}))
            st.plotly_chart(fig, key="funds_wb", config=charts.CHART_CONFIG, alt=f"{status_text}. {figures}")
        headroom = (tr("funds.wb.headroom", value=money(wb.headroom_usd)) if wb.headroom_usd >= 0
                    else tr("funds.wb.over", value=money(-wb.headroom_usd)))
        (st.error if wb.status == "breached" else st.warning if wb.status == "at risk" else st.success)(
            literal(f"**{status_text}.** {figures} {headroom}"))

# ------------------------------------------------------------------------------------------ 5. over time
with boxes["time"]:
    if shown == "time":
        series = report.over_time
        if series.empty:
            st.info(tr("funds.no_flows_section"), icon=":material/info:")
        else:
            freq_word = tr(f"funds.time.freq.{freq}").lower()
            top_row = series.loc[series["approvals"].idxmax()]
            summary = (tr("funds.time.summary_projects", period=period, top_period=top_row["period"],
                          top_value=money(top_row["approvals"])) if project_view else
                       tr("funds.time.summary", period=period, top_period=top_row["period"],
                          top_value=money(top_row["approvals"]), last_period=series["period"].iloc[-1],
                          balance=money(series["fund_balance"].iloc[-1])))
            fig = cached_figure("funds.over_time", view, lambda: fund_charts.over_time(
                series, {c: tr(f"funds.time.{c}") for c in ("deposits", "approvals", "disbursements", "fund_balance")},
                money, tr("funds.time.chart_title", freq=freq_word, period=period)))
            st.plotly_chart(fig, key="funds_time", config=charts.CHART_CONFIG, alt=summary)
            caption(tr("funds.time.balance_note"))
            markdown(summary)
            table_and_csv(series.drop(columns=["period_start", "period_end"]),
                          f"ipmd_fund_over_time_{freq}_{start}_{end}.csv", "funds_time")

# ------------------------------------------------------------------------------------------ 6. downloads
with boxes["downloads"]:
    st.subheader(tr("funds.downloads.title"))
    caption(tr("funds.downloads.intro") + " " + tr("funds.downloads.count", n=len(report.transactions),
                                                       links=len(links)))
    chosen = [", ".join(tr(f"funds.donor_type.{d}") for d in donor_types), ", ".join(goals), ", ".join(partners)]
    note = tr("funds.downloads.note", period=period,
              filters="; ".join(c for c in chosen if c) or tr("funds.downloads.no_filters"))
    cols = st.columns(2)
    with cols[0]:
        csv_download(links, f"ipmd_fund_flows_{start}_{end}.csv", key="funds_flows_csv", sources_note=note,
                     label=tr("funds.downloads.flows"))
    with cols[1]:
        csv_download(report.transactions, f"ipmd_fund_transactions_iati_{start}_{end}.csv", key="funds_iati_csv",
                     sources_note=note, label=tr("funds.downloads.iati"))
    caption(tr("funds.downloads.iati_help"))
