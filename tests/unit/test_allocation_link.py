"""The what-if selection as link text (?fund=): written by selection_text, read back by selection_parse."""
from ipmd.allocation.report import selection_parse, selection_text

REQUESTED = {"P-1": 400_000.0, "P-2": 250_000.0, "P-3": 80_000.5}


def test_full_requests_are_ids_alone_and_partial_amounts_follow_a_colon():
    assert selection_text((("P-1", None), ("P-2", 100_000.0), ("P-3", 80_000.5)), REQUESTED) == "P-1,P-2:100000,P-3"
    assert selection_text((("P-1", 400_000.0),), REQUESTED) == "P-1"            # the amount equals the request
    assert selection_text((("P-2", 100_000.0),), REQUESTED) == "P-2:100000"
    assert selection_text((("P-3", 1234.5),), REQUESTED) == "P-3:1234.5"
    assert selection_text((("P-1", 0.0),), REQUESTED) == "P-1:0"               # approving nothing of it
    assert selection_text((), REQUESTED) is None


def test_parsing_gives_back_the_selection_in_its_order():
    selection = (("P-2", 100_000.0), ("P-1", None), ("P-3", 1234.5))
    text = selection_text(selection, REQUESTED)
    assert text == "P-2:100000,P-1,P-3:1234.5"
    assert selection_parse(text, REQUESTED) == (selection, [])


def test_unknown_ids_and_bad_amounts_are_returned_apart():
    selection, rejected = selection_parse("P-1,NOPE,P-2:abc,P-3:-5,P-3:inf,,P-1:10", REQUESTED)
    assert selection == (("P-1", None),)                                         # a repeated id counts once
    assert rejected == ["NOPE", "P-2:abc", "P-3:-5", "P-3:inf"]
    assert selection_parse("", REQUESTED) == ((), [])
