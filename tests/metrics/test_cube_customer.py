"""FCR by repeat-contact window, CSAT, NPS and CES in the cube, hand-computed."""

from datetime import date, datetime, timedelta

import pytest

from floorwalker.auth.permissions import SYSTEM
from floorwalker.metrics import service
from floorwalker.metrics.service import CubeRequest
from tests import factories as f

NINE = datetime(2026, 7, 15, 8, 0)  # 09:00 BST on the 15th


def _cube(stores, db, **kw):
    request = CubeRequest(start=date(2026, 7, 15), end=date(2026, 7, 17), customer=True, **kw)
    with stores.warehouse.connect() as conn:
        return service.cube(db, conn, SYSTEM, request)


def _contact(conn, at: datetime, **spec):
    rows = f.contact_rows("LON", "q", at, [{"outcome": "answered", "wait_s": 5, "talk_s": 60, **spec}], 3600)
    f.load_contacts(conn, rows)
    return rows.column("contact_id")[0].as_py()


def _history(stores, db) -> dict[str, int]:
    site = f.site(db, code="LON")
    f.queue(db, site.id, code="q")
    ids: dict[str, int] = {}
    with stores.warehouse.begin() as conn:
        # cust1 calls about billing, calls back two days later about something else
        ids["c1"] = _contact(conn, NINE, customer_key="cust1", disposition="billing")
        ids["c2"] = _contact(conn, NINE + timedelta(days=2), customer_key="cust1", disposition="tech")
        # cust2: one call, two legs (the second leg is not a repeat contact)
        ids["c3"] = _contact(conn, NINE, customer_key="cust2")
        ids["c4"] = _contact(
            conn, NINE + timedelta(minutes=3), customer_key="cust2", previous_contact_id=ids["c3"]
        )
        # cust3 comes back 10 days later and hangs up in the queue (outside the period)
        ids["c5"] = _contact(conn, NINE, customer_key="cust3")
        _contact(conn, NINE + timedelta(days=10), customer_key="cust3", outcome="abandoned", talk_s=None)
        # no customer key: not in FCR; an abandon: not handled
        _contact(conn, NINE, customer_key=None)
        _contact(conn, NINE, customer_key="cust4", outcome="abandoned", talk_s=None)
    return ids


def test_fcr_counts_a_repeat_within_the_window_on_any_channel(stores, db) -> None:
    _history(stores, db)
    (row,) = _cube(stores, db)
    # handled with a known customer: c1, c2, c3, c4, c5; only c1 has a repeat within 7 days
    assert row["fcr_handled"] == 5
    assert row["fcr"] == pytest.approx(4 / 5)
    assert row["repeat_contact_rate"] == pytest.approx(1 / 5)
    (same_reason,) = _cube(stores, db, fcr_same_reason=True)
    assert same_reason["fcr"] == 1.0
    (fortnight,) = _cube(stores, db, fcr_window_days=14)
    assert fortnight["fcr"] == pytest.approx(3 / 5)


def test_csat_nps_and_ces(stores, db) -> None:
    ids = _history(stores, db)
    responses = [
        *(
            {"contact_id": ids["c1"], "kind": "csat", "score": s, "scale_min": 1, "scale_max": 5}
            for s in (5, 4, 2)
        ),
        *(
            {"contact_id": ids["c2"], "kind": "nps", "score": s, "scale_min": 0, "scale_max": 10}
            for s in (10, 9, 8, 6)
        ),
        {"contact_id": ids["c2"], "kind": "nps", "score": 5, "scale_min": 1, "scale_max": 5},
        *(
            {"contact_id": ids["c3"], "kind": "ces", "score": s, "scale_min": 1, "scale_max": 7}
            for s in (2, 3)
        ),
        {
            "contact_id": None,
            "customer_key": "cust9",
            "kind": "csat",
            "score": 1,
            "scale_min": 1,
            "scale_max": 5,
        },
    ]
    with stores.warehouse.begin() as conn:
        f.load_surveys(conn, f.survey_rows(responses))
    (row,) = _cube(stores, db)
    assert (row["csat"], row["csat_mean"], row["csat_responses"]) == pytest.approx((2 / 3, 11 / 3, 3))
    assert row["csat_scale"] == "1–5"
    # promoters 2, detractors 1, of 4 on 0–10; the 1–5 "nps" answer is left out
    assert (row["nps"], row["nps_responses"]) == (25.0, 4)
    assert (row["ces"], row["ces_responses"], row["ces_scale"]) == (2.5, 2, "1–7")
    by_day = {r["day"]: r for r in _cube(stores, db, by=("day",))}
    assert by_day["2026-07-15"]["csat_responses"] == 3
    assert by_day["2026-07-17"]["nps_responses"] == 4
