"""One module per screen: that screen's sections (what the page draws between its settings and the next)."""
