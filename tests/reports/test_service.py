"""The report's numbers and sentences from stored contacts, on both stores."""

from datetime import UTC, datetime

import pytest

from floorwalker.auth.models import AuditEntry
from floorwalker.auth.permissions import SYSTEM
from floorwalker.errors import InvalidInput, PermissionDenied
from floorwalker.metrics.targets import Target
from floorwalker.reports import service
from tests import factories as f
from tests.reports.data import build_center

NOW = datetime(2026, 11, 2, 7, 0, tzinfo=UTC)


def _build(stores, db, period="2026-10", site=None, targets=None, actor=SYSTEM):
    with stores.warehouse.connect() as conn:
        return service.build(db, conn, actor, period, site, targets, NOW)


def test_headline_numbers_and_sentences(stores, db) -> None:
    build_center(stores, db)
    r = _build(stores, db)
    assert r.has_data and r.period_label == "October 2026" and r.previous_label == "September 2026"
    sl = r.kpi("service_level")
    assert sl.value == pytest.approx(17 / 21)
    assert sl.status == "green" and sl.target.goal == 0.80
    assert sl.previous == pytest.approx(10 / 12)
    assert sl.change.absolute == pytest.approx(17 / 21 - 10 / 12)
    assert r.kpi("abandon_rate").value == pytest.approx(2 / 21)
    assert r.kpi("abandon_rate").status == "red"
    assert r.kpi("asa_s").value == pytest.approx(205 / 19)
    assert r.kpi("aht_s").value == pytest.approx(3900 / 19)
    assert r.summary[0] == (
        "22 contacts were offered in October 2026 and 19 were answered; volume was up 83.3% on "
        "September 2026 (12)."
    )
    assert r.summary[1] == (
        "Service level was 81.0% against a target of 80% (green), down 2.4 points on September 2026."
    )
    assert r.summary[2] == (
        "Abandon rate was 9.5% against a target of 5% (red), down 7.1 points on September 2026."
    )
    assert "ASA (voice and chat) was 0:11" in r.summary[3]
    assert r.summary[4] == "Average handle time was 3:25, down 1:35 on September 2026."
    assert "1 of 2 queues met their service-level target; below it: Sales 72.7% (amber)." in r.summary
    assert any(
        s.startswith("The busiest day was Monday 5 October with 12 contacts offered") for s in r.summary
    )
    # Defaults were used and the report says so; October 2025 has no contacts.
    assert r.targets_are_defaults
    assert any("No targets were given" in n for n in r.notes)
    assert any("October 2025 has no contacts" in n for n in r.notes)


def test_queue_and_team_tables_and_daily_series(stores, db) -> None:
    build_center(stores, db)
    r = _build(stores, db)
    queues = {q.code: q for q in r.queues}
    assert queues["sales"].values["service_level"] == pytest.approx(8 / 11)
    assert queues["sales"].statuses["service_level"] == "amber"  # 72.7% ≥ 80% − 8 points
    assert queues["care"].values["service_level"] == pytest.approx(0.9)
    assert queues["care"].name == "Customer care"
    assert queues["sales"].previous["service_level"] == pytest.approx(10 / 12)
    assert queues["care"].previous["service_level"] is None
    teams = {t.code: t for t in r.teams}
    assert set(teams) == {"Red", "Blue"}  # abandoned contacts have no team: no "(no team)" row
    assert teams["Red"].values["answered"] == 17 and teams["Blue"].values["answered"] == 2
    assert len(r.days) == 31
    day5 = r.days[4]
    assert (day5.day.day, day5.offered, day5.answered, day5.abandoned) == (5, 12, 10, 2)
    assert r.days[0].offered == 0 and r.days[0].service_level is None
    # Appendix: each queue's formula and its T and S, the time zone, the data source.
    a = r.appendix
    by_code = {q.code: q for q in a.queues}
    assert by_code["care"].sl_formula == "answered_within_over_offered"
    assert by_code["sales"].sl_threshold_s == 20
    assert ("Time zones", "LON: Europe/London") in a.settings
    assert a.sources == [("test", 22)]


def test_site_targets_apply_and_queue_targets_win(stores, db) -> None:
    build_center(stores, db)
    targets = [
        Target("service_level", 0.85, "site", "LON"),
        Target("service_level", 0.70, "queue", "sales"),
    ]
    r = _build(stores, db, site="LON", targets=targets)
    assert r.kpi("service_level").status == "amber"  # 81.0% against 85%, within 8.5 points
    assert {q.code: q.statuses["service_level"] for q in r.queues} == {"care": "green", "sales": "green"}
    assert not r.targets_are_defaults
    assert r.kpi("abandon_rate").target is None


def test_a_month_with_no_contacts(stores, db) -> None:
    build_center(stores, db)
    r = _build(stores, db, period="2026-12")
    assert not r.has_data
    assert r.summary[0].startswith("No contacts were recorded in December 2026")
    assert r.kpi("service_level").value is None and r.kpi("service_level").status is None
    assert r.kpi("offered").value is None or r.kpi("offered").value == 0
    assert len(r.days) == 31 and all(d.offered == 0 for d in r.days)
    assert r.queues == [] and r.improvements == [] and r.declines == []
    for fmt in ("html", "xlsx", "pdf"):
        assert service.render(r, fmt)


def test_previous_period_empty_means_no_comparison(stores, db) -> None:
    build_center(stores, db)
    r = _build(stores, db, period="2026-09")
    sl = r.kpi("service_level")
    assert sl.value == pytest.approx(10 / 12)
    assert sl.previous is None and sl.change.absolute is None
    assert r.summary[1] == "Service level was 83.3% against a target of 80% (green)."
    assert any("August 2026 has no contacts" in n for n in r.notes)


def test_supervisor_sees_own_teams_only_and_agents_none(stores, db) -> None:
    made = build_center(stores, db)
    sup = f.actor(db, f.user(db, "supervisor", employee_id=made["supervisor"].id))
    r = _build(stores, db, actor=sup)
    assert r.scope == "teams Red"
    assert r.kpi("offered").value == 17  # ann's contacts only; abandoned ones have no agent
    assert [t.code for t in r.teams] == ["Red"]
    assert any("Contacts nobody answered have no agent" in n for n in r.notes)
    agent = f.actor(db, f.user(db, "agent", employee_id=made["ann"].id))
    with pytest.raises(PermissionDenied):
        _build(stores, db, actor=agent)
    qa = f.actor(db, f.user(db, "qa"))
    with pytest.raises(PermissionDenied):
        _build(stores, db, actor=qa)


def test_bad_period_and_unknown_site(stores, db) -> None:
    build_center(stores, db)
    with pytest.raises(InvalidInput, match="not a month YYYY-MM"):
        _build(stores, db, period="2026-13")
    with pytest.raises(InvalidInput, match="unknown site 'XXX'"):
        _build(stores, db, site="XXX")


def test_download_is_audited(stores, db) -> None:
    build_center(stores, db)
    manager = f.actor(db, f.user(db, "manager", username="mona"))
    with stores.warehouse.connect() as conn:
        file = service.download(db, conn, manager, "2026-10", "LON", "xlsx", None, NOW)
    assert file.filename == "floorwalker-report-2026-10-LON.xlsx"
    assert file.data[:2] == b"PK"
    entry = db.query(AuditEntry).filter_by(action="download", entity="report").one()
    assert entry.username == "mona" and entry.entity_id == "2026-10"
    assert entry.changes["format"] == "xlsx" and entry.changes["site"] == "LON"


def test_stored_targets_are_used_unless_a_file_gives_others(stores, db) -> None:
    from floorwalker.metrics import target_service
    from floorwalker.metrics.schemas import TargetCreate

    build_center(stores, db)
    target_service.create_target(db, SYSTEM, TargetCreate(kpi="service_level", goal=0.85))
    db.commit()
    stored = _build(stores, db)
    assert stored.kpi("service_level").target.goal == 0.85
    assert stored.kpi("service_level").status == "amber"  # 81.0% against 85%, within 8.5 points
    assert stored.kpi("abandon_rate").target is None  # only what is stored: no silent defaults
    given = _build(stores, db, targets=[Target("service_level", 0.75)])
    assert given.kpi("service_level").target.goal == 0.75
