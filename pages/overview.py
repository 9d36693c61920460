"""Overview: the world's migrants, remittances and the partnership's reach, on one map."""
import streamlit as st

from components.shell import require_app
from components.data import load
from components.kpi import Kpi, kpi_row
from components.labels import figure_note
from components.provenance import illustrative_notice
from components.sidebar import year
from components.state import lang, tr
from components.views import overview as view
from ipmd.profiles import overview
from ipmd.fund import summary as fund_summary
from ipmd.i18n import fmt_compact, fmt_date, fmt_number, fmt_pct, fmt_usd

require_app()

chosen_year = year()
st.title(tr("overview.title"))
st.caption(tr("overview.intro"))
st.page_link("pages/compare.py", label=tr("compare.overview_link"), icon=":material/compare_arrows:",
             query_params={"lang": lang()})

# The key figures sit above the map but are computed after it: the map is sent to the browser first,
# which needs the longest to draw it (on a first visit, it also loads the charting library).
figures_box = st.container()

view.map_section(chosen_year)

with figures_box:
    kpis = load(overview.world_kpis, chosen_year)
    fund = load(fund_summary.fund_kpis, chosen_year)
    last = load(overview.last_transaction, chosen_year)
    if last is None:
        fund_note = tr("figures.fund_note_empty", year=chosen_year)
    elif last.year < chosen_year:
        fund_note = tr("figures.fund_note_ended", year=chosen_year, last=fmt_date(last, lang()))
    else:
        fund_note = tr("figures.fund_note", year=chosen_year)
    if fund.is_illustrative:
        fund_note = tr("figures.illustrative", text=fund_note)
    kpi_row([
        Kpi(tr("overview.kpi.migrants"), fmt_compact(kpis.migrants and kpis.migrants.value, lang()),
            figure_note(kpis.migrants)),
        Kpi(tr("overview.kpi.female_share"), fmt_pct(kpis.female_share and kpis.female_share.value, lang()),
            figure_note(kpis.female_share)),
        Kpi(tr("overview.kpi.lmic_remittances"), fmt_usd(kpis.lmic_remittances and kpis.lmic_remittances.value, lang()),
            figure_note(kpis.lmic_remittances)),
    ])
    kpi_row([
        Kpi(tr("overview.kpi.project_countries"), fmt_number(fund.countries, lang()),
            fund_note, help=tr("overview.kpi.project_countries_help")),
        Kpi(tr("overview.kpi.deposited"), fmt_usd(fund.deposited, lang()),
            fund_note, help=tr("funds.def.deposited")),
        Kpi(tr("overview.kpi.approved"), fmt_usd(fund.approved, lang()),
            fund_note, help=tr("funds.def.approved")),
    ])
    illustrative_notice(fund.is_illustrative)
