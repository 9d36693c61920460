"""One module per screen holding that screen's sections (components/views/<screen>.py)."""
