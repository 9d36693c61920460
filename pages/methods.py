"""Data and methods: every source, what each indicator means and its caveats, and what is illustrative."""
import streamlit as st

from components.shell import require_app
from components.data import load, meta
from components.state import tr
from components.tables import when_opened
from components.text import caption, literal, markdown
from ipmd import REPO_ROOT, queries

require_app()

st.title(tr("methods.title"))
st.markdown(tr("methods.intro"))

info = meta()
st.caption(tr("methods.build", built=info.get("built_at", "?"), edition=info.get("data_edition", "?"),
              hash=info.get("content_hash", "?")[:12]))

st.subheader(tr("methods.sources"))
sources = load(queries.sources)
st.dataframe(sources[["title", "publisher", "edition", "licence", "url", "file_name", "is_illustrative", "notes"]],
             hide_index=True, key="methods_sources",
             column_config={**{c: tr(f"shell.col.{c}") for c in ("title", "publisher", "edition", "licence", "file_name",
                                                                  "notes")},
                            "url": st.column_config.LinkColumn(tr("methods.link")),
                            "is_illustrative": st.column_config.CheckboxColumn(tr("methods.illustrative"))})

st.subheader(tr("methods.indicators"))
indicators = load(queries.indicators)
for row in indicators.itertuples():
    label = f"{tr('indicator.' + row.indicator_id) if row.indicator_id else row.name_en} · {row.unit}"
    if box := when_opened(literal(label), key=f"methods_indicator_{row.Index}"):
        with box:
            markdown(row.description)
            caption(tr("methods.default_source", source=f"{row.publisher}, {row.source_title} ({row.edition})"))
            if isinstance(row.caveats, str) and row.caveats:
                st.warning(row.caveats.replace("$", r"\$"), icon=":material/info:")

st.subheader(tr("donor.methods_title"))
markdown(tr("donor.method"))
markdown(tr("sources_uses.methods"))

st.subheader(tr("methods.illustrative_title"))
st.markdown(tr("methods.illustrative_text"))

st.subheader(tr("methods.dictionary"))
dictionary = REPO_ROOT / "data" / "README.md"
if dictionary.exists():
    if box := when_opened(tr("methods.dictionary_open"), key="methods_dictionary"):
        with box:
            st.markdown(dictionary.read_text(encoding="utf-8"))
