"""Data and methods: every source, what each indicator means and its caveats, and what is illustrative."""
import streamlit as st

from components.shell import require_app
from components.data import load, meta
from components.labels import country_frame, unit_name
from components.provenance import source_label
from components.state import lang, tr
from components.tables import dataframe, when_opened
from components.text import caption, literal, markdown
from ipmd import REPO_ROOT, queries
from ipmd.profiles import methods
from ipmd.i18n import catalog

require_app()

st.title(tr("methods.title"))
st.markdown(tr("methods.intro"))

info = meta()
st.caption(tr("methods.build", built=info.get("built_at", "?"), edition=info.get("data_edition", "?"),
              hash=info.get("content_hash", "?")[:12]))

st.subheader(tr("methods.sources"))
sources = load(queries.sources)
words = catalog(lang())
# the titles as translated in the catalogue (source.<id>.title), the database's English where there is none
sources = sources.assign(title=[words.get(f"source.{sid}.title", title)
                                 for sid, title in zip(sources["source_id"], sources["title"])])
dataframe(sources[["title", "publisher", "edition", "licence", "url", "file_name", "is_illustrative", "notes"]],
          key="methods_sources", source_text=("publisher",),
          column_config={**{c: tr(f"shell.col.{c}") for c in ("title", "publisher", "edition", "licence", "file_name",
                                                                  "notes")},
                            "url": st.column_config.LinkColumn(tr("methods.link")),
                            "is_illustrative": st.column_config.CheckboxColumn(tr("methods.illustrative"))})

st.subheader(tr("methods.indicators"))
indicators = load(queries.indicators)
for row in indicators.itertuples():
    # an indicator the catalogue does not name yet (a newer database) keeps the database's English name
    label = f"{words.get('indicator.' + str(row.indicator_id), row.name_en)} · {unit_name(row.unit)}"
    if box := when_opened(literal(label), key=f"methods_indicator_{row.Index}"):
        with box:
            # the database holds them in English; the catalogue has them in each language (indicator_notes.json)
            markdown(words.get(f"indicator.{row.indicator_id}.description", row.description))
            caption(tr("methods.default_source", source=source_label(row.default_source_id)))   # in the page's language
            if isinstance(row.caveats, str) and row.caveats:
                caveats = words.get(f"indicator.{row.indicator_id}.caveats", row.caveats)
                st.warning(caveats.replace("$", r"\$"), icon=":material/info:")

st.subheader(tr("methods.new_indicators.title"))
markdown(tr("methods.new_indicators.text"))

# how each country's migrant stock is counted (UN DESA data type), and where every table comes from (issue 19)
st.subheader(tr("methods.stock_methods.title"))
markdown(tr("methods.stock_methods.intro"))
counting = load(methods.stock_methods)
if len(counting):
    markdown(tr("methods.stock_methods.counts", **methods.method_counts(counting)))
    if box := when_opened(tr("methods.stock_methods.open"), key="methods_stock_methods"):
        with box:
            names = country_frame(lang())[["iso3", "name"]]
            shown = counting.merge(names, on="iso3", how="left").sort_values("name")
            dataframe(shown[["name", "iso3", "data_type", "by_birth", "by_citizenship", "is_imputed",
                             "refugees_added", "coverage_note"]], key="methods_stock_methods_table",
                      source_text=("coverage_note",), column_config={"name": tr("methods.col.country"), "iso3": "ISO3",
                                        **{c: tr(f"methods.col.{c}") for c in ("data_type", "coverage_note")},
                                        **{c: st.column_config.CheckboxColumn(tr(f"methods.col.{c}")) for c in
                                           ("by_birth", "by_citizenship", "is_imputed", "refugees_added")}})
caption(tr("methods.stock_methods.source"))

st.subheader(tr("methods.provenance.title"))
markdown(tr("methods.provenance.intro"))
if box := when_opened(tr("methods.provenance.open"), key="methods_table_sources"):
    with box:
        dataframe(load(methods.table_sources)[["table_name", "columns", "publisher", "title", "edition", "how"]],
                  key="methods_table_sources_table", source_text=("publisher", "title"),
                  column_config={**{c: tr(f"methods.col.{c}") for c in ("table_name", "columns", "how")},
                                    **{c: tr(f"shell.col.{c}") for c in ("publisher", "title", "edition")}})

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
