"""One project, one donor, and the fund's sources and uses: the data of the project and donor pages and of the
funds screen's sources-and-uses section. No Streamlit."""
