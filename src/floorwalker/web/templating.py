"""Jinja environment: base layout, navigation, number formats (percent only on screen)."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.templating import Jinja2Templates
from starlette.responses import HTMLResponse

from floorwalker import __version__

TEMPLATES_DIR = Path(__file__).parent / "templates"
templates = Jinja2Templates(directory=str(TEMPLATES_DIR))

#: Navigation, one entry per area that exists; areas not built yet are absent, not dead links.
#: (label, path, roles that see it)
NAVIGATION: list[tuple[str, str, frozenset[str]]] = [
    ("Overview", "/", frozenset({"admin", "manager", "supervisor", "qa", "agent"})),
    ("Team metrics", "/metrics/teams", frozenset({"admin", "manager", "supervisor", "qa"})),
    ("Contacts", "/metrics/contacts", frozenset({"admin", "manager", "supervisor", "qa", "agent"})),
    ("Targets", "/metrics/targets", frozenset({"admin", "manager", "supervisor", "qa"})),
    ("People", "/org/employees", frozenset({"admin", "manager", "supervisor", "qa"})),
    ("Teams", "/org/teams", frozenset({"admin", "manager", "supervisor", "qa"})),
    ("Queues", "/org/queues", frozenset({"admin", "manager", "supervisor", "qa"})),
    ("Skills", "/org/skills", frozenset({"admin", "manager", "supervisor", "qa"})),
    ("Sites", "/org/sites", frozenset({"admin", "manager"})),
    ("Imports", "/imports", frozenset({"admin", "manager"})),
    ("Planning", "/wfm", frozenset({"admin", "manager", "supervisor", "qa"})),
    ("My schedule", "/wfm/my-schedule", frozenset({"agent"})),
    ("Time off", "/wfm/time-off", frozenset({"admin", "manager", "supervisor", "agent"})),
    ("Availability", "/wfm/availability", frozenset({"admin", "manager", "supervisor", "agent"})),
    ("Shift swaps", "/wfm/swaps", frozenset({"admin", "manager", "supervisor", "agent"})),
    ("Quality", "/qa", frozenset({"admin", "manager", "supervisor", "qa", "agent"})),
    ("Coaching", "/qa/coaching", frozenset({"admin", "manager", "supervisor", "qa", "agent"})),
    ("Reports", "/reports", frozenset({"admin", "manager", "supervisor"})),
    ("What-if", "/sim", frozenset({"admin", "manager", "supervisor"})),
    ("Users", "/auth/users", frozenset({"admin"})),
    ("Audit log", "/auth/audit", frozenset({"admin", "manager"})),
]


def percent(value: float | None, digits: int = 1) -> str:
    return "—" if value is None else f"{value * 100:.{digits}f}%"


def seconds(value: float | None) -> str:
    """Seconds as m:ss (or h:mm:ss) for durations on screen."""
    if value is None:
        return "—"
    total = round(value)
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def number(value: float | int | None) -> str:
    if value is None:
        return "—"
    return f"{value:,.0f}" if isinstance(value, int) or float(value).is_integer() else f"{value:,.1f}"


def isodate(value: date | datetime | None) -> str:
    if value is None:
        return ""
    return value.strftime("%Y-%m-%d %H:%M") if isinstance(value, datetime) else value.isoformat()


templates.env.filters.update(percent=percent, seconds=seconds, number=number, isodate=isodate)
templates.env.globals.update(version=__version__)


def render(
    request: Request, name: str, context: dict[str, Any] | None = None, status_code: int = 200
) -> HTMLResponse:
    actor = getattr(request.state, "actor", None)
    nav = [(label, path) for label, path, roles in NAVIGATION if actor is not None and actor.role in roles]
    base = {
        "request": request,
        "actor": actor,
        "nav": nav,
        "csrf_token": getattr(request.state, "csrf_token", ""),
        "current_path": request.url.path,
    }
    return templates.TemplateResponse(request, name, {**base, **(context or {})}, status_code=status_code)


templates.env.globals["has_htmx"] = (Path(__file__).parent / "static" / "vendor" / "htmx.min.js").exists()
