"""The brief's charts, drawn with matplotlib's object API on the Agg canvas (no pyplot, so no global state
shared between the Streamlit server's threads), as images: handed to the PDF as is, to the slides as PNG.
Colours from ipmd.documents.palette.
"""
from __future__ import annotations

import io

from babel.numbers import format_compact_decimal
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure as MplFigure
from matplotlib.ticker import FuncFormatter, MaxNLocator
from PIL import Image

from ipmd.documents.data import BriefData, corridor_frame, has_stock_data, remittance_frame, stocks_by_sex_wide
from ipmd.documents.palette import BLUE, FEMALE, GREEN, INK, MALE, MUTED, ORANGE, RULE, TOTAL_ON_PAPER
from ipmd.documents.text import shorten
from ipmd.i18n import t


def _compact_axis(lang: str, prefix: str = "") -> FuncFormatter:
    def label(value, _pos):
        if value == 0:
            return "0"
        text = format_compact_decimal(value, locale=lang, fraction_digits=1)
        return f"{prefix}{text}"
    return FuncFormatter(label)


def _style(ax, size: float = 7.0) -> None:
    ax.spines[["top", "right"]].set_visible(False)
    ax.spines[["left", "bottom"]].set_color(RULE)
    ax.tick_params(labelsize=size, colors=INK, length=2)
    ax.grid(axis="y", color="#e6e8ec", linewidth=0.6)
    ax.set_axisbelow(True)


CHART_DPI = 160


def _render(fig: MplFigure, dpi: int = CHART_DPI) -> Image.Image:
    """The figure as an RGB image (handed to fpdf2 as is: no PNG encode and decode on the way)."""
    fig.set_dpi(dpi)
    canvas = FigureCanvasAgg(fig)
    canvas.draw()
    return Image.frombuffer("RGBA", canvas.get_width_height(), canvas.buffer_rgba()).convert("RGB")


def png_bytes(image: Image.Image | None) -> bytes | None:
    if image is None:
        return None
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=False)
    return buffer.getvalue()


def _figure(width_mm: float, height_mm: float, *, left: float = 12, right: float = 3, top: float = 6,
            bottom: float = 6, wspace: float = 0.18, constrained: bool = False) -> MplFigure:
    """A figure of a given size in mm; margins in mm (fixed margins cost half what constrained layout does)."""
    fig = MplFigure(figsize=(width_mm / 25.4, height_mm / 25.4), facecolor="white",
                    layout="constrained" if constrained else None)
    if not constrained:
        fig.subplots_adjust(left=left / width_mm, right=1 - right / width_mm, top=1 - top / height_mm,
                            bottom=bottom / height_mm, wspace=wspace)
    return fig


def stock_chart(data: BriefData, width_mm: float = 180, height_mm: float = 56,
                font: float = 7.0) -> Image.Image | None:
    """Two panels, immigrants and emigrants: women and men stacked per estimate year."""
    if not has_stock_data(data):
        return None
    lang = data.lang
    scale = font / 7.0
    fig = _figure(width_mm, height_mm, left=11 * scale, top=5 * scale, bottom=10 * scale, wspace=0.15)
    axes = fig.subplots(1, 2, sharey=False)
    handles = {}
    for ax, column, title_key in ((axes[0], "immigrants", "profile.immigrants"),
                                  (axes[1], "emigrants", "profile.emigrants")):
        _style(ax, font)
        wide = stocks_by_sex_wide(data, column)
        ax.set_title(t(title_key, lang), fontsize=font + 1, color=INK, loc="left", fontweight="bold")
        if wide.empty:
            ax.text(0.5, 0.5, t("common.no_data", lang), ha="center", va="center", fontsize=font + 1,
                    color=MUTED, transform=ax.transAxes)
            ax.set_xticks([]), ax.set_yticks([])
            continue
        x = range(len(wide))
        by_sex = wide[["female", "male"]].notna().all(axis=1)
        female = wide["female"].where(by_sex, 0).fillna(0)
        male = wide["male"].where(by_sex, 0).fillna(0)
        total_only = wide["total"].where(~by_sex, 0).fillna(0)
        handles["female"] = ax.bar(x, female, color=FEMALE, width=0.7, label=t("sex.female", lang))
        handles["male"] = ax.bar(x, male, bottom=female, color=MALE, width=0.7, label=t("sex.male", lang))
        if (~by_sex).any():
            handles["total"] = ax.bar(x, total_only, color=TOTAL_ON_PAPER, width=0.7, label=t("brief.chart.both_sexes", lang))
        ax.set_xticks(list(x), [str(int(y)) for y in wide.index], fontsize=font - 0.5)
        ax.yaxis.set_major_formatter(_compact_axis(lang))
        ax.yaxis.set_major_locator(MaxNLocator(4))
    fig.legend(list(handles.values()), [h.get_label() for h in handles.values()], loc="lower center",
               ncols=max(len(handles), 1), fontsize=font, frameon=False, bbox_to_anchor=(0.5, 0.0))
    return _render(fig)


def remittance_chart(data: BriefData, width_mm: float = 180, height_mm: float = 44,
                     font: float = 7.0) -> Image.Image | None:
    """Remittances received and paid, US$, one line each, from 1990."""
    series = remittance_frame(data)
    if series.empty:
        return None
    lang = data.lang
    scale = font / 7.0
    fig = _figure(width_mm, height_mm, left=13 * scale, top=2 * scale, bottom=5.5 * scale)
    ax = fig.subplots()
    _style(ax, font)
    for column, colour, key in (("received_usd", BLUE, "profile.remittances_received"),
                                ("paid_usd", ORANGE, "profile.remittances_paid")):
        points = series.dropna(subset=[column])
        if len(points):
            ax.plot(points["year"], points[column], color=colour, linewidth=1.6, marker="o", markersize=1.8,
                    label=t(key, lang))
    ax.yaxis.set_major_formatter(_compact_axis(lang))
    ax.yaxis.set_major_locator(MaxNLocator(4))
    ax.xaxis.set_major_locator(MaxNLocator(8, integer=True))
    ax.set_ylim(bottom=0)
    legend = ax.legend(fontsize=font, frameon=False, loc="best", alignment="left",
                       title=t("brief.chart.usd_axis", lang), title_fontsize=font)   # the unit, as legend title
    legend.get_title().set_color(MUTED)
    return _render(fig)


def corridor_chart(data: BriefData, width_mm: float = 180, height_mm: float = 58,
                   font: float = 7.0) -> Image.Image | None:
    """Two panels of horizontal bars: where emigrants live, where immigrants come from."""
    panels = [("destinations", "profile.corridors.destinations", ORANGE),
              ("origins", "profile.corridors.origins", GREEN)]
    frames = {which: corridor_frame(data, which) for which, _, _ in panels}
    if all(frame.empty for frame in frames.values()):
        return None
    lang = data.lang
    fig = _figure(width_mm, height_mm)
    # fixed axes with room for the longest country name (constrained layout would cost twice the time)
    longest = max((len(shorten(name)) for frame in frames.values() for name in frame["name"]), default=4)
    label = 2.5 + longest * font * 0.58 * 25.4 / 72
    top, bottom, gap = (font + 1) * 0.62, 1.0, 8.0
    panel = (width_mm - 2 * label - gap - 2) / 2
    axes = [fig.add_axes((left / width_mm, bottom / height_mm, panel / width_mm,
                          (height_mm - top - bottom) / height_mm))
            for left in (label, 2 * label + panel + gap)]
    for ax, (which, title_key, colour) in zip(axes, panels):
        frame = frames[which]
        ax.set_title(t(title_key, lang), fontsize=font + 1, color=INK, loc="left", fontweight="bold")
        ax.spines[["top", "right", "bottom"]].set_visible(False)
        ax.spines["left"].set_color(RULE)
        ax.tick_params(labelsize=font, colors=INK, length=0)
        ax.set_xticks([])
        if frame.empty:
            ax.text(0.5, 0.5, t("common.no_data", lang), ha="center", va="center", fontsize=font + 1,
                    color=MUTED, transform=ax.transAxes)
            ax.set_yticks([])
            continue
        y = list(range(len(frame)))[::-1]
        ax.barh(y, frame["stock"], color=colour, height=0.7)
        ax.set_yticks(y, [shorten(n) for n in frame["name"]])
        top = float(frame["stock"].max())
        for yy, value in zip(y, frame["stock"]):
            ax.text(value + top * 0.02, yy, format_compact_decimal(value, locale=lang, fraction_digits=1),
                    va="center", fontsize=font - 0.5, color=INK)
        ax.set_xlim(0, top * 1.25)
    return _render(fig)

