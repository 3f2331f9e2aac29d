"""Sparkline geometry for the overview tiles (inline SVG, no script). Pure."""

from __future__ import annotations

from collections.abc import Sequence


def sparkline_points(values: Sequence[float | None], width: float = 120, height: float = 28) -> list[str]:
    """SVG polyline ``points`` strings, one per unbroken run of defined values (a None
    breaks the line), scaled so the smallest value touches the bottom and the largest the
    top (a flat series sits in the middle). The x step is ``width / (len(values) - 1)``."""
    defined = [v for v in values if v is not None]
    if not defined:
        return []
    low, high = min(defined), max(defined)
    span = high - low
    step = width / (len(values) - 1) if len(values) > 1 else 0.0
    runs: list[list[str]] = [[]]
    for i, v in enumerate(values):
        if v is None:
            if runs[-1]:
                runs.append([])
            continue
        y = height / 2 if span == 0 else height - (v - low) / span * height
        runs[-1].append(f"{i * step:.1f},{y:.1f}")
    return [" ".join(run) for run in runs if run]
