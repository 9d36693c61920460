"""The overview's last transaction up to a year, on the small fixture ledger."""


def test_last_transaction_up_to_a_year_on_any_ledger(tmp_path):
    """On the small fixture ledger (pledge 2008-12-01, deposit 2009-01-01, commitment 2009-02-01)."""
    from datetime import date

    import ledger_fixtures as F
    from ipmd import db
    from ipmd.profiles.overview import last_transaction

    con = db.connect(F.make_fixture_db(tmp_path / "ipmd.duckdb"))
    assert last_transaction(con, 2024) == date(2009, 2, 1)
    assert last_transaction(con, 2008) == date(2008, 12, 1)
    assert last_transaction(con, 2007) is None
    con.close()
