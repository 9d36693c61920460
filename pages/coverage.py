"""Goal coverage: how the partnership's projects cover its goals and areas of work, where the money goes,
which high-need countries have none, and which GFMD 2007/2008 items nobody follows up."""
import streamlit as st

from components.shell import require_app
from components import charts, maps
from components import coverage_charts as cc
from components.data import load
from components.downloads import csv_download, map_downloads
from components.figure_cache import cached_figure
from components.labels import country_frame
from components.provenance import caption_sources, illustrative_notice
from components.sidebar import year
from components.state import lang, report_unknown, tr, url_choice, url_multiselect, url_tabs, url_year_range
from components.tables import data_table, when_opened
from ipmd import gis
from ipmd.coverage import need
from ipmd.coverage import report as cr
from ipmd.i18n import fmt_number, plural

require_app()

chosen_year = year()
names = country_frame(lang())
name_of = dict(zip(names["iso3"], names["name"]))
options = load(cr.filter_options)
st.title(tr("coverage.title"))
st.caption(tr("coverage.intro"))
answers_box = st.container(border=True)   # filled at the end, once every section has been computed
problems: list[str] = []

# ---------------------------------------------------------------------------------------- filters
with st.container(border=True):
    row1, row2 = st.columns(3), st.columns(3)
    regions, bad = url_multiselect(tr("coverage.filter.region"), options.regions, key="region",
                                   format_func=cc.region_label,
                                   placeholder=tr("coverage.filter.all"), container=row1[0])
    problems += bad
    incomes, bad = url_multiselect(tr("coverage.filter.income"), options.income_groups, key="income",
                                   format_func=cc.income_label,
                                   placeholder=tr("coverage.filter.all"), container=row1[1])
    problems += bad
    partner_name = dict(zip(options.partners["partner_id"], options.partners["name"]))
    partners, bad = url_multiselect(tr("coverage.filter.partner"), list(partner_name), key="partner",
                                    format_func=lambda p: p, placeholder=tr("coverage.filter.all"),
                                    help=tr("coverage.filter.partner_help"), container=row1[2])
    problems += bad
    statuses, bad = url_multiselect(tr("coverage.filter.status"), list(cr.PUBLIC_STATUSES), key="status",
                                    format_func=lambda s: tr(f"coverage.status.{s}"),
                                    placeholder=tr("coverage.filter.all"), help=tr("coverage.filter.status_help"),
                                    container=row2[0])
    problems += bad
    (start, end), bad = url_year_range(tr("coverage.filter.period"), options.first_year, options.last_year,
                                          container=row2[1], help=tr("coverage.filter.period_help"))
    problems += bad
    with row2[2]:
        goal, bad = url_choice(st.segmented_control, tr("coverage.filter.goal"), ["all", *cr.coverage.GOALS],
                                  key="goal", default="all", required=True, help=tr("coverage.filter.goal_help"),
                                  format_func=lambda g: tr("coverage.filter.all_goals") if g == "all" else g)
    problems += [bad] if bad else []
for value in problems:
    report_unknown(str(value))
filters = dict(regions=tuple(regions), income_groups=tuple(incomes), partners=tuple(partners),
               statuses=tuple(statuses), start_year=start, end_year=end)
goal_id = None if goal in (None, "all") else goal
filter_inputs = (*filters.values(), lang())     # what every figure below depends on, with its own choices

mode, bad = url_choice(st.segmented_control, tr("coverage.mode.label"), list(cr.coverage.MODES), key="mode",
                       default="primary", required=True, format_func=lambda m: tr(f"coverage.mode.{m}"))
if bad:
    report_unknown(bad)
st.caption(tr(f"coverage.mode.{mode}.shown"))
m = load(cr.matrix, mode=mode, **filters)
illustrative_notice(m.is_illustrative)     # above the tabs: it holds for every view
# the four views as tabs (?view=matrix|map|gaps|gfmd): only the open one is drawn; the answers above need the
# matrix, the gap finder (and its controls, in their tab) and the GFMD tracker, so those are always computed
tabs, shown, bad_view = url_tabs({view: tr(f"coverage.tab.{view}") for view in ("matrix", "map", "gaps", "gfmd")},
                                 key="view", default="matrix")
if bad_view:
    report_unknown(bad_view)

# ---------------------------------------------------------------------------------------- 1. matrix
if shown == "matrix":
    with tabs["matrix"]:
        st.subheader(tr("coverage.matrix.title"))
        if m.n_projects == 0:
            st.info(tr("coverage.nothing_selected"), icon=":material/filter_alt_off:")
        else:
            goals, areas = list(m.goal_totals["goal_id"]), list(m.area_totals["area_id"])
            summary = tr("coverage.matrix.summary", n=m.n_projects, approved=cc.usd(m.approved),
                         disbursed=cc.usd(m.disbursed), counted=tr(f"coverage.mode.{mode}.short"))
            heatmap = cached_figure("coverage.matrix", (mode, *filter_inputs),
                                    lambda: cc.matrix_heatmap(m.cells, goals, areas, tr(f"coverage.mode.{mode}")))
            st.plotly_chart(heatmap, key="coverage_matrix", config=charts.CHART_CONFIG, alt=summary)
            st.markdown(summary)
            cell_options = [f"{g}-{a}" for g in goals for a in areas]
            cell, bad = url_choice(st.pills, tr("coverage.cell.pick"), cell_options, key="cell", default=None,
                                      format_func=lambda c: c.replace("-", " × "))
            if bad:
                report_unknown(bad)
            if cell:
                g, a = cell.split("-")
                listed = load(cr.cell_projects, g, a, mode=mode, **filters)
                st.markdown(tr("coverage.cell.summary", goal=cc.goal_label(g), area=cc.area_label(a), n=len(listed),
                               approved=cc.usd(listed["approved"].sum())))
                cc.show_projects(listed[["project_id", "title", "partner_id", "status", "gfmd_item_id", "weight",
                                         "approved", "disbursed", "spent"]],
                                 "coverage_cell", f"ipmd_coverage_{cell}.csv")
            else:
                st.caption(tr("coverage.cell.hint"))
            data_table(m.cells[["goal_id", "area_id", "n_projects", "project_weight", "approved", "disbursed",
                                "spent"]], "coverage_matrix", file_name=f"ipmd_coverage_matrix_{mode}.csv",
                       column_config=cc.columns())

# ---------------------------------------------------------------------------------------- 2. map
if shown == "map":
    with tabs["map"]:
        st.subheader(tr("coverage.map.title",
                        goal=cc.goal_label(goal_id) if goal_id else tr("coverage.filter.all_goals")))
        cov = load(cr.country_coverage, goal_id, mode, **filters)
        frame = cc.with_names(cov.by_country, name_of)
        left, right = st.columns([2, 1])
        map_alt = tr("coverage.map.alt", n=len(frame), approved=cc.usd(frame["approved"].sum()))
        with left:
            world = cached_figure("coverage.map", (goal_id, mode, *filter_inputs), lambda: maps.world_choropleth(
                frame.assign(value=frame["approved"],
                             label=[tr("coverage.map.hover", approved=cc.usd(r.approved), n=r.n_projects)
                                    for r in frame.itertuples()]),
                names, colorbar_title=tr("coverage.map.colour"), height=420))
            maps.show_map(world, key="coverage_map", alt=map_alt)
        with right:
            regions_frame = cov.by_region.assign(region=[cc.region_label(r) for r in cov.by_region["un_region"]])
            st.markdown(f"**{tr('coverage.map.regions')}**")
            cc.show_region_totals(regions_frame, cov)
        st.markdown(tr("coverage.map.summary", n=len(frame), approved=cc.usd(frame["approved"].sum()),
                       top=", ".join(f"{r.name} ({cc.usd(r.approved)})" for r in frame.head(3).itertuples()) or "–"))
        if filters["regions"] or filters["income_groups"]:
            st.caption(tr("coverage.map.no_country_filtered"))
        else:
            st.caption(tr("coverage.map.no_country", n=cov.without_country["n_projects"],
                          approved=cc.usd(cov.without_country["approved"]), total=cc.usd(cov.approved)))
        st.caption(tr("coverage.map.hint"))
        map_downloads(lambda con, language: gis.ledger_layer(
            con, frame, language, value="approved", measure="approved", period=f"{start}-{end}",
            illustrative=m.is_illustrative, extra=("n_projects", "disbursed", "spent")),
            f"ipmd_coverage_map_{goal}_{mode}_{start}-{end}", key="coverage_map", layer_name="coverage")
        if box := when_opened(tr("common.data_table"), key="coverage_map_data"):
            with box:
                table = frame[["name", "iso3", "un_region", "income_group", "n_projects", "approved", "disbursed",
                               "spent"]]
                st.dataframe(table, hide_index=True, key="coverage_map_table", column_config=cc.columns())
                csv_download(table, f"ipmd_coverage_countries_{goal}.csv", key="coverage_map_csv")
                regions_table = regions_frame[["region", "n_countries_funded", "approved", "disbursed", "spent"]]
                st.dataframe(regions_table, hide_index=True, key="coverage_regions_table",
                             column_config=cc.columns())
                csv_download(regions_table, f"ipmd_coverage_regions_{goal}.csv", key="coverage_regions_csv")

# ---------------------------------------------------------------------------------------- 3. gap finder
with tabs["gaps"]:
    st.subheader(tr("coverage.gap.title"))
    st.caption(tr("coverage.gap.intro", year=chosen_year))
    weights, lens, developing = cc.need_controls()
no_weight = False
try:
    gf = load(cr.gap_finder, chosen_year, weights, lens, goal_id, mode, developing_only=developing, **filters)
except ValueError:
    no_weight = True
    weights = None
    gf = load(cr.gap_finder, chosen_year, weights, lens, goal_id, mode, developing_only=developing, **filters)
table = cc.with_names(gf.table, name_of)
gap_rows = table[table["quadrant"] == need.QUADRANT_GAP]
if shown == "gaps":
    with tabs["gaps"]:
        if no_weight:
            st.warning(tr("coverage.gap.no_weight"), icon=":material/tune:")
        if box := when_opened(tr("coverage.gap.method_title"), key="coverage_method"):
            with box:
                st.markdown(tr("coverage.method", min_ind=need.DEFAULT_MIN_INDICATORS))
                st.markdown(tr("coverage.coverage_note"))
                st.markdown(tr("coverage.gap.lens_note"))
        st.markdown(plural("figures.gap_summary", len(gap_rows), lang(), n_high=int(table["high_need"].sum()),
                           n_all=gf.n_scored_all, cutoff=fmt_number(gf.cutoff, lang(), 2)))
        if gf.developing_only:
            st.caption(tr("coverage.gap.developing_note"))
        cc.show_gap_table(gap_rows, gf, "coverage_gap_table")
        summary = tr("coverage.scatter.summary", n=gf.n_scored, n_all=gf.n_scored_all, n_gap=len(gap_rows),
                     top=", ".join(gap_rows["name"].head(5)) or "–")
        scatter = cached_figure("coverage.scatter",
                                (chosen_year, weights, lens, goal_id, mode, developing, *filter_inputs),
                                lambda: cc.need_scatter(table, gf.cutoff))
        st.plotly_chart(scatter, key="coverage_scatter", config=charts.CHART_CONFIG, alt=summary)
        st.markdown(summary)
        caption_sources(*[s for k in gf.weights for s in cr.NEED_SOURCES[k]], "illustrative_portfolio")
        missing = cc.with_names(gf.missing, name_of)
        st.markdown(plural("figures.gap_missing", len(missing), lang(), min_ind=need.DEFAULT_MIN_INDICATORS))
        if len(missing):
            if box := when_opened(tr("coverage.gap.missing_list", n=len(missing)), key="coverage_missing"):
                with box:
                    st.write(", ".join(f"{r.name} ({r.n_available}/{r.n_used})" for r in missing.itertuples()))
        if box := when_opened(tr("coverage.gap.all_title"), key="coverage_all"):
            with box:
                cc.show_gap_table(table, gf, "coverage_all_table", with_money=True)

# ---------------------------------------------------------------------------------------- 4. GFMD follow-up
gfmd = load(cr.gfmd_tracker, **filters)
if shown == "gfmd":
    with tabs["gfmd"]:
        st.subheader(tr("coverage.gfmd.title"))
        st.markdown(tr("coverage.gfmd.summary", n=len(gfmd.items), n_none=len(gfmd.unfollowed),
                       n_funded=len(gfmd.items) - len(gfmd.unfollowed)))
        cc.show_gfmd(gfmd)

# ---------------------------------------------------------------------------------------- answers (top of page)
with answers_box:
    cc.show_answers(cr.answers(m, gf, gfmd), gfmd, name_of, tr(f"coverage.mode.{mode}.short"))
