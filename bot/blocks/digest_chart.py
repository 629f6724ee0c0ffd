"""The digest's 7-day chart: approvals, handoffs opened and reply suggestions per local day.

Drawn with matplotlib's Agg backend on a ``Figure`` of its own, never through ``pyplot``: pyplot
keeps global state (the current figure, the backend) that two threads drawing at once would
share, and a server process must not open a window or leak figures.
"""

from __future__ import annotations

from collections.abc import Sequence
from io import BytesIO

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from bot.workflows.digests.history import DayRow

WIDTH_INCHES, HEIGHT_INCHES, DPI = 9.0, 4.5, 100  # 900 x 450 px: readable in a Slack preview
# Colour-blind-safe (Okabe-Ito), and told apart by hatching too when printed in grey.
SERIES = (
    ("Approved", "approved", "#0072B2", ""),
    ("Handoffs opened", "handoffs_opened", "#E69F00", "//"),
    ("Suggestions", "suggestions", "#009E73", ".."),
)


def day_label(row: DayRow) -> str:
    """``Mon 23``: the team's local day."""
    return f"{row.day:%a} {row.day.day}"


def draw_week_chart(rows: Sequence[DayRow], *, title: str) -> bytes:
    """A PNG of grouped bars, one group per row (the 7 local days, oldest first)."""
    figure = Figure(figsize=(WIDTH_INCHES, HEIGHT_INCHES), dpi=DPI, layout="constrained")
    FigureCanvasAgg(figure)
    axes = figure.add_subplot()
    width = 0.8 / len(SERIES)
    positions = range(len(rows))
    for index, (label, field, colour, hatch) in enumerate(SERIES):
        values = [int(getattr(row, field)) for row in rows]
        offsets = [x + (index - (len(SERIES) - 1) / 2) * width for x in positions]
        bars = axes.bar(
            offsets, values, width, label=label, color=colour, hatch=hatch, edgecolor="white"
        )
        # The number on each bar: a lead reads "12", not a height against the grid.
        axes.bar_label(bars, labels=[str(v) if v else "" for v in values], fontsize=9, padding=2)
    axes.set_xticks(list(positions), [day_label(row) for row in rows], fontsize=11)
    axes.yaxis.set_major_locator(MaxNLocator(integer=True))
    axes.set_ylim(bottom=0, top=max(_highest(rows) * 1.15, 1))
    axes.set_ylabel("per day", fontsize=11)
    axes.set_title(title, fontsize=13, loc="left")
    axes.grid(axis="y", alpha=0.3)
    axes.set_axisbelow(True)
    if not _highest(rows):
        axes.text(0.5, 0.5, "Nothing happened these days", ha="center", transform=axes.transAxes)
    axes.spines[["top", "right"]].set_visible(False)
    # Above the plot, beside nothing it could hide: a tall first bar would sit under it inside.
    figure.legend(loc="outside upper right", frameon=False, fontsize=10, ncols=len(SERIES))
    out = BytesIO()
    figure.savefig(out, format="png")
    return out.getvalue()


def _highest(rows: Sequence[DayRow]) -> int:
    return max((int(getattr(row, field)) for row in rows for _, field, _, _ in SERIES), default=0)
