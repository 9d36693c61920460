"""The allocation review's sections: notices, envelope, pipeline and record, the what-if round (its ticks and
amounts kept in the URL as ?fund=), the decision sheet and the changes since the last meeting. Data from
ipmd.allocation.report; figures from components/figures/allocation.py through components.figure_cache.figure."""
from __future__ import annotations

from datetime import date

import pandas as pd
import streamlit as st

from components import charts
from components.data import connection, load
from components.downloads import csv_download
from components.figure_cache import figure
from components.figures import allocation as figures
from components.kpi import Kpi, kpi_row
from components.labels import country_frame
from components.links import donor_link, link_column, page_link, project_link
from components.state import keep_in_url, lang, report_unknown, tr, url_choice, url_multiselect, url_selectbox
from components.tables import data_table, dataframe, when_opened
from components.text import plain
from ipmd.allocation import report as allocation
from ipmd.allocation import whatif
from ipmd.coverage.matrix import MODES
from ipmd.fund.rules import AREAS, GOALS, PIPELINE_STATUSES
from ipmd.i18n import area_label, fmt_date, fmt_number, fmt_pct, fmt_usd, goal_label, t, usd_column_format
from ipmd.allocation.whatif import WhatIf


def usd(value, exact: bool = False) -> str:
    """US$ in the interface language; a negative amount as '−US$1.4 million', not 'US$-1.4 million'."""
    if value is not None and not pd.isna(value) and value < -0.005:
        return "−" + fmt_usd(-value, lang(), compact=not exact)
    return fmt_usd(value, lang(), compact=not exact)


def share(value) -> str:
    """A 0-1 share as '12.3%'."""
    return fmt_pct(None if value is None or pd.isna(value) else value * 100, lang())


def day(value) -> str:
    return "–" if value is None or pd.isna(value) else fmt_date(pd.Timestamp(value).date(), lang())


def status_label(status: str) -> str:
    return tr(f"allocation.status.{status}")


def labeller(prefix: str):
    """A widget format_func bound to the language of this run (AppTest calls it outside the run)."""
    language = lang()
    return lambda value: t(f"{prefix}.{value}", language)


# ----------------------------------------------------------------------------------------- notices

def committee_notice() -> None:
    """Who may read this page; sign-in, roles and the demo-mode notice come from components.access."""
    st.warning(tr("allocation.notice.confidential"), icon=":material/lock:")


# ---------------------------------------------------------------------------------------- envelope

def envelope(env: allocation.Envelope) -> None:
    as_of = day(env.as_of)
    kpi_row([
        Kpi(tr("allocation.env.available"), usd(env.available),
            tr("allocation.env.available_note", deposited=usd(env.deposited), approved=usd(env.approved),
               date=as_of), help=tr("allocation.env.available_help")),
        Kpi(tr("allocation.env.unpaid"), usd(env.unpaid_pledges),
            tr("allocation.env.unpaid_note", pledged=usd(env.pledged)), help=tr("allocation.env.unpaid_help")),
        Kpi(tr("allocation.env.pipeline"), usd(env.pipeline_requested),
            tr("allocation.env.pipeline_note", n=env.n_pipeline,
               ratio=share(env.pipeline_requested / env.available) if env.available > 0 else "–")),
    ])


# ---------------------------------------------------------------------------------------- pipeline

def pipeline_filters(pipe: pd.DataFrame) -> dict[str, list[str]]:
    language = lang()       # AppTest calls a format_func outside the run
    cols = st.columns(4)
    chosen, rejected = {}, []
    specs = [("partner", sorted(pipe["partner_id"].unique()), str),
             ("goal", list(GOALS), lambda g: goal_label(g, language)),
             ("area", list(AREAS), lambda a: area_label(a, language)),
             ("status", list(PIPELINE_STATUSES), labeller("allocation.status"))]
    for col, (key, options, format_func) in zip(cols, specs):
        chosen[key], bad = url_multiselect(tr(f"allocation.filter.{key}"), options, key=key, format_func=format_func,
                                           container=col, placeholder=tr("allocation.filter.all"))
        rejected += bad
    if rejected:
        report_unknown(rejected, "allocation.filter.unknown", "values")
    return chosen


PIPELINE_TABLE = ["project_id", "title", "partner_id", "status", "country_names", "goals", "area_id",
                  "gfmd_item_id", "requested_usd", "duration_months", "submitted_date", "objectives",
                  "expected_results"]


def pipeline_table(shown: pd.DataFrame) -> None:
    """The filtered pipeline; selecting a row opens its record below (the 'proposal' picker follows)."""
    table = shown[PIPELINE_TABLE].assign(status=shown["status"].map(status_label),
                                         submitted_date=shown["submitted_date"].dt.date,
                                         project_id=[project_link(p) for p in shown["project_id"]])

    def opened() -> None:
        rows = st.session_state["pipeline_table"]["selection"]["rows"]
        if rows and rows[0] < len(shown):
            st.session_state["proposal"] = shown["project_id"].iloc[rows[0]]

    cc = st.column_config
    dataframe(table, key="pipeline_table", on_select=opened, selection_mode="single-row",
              source_text=("title", "objectives", "expected_results"), height=min(35 * (len(table) + 1) + 3, 600),
              column_config={
                  "project_id": link_column(tr("allocation.col.project_id"), "project", pinned=True),
                  "title": cc.TextColumn(tr("allocation.col.title"), width="large"),
                  "partner_id": tr("allocation.col.partner"),
                  "status": tr("allocation.col.status"),
                  "country_names": cc.TextColumn(tr("allocation.col.countries"), width="medium"),
                  "goals": tr("allocation.col.goals"),
                  "area_id": tr("allocation.col.area"),
                  "gfmd_item_id": tr("allocation.col.gfmd"),
                  "requested_usd": cc.NumberColumn(tr("allocation.col.requested"), format="localized"),
                  "duration_months": cc.NumberColumn(tr("allocation.col.duration"), format="%d"),
                  "submitted_date": cc.DateColumn(tr("allocation.col.submitted")),
                  "objectives": cc.TextColumn(tr("allocation.col.objectives"), width="large"),
                  "expected_results": cc.TextColumn(tr("allocation.col.results"), width="large"),
              })
    st.caption(tr("allocation.pipeline.summary", n=len(shown), total=usd(shown["requested_usd"].sum(), exact=True)))


def proposal_picker(pipe: pd.DataFrame) -> str | None:
    titles = dict(zip(pipe["project_id"], pipe["title"]))
    partners = dict(zip(pipe["project_id"], pipe["partner_id"]))
    value, rejected = url_selectbox(
        tr("allocation.record.pick"), list(pipe["project_id"]), key="proposal", default=None, index=None,
        format_func=lambda pid: f"{pid} · {partners[pid]} · {titles[pid]}",
        placeholder=tr("allocation.record.placeholder"))
    if rejected:
        report_unknown(rejected, "allocation.record.unknown", "code")
    return value


def proposal_record(p: allocation.Proposal) -> None:
    r = p.record
    with st.container(border=True):
        st.subheader(plain(r["title"]))                      # text from the ledger: never Markdown
        st.caption(tr("allocation.record.line", id=plain(r["project_id"]), partner=plain(r["partner_name"]),
                      partner_id=plain(r["partner_id"]), status=status_label(r["status"]), date=day(r["submitted_date"])))
        page_link("project", r["project_id"], tr("results_views.links.open_project", id=r["project_id"]))
        kpi_row([
            Kpi(tr("allocation.col.requested"), usd(r["requested_usd"], exact=True)),
            Kpi(tr("allocation.col.duration"),
                tr("allocation.record.months", n="–" if pd.isna(r["duration_months"]) else int(r["duration_months"])),
                tr("allocation.record.period", start=day(r["start_date"]), end=day(r["end_date"]))),
            Kpi(tr("allocation.col.area"), tr("allocation.record.area", id=r["area_id"]), r["area_name"],
                help=p.area_wording),
        ])
        left, right = st.columns(2)
        with left:
            st.markdown(f"**{tr('allocation.record.objectives')}**")
            st.markdown(plain(r["objectives"]))
            st.markdown(f"**{tr('allocation.record.results')}**")
            st.markdown(plain(r["expected_results"]))
        with right:
            st.markdown(f"**{tr('allocation.record.countries')}**")
            st.markdown("\n".join(f"- {c.name} ({c.iso3}): {share(c.share)}" for c in p.countries.itertuples())
                        or tr("allocation.record.no_country"))
            st.markdown(f"**{tr('allocation.record.goals')}**")
            st.markdown("\n".join(
                f"- {g.label}: {share(g.weight)}"
                + (f" ({tr('allocation.record.primary')})" if g.is_primary else "") for g in p.goals.itertuples()))
            st.markdown(f"**{tr('allocation.record.gfmd')}**")
            if p.gfmd:
                st.markdown(f"{p.gfmd['gfmd_item_id']}: {p.gfmd['title']} ({p.gfmd['meeting']})")
            else:
                st.markdown(tr("allocation.record.no_gfmd"))


# ------------------------------------------------------------------------------------------- round

def counting_mode() -> str:
    """Primary goal only, or every goal by its weight; kept in the URL as ?count=weighted (anything else: primary)."""
    mode, _ = url_choice(st.radio, tr("allocation.round.mode"), MODES, "count", MODES[0], horizontal=True,
                         format_func=labeller("allocation.mode"), help=tr("allocation.round.mode_help"))
    return mode


def _base_frame(pipe: pd.DataFrame) -> pd.DataFrame:
    """The editor's starting table: the selection the URL names (?fund=) ticked, the rest not. It is read again
    when the URL holds a value this page did not write (a shared link) or the editor has no state yet (first visit,
    or back from another tab, where the editor was not drawn and Streamlit dropped its edits): the URL then holds
    the last selection, so nothing is lost."""
    url_value = st.query_params.get(FUND_KEY)
    foreign = url_value is not None and url_value != st.session_state.get(f"_url_{FUND_KEY}")
    if foreign or "round_editor" not in st.session_state:   # a link, or back to this tab (the editor's edits are gone)
        selection, rejected = allocation.selection_parse(url_value or "", pipe["project_id"])
        if rejected:
            report_unknown(rejected, "allocation.round.unknown", "values")
        st.session_state["_round_base"] = selection
        st.session_state.pop("round_editor", None)
    base = allocation.editor_frame(pipe)
    for pid, amount in st.session_state["_round_base"]:
        row = base["project_id"] == pid
        base.loc[row, "include"] = True
        if amount is not None:
            base.loc[row, "amount_usd"] = amount
    return base


FUND_KEY = "fund"


def round_editor(pipe: pd.DataFrame) -> allocation.Selection:
    """The what-if table: tick proposals, change an amount for a partial approval. The selection is kept in the
    URL (?fund=ID,ID:amount), so a link reopens the same ticks and amounts."""
    cc = st.column_config
    edited = st.data_editor(
        _base_frame(pipe), key="round_editor", hide_index=True, num_rows="fixed",
        height=min(35 * (len(pipe) + 1) + 3, 600),
        disabled=["project_id", "title", "partner_id", "primary_goal", "area_id", "countries", "requested_usd"],
        column_config={
            "include": cc.CheckboxColumn(tr("allocation.round.include"), help=tr("allocation.round.include_help"),
                                         pinned=True),
            "project_id": cc.TextColumn(tr("allocation.col.project_id")),
            "title": cc.TextColumn(tr("allocation.col.title"), width="large"),
            "partner_id": tr("allocation.col.partner"),
            "primary_goal": tr("allocation.col.primary_goal"),
            "area_id": tr("allocation.col.area"),
            "countries": tr("allocation.col.countries"),
            # an editable table takes no server-written numbers: a printf grouped as the page's language groups
            # (Streamlit's "localized" follows the browser's locale)
            "requested_usd": cc.NumberColumn(tr("allocation.col.requested"), format=usd_column_format(lang())),
            "amount_usd": cc.NumberColumn(tr("allocation.round.amount"), help=tr("allocation.round.amount_help"),
                                          min_value=0.0, step=1000.0, format=usd_column_format(lang())),
        })
    selection = allocation.selection_from(edited)
    text = allocation.selection_text(selection, dict(zip(pipe["project_id"], pipe["requested_usd"])))
    keep_in_url(FUND_KEY, text)
    st.session_state[f"_url_{FUND_KEY}"] = text
    return selection


@st.fragment
def what_if_round(pipe: pd.DataFrame, env: allocation.Envelope, year: int) -> None:
    """The what-if round: counting mode, the editor, and every effect of the selection. A fragment: a tick, an
    amount or the counting mode reruns this section only (the URL follows: ?count=, ?fund=)."""
    mode = counting_mode()
    selection = round_editor(pipe)
    result = load(allocation.effects, selection, year, mode)
    if not selection:
        st.info(tr("allocation.round.empty"))
    balance(result)
    coverage(result, env.is_illustrative)
    high_need(result, year)
    concentration(result)
    world_bank(result, env)
    decision_downloads(selection, year, mode)


def balance(result: WhatIf) -> None:
    kpi_row([
        Kpi(tr("allocation.round.available"), usd(result.available_before), usd(result.available_before, exact=True)),
        Kpi(tr("allocation.round.selected"), usd(result.selected_total),
            tr("allocation.round.selected_note", n=len(result.selection),
               exact=usd(result.selected_total, exact=True))),
        Kpi(tr("allocation.round.remaining"), usd(result.remaining), usd(result.remaining, exact=True),
            help=tr("allocation.round.remaining_help")),
    ])
    for warning in result.warnings:
        text = tr(warning.key, **_warning_values(warning.values))
        if warning.key == whatif.OVER_COMMITTED:
            st.error(text, icon=":material/error:")
        elif warning.key == whatif.ZERO_AMOUNT:
            st.caption(text)
        else:
            st.warning(text)
    sel = result.selection
    partial = sel.loc[sel["is_partial"] & (sel["amount"] > 0)]
    if len(partial):
        st.caption(tr("allocation.round.partial", ids=plain(", ".join(partial["project_id"]))))


def _warning_values(values: dict) -> dict[str, str]:
    """A what-if warning's values as text: amounts in US$, shares in %, ids and statuses as plain words."""
    def text(name: str, value) -> str:
        if name in ("amount", "requested", "shortfall", "available"):
            return usd(value, exact=True)
        if name in ("share", "ceiling"):
            return share(value)
        if name == "status":
            return status_label(value)
        return plain(", ".join(value) if isinstance(value, tuple) else str(value))
    return {name: text(name, value) for name, value in values.items()}


def coverage(result: WhatIf, illustrative: bool = True) -> None:
    st.markdown(f"**{tr('allocation.cov.title')}**")
    changes = [f"{goal_label(r.goal_id, lang())} +{usd(r.approved_change)}"
               for r in result.coverage_by_goal.itertuples() if r.approved_change > 0]
    changes += [f"{area_label(r.area_id, lang())} +{usd(r.approved_change)}"
                for r in result.coverage_by_area.itertuples() if r.approved_change > 0]
    least = result.coverage_by_goal.sort_values(["approved_after", "goal_id"]).iloc[0]
    summary = tr("allocation.cov.summary", changes="; ".join(changes) or tr("allocation.cov.no_change"),
                 least=goal_label(least.goal_id, lang()), least_share=share(least.share_after))
    fig = figure(figures.coverage_before_after, result.coverage_by_goal, result.coverage_by_area)
    # the review is behind the sign-in: an embed of it would show the sign-in page, so PNG and SVG only
    charts.show(fig, "allocation_coverage", alt=summary, title=tr("allocation.cov.title"),
                sources=charts.ledger_sources(illustrative), illustrative=illustrative, embeddable=False)
    st.markdown(summary)
    data_table(lambda: pd.concat([result.coverage_by_goal.rename(columns={"goal_id": "id"}),
                                  result.coverage_by_area.rename(columns={"area_id": "id"})], ignore_index=True),
               "allocation_coverage", file_name="ipmd_allocation_coverage.csv")


def high_need(result: WhatIf, year: int) -> None:
    names = _country_names()
    st.markdown(f"**{tr('allocation.need.title')}**")
    left, right = st.columns([1, 2], vertical_alignment="center")
    left.metric(tr("allocation.need.reached"), tr("allocation.need.n_of", n=result.n_high_need_reached,
                                                  total=len(result.high_need)), border=True,
                help=tr("allocation.need.help"))
    with right:
        if result.high_need_reached:
            st.markdown(tr("allocation.need.which", countries=", ".join(
                f"{names.get(c, c)} ({c})" for c in result.high_need_reached)))
        missed = [c for c in result.high_need if c not in result.high_need_reached]
        if missed:
            st.caption(tr("allocation.need.missed", countries=", ".join(f"{names.get(c, c)} ({c})" for c in missed)))
        st.caption(tr("allocation.need.year", year=year))


def _country_names() -> dict[str, str]:
    frame = country_frame(lang())
    return dict(zip(frame["iso3"], frame["name"]))


def _hhi(value) -> str:
    return "–" if value is None or pd.isna(value) else fmt_number(value, lang(), 4)


def concentration(result: WhatIf) -> None:
    st.markdown(f"**{tr('allocation.conc.title')}**")
    changed = result.selected_total > 0
    cols = st.columns(2)
    names = _country_names()

    def label(key):
        return "–" if key is None else names.get(key, key)

    for col, kind, before, after in ((cols[0], "partner", result.partner_before, result.partner_after),
                                     (cols[1], "country", result.country_before, result.country_after)):
        with col:
            delta = hhi_delta = None
            if changed and not pd.isna(after.largest_share) and not pd.isna(before.largest_share):
                delta = tr("allocation.conc.points", value=fmt_number((after.largest_share - before.largest_share)
                                                                     * 100, lang(), 1))
            if changed and not pd.isna(after.hhi) and not pd.isna(before.hhi):
                hhi_delta = fmt_number(after.hhi - before.hhi, lang(), 4)
            st.metric(tr(f"allocation.conc.largest_{kind}", name=label(after.largest)), share(after.largest_share),
                      delta=delta, delta_color="inverse", border=True,
                      help=tr("allocation.conc.largest_help"))
            st.metric(tr(f"allocation.conc.hhi_{kind}"), _hhi(after.hhi), delta=hhi_delta, delta_color="inverse",
                      border=True, help=tr("allocation.conc.hhi_help"))
            st.caption(tr("allocation.conc.before", share=share(before.largest_share), name=label(before.largest),
                          hhi=_hhi(before.hhi), n=after.n))
    if box := when_opened(tr("allocation.conc.table"), key="allocation_shares_open"):
        with box:
            dataframe(result.partner_shares, key="allocation_partner_shares")
            dataframe(result.country_shares, key="allocation_country_shares")


def world_bank(result: WhatIf, env: allocation.Envelope) -> None:
    st.markdown(f"**{tr('allocation.wb.title')}**")
    left, right = st.columns(2)
    with left:
        st.metric(tr("allocation.wb.internal"), share(result.wb_internal_share), border=True,
                  help=tr("allocation.env.wb_help"))
        st.caption(tr("allocation.wb.internal_note", ceiling=share(result.ceiling),
                      status=tr(f"allocation.wb.{env.wb_status}"), wb=usd(result.wb_internal_deposits, exact=True),
                      deposits=usd(result.deposits, exact=True)))
    with right:
        st.metric(tr("allocation.wb.partner"), share(result.wb_partner_share_after), border=True,
                  help=tr("allocation.wb.partner_help"))
        st.caption(tr("allocation.wb.partner_note", before=share(result.wb_partner_share_before)))


def decision_downloads(selection: allocation.Selection, year: int, mode: str) -> None:
    """XLSX and CSV, built when clicked from the same selection the page shows."""
    st.markdown(f"**{tr('allocation.sheet.title')}**")
    st.caption(tr("allocation.sheet.help"))
    con, language = connection(), lang()

    def sheet() -> allocation.DecisionSheet:
        return allocation.decision_sheet(con, selection, year, mode, lang=language)

    stamp = date.today().isoformat()
    left, right = st.columns(2)
    left.download_button(tr("allocation.sheet.xlsx"), data=lambda: allocation.sheet_xlsx(sheet()),
                         file_name=f"ipmd_decision_sheet_{stamp}.xlsx", key="sheet_xlsx", on_click="ignore",
                         mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                         icon=":material/table_view:")
    right.download_button(tr("allocation.sheet.csv"), data=lambda: allocation.sheet_csv(sheet()),
                          file_name=f"ipmd_decision_sheet_{stamp}.csv", key="sheet_csv", on_click="ignore",
                          mime="text/csv", icon=":material/download:")


# ----------------------------------------------------------------------------- since the last meeting

def since_picker(default: date | None, first: date | None, last: date | None) -> date:
    url_value = st.query_params.get("since")
    if url_value is not None and url_value != st.session_state.get("_url_since"):
        try:
            st.session_state["since"] = date.fromisoformat(url_value)
        except ValueError:
            report_unknown(url_value, "allocation.since.bad_date", "value")
    if "since" not in st.session_state:
        st.session_state["since"] = default or last or date.today()
    picked = st.columns(3)[0].date_input(tr("allocation.since.pick"), key="since", min_value=first,
                                         help=tr("allocation.since.help"), format="YYYY-MM-DD")
    keep_in_url("since", picked.isoformat(), (default or date.today()).isoformat())
    st.session_state["_url_since"] = None if default and picked == default else picked.isoformat()
    return picked


def changes(ch: allocation.Changes) -> None:
    totals = ch.totals.set_index("txn_type")
    kpi_row([Kpi(tr(f"allocation.txn.{t}"), usd(totals.loc[t, "amount_usd"]),
                 tr("allocation.since.n", n=int(totals.loc[t, "n"]))) for t in allocation.TXN_TYPES], columns=3)
    if ch.transactions.empty and ch.added.empty and ch.decided.empty:
        st.info(tr("allocation.since.nothing", date=day(ch.since)))
        return
    cc = st.column_config
    labels = {"project_id": link_column(tr("allocation.col.project_id"), "project"),
              "title": cc.TextColumn(tr("allocation.col.title"),
                                                                                    width="large"),
              "partner_id": tr("allocation.col.partner"), "status": tr("allocation.col.status"),
              "requested_usd": cc.NumberColumn(tr("allocation.col.requested"), format="localized"),
              "submitted_date": tr("allocation.col.submitted"), "decision": tr("allocation.since.decision"),
              "approved_usd": cc.NumberColumn(tr("allocation.since.approved"), format="localized"),
              "decision_date": tr("allocation.since.decision_date")}
    left, right = st.columns(2)
    with left:
        st.markdown(f"**{tr('allocation.since.added', n=len(ch.added))}**")
        if len(ch.added):
            dataframe(ch.added.assign(status=ch.added["status"].map(status_label),
                                      project_id=[project_link(p) for p in ch.added["project_id"]],
                                      submitted_date=ch.added["submitted_date"].dt.date),
                      key="since_added", column_config=labels, source_text=("title",))
        else:
            st.caption(tr("allocation.since.none"))
    with right:
        st.markdown(f"**{tr('allocation.since.decided', n=len(ch.decided))}**")
        if len(ch.decided):
            dataframe(ch.decided.assign(decision=ch.decided["decision"].map(
                lambda d: tr(f"allocation.decision.{d}")), decision_date=ch.decided["decision_date"].dt.date,
                project_id=[project_link(p) for p in ch.decided["project_id"]])
                .drop(columns="status"), key="since_decided", column_config=labels, source_text=("title",))
        else:
            st.caption(tr("allocation.since.none"))
    st.markdown(f"**{tr('allocation.since.transactions', n=len(ch.transactions), date=day(ch.since))}**")
    listed = ch.transactions.assign(txn_date=ch.transactions["txn_date"].dt.date,
                                    txn_type=ch.transactions["txn_type"].map(lambda t: tr(f"allocation.txn.{t}")),
                                    donor_id=[donor_link(d) if isinstance(d, str) else None
                                              for d in ch.transactions["donor_id"]],
                                    project_id=[project_link(p) if isinstance(p, str) else None
                                                for p in ch.transactions["project_id"]])
    dataframe(listed, key="since_transactions", source_text=("party",), column_order=[
        "txn_date", "txn_type", "party", "amount_usd", "currency", "amount_original", "donor_id", "project_id",
        "txn_id"], column_config={
        "txn_date": cc.DateColumn(tr("allocation.since.date")), "txn_type": tr("allocation.since.type"),
        "party": cc.TextColumn(tr("allocation.since.party"), width="large"),
        "amount_usd": cc.NumberColumn(tr("allocation.since.amount"), format="localized"),
        "currency": tr("allocation.since.currency"),
        "amount_original": cc.NumberColumn(tr("allocation.since.amount_original"), format="localized"),
        "donor_id": link_column(tr("allocation.since.donor"), "donor"),
        "project_id": link_column(tr("allocation.since.project"), "project"),
        "txn_id": tr("allocation.since.txn_id")})
    csv_download(ch.transactions, f"ipmd_changes_since_{ch.since.isoformat()}.csv", key="since_csv")
