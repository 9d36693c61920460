"""Every page runs inside app.py (navigation, sidebar, sign-in checks), even when opened by a deep link.

A Streamlit server whose main script sits beside a pages/ folder starts in the legacy "pages
directory" mode and leaves it only once app.py has called st.navigation. Until then a deep link such
as /country?country=PHL runs pages/country.py on its own: no sidebar, no language, no navigation,
and the whole server stays in that mode. Each page calls `require_app()` first: in that state it
switches the server to st.navigation mode and reruns, so the request goes through app.py.
"""
import json
from pathlib import Path

import streamlit as st
from streamlit.runtime.pages_manager import PagesManager

from components import chart_export
from ipmd.i18n import DEFAULT_LANGUAGE, t

STYLESHEET = Path(__file__).resolve().parents[1] / "static" / "ipmd.css"
# Tooltips and button labels that Streamlit and plotly.js write in English, by their English text.
_UI_WORDS = {"Download plot as a PNG": "shell.ui.download_png", "Copy to clipboard": "shell.ui.copy",
             "Zoom in": "shell.ui.zoom_in", "Zoom out": "shell.ui.zoom_out", "Reset": "shell.ui.reset",
             "Fullscreen": "shell.ui.fullscreen", "Close fullscreen": "shell.ui.close_fullscreen",
             "Download as CSV": "shell.ui.download_csv", "Search": "shell.ui.search"}
# Sets <html lang>, and puts those tooltips in the page's language as they appear (once per animation frame).
_DOCUMENT_SCRIPT = """<script>(() => {
  document.documentElement.lang = LANG;
  const words = WORDS;
  const find = FIND;
  if (window.__ipmdWords) window.__ipmdWords.disconnect();
  let queued = false;
  // Streamlit's navigation puts each section (its heading and its links' list items) in a div inside one list,
  // which screen readers cannot read as a list (axe: list, listitem): each section becomes a list named by its
  // heading (no markup in this script's text: st.html would parse it)
  const navLists = () => {
    const ul = document.querySelector('[data-testid="stSidebarNavItems"]');
    if (!ul) return;
    ul.setAttribute('role', 'none');
    for (const section of ul.children) {
      const header = section.querySelector(':scope > [data-testid="stNavSectionHeader"]');
      if (section.tagName !== 'DIV' || section.getAttribute('role') === 'list') continue;
      section.setAttribute('role', 'list');
      if (header) {
        section.setAttribute('aria-label', header.innerText.trim());
        header.setAttribute('aria-hidden', 'true');
      }
    }
  };
  const translate = () => {
    queued = false;
    navLists();
    // a select box that takes typed text (the country picker) offers it as "Add: " and the text: it is a search here
    // (the text node itself is changed, so React keeps updating it as one types)
    for (const el of document.querySelectorAll('[data-key="__creatable__"] [data-item-hl]'))
      for (const node of el.childNodes)
        if (node.nodeType === 3 && node.data.startsWith('Add: ')) node.data = find + node.data.slice(5);
    for (const el of document.querySelectorAll('[title], [aria-label], [data-title]'))
      for (const a of ['title', 'aria-label', 'data-title']) {
        const v = el.getAttribute(a);
        if (v && words[v]) el.setAttribute(a, words[v]);
      }
  };
  window.__ipmdWords = new MutationObserver(() => { if (!queued) { queued = true; requestAnimationFrame(translate); } });
  window.__ipmdWords.observe(document.body, {subtree: true, childList: true, characterData: true});
  translate();
})();</script>"""


def require_app() -> None:
    if PagesManager.uses_pages_directory:
        PagesManager.uses_pages_directory = False
        st.rerun()


def document_setup(language: str, title: str) -> None:
    """The app's stylesheet, and the document's language and tab title in the page's language.

    Streamlit has no setting for <html lang> (screen readers and the browser's hyphenation and translation
    offer read it): a one-line script sets it, in a sidebar container the stylesheet hides. The same container
    installs the charts' PNG/SVG export and, for an embedded section (?section=), the style that shows only it."""
    st.set_page_config(page_title=title)
    st.html(STYLESHEET)
    words = {} if language == DEFAULT_LANGUAGE else {english: t(key, language) for english, key in _UI_WORDS.items()}
    script = (_DOCUMENT_SCRIPT.replace("LANG", json.dumps(language)).replace("WORDS", json.dumps(words))
              .replace("FIND", json.dumps(t("screens17.picker.find", language))))
    # saving charts as PNG/SVG in the browser, and an embedded view's ?section= (components/chart_export.py)
    # (the styles after the script: the sanitizer drops styles that open an element)
    script = (script.replace("</script>", chart_export.EXPORT_SCRIPT + "</script>") + chart_export.EXPORT_STYLE
              + chart_export.embed_style(st.query_params.get(chart_export.SECTION_PARAM)))
    with st.sidebar.container(key="ipmd_document"):
        st.html(script, unsafe_allow_javascript=True)
