"""The import pages: upload as a manager, see the history and the rejection report; others may not."""

from tests import factories as f

LOG = (
    "1700000000|c1|sales|NONE|ENTERQUEUE||555\n"
    "1700000010|c1|sales|SIP/1|CONNECT|10|x|1\n"
    "1700000100|c1|sales|SIP/1|COMPLETECALLER|10|90|1\n"
    "not a line\n"
)


def _upload(browser, data: dict, content: bytes = LOG.encode(), name: str = "queue_log"):
    return browser.client.post(
        "/imports/new",
        data={"csrf_token": browser.csrf, **data},
        files={"file": (name, content, "text/plain")},
    )


def test_manager_uploads_a_queue_log_and_reads_the_report(browser, db) -> None:
    f.site(db, code="PBX")
    f.user(db, "manager", username="mia")
    browser.login("mia")
    r = _upload(browser, {"kind": "queue-log", "site": "PBX"})
    assert r.status_code == 200, r.text
    assert 'data-count="contacts">1<' in r.text and 'data-count="rejected">1' in r.text
    history = browser.get("/imports")
    assert "queue_log" in history.text and "queue-log" in history.text
    report = browser.get("/imports/1/rejections.csv")
    assert report.status_code == 200
    assert "queue_log,4,line,not a queue_log line" in report.text
    again = _upload(browser, {"kind": "queue-log", "site": "PBX"})
    assert 'data-count="contacts">0<' in again.text


def test_check_only_writes_nothing(browser, db) -> None:
    f.site(db, code="PBX")
    f.user(db, "manager", username="mia")
    browser.login("mia")
    r = _upload(browser, {"kind": "queue-log", "site": "PBX", "dry_run": "true"})
    assert "Checked, nothing written" in r.text and "not a queue_log line" in r.text
    assert "No imports yet." in browser.get("/imports").text


def test_bad_uploads_say_why(browser, db) -> None:
    f.site(db, code="PBX")
    f.user(db, "manager", username="mia")
    browser.login("mia")
    no_file = browser.client.post("/imports/new", data={"csrf_token": browser.csrf, "kind": "queue-log"})
    assert no_file.status_code == 422 and "Choose a file" in no_file.text
    no_mapping = _upload(browser, {"kind": "contacts", "site": "PBX"})
    assert no_mapping.status_code == 422 and "needs a mapping" in no_mapping.text
    bad_tz = _upload(browser, {"kind": "queue-log", "site": "PBX", "tz": "Nowhere/Land"})
    assert bad_tz.status_code == 422 and "IANA" in bad_tz.text
    no_csrf = browser.client.post(
        "/imports/new", data={"kind": "queue-log"}, files={"file": ("x", b"1", "text/plain")}
    )
    assert no_csrf.status_code == 403


def test_supervisors_and_agents_cannot_import(browser, db) -> None:
    _site, _team_a, sup_a, _, _ = f.supervised_team(db)
    f.user(db, "supervisor", sup_a.id, username="sam")
    browser.login("sam")
    assert browser.get("/imports").status_code == 403
    assert browser.get("/imports/new").status_code == 403
    assert _upload(browser, {"kind": "queue-log"}).status_code == 403
    assert 'href="/imports"' not in browser.get("/").text
