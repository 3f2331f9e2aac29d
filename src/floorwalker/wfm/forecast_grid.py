"""The open-day grid the forecasting methods work on.

The grid keeps only the center's open weekdays (a weekday is open when the last
``OPEN_LOOKBACK_DAYS`` of history have contacts on it), in calendar order. Every week
then has the same number ``D`` of grid days, so "the same weekday one week earlier" is
always ``D`` rows back, and a daily series has a clean weekly season of length ``D``.

The last day of history, when its records stop before the weekday's usual last open
interval, is taken as unfinished (an export made during the day) and is not trained on.
Days that are not ordinary (no data on an open weekday, or a special day) are
*imputed* for training: the mean of the nearest earlier same-weekday days (up to
``IMPUTE_WEEKS``). They are never used as actuals when measuring accuracy.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
from numpy.typing import NDArray

from floorwalker.wfm.forecast_series import IntervalSeries, occurrences
from floorwalker.wfm.forecast_special import SpecialDay, holiday_factor

OPEN_LOOKBACK_DAYS = 56
IMPUTE_WEEKS = 4


@dataclass(frozen=True)
class DayGrid:
    """History on open weekdays only.

    ``contacts``: (days × slots) per-occurrence contacts, gaps imputed (see module doc).
    ``handle_s``: handle seconds per cell, NaN where unknown (not imputed).
    ``actual``: True where the day is an ordinary observed day (usable as an actual).
    ``open_slots``: (7 × slots) True where weekday/slot had contacts recorded lately.
    ``holiday_factor``: learned treatment of a future public holiday (0 = closed).
    """

    dates: list[date]
    open_weekdays: tuple[int, ...]
    interval_min: int
    contacts: NDArray[np.float64]
    handle_s: NDArray[np.float64]
    actual: NDArray[np.bool_]
    open_slots: NDArray[np.bool_]
    holiday_factor: float
    time_zone: str | None

    @property
    def period(self) -> int:
        """Grid days per week (D)."""
        return len(self.open_weekdays)


def _cut_short(row: NDArray[np.float64], open_row: NDArray[np.bool_]) -> bool:
    """True when a day's records stop before the weekday's last open interval."""
    present = np.flatnonzero(~np.isnan(row))
    opened = np.flatnonzero(open_row)
    return bool(present.size and opened.size and present[-1] < opened[-1])


def _open_weekdays(series: IntervalSeries, ordinary: NDArray[np.bool_]) -> tuple[int, ...]:
    recent = range(max(0, len(series.days) - OPEN_LOOKBACK_DAYS), len(series.days))
    found = {series.days[i].weekday() for i in recent if ordinary[i]}
    return tuple(sorted(found))


def build_grid(series: IntervalSeries, special: dict[date, SpecialDay]) -> DayGrid:
    """Lay the history on the open-weekday grid, impute gaps and learn the holiday effect.

    Raises ``ValueError`` when the history has no ordinary day."""
    has_data = ~np.all(np.isnan(series.contacts), axis=1)
    is_special = np.array([d in special for d in series.days], dtype=bool)
    ordinary = has_data & ~is_special
    if not ordinary.any():
        raise ValueError("the history has no ordinary (non-special) day with data")
    weekdays = _open_weekdays(series, ordinary)
    keep = [i for i, d in enumerate(series.days) if d.weekday() in weekdays]
    # Start at the first ordinary day: nothing before it can be imputed honestly.
    first = next(k for k, i in enumerate(keep) if ordinary[i])
    keep = keep[first:]
    dates = [series.days[i] for i in keep]
    raw = series.contacts[keep].copy()
    handle = series.handle_s[keep].copy()
    actual = ordinary[keep].copy()
    n_slots = series.slots_per_day
    period = len(weekdays)

    # Open slots: any record on that weekday in the lookback window.
    open_slots = np.zeros((7, n_slots), dtype=bool)
    recent_from = series.days[-1] - timedelta(days=OPEN_LOOKBACK_DAYS)
    for k, day in enumerate(dates):
        if actual[k] and day > recent_from:
            open_slots[day.weekday()] |= ~np.isnan(raw[k])
    if _cut_short(raw[-1], open_slots[dates[-1].weekday()]) and actual[:-1].any():
        # An export taken during the day: the last day is not a quiet day, it is unfinished.
        actual[-1] = False

    gap = np.zeros_like(raw, dtype=bool)  # DST-skipped slots of observed days
    for k, day in enumerate(dates):
        if actual[k]:
            occ = occurrences(day, series.interval_min, series.time_zone)
            gap[k] = occ == 0
            # An open slot without a record had no contacts (exports omit empty intervals).
            raw[k, np.isnan(raw[k]) & ~gap[k]] = 0.0

    contacts = raw
    for k in range(len(dates)):
        if actual[k] and not gap[k].any():
            continue
        earlier = [j for j in range(k - period, -1, -period) if actual[j]][:IMPUTE_WEEKS]
        if not earlier:
            later = [j for j in range(k + period, min(len(dates), k + 3 * period), period) if actual[j]]
            earlier = later
        if earlier:
            fill = contacts[earlier].mean(axis=0)
        else:
            fill = np.nanmean(np.where(actual[:, None], contacts, np.nan), axis=0)
        if actual[k]:
            contacts[k, gap[k]] = fill[gap[k]]
        else:
            contacts[k] = fill

    # AHT is learned from ordinary days only: a special or unfinished day's handle time
    # would otherwise be weighted by the imputed contacts that replaced its own.
    handle[~actual] = np.nan
    factor = _learn_holidays(dates, contacts, special, series, weekdays)
    return DayGrid(
        dates, weekdays, series.interval_min, contacts, handle, actual, open_slots, factor, series.time_zone
    )


def _learn_holidays(
    dates: list[date],
    imputed: NDArray[np.float64],
    special: dict[date, SpecialDay],
    series: IntervalSeries,
    weekdays: tuple[int, ...],
) -> float:
    """Past public holidays on open weekdays: closed (no data) or the ratio of their
    contacts to the normal-day estimate that replaced them."""
    closed = 0
    ratios: list[float] = []
    index = {d: k for k, d in enumerate(dates)}
    have = {d: i for i, d in enumerate(series.days)}
    for day, sday in special.items():
        if sday.kind != "holiday" or day.weekday() not in weekdays or day not in index:
            continue
        k = index[day]
        row = series.contacts[have[day]]
        if np.all(np.isnan(row)):
            closed += 1
            continue
        normal = float(imputed[k].sum())
        if normal > 0:
            ratios.append(float(np.nansum(row)) / normal)
    return holiday_factor(closed, ratios)
