"""One donor's page (?donor=<id>): its pledges and deposits over time, and where its money went through its share
of each pooled approval (the method is stated on the page and in Data and methods).

Reached mainly by link (components.links.donor_link); without an id, a picker and the list of donors.
"""
import streamlit as st

from components.access import ledger_is_illustrative
from components.data import load
from components.provenance import illustrative_notice
from components.shell import require_app
from components.state import tr, url_record
from components.views import donor as view
from ipmd.portfolio import donors

require_app()

options = load(donors.donor_options)

st.title(tr("donor.title"))
illustrative_notice(ledger_is_illustrative())
donor_id = url_record("donor", options["donor_id"].tolist(), "donor", format_func=view.picker_label(options))
if donor_id is None:
    view.picker_table(options)
else:
    page = load(donors.donor_page, donor_id)
    view.header(page)
    view.kpis(page)
    view.over_time(page)
    view.where_it_went(page)
