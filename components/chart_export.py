"""Charts that travel (issue 19, part 4): every chart saved as PNG or SVG with its title, source line and date drawn
in, offline; and an embed snippet of its view that shows just that chart with its source.

How it works
- `show(fig, key, alt=..., title=..., sources=...)` draws a chart in a container keyed `section_<key>`: the chart,
  its source line (the same words as `provenance.caption_sources`), and a small "Save or embed" popover.
- Saving happens in the browser, with no server and no internet: the popover's two buttons carry the chart's
  title, source line, date and file name; one script, installed once per page by `components.shell`
  (`EXPORT_SCRIPT`), copies the drawn figure (`gd.data`, `gd.layout`, with the theme Streamlit applied), adds the
  title at the top and the source line and date at the bottom, grows the margins so the plot area keeps its size,
  and hands the copy to `Plotly.downloadImage` (the plotly.js that Streamlit loaded for the chart). The chart on
  screen stays as it was: its title is the page's heading and its source is the caption under it.
- Embedding: Streamlit's `?embed=true` hides Streamlit's own header, toolbar and padding but not our sidebar (the
  navigation, language, year), and st.query_params never shows it to the server: the export script marks the
  document `ipmd-embed` in the browser, and the stylesheet then hides the sidebar. `?section=<key>` makes the page
  show only that section: `embed_style` hides the sidebar and every block of the page that neither
  holds nor lies inside `section_<key>`. The rule only applies when the page has that section, so a link naming
  no section shows the whole view. The snippet is an <iframe> of the view's link (`state.view_link`, the address
  "Copy link" gives) plus those two parameters.
"""
from __future__ import annotations

import json
import re
from datetime import datetime, timezone
from html import escape
from urllib.parse import urlencode

import plotly.graph_objects as go
import streamlit as st

from components.provenance import sources_text
from components.state import tr
from components.text import caption

SECTION_PARAM = "section"
_SECTION_KEY = re.compile(r"[A-Za-z0-9_]{1,80}")
# what the embedded frame adds to the figure's own height: the source line and some room
EMBED_EXTRA_HEIGHT = 120
DEFAULT_HEIGHT = 450


def section_key(key: str) -> str:
    """The key of the container that holds chart `key` and its source (its CSS class is st-key-section_<key>)."""
    return f"section_{key}"


def embed_url(base: str, params: dict[str, str], key: str) -> str:
    """The view's address showing only section `key`, embedded (Streamlit's ?embed=true)."""
    query = {name: value for name, value in params.items() if name.lower() not in ("embed", "embed_options")}
    query[SECTION_PARAM] = key
    query["embed"] = "true"
    return f"{base}?{urlencode(query)}"


def embed_snippet(base: str, params: dict[str, str], key: str, title: str, height: int) -> str:
    """The <iframe> to paste into a web page: the view's link with ?section=<key>&embed=true, every value escaped."""
    src = escape(embed_url(base, params, key), quote=True)
    return (f'<iframe src="{src}" title="{escape(title, quote=True)}" width="100%" height="{int(height)}" '
            f'style="border:0" loading="lazy"></iframe>')


def embed_style(section: str | None) -> str:
    """CSS that shows only the section named by ?section= (empty when the value is no section key)."""
    if not section or not _SECTION_KEY.fullmatch(section):
        return ""
    box = f".st-key-{section_key(section)}"
    only = f'[data-testid="stMain"]:has({box})'
    return (f"<style>"
            f'{only} [data-testid="stVerticalBlock"] > :not({box}):not(:has({box})):not({box} *),'
            f'{only} [data-testid="stTabs"]:has({box}) [data-baseweb="tab-list"],'
            f'{only} [data-testid="stTabs"]:has({box}) [data-baseweb="tab-border"],'
            f'body:has({box}) [data-testid="stSidebar"],'
            f'body:has({box}) [data-testid="stSidebarCollapsedControl"],'
            f'body:has({box}) [data-testid="stExpandSidebarButton"],'
            f'body:has({box}) header[data-testid="stHeader"] {{ display: none !important; }}'
            # the section's column takes the frame's width
            f'{only} [data-testid="stColumn"]:has({box}) {{ width: 100% !important; flex: 1 1 100% !important; }}'
            f"</style>")


def export_info(key: str, title: str, source: str, day: str) -> dict:
    """What the browser draws into a saved image of chart `key`, and the file's name (without extension)."""
    footer = tr("export.footer", source=source, date=day).strip()
    return {"section": section_key(key), "title": title, "footer": footer, "filename": f"ipmd_{key}_{day}"}


def export_buttons(info: dict) -> str:
    """The PNG and SVG buttons (plain HTML: the page's export script does the rest in the browser)."""
    data = escape(json.dumps(info, ensure_ascii=False), quote=True)
    return "".join(
        f'<button type="button" class="ipmd-export" data-ipmd-export="{fmt}" data-ipmd-chart="{data}">'
        f"{escape(tr(f'export.save_{fmt}'))}</button>" for fmt in ("png", "svg")) \
        .join(('<div class="ipmd-export-buttons">', "</div>"))


def without_plain_png(config: dict) -> dict:
    """`config` without plotly's own "Download plot as a PNG" button (it saves the bare figure: no title, no source);
    the toolbar is hidden when nothing else is left in it (zoom stays: drag, double click to reset)."""
    groups = [[b for b in group if b != "toImage"] for group in config.get("modeBarButtons", [])]
    groups = [group for group in groups if group]
    out = {name: value for name, value in config.items() if name != "modeBarButtons"}
    return {**out, "modeBarButtons": groups} if groups else {**out, "displayModeBar": False}


def today() -> str:
    return datetime.now(timezone.utc).date().isoformat()


def source_line(sources, year: int | None = None, illustrative: bool = False) -> str:
    """The line under a chart and at the foot of its saved image: its sources, and whether the figures are the
    illustrative ledger (an embedded or saved chart travels without the page's illustrative-data notice)."""
    parts = [sources_text(*sources, year=year)] if sources else []
    if illustrative:
        parts.append(tr("sidebar.ledger_illustrative"))
    return " ".join(parts)


def show(fig: go.Figure, key: str, *, alt: str, title: str, sources: tuple[str, ...] | list[str] = (),
         year: int | None = None, illustrative: bool = False, config: dict | None = None, embeddable: bool = True,
         **plotly_args):
    """Draw chart `key` with its source line and its "Save or embed" popover; returns st.plotly_chart's result
    (the selection, for a chart drawn with on_select).

    `title`: what the chart shows, as the page's heading says it (drawn into saved images unless the figure has its
    own title); `sources`/`year`: as for `provenance.caption_sources`; `illustrative`: the chart shows the
    illustrative ledger (said in its source line, so the saved image and the embedded chart say it too);
    `embeddable=False`: no embed snippet, PNG and SVG only (a page behind the sign-in, whose embed would show the
    sign-in page)."""
    from components import charts

    source = source_line(sources, year, illustrative)
    with st.container(key=section_key(key)):
        if st.query_params.get(SECTION_PARAM) == key:        # an embedded section: its heading comes with it
            st.html(f'<h3 class="ipmd-embed-title">{escape(title)}</h3>')
        event = st.plotly_chart(fig, key=key, config=without_plain_png(config or charts.CHART_CONFIG), alt=alt,
                                **plotly_args)
        if source:
            caption(source)
        save_or_embed(key, title, source, height=fig.layout.height or DEFAULT_HEIGHT, embeddable=embeddable)
    return event


def save_or_embed(key: str, title: str, source: str, *, height: int, embeddable: bool = True) -> None:
    """The popover under a chart: save as PNG or SVG (title, source and date drawn in), and the embed snippet
    (left out when not `embeddable`)."""
    from components.state import view_link_parts

    with st.popover(tr("export.button" if embeddable else "charts_w1.save_button"), icon=":material/ios_share:"):
        st.caption(tr("export.save_help"))
        st.html(export_buttons(export_info(key, title, source, today())))
        if not embeddable:
            return
        base, params = view_link_parts()
        st.caption(tr("export.embed_help"))
        st.code(embed_snippet(base, params, key, title, int(height) + EMBED_EXTRA_HEIGHT), language="html",
                wrap_lines=True)


# Installed once per page, inside components.shell's <script>. No '<' before a letter or '/' in it: Streamlit's
# sanitizer (DOMPurify) drops a script whose text looks like markup. A click on a button[data-ipmd-export] saves the chart
# of its section: a copy of the drawn figure with the title on top, the source line and date at the bottom.
EXPORT_STYLE = """<style>
.ipmd-export-buttons { display: flex; gap: 0.5rem; flex-wrap: wrap; margin: 0.1rem 0 0.3rem 0; }
.ipmd-export-buttons button { font: inherit; font-size: 0.9rem; padding: 0.3rem 0.8rem; border-radius: 0.5rem;
  border: 1px solid rgba(49, 51, 63, 0.3); background: #ffffff; color: #262730; cursor: pointer; }
.ipmd-export-buttons button:hover { border-color: #0072B2; color: #005A8C; }
html.ipmd-embed [data-testid="stSidebar"], html.ipmd-embed [data-testid="stSidebarCollapsedControl"],
html.ipmd-embed [data-testid="stExpandSidebarButton"] { display: none !important; }
.ipmd-embed-title { font-size: 1.25rem; margin: 0 0 0.25rem 0; padding: 0; }
</style>"""
EXPORT_SCRIPT = r"""(() => {
  if (window.__ipmdExport) return;
  window.__ipmdExport = true;
  // an embedded view (Streamlit's ?embed=true, which the server never sees) shows no navigation
  if (/^(true|1)$/i.test(new URLSearchParams(window.location.search).get('embed') || ''))
    document.documentElement.classList.add('ipmd-embed');
  const wrap = (text, width) => {
    const lines = [];
    let line = '';
    for (const word of String(text || '').split(/\s+/).filter(Boolean)) {
      if (line && (line + ' ' + word).length > width) { lines.push(line); line = word; }
      else line = line ? line + ' ' + word : word;
    }
    if (line) lines.push(line);
    return lines;
  };
  // plotly reads a few HTML tags in text: the words are shown as themselves
  const text = (s) => s.replace(/&/g, '&amp;').replace(/\u003c/g, '&lt;').replace(/>/g, '&gt;');
  const copy = (value) => { try { return structuredClone(value); } catch (e) { return JSON.parse(JSON.stringify(value)); } };
  // A saved image cannot use the page's web font (an SVG drawn as an image loads none, and other programs lack it):
  // every font is set to ones a reader has, so plotly lays the text out in the font it will be drawn in.
  const FONT = 'Arial, "Liberation Sans", Helvetica, sans-serif';
  const plainFonts = (value) => {
    if (Array.isArray(value)) value.forEach(plainFonts);
    else if (value && typeof value === 'object' && !ArrayBuffer.isView(value))
      for (const name of Object.keys(value)) {
        if (name === 'family' && typeof value[name] === 'string') value[name] = FONT;
        else plainFonts(value[name]);
      }
    return value;
  };
  window.ipmdSaveChart = (info, format) => {
    const box = document.querySelector('.st-key-' + CSS.escape(info.section));
    const gd = box && box.querySelector('.js-plotly-plot');
    if (!gd || !window.Plotly || !gd._fullLayout) return Promise.reject(new Error('chart not drawn'));
    const full = gd._fullLayout, size = full._size, width = full.width, height = full.height;
    const layout = plainFonts(copy(gd.layout));
    layout.font = Object.assign({}, layout.font || {}, {family: FONT});
    const own = layout.title && (typeof layout.title === 'string' ? layout.title : layout.title.text);
    const titleLines = own ? [] : wrap(info.title, Math.max(20, Math.floor(width / 9.5)));
    const top = titleLines.length ? 22 * titleLines.length + 20 : 0;
    const footLines = wrap(info.footer, Math.max(30, Math.floor(width / 6.4)));
    const bottom = 15 * footLines.length + 18;
    if (titleLines.length)
      layout.title = {text: titleLines.map(text).join('\u003cbr>'), x: 0, xref: 'container', xanchor: 'left',
                      y: 1, yref: 'container', yanchor: 'top', pad: {t: 14, l: 12}, font: {size: 17, color: '#262730'}};
    layout.annotations = (layout.annotations || []).concat([{
      text: footLines.map(text).join('\u003cbr>'), showarrow: false, align: 'left', xref: 'paper', yref: 'paper',
      x: 0, y: 0, xanchor: 'left', yanchor: 'top', xshift: 12 - size.l, yshift: -(size.b + 8),
      font: {size: 11, color: '#4a4d57'}}]);
    layout.width = width;
    layout.height = height + top + bottom;
    layout.margin = Object.assign({}, layout.margin || {}, {l: size.l, r: size.r, t: size.t + top, b: size.b + bottom,
                                                            pad: full.margin.pad, autoexpand: true});
    layout.paper_bgcolor = '#ffffff';
    const config = {};
    if (gd._context && gd._context.topojsonURL) config.topojsonURL = gd._context.topojsonURL;
    return window.Plotly.downloadImage({data: plainFonts(copy(gd.data)), layout: layout, config: config},
      {format: format, filename: info.filename, width: width, height: layout.height, scale: format === 'png' ? 2 : 1});
  };
  document.addEventListener('click', (event) => {
    const button = event.target.closest && event.target.closest('button[data-ipmd-export]');
    if (!button) return;
    event.preventDefault();
    let info;
    try { info = JSON.parse(button.getAttribute('data-ipmd-chart')); } catch (e) { return; }
    button.disabled = true;
    window.ipmdSaveChart(info, button.getAttribute('data-ipmd-export'))
      .catch((error) => console.warn('ipmd: chart not saved', error))
      .finally(() => { button.disabled = false; });
  });
})();"""
