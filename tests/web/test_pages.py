"""Pages through the real HTTP stack: sign-in, CSRF, scope, form errors, statuses."""

from sqlalchemy import func, select

from floorwalker.org.models import Site, Team
from tests import factories as f


def test_pages_need_a_signed_in_user(browser) -> None:
    r = browser.get("/org/employees", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"].startswith("/login?next=/org/employees")


def test_wrong_credentials_get_401_and_no_hint(browser, db) -> None:
    f.user(db, "manager", username="mia")
    bad_password = browser.login("mia", "wrong-password")
    no_user = browser.login("nobody", "wrong-password")
    assert bad_password.status_code == no_user.status_code == 401
    assert (
        "Invalid username or password." in bad_password.text
        and "Invalid username or password." in no_user.text
    )


def test_login_without_csrf_token_is_refused(browser, db) -> None:
    f.user(db, "manager", username="mia")
    r = browser.client.post("/login", data={"username": "mia", "password": f.PASSWORD})
    assert r.status_code == 403
    assert "fw_session" not in browser.client.cookies


def test_login_redirect_never_leaves_the_site(browser, db) -> None:
    f.user(db, "manager", username="mia")
    r = browser.client.post(
        "/login",
        data={
            "username": "mia",
            "password": f.PASSWORD,
            "csrf_token": browser.csrf,
            "next": "//evil.example/x",
        },
        follow_redirects=False,
    )
    assert r.headers["location"] == "/"


def test_manager_creates_a_team_and_it_is_audited(browser, db) -> None:
    site = f.site(db, name="Leeds")
    f.user(db, "manager", username="mia")
    assert browser.login("mia").status_code == 200
    r = browser.post("/org/teams/new", {"name": "Night owls", "site_id": str(site.id)})
    assert r.status_code == 200 and "Night owls" in r.text
    assert db.scalar(select(Team.name)) == "Night owls"
    assert "Night owls" in browser.get("/auth/audit").text


def test_form_errors_are_422_with_the_field_and_nothing_is_written(browser, db) -> None:
    f.user(db, "manager", username="mia")
    browser.login("mia")
    r = browser.post(
        "/org/sites/new",
        {
            "code": "X",
            "name": "X",
            "time_zone": "Mars/Olympus",
            "business_hours": "mon 18:00-08:00",
        },
    )
    assert r.status_code == 422
    assert "time_zone" in r.text and "IANA" in r.text and "ends before it starts" in r.text
    assert db.scalar(select(func.count()).select_from(Site)) == 0


def test_state_change_without_csrf_is_403_and_writes_nothing(browser, db) -> None:
    site = f.site(db)
    f.user(db, "manager", username="mia")
    browser.login("mia")
    r = browser.client.post("/org/teams/new", data={"name": "Sneaky", "site_id": str(site.id)})
    assert r.status_code == 403
    r = browser.client.post(
        "/org/teams/new", data={"name": "Sneaky", "site_id": str(site.id), "csrf_token": "forged"}
    )
    assert r.status_code == 403
    assert db.scalar(select(func.count()).select_from(Team)) == 0


def test_supervisor_gets_403_on_a_foreign_teams_employee(browser, db) -> None:
    site, team_a, sup_a, team_b, _ = f.supervised_team(db)
    mine = f.employee(db, site.id, team_a.id)
    theirs = f.employee(db, site.id, team_b.id, full_name="Foreign Person")
    f.user(db, "supervisor", sup_a.id, username="sam")
    browser.login("sam")
    assert browser.get(f"/org/employees/{mine.id}").status_code == 200
    r = browser.get(f"/org/employees/{theirs.id}")
    assert r.status_code == 403 and "Foreign Person" not in r.text
    r = browser.post(f"/org/employees/{theirs.id}", {"full_name": "Renamed"})
    assert r.status_code == 403
    assert "Foreign Person" not in browser.get("/org/employees").text


def test_agent_cannot_open_another_agents_page(browser, db) -> None:
    site = f.site(db)
    me = f.employee(db, site.id)
    other = f.employee(db, site.id)
    f.user(db, "agent", me.id, username="al")
    browser.login("al")
    home = browser.get("/")
    assert home.status_code == 200 and str(home.url).endswith(f"/agents/{me.id}")
    assert browser.get(f"/agents/{other.id}").status_code == 403
    assert browser.get(f"/org/employees/{other.id}").status_code == 403
    assert browser.get("/auth/audit").status_code == 403


def test_unknown_ids_are_404(browser, db) -> None:
    f.user(db, "manager", username="mia")
    browser.login("mia")
    assert browser.get("/org/employees/999").status_code == 404
    assert browser.get("/org/queues/999").status_code == 404
    assert browser.get("/org/nonsense").status_code == 404


def test_expired_session_goes_to_login_with_a_message(browser, db, monkeypatch) -> None:
    from datetime import timedelta

    from floorwalker import clock

    f.user(db, "manager", username="mia")
    browser.login("mia")
    later = clock.utcnow() + timedelta(days=2)
    monkeypatch.setattr(clock, "utcnow", lambda: later)
    r = browser.get("/org/queues")
    assert "/login" in str(r.url) and "session has expired" in r.text


def test_logout_ends_the_session(browser, db) -> None:
    f.user(db, "manager", username="mia")
    browser.login("mia")
    browser.post("/logout")
    assert "/login" in str(browser.get("/org/queues").url)


def test_navigation_shows_only_areas_the_role_may_use(browser, db) -> None:
    f.user(db, "manager", username="mia")
    browser.login("mia")
    page = browser.get("/").text
    assert 'href="/org/queues"' in page and 'href="/auth/users"' not in page
