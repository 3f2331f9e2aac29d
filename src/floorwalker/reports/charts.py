"""The report's charts (daily volume, service level by day, AHT trend, abandonment) drawn
with matplotlib's Agg renderer, as SVG text (for HTML) and PNG bytes (for PDF and XLSX).

No pyplot: each chart is its own ``Figure`` so that two reports rendered at once in the
web server share no global state. Days without contacts are gaps, not zeros.
"""

from __future__ import annotations

import io
import math
from collections.abc import Sequence
from dataclasses import dataclass

import matplotlib

matplotlib.use("Agg")

from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, MaxNLocator, MultipleLocator, PercentFormatter

from floorwalker.reports import wording
from floorwalker.reports.content import DayPoint

#: Colours: answered blue, abandoned orange, other grey, targets dark red (readable in grey print).
BLUE = "#2b6cb0"
ORANGE = "#dd6b20"
GREY = "#a0aec0"
TARGET = "#9b2c2c"
INK = "#2d3748"

WIDTH_IN = 7.2
HEIGHT_IN = 2.2


@dataclass(frozen=True)
class Chart:
    name: str
    title: str
    svg: str
    png: bytes


def _nan(value: float | None, scale: float = 1.0) -> float:
    return math.nan if value is None else value * scale


def _figure() -> tuple[Figure, Axes]:
    fig = Figure(figsize=(WIDTH_IN, HEIGHT_IN), dpi=100, layout="constrained")
    ax = fig.add_subplot()
    ax.spines[["top", "right"]].set_visible(False)
    ax.spines[["left", "bottom"]].set_color(GREY)
    ax.tick_params(colors=INK, labelsize=8)
    ax.grid(axis="y", color="#e2e8f0", linewidth=0.8)
    ax.set_axisbelow(True)
    return fig, ax


def _days_axis(ax: Axes, days: Sequence[DayPoint]) -> None:
    xs = list(range(len(days)))
    for x, d in zip(xs, days, strict=True):
        if d.day.weekday() >= 5:  # weekends shaded: a reader sees the weekly pattern at once
            ax.axvspan(x - 0.5, x + 0.5, color="#f7fafc", zorder=0)
    step = 1 if len(days) <= 16 else 2 if len(days) <= 35 else 7
    ax.set_xticks(xs[::step], [str(d.day.day) for d in days][::step])
    ax.set_xlim(-0.6, len(days) - 0.4)
    if days:
        ax.set_xlabel(f"day of {days[0].day:%B %Y}", fontsize=8, color=INK)


def _target_line(ax: Axes, goal: float | None, label: str) -> None:
    if goal is not None:
        ax.axhline(goal, color=TARGET, linestyle="--", linewidth=1, label=label)


Drawn = tuple[str, str, Figure]


def _save(drawn: Drawn, svg: bool, png: bool) -> Chart:
    """The figure as SVG text and/or PNG bytes (empty when not asked for)."""
    name, title, fig = drawn
    svg_out, png_out = io.StringIO(), io.BytesIO()
    if svg:
        fig.savefig(svg_out, format="svg", metadata={"Date": None})
    if png:
        fig.savefig(png_out, format="png", dpi=200)
    return Chart(name, title, svg_out.getvalue(), png_out.getvalue())


def volume_chart(days: Sequence[DayPoint]) -> Drawn:
    """Offered per day, stacked as answered, abandoned and other outcomes."""
    fig, ax = _figure()
    xs = list(range(len(days)))
    answered = [d.answered for d in days]
    abandoned = [d.abandoned for d in days]
    other = [max(d.offered - d.answered - d.abandoned, 0) for d in days]
    ax.bar(xs, answered, color=BLUE, label="answered", width=0.75)
    ax.bar(xs, abandoned, bottom=answered, color=ORANGE, label="abandoned", width=0.75)
    ax.bar(
        xs,
        other,
        bottom=[a + b for a, b in zip(answered, abandoned, strict=True)],
        color=GREY,
        label="other outcomes",
        width=0.75,
    )
    ax.yaxis.set_major_locator(MaxNLocator(integer=True, nbins=5))
    ax.set_ylabel("contacts", fontsize=8, color=INK)
    _days_axis(ax, days)
    ax.legend(fontsize=7, frameon=False, ncols=3, loc="upper left", bbox_to_anchor=(0, 1.18))
    return ("volume", "Daily volume", fig)


def _rate_chart(
    days: Sequence[DayPoint],
    values: list[float],
    goal: float | None,
    name: str,
    title: str,
    label: str,
    colour: str,
    top: float | None,
) -> Drawn:
    fig, ax = _figure()
    xs = list(range(len(days)))
    ax.plot(xs, values, color=colour, marker="o", markersize=3, linewidth=1.6, label=label)
    _target_line(ax, None if goal is None else goal * 100, "target")
    finite = [v for v in values if not math.isnan(v)] + ([goal * 100] if goal is not None else [])
    high = top if top is not None else (max(finite) * 1.25 if finite and max(finite) > 0 else 10.0)
    ax.set_ylim(0, high)
    ax.yaxis.set_major_locator(MaxNLocator(nbins=6, steps=[1, 2, 5, 10]))
    ax.yaxis.set_major_formatter(PercentFormatter(decimals=0))
    _days_axis(ax, days)
    ax.legend(fontsize=7, frameon=False, ncols=2, loc="upper left", bbox_to_anchor=(0, 1.18))
    return (name, title, fig)


def service_level_chart(days: Sequence[DayPoint], goal: float | None) -> Drawn:
    """Service level per day (percent) with the target line."""
    values = [_nan(d.service_level, 100) for d in days]
    return _rate_chart(
        days, values, goal, "service_level", "Service level by day", "service level", BLUE, 100
    )


def abandonment_chart(days: Sequence[DayPoint], goal: float | None) -> Drawn:
    """Abandon rate per day (percent) with the target line."""
    values = [_nan(d.abandon_rate, 100) for d in days]
    return _rate_chart(days, values, goal, "abandonment", "Abandonment by day", "abandon rate", ORANGE, None)


def aht_chart(days: Sequence[DayPoint]) -> Drawn:
    """Average handle time per day, m:ss."""
    fig, ax = _figure()
    xs = list(range(len(days)))
    values = [_nan(d.aht_s) for d in days]
    ax.plot(xs, values, color=INK, marker="o", markersize=3, linewidth=1.6, label="AHT")
    finite = [v for v in values if not math.isnan(v)]
    top = max(finite) * 1.25 if finite and max(finite) > 0 else 60.0
    ax.set_ylim(0, top)
    # Ticks on whole minutes (1, 2, 5, 10 … minutes apart), never at 1:40.
    ax.yaxis.set_major_locator(
        MaxNLocator(nbins=6, steps=[1, 2, 5, 10])
        if top < 120
        else MultipleLocator(60 * _minute_step(top / 60))
    )
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: wording.duration(v)))
    ax.set_ylabel("m:ss", fontsize=8, color=INK)
    _days_axis(ax, days)
    return ("aht", "Average handle time by day", fig)


def _minute_step(minutes: float) -> int:
    """Whole minutes between ticks so that about five ticks span ``minutes``."""
    for step in (1, 2, 5, 10, 15, 30, 60, 120):
        if minutes / step <= 6:
            return step
    return 240


def report_charts(
    days: Sequence[DayPoint],
    sl_goal: float | None,
    abandon_goal: float | None,
    *,
    svg: bool = True,
    png: bool = True,
) -> list[Chart]:
    """The four charts of the report, in reading order, as SVG (HTML) and/or PNG (PDF, XLSX)."""
    drawn = [
        volume_chart(days),
        service_level_chart(days, sl_goal),
        aht_chart(days),
        abandonment_chart(days, abandon_goal),
    ]
    return [_save(d, svg, png) for d in drawn]
