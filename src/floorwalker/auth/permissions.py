"""Who may do what: the role rules, as pure functions over an ``Actor``.

Scope rules (DESIGN.md, Roles): admin and manager see and change the whole center;
a supervisor reads and writes only the people of the teams they lead; a QA analyst
reads everyone (to evaluate them) and changes nobody; an agent sees only self.
The service layer calls these before every read and write.
"""

from __future__ import annotations

from dataclasses import dataclass, field

ROLES = ("admin", "manager", "supervisor", "qa", "agent")


@dataclass(frozen=True)
class Actor:
    """The caller of a service function."""

    user_id: int | None
    username: str
    role: str
    employee_id: int | None = None
    #: Ids of the teams this actor leads (supervisors).
    team_ids: frozenset[int] = field(default_factory=frozenset)

    @property
    def is_center_wide(self) -> bool:
        """Sees the whole center."""
        return self.role in ("admin", "manager", "qa")


#: The actor for the CLI run by an operator on the server itself (has shell access).
SYSTEM = Actor(user_id=None, username="system", role="admin")


def can_manage_org(actor: Actor) -> bool:
    """Create and change sites, queues, skills and teams."""
    return actor.role in ("admin", "manager")


def can_manage_users(actor: Actor) -> bool:
    return actor.role == "admin"


def can_read_employee(actor: Actor, employee_id: int, team_id: int | None) -> bool:
    if actor.is_center_wide:
        return True
    if actor.employee_id is not None and actor.employee_id == employee_id:
        return True
    return actor.role == "supervisor" and team_id is not None and team_id in actor.team_ids


def can_write_employee(actor: Actor, team_id: int | None, new_team_id: int | None) -> bool:
    """Change an employee now in ``team_id``, possibly moving them to ``new_team_id``.

    A supervisor may change only people of own teams and may move them only between own
    teams; agents and QA analysts change nobody (not even themselves: HR data)."""
    if can_manage_org(actor):
        return True
    if actor.role != "supervisor":
        return False
    return team_id in actor.team_ids and new_team_id in actor.team_ids


def can_read_center_metrics(actor: Actor) -> bool:
    return actor.role in ("admin", "manager", "supervisor", "qa")
