"""Country profile: any country's migration story, with sources, and the partnership's work there."""
import streamlit as st

from components.shell import require_app
from components.views import profile as profile_view
from components.country_picker import country_picker
from components.brief_buttons import brief_downloads
from components.data import country_profile, load
from components.labels import country_frame
from components.sidebar import year
from components.state import lang, report_unknown, tr
from ipmd.profiles import country as profile
from ipmd.fund import summary as fund_summary
from ipmd.i18n import country_name

require_app()

chosen_year = year()
names = country_frame(lang())

st.title(tr("profile.title"))
iso3, rejected = country_picker(names)
if rejected:
    report_unknown(rejected, "profile.unknown", "code")
if iso3 is None:
    st.info(tr("profile.choose"))
    st.stop()

data = country_profile(iso3, chosen_year)
name = country_name(data.country, lang())
stock_year = max(y for y in load(profile.stock_years) if y <= chosen_year)
st.header(name)
profile_view.classification(data)
profile_view.compare_link(data, name)
profile_view.headline(data)

left, right = st.columns(2)
with left:
    profile_view.stock_chart(data, name)
with right:
    profile_view.remittance_chart(data, name)
profile_view.corridors(data, names, name, stock_year)

profile_view.peer_section(data, name, chosen_year)

projects = fund_summary.country_projects_from(load(fund_summary.projects_by_country), iso3)
profile_view.partnership(projects, name, iso3)

st.subheader(tr("profile.downloads"))
profile_view.downloads(iso3, name)
brief_downloads(iso3, chosen_year, lang(), heading=False)
profile_view.meeting_pack(chosen_year, lang())
