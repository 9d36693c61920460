"""Link values that name nothing are quoted alike on every page: as text, each cut at 40 characters, five at most."""
from __future__ import annotations

from components.text import LINK_VALUE_CHARS, link_values, plain


def test_a_short_value_is_quoted_whole_as_text():
    assert link_values("XYZ") == "XYZ"
    assert link_values("[Sign in](http://evil.example)") == plain("[Sign in](http://evil.example)")


def test_a_long_value_is_cut_at_the_same_length_everywhere():
    value = "A" * 100
    assert link_values(value) == "A" * LINK_VALUE_CHARS + "…"
    assert link_values([value, "B"]) == plain("A" * LINK_VALUE_CHARS + "…, B")


def test_at_most_five_values_are_quoted():
    shown = link_values([f"v{i}" for i in range(8)])
    assert shown == plain("v0, v1, v2, v3, v4, …")
