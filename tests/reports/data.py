"""A small hand-built center for the report tests, with the numbers worked out by hand.

Site LON (Europe/London), teams Red (agent ann) and Blue (agent bob), queues
sales (T 20 s, S 5 s, A_T / (A + Ab + X − Ab_S)) and care (T 30 s, A_T / (A + Ab + X)).

October 2026 (BST, offset +1 h on the 5th and 6th):
  sales, Mon 5 Oct: 8 answered in 10 s by ann and 2 in 40 s by bob (talk 240 + hold 30 +
    wrap-up 30 each), 1 abandoned after 3 s (short), 1 after 60 s → offered 12, A_T 8,
    SL 8 / (10 + 2 − 1) = 72.7%
  care, Tue 6 Oct: 9 answered in 5 s by ann (talk 100), 1 abandoned after 50 s →
    offered 10, SL 9 / 10 = 90.0%
  center: SL (8 + 9) / (11 + 10) = 81.0%; abandon rate (3 − 1) / (22 − 1) = 9.5%;
    ASA (80 + 80 + 45) / 19 = 10.8 s; AHT (10 × 300 + 9 × 100) / 19 = 205.3 s = 3:25
September 2026, sales, Mon 14 Sep: 10 answered in 10 s by ann (300 s each), 2 abandoned
  after 60 s → offered 12, SL 10 / 12 = 83.3%, abandon rate 2 / 12 = 16.7%
"""

from __future__ import annotations

from datetime import datetime

from tests import factories as f

HANDLED = {"talk_s": 240, "hold_s": 30, "wrapup_s": 30}


def build_center(stores, db) -> dict[str, object]:
    site = f.site(db, code="LON", name="London", time_zone="Europe/London")
    sup_red = f.employee(db, site.id, role="supervisor", agent_code=None, full_name="Sue Red")
    red = f.team(db, site.id, name="Red", supervisor_id=sup_red.id)
    blue = f.team(db, site.id, name="Blue")
    ann = f.employee(db, site.id, red.id, agent_code="ann", full_name="Ann")
    f.employee(db, site.id, blue.id, agent_code="bob", full_name="Bob")
    f.queue(db, site.id, code="sales", name="Sales", sl_threshold_s=20, short_abandon_s=5)
    f.queue(
        db,
        site.id,
        code="care",
        name="Customer care",
        sl_threshold_s=30,
        short_abandon_s=5,
        sl_formula="answered_within_over_offered",
    )
    sales_oct = (
        [{"outcome": "answered", "wait_s": 10, "agent": "ann", **HANDLED}] * 8
        + [{"outcome": "answered", "wait_s": 40, "agent": "bob", **HANDLED}] * 2
        + [{"outcome": "abandoned", "wait_s": 3}, {"outcome": "abandoned", "wait_s": 60}]
    )
    care_oct = [{"outcome": "answered", "wait_s": 5, "agent": "ann", "talk_s": 100}] * 9 + [
        {"outcome": "abandoned", "wait_s": 50}
    ]
    sales_sep = [{"outcome": "answered", "wait_s": 10, "agent": "ann", **HANDLED}] * 10 + [
        {"outcome": "abandoned", "wait_s": 60}
    ] * 2
    with stores.warehouse.begin() as conn:
        f.load_contacts(conn, f.contact_rows("LON", "sales", datetime(2026, 10, 5, 9, 0), sales_oct, 3600))
        f.load_contacts(conn, f.contact_rows("LON", "care", datetime(2026, 10, 6, 13, 0), care_oct, 3600))
        f.load_contacts(conn, f.contact_rows("LON", "sales", datetime(2026, 9, 14, 9, 0), sales_sep, 3600))
    return {"site": site, "red": red, "blue": blue, "supervisor": sup_red, "ann": ann}
