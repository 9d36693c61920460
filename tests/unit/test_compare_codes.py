"""ipmd.profiles.compare's link parsing and count check (no database)."""
from ipmd.profiles import compare


def test_codes_from_a_link_keep_their_order_drop_repeats_and_report_unknown_parts():
    known = {"MAR", "TUN", "PHL", "WB:LMC"}
    assert compare.parse_codes("MAR,tun,,PHL,MAR", known) == (["MAR", "TUN", "PHL"], [])
    assert compare.parse_codes("MAR, XXX ,WB:LMC,<b>", known) == (["MAR", "WB:LMC"], ["XXX", "<b>"])
    assert compare.parse_codes(None, known) == ([], [])


def test_two_to_six_places():
    assert compare.check_count(["MAR"]) == "compare.too_few"
    assert compare.check_count(["A", "B"]) is None
    assert compare.check_count(list("ABCDEF")) is None
    assert compare.check_count(list("ABCDEFG")) == "compare.too_many"
