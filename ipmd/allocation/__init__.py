"""The Oversight Committee's allocation review.

    whatif   pure function what_if: what approving a selection of proposals does (balance, coverage,
             high-need countries, concentration, the World Bank share), with its warnings as message keys
    report   the allocation screen's data from the database (con first): pipeline, proposal, envelope,
             effects, decision sheet, changes since the last meeting
"""
