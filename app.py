"""IPMD Policy Coherence Dashboard: page config, navigation and the shared sidebar. Nothing else."""
from pathlib import Path

import streamlit as st

# Only what the navigation needs is imported before it is sent: pandas, DuckDB and plotly (most of a cold start's
# first run) are imported after, while the browser already draws the navigation and the language picker.
from components.sidebar import language_picker
from components.state import lang, share_link, tr

# A local SVG globe: an emoji icon makes Streamlit load its emoji catalogue (~0.3 s of a cold start), and a
# Material icon is fetched from Google's servers (nothing offline)
FAVICON = Path(__file__).parent / "static" / "favicon.svg"
st.set_page_config(page_title="IPMD", page_icon=str(FAVICON), layout="wide")

language_picker()  # first: its label reads in all three languages
pages = {
    tr("nav.explore"): [
        st.Page("pages/overview.py", title=tr("nav.overview"), icon=":material/public:", default=True),
        st.Page("pages/country.py", title=tr("nav.country"), icon=":material/flag:", url_path="country"),
        st.Page("pages/compare.py", title=tr("nav.compare"), icon=":material/compare_arrows:", url_path="compare"),
    ],
    tr("nav.partnership"): [
        st.Page("pages/coverage.py", title=tr("nav.coverage"), icon=":material/grid_view:", url_path="coverage"),
        st.Page("pages/funds.py", title=tr("nav.funds"), icon=":material/account_balance:", url_path="funds"),
        st.Page("pages/project.py", title=tr("nav.project"), icon=":material/assignment:", url_path="project"),
        st.Page("pages/donor.py", title=tr("nav.donor"), icon=":material/volunteer_activism:", url_path="donor"),
    ],
    tr("nav.committee"): [
        st.Page("pages/allocation.py", title=tr("nav.allocation"), icon=":material/gavel:", url_path="allocation"),
        st.Page("pages/admin.py", title=tr("nav.admin"), icon=":material/upload_file:", url_path="admin"),
    ],
    tr("nav.about"): [
        st.Page("pages/methods.py", title=tr("nav.methods"), icon=":material/menu_book:", url_path="methods"),
    ],
}
# Streamlit's own navigation, drawn by the app shell from the run's Navigation message (with no element code to
# load first, so it comes with the title). .streamlit/config.toml keeps client.showSidebarNavigation false for the
# server's first run, which Streamlit makes in its pages-directory mode (a pages/ folder beside app.py) and whose
# navigation lists the file names of pages/: that one is hidden. Turned on here, before the app's own.
st.set_option("client.showSidebarNavigation", True)
page = st.navigation(pages, position="sidebar", expanded=True)  # every page listed, no "View more"

import components.theme  # noqa: E402,F401  (sets the colour-blind-safe plotly template)
from components.shell import document_setup  # noqa: E402
from components.sidebar import edition_note, year_picker  # noqa: E402

document_setup(lang(), tr("app.tab_title", page=page.title))
year_picker(page.url_path)   # with what the year selects on this page
edition_note()
link = st.sidebar.empty()
share_link(link)  # the view as it arrived: stays when a page stops early (e.g. a restricted page)
page.run()
share_link(link)  # the view after the page has written its state to the URL
