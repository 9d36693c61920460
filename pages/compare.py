"""Compare: two to six countries or regions side by side, any indicator over time (?compare=MAR,TUN,PHL)."""
import streamlit as st

from components.shell import require_app
from components.data import load
from components.sidebar import year
from components.state import lang, report_unknown, tr, url_multiselect, url_selectbox
from components.views import compare as view
from ipmd import queries
from ipmd.profiles import compare

require_app()

chosen_year = year()
st.title(tr("compare.title"))
st.caption(tr("compare.intro", most=compare.MAX_PLACES))

places = load(compare.places)
names = compare.place_labels(places, lang())
countries = places[places["kind"] == "country"].assign(label=lambda f: f["code"].map(names)).sort_values("label")
options = countries["code"].tolist() + places.loc[places["kind"] != "country", "code"].tolist()
codes, rejected = url_multiselect(tr("compare.pick"), options, key="compare", format_func=lambda c: names.get(c, c),
                                  placeholder=tr("compare.pick_placeholder"), help=tr("compare.pick_help"))
if rejected:
    report_unknown(rejected, "compare.unknown", "code")
indicators = load(queries.indicators)["indicator_id"].tolist()
indicator, bad_indicator = url_selectbox(tr("compare.indicator"), indicators, key="indicator",
                                         default=compare.DEFAULT_INDICATOR, format_func=lambda i: tr(f"indicator.{i}"))
if bad_indicator:
    report_unknown(bad_indicator)

problem = compare.check_count(codes)
if problem:
    (st.warning if codes else st.info)(tr(problem, n=len(codes), least=compare.MIN_PLACES, most=compare.MAX_PLACES))
    st.stop()

data = load(compare.comparison, tuple(codes), chosen_year, indicator)
view.headline(data, names)
view.sections(data, names)
view.downloads(data, names)
