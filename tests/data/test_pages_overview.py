"""AppTest of the overview's map table on the committed database: opened, it lists every country with a UN DESA
migrant stock (more than 150, India among them), largest first, and its CSV says UN DESA. The table's behaviour
(sent only once opened) on the seeded page fixture: tests/app/test_app.py."""
import io

import pandas as pd

import apptest_pages


def test_the_overview_map_table_lists_the_countries_of_un_desa(deferred_downloads):
    at = apptest_pages.open_page("pages/overview.py", timeout=60)
    assert not at.exception
    at.session_state["overview_data"] = True          # what a click on the expander does
    at.run()
    assert not at.exception
    [table] = at.dataframe
    assert len(table.value) > 150 and table.value["value"].is_monotonic_decreasing
    assert "India" in set(table.value["name"])
    [csv_name] = [name for name in deferred_downloads if name.startswith("ipmd_immigrant_stock_")]
    text = deferred_downloads[csv_name]().decode("utf-8-sig")
    assert text.startswith("# UN DESA")
    assert len(pd.read_csv(io.StringIO(text), comment="#")) == len(table.value)
