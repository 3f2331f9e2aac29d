"""Small scheduling instances for the tests (built here, no shared data)."""

from __future__ import annotations

from typing import Any


def tiny_instance(**overrides: Any) -> dict[str, Any]:
    """Two days of hourly intervals, two agents, one template with one break."""
    req = [0] * 48
    for h in range(8, 18):
        req[h] = 1
        req[24 + h] = 2 if 10 <= h < 14 else 1
    data: dict[str, Any] = {
        "interval_minutes": 60,
        "days": 2,
        "requirement": req,
        "templates": [
            {
                "name": "day",
                "start_times": ["07:00", "09:00", "11:00"],
                "lengths_minutes": [360],
                "breaks": [
                    {
                        "name": "lunch",
                        "kind": "lunch",
                        "duration_minutes": 60,
                        "earliest_start_minutes": 120,
                        "latest_start_minutes": 240,
                        "paid": False,
                    }
                ],
            }
        ],
        "contracts": [{"name": "c", "max_weekly_hours": 10, "min_rest_hours": 14}],
        "agents": [
            {"id": "ann", "contract": "c", "preferences": {"days_off": [1], "weight": 1}},
            {"id": "bob", "contract": "c", "preferences": {"start_times": ["09:00"], "weight": 2}},
        ],
        "weights": {"under": 1.0, "over": 0.3, "cost": 0.1, "preference": 0.05},
    }
    data["templates"][0]["cost_per_hour"] = 1.0
    data.update(overrides)
    return data
