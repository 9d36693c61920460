"""One colour-blind-safe palette (Okabe-Ito) for every chart and document: the plotly theme
(components/theme.py), the PDF brief's matplotlib charts and the slides take their colours from here."""

BLUE, ORANGE, GREEN, VERMILION = "#0072B2", "#E69F00", "#009E73", "#D55E00"
PURPLE, SKY, YELLOW, BLACK = "#CC79A7", "#56B4E9", "#F0E442", "#000000"
OKABE_ITO = [BLUE, ORANGE, GREEN, VERMILION, PURPLE, SKY, YELLOW, BLACK]

FEMALE, MALE, TOTAL = VERMILION, BLUE, BLACK
TOTAL_ON_PAPER = "#555555"      # 'both sexes' bars in print: black would outweigh the coloured ones

INK, MUTED, RULE = "#1f2430", "#5a6070", "#c8ccd4"     # text, secondary text, axis lines (documents)
