"""Operational tables of the organisation. Relationships are lazy="raise": load what you
need explicitly in the service, so an N+1 query fails loudly in tests."""

from __future__ import annotations

from datetime import date

from sqlalchemy import JSON, CheckConstraint, Date, Float, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from floorwalker.orm import Base

CHANNELS = ("voice", "chat", "email", "messaging", "back_office")
EMPLOYEE_ROLES = ("agent", "supervisor", "qa", "manager", "wfm", "trainer")
EMPLOYEE_STATUSES = ("active", "leaver")
SL_FORMULAS = (
    "answered_within_over_offered",
    "answered_within_over_offered_less_short",
    "answered_within_over_answered",
    "answered_within_over_offered_less_abandoned_within",
    "within_over_offered",
)
DEFAULT_SL_FORMULA = "answered_within_over_offered_less_short"


class Site(Base):
    __tablename__ = "sites"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(60), unique=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    time_zone: Mapped[str] = mapped_column(String(64))
    #: {"mon": [["08:00", "20:00"]], ..., "sun": []}; local wall clock of the site.
    business_hours: Mapped[dict[str, list[list[str]]]] = mapped_column(JSON, default=dict)
    active: Mapped[bool] = mapped_column(default=True)


class Team(Base):
    __tablename__ = "teams"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id"))
    supervisor_id: Mapped[int | None] = mapped_column(
        ForeignKey("employees.id", use_alter=True, name="fk_teams_supervisor_id_employees")
    )
    active: Mapped[bool] = mapped_column(default=True)

    site: Mapped[Site] = relationship(lazy="raise")
    supervisor: Mapped[Employee | None] = relationship(
        foreign_keys=[supervisor_id], lazy="raise", post_update=True
    )


class Employee(Base):
    __tablename__ = "employees"
    __table_args__ = (CheckConstraint("contract_hours_per_week >= 0", name="contract_hours_nonnegative"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    full_name: Mapped[str] = mapped_column(String(160))
    email: Mapped[str | None] = mapped_column(String(200), unique=True)
    #: The agent's login on the ACD / CCaaS platform: how contacts and states name the agent.
    agent_code: Mapped[str | None] = mapped_column(String(80), unique=True)
    role: Mapped[str] = mapped_column(String(20), default="agent")
    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id"))
    team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id"), index=True)
    hire_date: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(10), default="active")
    contract_hours_per_week: Mapped[float] = mapped_column(Float, default=40.0)
    leave_date: Mapped[date | None] = mapped_column(Date)
    leave_reason: Mapped[str | None] = mapped_column(String(200))

    site: Mapped[Site] = relationship(lazy="raise")
    team: Mapped[Team | None] = relationship(foreign_keys=[team_id], lazy="raise")
    skills: Mapped[list[EmployeeSkill]] = relationship(
        lazy="raise", cascade="all, delete-orphan", back_populates="employee"
    )


class Skill(Base):
    __tablename__ = "skills"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    description: Mapped[str] = mapped_column(String(400), default="")
    active: Mapped[bool] = mapped_column(default=True)


class EmployeeSkill(Base):
    """An agent's skill with a proficiency 1 (learning) … 5 (expert). Together with the
    skill each queue requires, this is the agent–skill–queue assignment."""

    __tablename__ = "employee_skills"
    __table_args__ = (CheckConstraint("proficiency BETWEEN 1 AND 5", name="proficiency_range"),)

    employee_id: Mapped[int] = mapped_column(ForeignKey("employees.id", ondelete="CASCADE"), primary_key=True)
    skill_id: Mapped[int] = mapped_column(ForeignKey("skills.id"), primary_key=True)
    proficiency: Mapped[int] = mapped_column(Integer, default=3)

    employee: Mapped[Employee] = relationship(lazy="raise", back_populates="skills")
    skill: Mapped[Skill] = relationship(lazy="raise")


class Queue(Base):
    __tablename__ = "queues"
    __table_args__ = (
        CheckConstraint("sl_threshold_s > 0", name="sl_threshold_positive"),
        CheckConstraint("short_abandon_s >= 0", name="short_abandon_nonnegative"),
        CheckConstraint("concurrency >= 1", name="concurrency_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The queue's name on the ACD (queue_log queuename, Connect queue name): how contacts name it.
    code: Mapped[str] = mapped_column(String(80), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    channel: Mapped[str] = mapped_column(String(20))
    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id"))
    skill_id: Mapped[int | None] = mapped_column(ForeignKey("skills.id"))
    #: Service-level threshold T, seconds.
    sl_threshold_s: Mapped[float] = mapped_column(Float, default=20.0)
    #: Short-abandon threshold S, seconds.
    short_abandon_s: Mapped[float] = mapped_column(Float, default=5.0)
    sl_formula: Mapped[str] = mapped_column(String(60), default=DEFAULT_SL_FORMULA)
    #: Sessions an agent holds at once (chat / messaging); 1 for voice.
    concurrency: Mapped[int] = mapped_column(Integer, default=1)
    #: Wrap-up seconds to assume when the source does not record wrap-up; NULL = unknown.
    wrapup_s: Mapped[float | None] = mapped_column(Float)
    active: Mapped[bool] = mapped_column(default=True)

    site: Mapped[Site] = relationship(lazy="raise")
    skill: Mapped[Skill | None] = relationship(lazy="raise")
