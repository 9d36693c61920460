"""The comparison screen's sections: the headline table, any indicator over time, stocks by sex, top corridors,
remittances, and the downloads (CSV of what is shown, PDF in the page's language)."""
from __future__ import annotations

from dataclasses import replace

import pandas as pd
import streamlit as st

from components.data import connection, load
from components.downloads import csv_download
from components.figure_cache import figure
from components.figures import compare as figures
from components import charts, labels
from components.labels import country_frame
from components.provenance import source_label
from components.state import lang, tr, url_selectbox, url_tabs, report_unknown
from components.tables import CELL_PAD_PX, data_table, dataframe, text_px
from components.text import markdown, plain
from ipmd import queries
from ipmd.i18n import fmt_compact, fmt_pct, fmt_usd
from ipmd.profiles import compare
from ipmd.profiles.compare_pdf import comparison_pdf


def format_value(value, unit: str) -> str:
    """A value as people read it ('No data' for a missing one: never 0)."""
    if value is None or pd.isna(value):
        return tr("compare.missing")
    if unit == "%":
        return fmt_pct(value, lang(), significant=2)
    if unit == "US$":
        return fmt_usd(value, lang())
    if unit == labels.PER_100K:
        return labels.format_value(value, unit)
    return fmt_compact(value, lang())


INDICATOR_PX = 380     # the headline grid's indicator column at most: three places still show beside it at 1280 px


def headline(data: compare.Comparison, names: dict[str, str]) -> pd.DataFrame:
    """The headline figures: one row per indicator, one column per place ('value (year)'), then the source."""
    table = compare.headline_table(data)
    shown = pd.DataFrame({tr("compare.col.indicator"): [tr(f"indicator.{i}") for i in table["indicator_id"]]})
    for code in data.codes:
        shown[names[code]] = [
            format_value(value, data.units.get(ind, "")) + ("" if pd.isna(year) else f" ({year})")
            for ind, value, year in zip(table["indicator_id"], table[code], table[f"{code}_year"])]
    shown[tr("compare.col.source")] = [
        "; ".join(source_label(s, short=True) for s in str(ids).split(";")) if isinstance(ids, str) else "–"
        for ids in table["source_id"]]
    st.subheader(tr("compare.headline.title", year=data.year))
    first = tr("compare.col.indicator")
    # Two forms of the same table; the stylesheet (static/ipmd.css) shows the grid on a wide screen and the stacked
    # form on a phone, where the grid's indicator column cut the names and its places scrolled out of view.
    with st.container(key="compare_headline_wide"):
        # the indicator column pinned and as wide as its longest name up to INDICATOR_PX (a longer one shows whole
        # in its cell's tooltip); the places scroll beside it
        width = min(max(text_px(name, CELL_PAD_PX) for name in shown[first]), INDICATOR_PX)
        dataframe(shown, key="compare_headline", width="stretch", height=(len(shown) + 1) * 35 + 3,
                  column_config={first: st.column_config.TextColumn(first, width=width, pinned=True)})
    with st.container(key="compare_headline_stacked"):
        markdown(stacked_text(shown))
    st.caption(tr("compare.headline.note", year=data.year))
    return shown


def stacked_text(shown: pd.DataFrame) -> str:
    """The headline table as Markdown for a phone: each indicator in bold, then one line per place with its value
    and year, then its source; every text escaped (components.text.plain)."""
    indicator, *places, source = shown.columns
    blocks = []
    for row in shown.itertuples(index=False):
        values = dict(zip(shown.columns, row))
        lines = [f"**{plain(values[indicator])}**"]
        lines += [plain(tr("text17.place_value", place=place, value=values[place])) for place in places]
        lines.append(f"*{plain(tr('text17.source_line', sources=values[source]))}*")
        blocks.append("  \n".join(lines))
    return "\n\n".join(blocks)


def _labelled(frame: pd.DataFrame, names: dict[str, str], unit: str) -> pd.DataFrame:
    """A series (code, year, value, source_id) with the place's name and a hover label (value, year, source)."""
    sources = {s: source_label(s, short=True) for s in frame["source_id"].unique()}
    return frame.assign(name=frame["code"].map(names), label=[
        f"{format_value(v, unit)} ({y}, {sources[s]})"
        for v, y, s in zip(frame["value"], frame["year"], frame["source_id"])])


def _title(data: compare.Comparison, names: dict[str, str], what: str) -> str:
    """A chart's title: what it shows, then the places compared."""
    return tr("export.title_place", title=what, place=", ".join(names[c] for c in data.codes))


def _missing_places(data: compare.Comparison, frame: pd.DataFrame, names: dict[str, str]) -> None:
    absent = [names[c] for c in data.codes if c not in set(frame["code"])]
    if absent:
        st.caption(tr("compare.no_values_for", places=", ".join(absent)))


def over_time(data: compare.Comparison, names: dict[str, str], key: str = "compare_series") -> None:
    """Any indicator over time, one line per place on shared axes."""
    order = [names[c] for c in data.codes]
    unit = data.units.get(data.indicator, "")
    title = tr(f"indicator.{data.indicator}")
    frame = _labelled(data.series, names, unit)
    if frame.empty:
        st.info(tr("common.no_data"))
        return
    fig = figure(figures.lines, frame[["name", "year", "value", "label"]], order, unit, title, data.year)
    last = frame.sort_values("year").groupby("code").tail(1).set_index("code")
    last = last.loc[[c for c in data.codes if c in last.index]].reset_index()
    summary = tr("compare.series.summary", indicator=title, values=tr("screens19.list_sep").join(
        f"{names[r.code]} {format_value(r.value, unit)} ({r.year})" for r in last.itertuples()))
    charts.show(fig, key, alt=summary, title=_title(data, names, title), sources=tuple(frame["source_id"].unique()))
    markdown(summary)
    _missing_places(data, frame, names)
    data_table(frame[["name", "code", "year", "value", "source_id"]], key,
               file_name=f"ipmd_compare_{data.indicator}.csv")


def stocks_by_sex(data: compare.Comparison, names: dict[str, str]) -> None:
    rows = data.stocks_by_sex[data.stocks_by_sex["sex"] != "total"]
    if rows.empty:
        st.info(tr("common.no_data"))
        return
    measure = rows["indicator_id"].map({"immigrant_stock": "immigrants", "emigrant_stock": "emigrants"})
    frame = rows.assign(name=rows["code"].map(names), measure=measure)
    titles = (tr("indicator.immigrant_stock.short"), tr("indicator.emigrant_stock.short"))
    fig = figure(figures.stocks_by_sex, frame[["name", "measure", "sex", "value"]], [names[c] for c in data.codes],
                 titles, {"female": tr("sex.female"), "male": tr("sex.male")})
    totals = data.stocks_by_sex[data.stocks_by_sex["sex"] == "total"].set_index(["code", "indicator_id"])["value"]
    summary = tr("compare.stocks.summary", year=data.stock_year, values=tr("screens19.list_sep").join(
        tr("compare.stocks.place", place=names[c],
           immigrants=format_value(totals.get((c, "immigrant_stock")), "persons"),
           emigrants=format_value(totals.get((c, "emigrant_stock")), "persons")) for c in data.codes))
    charts.show(fig, "compare_stocks", alt=summary,
                title=_title(data, names, f"{tr('compare.tab.stocks')}, {data.stock_year}"),
                sources=tuple(rows["source_id"].unique()), year=data.stock_year)
    markdown(summary)
    _missing_places(data, rows, names)
    data_table(frame[["name", "code", "indicator_id", "sex", "year", "value"]], "compare_stocks")


def corridors(data: compare.Comparison, names: dict[str, str]) -> None:
    if data.corridors.empty:
        st.info(tr("common.no_data"))
        return
    partners = country_frame(lang()).set_index("iso3")["name"]
    rows = data.corridors.assign(name=data.corridors["code"].map(names),
                                 partner=data.corridors["partner_iso3"].map(lambda p: partners.get(p, p)))
    rows["label"] = [format_value(v, "persons") for v in rows["stock"]]
    fig = figure(figures.corridors, rows[["name", "partner", "stock", "label"]], [names[c] for c in data.codes],
                 tr("indicator.emigrant_stock.short"))
    firsts = rows.groupby("code", sort=False).head(1).set_index("code")
    firsts = firsts.loc[[c for c in data.codes if c in firsts.index]]
    summary = tr("compare.corridors.summary", year=data.stock_year, values=tr("screens19.list_sep").join(
        f"{r.name} → {r.partner} ({r.label})" for r in firsts.itertuples()))
    charts.show(fig, "compare_corridors", alt=summary,
                title=_title(data, names, f"{tr('compare.tab.corridors')}, {data.stock_year}"),
                sources=("undesa_ims_2024_bilateral",), year=data.stock_year)
    markdown(summary)
    _missing_places(data, rows, names)
    data_table(rows[["name", "code", "partner", "partner_iso3", "stock"]], "compare_corridors")


def remittances(data: compare.Comparison, names: dict[str, str]) -> None:
    shown = replace(data, indicator="remittances_received_usd", series=data.remittances)
    over_time(shown, names, key="compare_remittances")


SECTIONS = {"time": over_time, "stocks": stocks_by_sex, "corridors": corridors, "remittances": remittances}


def sections(data: compare.Comparison, names: dict[str, str]) -> None:
    """The charts, one tab at a time (?view=...): only the open one is drawn."""
    tabs, shown, bad = url_tabs({k: tr(f"compare.tab.{k}") for k in SECTIONS}, key="view", default="time")
    if bad:
        report_unknown(bad)
    with tabs[shown]:
        SECTIONS[shown](data, names)


@st.fragment
def indicator_sections(codes: tuple[str, ...], year: int, names: dict[str, str]) -> None:
    """The indicator over time (?indicator=), the tabs (?view=) and the downloads, which depend on both. A fragment:
    picking an indicator or a tab reruns this section only, not the places' picker and the headline."""
    indicators = load(queries.indicators)["indicator_id"].tolist()
    indicator, bad_indicator = url_selectbox(tr("compare.indicator"), indicators, key="indicator",
                                             default=compare.DEFAULT_INDICATOR,
                                             format_func=lambda i: tr(f"indicator.{i}"))
    if bad_indicator:
        report_unknown(bad_indicator)
    data = load(compare.comparison, codes, year, indicator)
    sections(data, names)
    downloads(data, names)


def downloads(data: compare.Comparison, names: dict[str, str]) -> None:
    """CSV of everything the comparison shows, and the PDF in the page's language (built when clicked)."""
    st.subheader(tr("compare.downloads"))
    stem = f"ipmd_compare_{'_'.join(c.replace(':', '-') for c in data.codes)}_{data.year}"
    language = lang()

    def frame() -> pd.DataFrame:
        table = compare.download_frame(data)
        table["place"] = table["code"].map(names)
        return table

    def note(table: pd.DataFrame) -> str:
        return "\n".join(source_label(s) for s in table["source_id"].dropna().unique())

    left, right = st.columns(2)
    with left:
        csv_download(frame, f"{stem}.csv", key="compare_csv", sources_note=note)
    right.download_button(tr("compare.pdf"), data=lambda: comparison_pdf(connection(), data.codes, data.year,
                                                                         data.indicator, language),
                          file_name=f"{stem}_{language}.pdf", mime="application/pdf", key="compare_pdf",
                          on_click="ignore", icon=":material/picture_as_pdf:")
