"""Average handle time (AHT) forecast per interval.

AHT moves slowly and is noisy in quiet intervals, so it is forecast as a
contact-weighted, recency-weighted average: for each future interval, the same
weekday and interval over the last ``AHT_WEEKS`` weeks, each week's handle seconds
and contacts weighted ``weeks, weeks-1, …, 1``. AHT = Σ w·handle / Σ w·contacts, so a
busy interval counts more than a quiet one. An interval with no handled contacts in
that window takes the weekday's AHT, then the whole history's.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from floorwalker.wfm.forecast_methods import same_weekday_rows

AHT_WEEKS = 8


def aht_forecast(
    handle_s: NDArray[np.float64],
    contacts: NDArray[np.float64],
    period: int,
    horizon: int,
    weeks: int = AHT_WEEKS,
) -> NDArray[np.float64]:
    """(horizon × slots) AHT in seconds. ``handle_s`` is handle seconds per cell (NaN where
    unknown), ``contacts`` the contacts of the same cells. NaN only when the history has
    no handled contact at all."""
    n, n_slots = contacts.shape
    known = ~np.isnan(handle_s) & (contacts > 0)
    handle = np.where(known, handle_s, 0.0)
    count = np.where(known, contacts, 0.0)
    overall = handle.sum() / count.sum() if count.sum() > 0 else np.nan
    out = np.empty((horizon, n_slots))
    for h in range(horizon):
        rows = same_weekday_rows(n, period, n + h, weeks)
        w = np.arange(len(rows), 0, -1, dtype=np.float64)
        slot_handle = w @ handle[rows]
        slot_count = w @ count[rows]
        day = slot_handle.sum() / slot_count.sum() if slot_count.sum() > 0 else overall
        with np.errstate(invalid="ignore", divide="ignore"):
            out[h] = np.where(slot_count > 0, slot_handle / np.where(slot_count > 0, slot_count, 1.0), day)
    return out
