"""One module per screen holding that screen's sections (pages/<screen>.py calls them in order)."""
