"""Pydantic models that cross the API boundary for the organisation area.

``*Create`` carries every field a new record needs; ``*Update`` makes each optional
(PATCH semantics: only the fields sent change); ``*Read`` is what the API returns."""

from __future__ import annotations

from datetime import date
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from floorwalker.org import hours as business_hours
from floorwalker.timeutil import is_valid_time_zone

Channel = Literal["voice", "chat", "email", "messaging", "back_office"]
EmployeeRole = Literal["agent", "supervisor", "qa", "manager", "wfm", "trainer"]
EmployeeStatus = Literal["active", "leaver"]
SlFormula = Literal[
    "answered_within_over_offered",
    "answered_within_over_offered_less_short",
    "answered_within_over_answered",
    "answered_within_over_offered_less_abandoned_within",
    "within_over_offered",
]

_CODE_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_.\-@+/ ]*$"


def _code(default: object = ..., max_length: int = 80) -> Any:
    """A code as the source systems write it (queue name, agent login, site code)."""
    return Field(default=default, min_length=1, max_length=max_length, pattern=_CODE_PATTERN)


#: Default service-level threshold T per channel, seconds (spec/kpis.md).
DEFAULT_SL_THRESHOLD_S = {
    "voice": 20.0,
    "chat": 60.0,
    "messaging": 60.0,
    "email": 86400.0,
    "back_office": 86400.0,
}


def _name(default: object = ...) -> Any:
    return Field(default=default, min_length=1, max_length=120)


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class _Out(BaseModel):
    model_config = ConfigDict(from_attributes=True)


def _check_time_zone(value: str | None) -> str | None:
    if value is not None and not is_valid_time_zone(value):
        raise ValueError(f"'{value}' is not an IANA time zone (e.g. Europe/London)")
    return value


def _check_hours(
    value: dict[str, list[list[str]]] | str | None,
) -> dict[str, list[list[str]]] | None:
    if value is None:
        return None
    try:
        if isinstance(value, str):
            return business_hours.parse(value)
        return business_hours.validate(value)
    except business_hours.BusinessHoursError as exc:
        raise ValueError(str(exc)) from None


# --- sites -------------------------------------------------------------------------------


class SiteCreate(_In):
    code: str = _code(max_length=60)
    name: str = _name()
    time_zone: str = Field(min_length=1, max_length=64)
    #: Stored form ({"mon": [["08:00","20:00"]], …}) or the text form "mon-fri 08:00-20:00".
    business_hours: dict[str, list[list[str]]] | str = "mon-fri 08:00-18:00"

    _tz = field_validator("time_zone")(_check_time_zone)
    _hours = field_validator("business_hours")(_check_hours)


class SiteUpdate(_In):
    code: str | None = _code(None, max_length=60)
    name: str | None = _name(None)
    time_zone: str | None = None
    business_hours: dict[str, list[list[str]]] | str | None = None
    active: bool | None = None

    _tz = field_validator("time_zone")(_check_time_zone)
    _hours = field_validator("business_hours")(_check_hours)


class SiteRead(_Out):
    id: int
    code: str
    name: str
    time_zone: str
    business_hours: dict[str, list[list[str]]]
    active: bool


# --- teams -------------------------------------------------------------------------------


class TeamCreate(_In):
    name: str = _name()
    site_id: int
    supervisor_id: int | None = None


class TeamUpdate(_In):
    name: str | None = _name(None)
    site_id: int | None = None
    supervisor_id: int | None = None
    active: bool | None = None


class TeamRead(_Out):
    id: int
    name: str
    site_id: int
    supervisor_id: int | None
    active: bool


# --- skills ------------------------------------------------------------------------------


class SkillCreate(_In):
    name: str = _name()
    description: str = Field(default="", max_length=400)


class SkillUpdate(_In):
    name: str | None = _name(None)
    description: str | None = Field(default=None, max_length=400)
    active: bool | None = None


class SkillRead(_Out):
    id: int
    name: str
    description: str
    active: bool


# --- employees ---------------------------------------------------------------------------


class EmployeeCreate(_In):
    full_name: str = Field(min_length=1, max_length=160)
    email: str | None = Field(default=None, max_length=200, pattern=r"^[^@\s]+@[^@\s]+$")
    agent_code: str | None = _code(None)
    role: EmployeeRole = "agent"
    site_id: int
    team_id: int | None = None
    hire_date: date
    status: EmployeeStatus = "active"
    contract_hours_per_week: float = Field(default=40.0, ge=0, le=80)
    leave_date: date | None = None
    leave_reason: str | None = Field(default=None, max_length=200)

    @model_validator(mode="after")
    def _leaver_consistency(self) -> EmployeeCreate:
        check_leaver(self.status, self.hire_date, self.leave_date)
        return self


class EmployeeUpdate(_In):
    full_name: str | None = Field(default=None, min_length=1, max_length=160)
    email: str | None = Field(default=None, max_length=200, pattern=r"^[^@\s]+@[^@\s]+$")
    agent_code: str | None = _code(None)
    role: EmployeeRole | None = None
    site_id: int | None = None
    team_id: int | None = None
    hire_date: date | None = None
    status: EmployeeStatus | None = None
    contract_hours_per_week: float | None = Field(default=None, ge=0, le=80)
    leave_date: date | None = None
    leave_reason: str | None = Field(default=None, max_length=200)


def check_leaver(status: str, hire_date: date, leave_date: date | None) -> None:
    """A leaver has a leave date on or after the hire date; an active employee has none."""
    if status == "leaver" and leave_date is None:
        raise ValueError("a leaver needs a leave date")
    if status == "active" and leave_date is not None:
        raise ValueError("an active employee has no leave date (set status to leaver)")
    if leave_date is not None and leave_date < hire_date:
        raise ValueError("leave date is before hire date")


class EmployeeSkillRead(_Out):
    skill_id: int
    proficiency: int


class EmployeeRead(_Out):
    id: int
    full_name: str
    email: str | None
    agent_code: str | None
    role: str
    site_id: int
    team_id: int | None
    hire_date: date
    status: str
    contract_hours_per_week: float
    leave_date: date | None
    leave_reason: str | None


class EmployeeSkillSet(_In):
    skill_id: int
    proficiency: int = Field(ge=1, le=5)


class LeaverIn(_In):
    leave_date: date
    leave_reason: str = Field(min_length=1, max_length=200)


# --- queues ------------------------------------------------------------------------------


class QueueCreate(_In):
    code: str = _code()
    name: str = _name()
    channel: Channel
    site_id: int
    skill_id: int | None = None
    #: Service-level threshold T, seconds; when omitted, the channel's default
    #: (20 voice, 60 chat and messaging, 86400 email and back office).
    sl_threshold_s: float | None = Field(default=None, gt=0, le=7 * 86400)
    short_abandon_s: float = Field(default=5.0, ge=0, le=3600)
    sl_formula: SlFormula = "answered_within_over_offered_less_short"
    concurrency: int = Field(default=1, ge=1, le=20)
    wrapup_s: float | None = Field(default=None, ge=0, le=86400)

    @model_validator(mode="after")
    def _channel_default_threshold(self) -> QueueCreate:
        if self.sl_threshold_s is None:
            self.sl_threshold_s = DEFAULT_SL_THRESHOLD_S[self.channel]
        return self


class QueueUpdate(_In):
    code: str | None = _code(None)
    name: str | None = _name(None)
    channel: Channel | None = None
    site_id: int | None = None
    skill_id: int | None = None
    sl_threshold_s: float | None = Field(default=None, gt=0, le=7 * 86400)
    short_abandon_s: float | None = Field(default=None, ge=0, le=3600)
    sl_formula: SlFormula | None = None
    concurrency: int | None = Field(default=None, ge=1, le=20)
    wrapup_s: float | None = Field(default=None, ge=0, le=86400)
    active: bool | None = None


class QueueRead(_Out):
    id: int
    code: str
    name: str
    channel: str
    site_id: int
    skill_id: int | None
    sl_threshold_s: float
    short_abandon_s: float
    sl_formula: str
    concurrency: int
    wrapup_s: float | None
    active: bool


class QueueAssignment(BaseModel):
    """One agent who serves one queue through a skill, with the proficiency."""

    queue_id: int
    queue_code: str
    employee_id: int
    full_name: str
    skill_id: int
    proficiency: int
