"""Figure builders for the trust fund flows screen: ladder, Sankey, map, donors, World Bank ceiling, over time.

Pure: data in, go.Figure out; nothing renders here. Words come in as arguments (already translated) and
`lang` says how to write amounts, shares and dates, so every argument is plain data and the screen gets
each figure through `components.figure_cache.figure(builder, *args)`, its cache key derived from them.
Titles say "illustrative" when the view passes it in.
"""
from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from components import maps, theme
from components.charts import title_layout, vertical_line
from components.labels import country_frame
from ipmd.fund.flows import LADDER_DEFINITIONS, FundingLadder
from ipmd.i18n import fmt_date, fmt_pct, fmt_usd
from ipmd.ticks import axis_ticks, ticks_for

BLUE, ORANGE, GREEN, VERMILLION, PURPLE, SKY = theme.OKABE_ITO[:6]
GREY, DARK = "#9a9a9a", "#333333"
MIDDLE_COLOURS = [ORANGE, PURPLE, SKY, "#F0E442"]
STAGE_COLOURS = {"donor": BLUE, "fund": DARK, "balance": GREY, "goal": ORANGE, "area": ORANGE,
                 "partner": GREEN, "region": VERMILLION, "country": VERMILLION}
LADDER_COLOURS = {"pledged": SKY, "deposited": BLUE, "approved": ORANGE, "disbursed": GREEN, "spent": VERMILLION}
STATUS_COLOURS = {"within": GREEN, "at risk": ORANGE, "breached": VERMILLION}


def money_text(value, lang: str) -> str:
    return fmt_usd(value, lang)


def share_text(value, lang: str) -> str:
    """A share (0..1) as a percentage; a missing one as a dash."""
    return fmt_pct(None if pd.isna(value) else 100 * value, lang)


def date_text(value, lang: str) -> str:
    return "–" if pd.isna(value) else fmt_date(pd.Timestamp(value).date(), lang)


def _rgba(hex_colour: str, alpha: float) -> str:
    h = hex_colour.lstrip("#")
    return f"rgba({int(h[0:2], 16)}, {int(h[2:4], 16)}, {int(h[4:6], 16)}, {alpha})"


# ------------------------------------------------------------------------------------------ ladder

def ladder(ladder: FundingLadder, names: dict[str, str], lang: str, title: str) -> go.Figure:
    """The five numbers as five separate bars (never stacked: pledges are promises, not money received)."""
    stages = [s for s in LADDER_DEFINITIONS if not pd.isna(getattr(ladder, s))]
    values = [getattr(ladder, s) for s in stages]
    bar = go.Bar(
        x=[names[s] for s in stages], y=values, text=[money_text(v, lang) for v in values], textposition="outside",
        marker=dict(color=[LADDER_COLOURS[s] for s in stages],
                    pattern=dict(shape=["/" if s == "pledged" else "" for s in stages], fillmode="overlay",
                                 fgcolor="white")),
        customdata=[[money_text(v, lang)] for v in values],
        hovertemplate="<b>%{x}</b>: %{customdata[0]}<extra></extra>",
        cliponaxis=False)
    return go.Figure(data=[bar], layout={**title_layout(title), "height": 340, "showlegend": False,
                                         "yaxis": {**ticks_for(values, lang, "usd"), "rangemode": "tozero"},
                                         "margin": {"t": 70}})


# ------------------------------------------------------------------------------------------- sankey

def _node_table(links: pd.DataFrame) -> pd.DataFrame:
    """One row per node: id, label, stage, column, throughput (the larger of in- and outflow), share of its stage.

    Columns: donors (and a balance brought forward) 0, the fund 1, then one per stage; the "not yet
    approved" balance sits beside the first stage, not at the far right where a sink would fall.
    """
    ends = pd.concat([
        links[["source", "source_label", "source_stage", "value"]].set_axis(["id", "label", "stage", "value"], axis=1)
        .assign(side="out"),
        links[["target", "target_label", "target_stage", "value"]].set_axis(["id", "label", "stage", "value"], axis=1)
        .assign(side="in")])
    flows = ends.pivot_table(index=["id", "label", "stage"], columns="side", values="value", aggfunc="sum",
                             fill_value=0.0).reindex(columns=["in", "out"], fill_value=0.0)
    nodes = flows.reset_index().drop_duplicates("id")
    nodes["throughput"] = np.maximum(nodes["in"], nodes["out"])
    total = nodes.groupby("stage")["throughput"].transform("sum")
    fund = nodes.loc[nodes["stage"] == "fund", "throughput"].sum()
    nodes["share"] = np.where(nodes["stage"] == "balance", nodes["throughput"] / fund if fund else np.nan,
                              nodes["throughput"] / total.replace(0, np.nan))
    order = ["donor", "fund"] + list(dict.fromkeys(s for s in links["target_stage"] if s not in ("fund", "balance")))
    column = {stage: i for i, stage in enumerate(order)}
    nodes["column"] = [(0 if row["in"] == 0 else 2) if row["stage"] == "balance" else column.get(row["stage"], 0)
                       for _, row in nodes.iterrows()]
    # within a column: largest first; Other, Unspecified and balances last
    nodes["_last"] = nodes["id"].str.endswith((":Other", ":Unspecified")) | (nodes["stage"] == "balance")
    return nodes.sort_values(["column", "_last", "throughput"], ascending=[True, True, False], ignore_index=True)


def _positions(nodes: pd.DataFrame, pad_fraction: float) -> tuple[list[float], list[float]]:
    """Node centres (x, y in 0..1) by column, stacked by size as plotly scales them (x or y of 0 is ignored)."""
    n_columns = int(nodes["column"].max()) + 1
    sizes = nodes.groupby("column")["throughput"].agg(["sum", "size"])
    room = (1 - pad_fraction * (sizes["size"] - 1)).clip(lower=0.05)
    scale = float((room / sizes["sum"].replace(0, np.nan)).min())
    scale = 0.0 if np.isnan(scale) else scale
    xs, ys, tops = [], [], {}
    for column, value in zip(nodes["column"], nodes["throughput"]):
        height = value * scale
        top = tops.get(column, 0.0)
        xs.append(min(max(column / max(n_columns - 1, 1), 0.001), 0.999))
        ys.append(min(max(top + height / 2, 0.001), 0.999))
        tops[column] = top + height + pad_fraction
    return xs, ys


def sankey(links: pd.DataFrame, lang: str, link_hover: str, node_hover: str, title: str) -> go.Figure:
    """Donors -> fund -> stages, from funds.flow_links rows.

    link_hover / node_hover: hover templates in the interface language, using %{customdata[0..3]}
    (link: source, target, amount, share of its leg) and %{customdata[0..1]} (node: amount, share of
    its stage). Each link's customdata[4] is its leg ('donor>fund', 'fund>goal', ...), for checks.
    Links leaving the fund take the colour of where they go; the others, of where they come from.
    """
    nodes = _node_table(links)
    index = {node: i for i, node in enumerate(nodes["id"])}
    middle = iter(MIDDLE_COLOURS * len(nodes))     # goals or areas each get their own colour, to follow them right
    node_colours = [GREY if last else next(middle) if col == 2 else STAGE_COLOURS.get(stage, GREY)
                    for last, stage, col in zip(nodes["_last"], nodes["stage"], nodes["column"])]
    colour_of = dict(zip(nodes["id"], node_colours))
    link_colours = [_rgba(colour_of[tgt] if a == "fund" else colour_of[src], 0.4)
                    for src, tgt, a in zip(links["source"], links["target"], links["source_stage"])]
    link_data = np.column_stack([links["source_label"], links["target_label"],
                                 [money_text(v, lang) for v in links["value"]],
                                 [share_text(v, lang) for v in links["share"]],
                                 links["source_stage"] + ">" + links["target_stage"]])
    node_data = np.column_stack([[money_text(v, lang) for v in nodes["throughput"]],
                                 [share_text(v, lang) for v in nodes["share"]]])
    tallest = int(nodes.groupby("column").size().max())
    height, pad, margin = max(480, min(2400, 22 * tallest + 120)), 12, dict(l=10, r=10, t=70, b=10)
    xs, ys = _positions(nodes, pad / (height - margin["t"] - margin["b"]))
    diagram = go.Sankey(
        arrangement="snap", valueformat=",.0f",
        # dark labels with a white halo, readable over the coloured flows (the chart theme greyed them)
        textfont=dict(color="#1f2029", size=13, shadow="1px 1px 2px #fff, -1px -1px 2px #fff, 1px -1px 2px #fff, -1px 1px 2px #fff"),
        node=dict(label=nodes["label"].tolist(), color=node_colours, pad=pad, thickness=16, x=xs, y=ys,
                  line=dict(color="white", width=0.5), customdata=node_data,
                  hovertemplate="<b>%{label}</b><br>" + node_hover + "<extra></extra>"),
        link=dict(source=[index[s] for s in links["source"]], target=[index[t] for t in links["target"]],
                  value=links["value"].astype(float).tolist(), color=link_colours, customdata=link_data,
                  hovertemplate=link_hover + "<extra></extra>"))
    return go.Figure(data=[diagram], layout={**title_layout(title), "height": height, "margin": margin,
                                             "font": {"size": 12}})


# ------------------------------------------------------------------------------------------ donors

def donor_bars(donors: pd.DataFrame, names: dict[str, str], lang: str, hover: str, title: str) -> go.Figure:
    """Pledged beside deposited, one row per donor, largest deposits on top.

    donors: funds.donor_summary rows. hover: a template using %{customdata[0..5]} = name, pledged,
    deposited, share of deposits, first deposit, last deposit.
    """
    rows = donors.sort_values(["deposited_usd", "pledged_usd"], ascending=True)
    data = np.column_stack([rows["name"], [money_text(v, lang) for v in rows["pledged_usd"]],
                            [money_text(v, lang) for v in rows["deposited_usd"]],
                            [share_text(v, lang) for v in rows["share_of_deposits"]],
                            [date_text(v, lang) for v in rows["first_deposit"]],
                            [date_text(v, lang) for v in rows["last_deposit"]]])
    bars = [go.Bar(y=rows["name"].to_numpy(), x=rows[column].to_numpy(), orientation="h", name=names[column],
                   marker=dict(color=colour, pattern=dict(shape=pattern, fgcolor="white")),
                   customdata=data, hovertemplate=hover + "<extra></extra>")
            for column, colour, pattern in (("deposited_usd", BLUE, ""), ("pledged_usd", SKY, "/"))]
    return go.Figure(data=bars, layout={
        **title_layout(title), "barmode": "group", "height": max(320, 26 * len(rows) + 120),
        "xaxis": ticks_for(rows[["deposited_usd", "pledged_usd"]].to_numpy(), lang, "usd"),
        "yaxis": {"automargin": True}, "margin": {"t": 95}, "bargap": 0.25, "bargroupgap": 0.05,
        "legend": {"traceorder": "reversed"}})


# YlGnBu without its near-white end: the smallest deposits stay visible against the white page
HEAT = [[0.0, "#c7e9b4"], [0.2, "#7fcdbb"], [0.4, "#41b6c4"], [0.6, "#1d91c0"], [0.8, "#225ea8"], [1.0, "#081d58"]]


def donor_timing(timing: pd.DataFrame, order: list[str], lang: str, title: str) -> go.Figure:
    """Deposits by donor (rows, in `order`, first on top) and year (columns): when the money came in."""
    wide = timing.pivot_table(index="name", columns="year", values="deposited_usd", aggfunc="sum")
    years = list(range(int(timing["year"].min()), int(timing["year"].max()) + 1))
    wide = wide.reindex(index=[n for n in order if n in wide.index][::-1], columns=years)
    text = [[money_text(v, lang) if pd.notna(v) else "" for v in row] for row in wide.to_numpy()]
    heatmap = go.Heatmap(
        z=wide.to_numpy(), x=[str(y) for y in years], y=wide.index.tolist(), colorscale=HEAT,
        customdata=text, hovertemplate="<b>%{y}</b>, %{x}: %{customdata}<extra></extra>", xgap=2, ygap=2,
        colorbar=dict(thickness=10, **ticks_for(wide.to_numpy(), lang, "usd")), hoverongaps=False)
    return go.Figure(data=[heatmap], layout={**title_layout(title), "height": max(300, 22 * len(wide) + 110),
                                             "margin": {"t": 70},
                                             "yaxis": {"automargin": True}, "xaxis": {"type": "category"}})


def ceiling_bar(share: float, ceiling: float, warn_margin: float, status: str, labels: dict[str, str],
                lang: str, title: str) -> go.Figure:
    """The World Bank's share of deposits as one bar against the ceiling, the at-risk band shaded."""
    top = max(ceiling * 1.6, share * 1.15, 0.05)
    bar = go.Bar(x=[share], y=[""], orientation="h", marker_color=STATUS_COLOURS.get(status, GREY),
                 text=[share_text(share, lang)], textposition="outside", width=0.5,
                 hovertemplate=f"{share_text(share, lang)}<extra></extra>",
                 cliponaxis=False)
    at_risk = {"type": "rect", "x0": ceiling - warn_margin, "x1": ceiling, "xref": "x", "y0": 0, "y1": 1,
               "yref": "y domain", "fillcolor": ORANGE, "opacity": 0.18, "line": {"width": 0}}
    annotations = [
        {"text": labels["at_risk"], "x": ceiling - warn_margin, "xref": "x", "xanchor": "left", "y": 0,
         "yref": "y domain", "yanchor": "bottom", "showarrow": False, "font": {"size": 11}},
        {"text": labels["ceiling"], "x": ceiling, "xref": "x", "xanchor": "left", "y": 1, "yref": "y domain",
         "yanchor": "top", "showarrow": False, "font": {"size": 12}}]
    return go.Figure(data=[bar], layout={
        **title_layout(title), "height": 220, "showlegend": False, "margin": {"t": 90, "b": 30},
        "xaxis": {"range": [0, top], **axis_ticks(0, top, lang, "share")}, "yaxis": {"visible": False},
        "shapes": [at_risk, vertical_line(ceiling, color=VERMILLION, width=2)], "annotations": annotations})


# --------------------------------------------------------------------------------------- over time

def over_time(frame: pd.DataFrame, names: dict[str, str], lang: str, title: str) -> go.Figure:
    """Deposits, approvals and disbursements as bars per period; the fund balance at each period's end as a line.

    Series that are all NaN (deposits and the balance under a goal or partner filter) are left out.
    """
    traces = []
    x = frame["period"].astype(str).to_numpy()
    for column, colour in (("deposits", BLUE), ("approvals", ORANGE), ("disbursements", GREEN)):
        if frame[column].notna().any():
            traces.append(go.Bar(x=x, y=frame[column].to_numpy(), name=names[column], marker_color=colour,
                                 customdata=[[money_text(v, lang)] for v in frame[column]],
                                 hovertemplate="%{x}: %{customdata[0]}<extra>" + names[column] + "</extra>"))
    if frame["fund_balance"].notna().any():
        traces.append(go.Scatter(x=x, y=frame["fund_balance"].to_numpy(), name=names["fund_balance"],
                                 mode="lines+markers", line=dict(color=DARK, width=2), marker=dict(size=5),
                                 customdata=[[money_text(v, lang)] for v in frame["fund_balance"]],
                                 hovertemplate="%{x}: %{customdata[0]}<extra>" + names["fund_balance"] + "</extra>"))
    return go.Figure(data=traces, layout={**title_layout(title), "barmode": "group", "height": 380,
                                          "yaxis": ticks_for(frame[["deposits", "approvals", "disbursements",
                                                                   "fund_balance"]].to_numpy(), lang, "usd"),
                                          "xaxis": {"type": "category"}, "hovermode": "x unified", "margin": {"t": 80}})


# --------------------------------------------------------------------------------------------- map

def map_frame(countries: pd.DataFrame, lang: str, hover: str) -> pd.DataFrame:
    """fund_report countries (iso3, amount_usd, n_projects) as maps.world_choropleth wants them (iso3, value, label).

    hover: a str.format template with {value} and {n}.
    """
    return pd.DataFrame({"iso3": countries["iso3"], "value": countries["amount_usd"],
                         "label": [hover.format(value=money_text(v, lang), n=n)
                                   for v, n in zip(countries["amount_usd"], countries["n_projects"])]})


def country_map(countries: pd.DataFrame, lang: str, hover: str, colorbar_title: str) -> go.Figure:
    """fund_report countries on the world map (components.maps.world_choropleth), country names in `lang`."""
    return maps.world_choropleth(map_frame(countries, lang, hover), country_frame(lang), colorbar_title=colorbar_title,
                               unit="usd", lang=lang)
