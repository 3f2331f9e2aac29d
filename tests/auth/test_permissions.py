from floorwalker.auth.permissions import (
    Actor,
    can_manage_org,
    can_read_employee,
    can_write_employee,
)

SUP = Actor(user_id=1, username="s", role="supervisor", employee_id=10, team_ids=frozenset({1, 2}))
AGENT = Actor(user_id=2, username="a", role="agent", employee_id=20)
QA = Actor(user_id=3, username="q", role="qa", employee_id=30)
MANAGER = Actor(user_id=4, username="m", role="manager")


def test_supervisor_reads_and_writes_own_teams_only() -> None:
    assert can_read_employee(SUP, 99, 1)
    assert not can_read_employee(SUP, 99, 3)
    assert not can_read_employee(SUP, 99, None)
    assert can_write_employee(SUP, 1, 2)
    assert not can_write_employee(SUP, 1, 3), "may not move someone out to a foreign team"
    assert not can_write_employee(SUP, 3, 1), "may not pull someone in from a foreign team"


def test_agent_reads_only_self_and_writes_nobody() -> None:
    assert can_read_employee(AGENT, 20, 1)
    assert not can_read_employee(AGENT, 21, 1)
    assert not can_write_employee(AGENT, 1, 1)


def test_qa_reads_everyone_writes_nobody_and_managers_run_the_org() -> None:
    assert can_read_employee(QA, 99, 5)
    assert not can_write_employee(QA, 5, 5)
    assert not can_manage_org(QA) and not can_manage_org(SUP)
    assert can_manage_org(MANAGER) and can_write_employee(MANAGER, None, 7)
