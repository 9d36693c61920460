"""Compare: two to six countries or regions side by side, any indicator over time (?compare=MAR,TUN,PHL)."""
import streamlit as st

from components.shell import require_app
from components.data import load
from components.sidebar import year
from components.state import lang, report_unknown, tr, url_multiselect
from components.views import compare as view
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
problem = compare.check_count(codes)
if problem:
    (st.warning if codes else st.info)(tr(problem, n=len(codes), least=compare.MIN_PLACES, most=compare.MAX_PLACES))
    st.stop()

# the headline does not depend on the indicator drawn over time: the indicator, the tabs and the downloads are a
# fragment (view.indicator_sections), so picking an indicator or a tab reruns them alone
view.headline(load(compare.comparison, tuple(codes), chosen_year), names)
view.indicator_sections(tuple(codes), chosen_year, names)
