"""Benchmark: the queue × day cube with every contact metric on 10 million contacts over 90
days (issue 4: within 1.5× of one hand-written DuckDB SQL query computing the same numbers).

One run:

1. generates the contacts straight into an embedded DuckDB warehouse file with DuckDB SQL
   (cached under /tmp/floorwalker-bench/metrics_cube; eight queues with different service-
   level formulas, thresholds T and short-abandon thresholds S; site clock Europe/London
   so the cube crosses the two DST changes of the period);
2. times ``floorwalker.metrics.service.cube(by=("queue", "day"))`` — settings read from the
   operational store, the Core query, the Python roll-up into metric rows — against one
   hand-written DuckDB query returning the same metrics, on the same DuckDB connection
   (same memory limit and threads), alternating, ``--repeat`` times each;
3. checks that the two agree on every row and metric, and prints medians and the ratio.

    .venv/bin/python bench/metrics_cube.py [--contacts 10000000] [--days 90] [--repeat 5]
"""

from __future__ import annotations

import argparse
import math
import statistics
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import select

from floorwalker.auth.permissions import SYSTEM
from floorwalker.db import get_engine, operational_session
from floorwalker.metrics import service
from floorwalker.org import schemas
from floorwalker.org import service as org_service
from floorwalker.org.models import Site
from floorwalker.settings import Settings
from floorwalker.stores import init_stores

CACHE = Path(tempfile.gettempdir()) / "floorwalker-bench" / "metrics_cube"
FIRST_DAY = date(2026, 1, 5)
#: code → (channel, formula, T seconds, S seconds, share of contacts)
QUEUES = {
    "SALES": ("voice", "answered_within_over_offered_less_short", 20.0, 5.0),
    "SUPPORT": ("voice", "answered_within_over_offered", 30.0, 5.0),
    "BILLING": ("voice", "within_over_offered", 20.0, 10.0),
    "RETENTION": ("voice", "answered_within_over_offered_less_abandoned_within", 15.0, 5.0),
    "TECH": ("voice", "answered_within_over_offered_less_short", 40.0, 8.0),
    "CHAT": ("chat", "answered_within_over_answered", 60.0, 0.0),
    "MESSAGING": ("messaging", "answered_within_over_offered", 120.0, 0.0),
    "EMAIL": ("email", "answered_within_over_offered", 86400.0, 0.0),
}
METRICS = (
    "offered",
    "answered",
    "abandoned",
    "short_abandoned",
    "other_exits",
    "answered_within_threshold",
    "service_level",
    "asa_s",
    "abandon_rate",
    "aht_s",
    "talk_s",
    "hold_s",
    "wrapup_s",
    "transfer_rate",
    "incomplete",
    "hold_rate",
    "average_wait_abandoned_s",
    "longest_wait_answered_s",
    "longest_wait_abandoned_s",
)


def _u(k: int) -> str:
    """A uniform 0–1 number per row, independent for each k (DuckDB hash)."""
    return f"((hash(i, {k}) % 1000000007) / 1000000007.0)"


def generate(settings: Settings, contacts: int, days: int) -> None:
    """Site, queues and ``contacts`` contacts, unless the cached stores already hold them."""
    init_stores(settings.resolved_database_url, settings.resolved_warehouse_url)
    engine = get_engine(settings.resolved_warehouse_url)
    with engine.connect() as conn:
        have = conn.exec_driver_sql("SELECT count(*) FROM contacts").scalar_one()
    if have == contacts:
        print(f"using the cached warehouse in {settings.data} ({have:,} contacts)")
        return
    with operational_session(settings.resolved_database_url) as session:
        if session.scalar(select(Site).where(Site.code == "BENCH")) is not None:
            sys.exit(f"{CACHE}: a partial earlier run; delete the folder and run again")
        site = org_service.create_site(
            session,
            SYSTEM,
            schemas.SiteCreate(code="BENCH", name="Bench", time_zone="Europe/London", business_hours=""),
        )
        for code, (channel, formula, t, s) in QUEUES.items():
            org_service.create_queue(
                session,
                SYSTEM,
                schemas.QueueCreate(
                    code=code,
                    name=code.title(),
                    channel=channel,
                    site_id=site.id,
                    sl_threshold_s=t,
                    short_abandon_s=s,
                    sl_formula=formula,
                ),
            )
    codes = list(QUEUES)
    queue_expr = "CASE CAST(hash(i, 1) % 8 AS INTEGER) " + " ".join(
        f"WHEN {n} THEN '{c}'" for n, c in enumerate(codes)
    )
    channel_expr = "CASE queue " + " ".join(f"WHEN '{c}' THEN '{v[0]}'" for c, v in QUEUES.items())
    span_s = days * 86400
    started = time.perf_counter()
    with engine.begin() as conn:
        conn.exec_driver_sql("DELETE FROM contacts")
        # outcome by a uniform draw: 80% answered, 3% transferred, 10% abandoned, 5% other
        # exits, 2% incomplete; waits, talk, hold and wrap-up from further draws (integer
        # seconds as an ACD writes them).
        conn.exec_driver_sql(
            f"""
            INSERT INTO contacts (contact_id, source, source_key, site, queue, channel, direction,
                customer_key, arrived_at, arrived_local, utc_offset_s, answered_at, ended_at, wait_s,
                talk_s, hold_s, wrapup_s, outcome, agent, disposition)
            WITH r AS (
              SELECT i, {queue_expr} END AS queue, {_u(2)} AS u_outcome,
                     TIMESTAMP '{FIRST_DAY} 00:00:00' + to_microseconds(CAST(i * {span_s}.0 / {contacts}
                       * 1e6 AS BIGINT)) AS arrived_at,
                     floor(-ln(1 - {_u(3)}) * 25) AS wait_s,
                     floor(60 + -ln(1 - {_u(4)}) * 240) AS talk_s,
                     CASE WHEN {_u(5)} < 0.2 THEN floor({_u(6)} * 120) ELSE 0 END AS hold_s,
                     floor({_u(7)} * 90) AS wrapup_s
              FROM range({contacts}) t(i)
            ), o AS (
              SELECT *, CASE WHEN u_outcome < 0.80 THEN 'answered' WHEN u_outcome < 0.83 THEN 'transferred'
                             WHEN u_outcome < 0.93 THEN 'abandoned' WHEN u_outcome < 0.96 THEN 'timeout'
                             WHEN u_outcome < 0.97 THEN 'exit_key' WHEN u_outcome < 0.98 THEN 'no_agents'
                             ELSE 'incomplete' END AS outcome,
                        CAST(timezone('Europe/London', timezone('UTC', arrived_at)) AS TIMESTAMP)
                          AS arrived_local
              FROM r
            )
            SELECT i, 'bench', CAST(i AS VARCHAR), 'BENCH', queue, {channel_expr} END, 'inbound',
                   'cust' || CAST(hash(i, 8) % 2000000 AS VARCHAR), arrived_at, arrived_local,
                   CAST(epoch(arrived_local) - epoch(arrived_at) AS INTEGER),
                   CASE WHEN outcome IN ('answered', 'transferred') THEN arrived_at END, NULL,
                   CASE WHEN outcome = 'incomplete' THEN NULL ELSE wait_s END,
                   CASE WHEN outcome IN ('answered', 'transferred') THEN talk_s END,
                   CASE WHEN outcome IN ('answered', 'transferred') THEN hold_s END,
                   CASE WHEN outcome IN ('answered', 'transferred') THEN wrapup_s END,
                   outcome,
                   CASE WHEN outcome IN ('answered', 'transferred')
                        THEN 'agent' || CAST(hash(i, 9) % 400 AS VARCHAR) END,
                   NULL
            FROM o
            """
        )
    print(f"generated {contacts:,} contacts over {days} days in {time.perf_counter() - started:.1f} s")


def _case(column: str, index: int, quoted: bool = False) -> str:
    arms = " ".join(
        f"WHEN '{c}' THEN " + (f"'{v[index]}'" if quoted else str(v[index])) for c, v in QUEUES.items()
    )
    return f"CASE {column} {arms} END"


def hand_sql(first: date, last: date, style: str) -> str:
    """One DuckDB query computing the cube's contact metrics per queue and local day. The
    per-queue settings T, S and formula come from a joined VALUES list (``join``) or from
    CASE expressions on the queue (``case``, as floorwalker's query does); the bench keeps
    the faster of the two as the peer."""
    if style == "join":
        rows = ", ".join(f"('{c}', {v[2]}, {v[3]}, '{v[1]}')" for c, v in QUEUES.items())
        source = f"contacts c JOIN (VALUES {rows}) s(queue, t, short, formula) ON s.queue = c.queue"
    else:
        settings = (
            f"{_case('queue', 2)} AS t, {_case('queue', 3)} AS short, {_case('queue', 1, True)} AS formula"
        )
        source = f"(SELECT *, {settings} FROM contacts) c"
    return f"""
    WITH a AS (
      SELECT c.queue, CAST(c.arrived_local AS DATE) AS day, any_value(formula) AS formula,
        count(*) AS offered,
        count(*) FILTER (WHERE outcome IN ('answered', 'transferred')) AS answered,
        count(*) FILTER (WHERE outcome = 'abandoned') AS abandoned,
        count(*) FILTER (WHERE outcome IN ('timeout', 'exit_key', 'no_agents', 'queue_full')) AS other_exits,
        count(*) FILTER (WHERE outcome = 'incomplete') AS incomplete,
        count(*) FILTER (WHERE outcome IN ('answered', 'transferred') AND wait_s <= t) AS a_t,
        count(*) FILTER (WHERE outcome = 'abandoned' AND wait_s <= t) AS ab_t,
        count(*) FILTER (WHERE outcome = 'abandoned' AND wait_s <= short) AS ab_s,
        sum(wait_s) FILTER (WHERE outcome IN ('answered', 'transferred')) AS wait_a,
        sum(wait_s) FILTER (WHERE outcome = 'abandoned') AS wait_ab,
        count(*) FILTER (WHERE outcome IN ('answered', 'transferred') AND talk_s IS NOT NULL) AS handled,
        sum(talk_s) FILTER (WHERE outcome IN ('answered', 'transferred')) AS talk,
        sum(hold_s) FILTER (WHERE outcome IN ('answered', 'transferred') AND talk_s IS NOT NULL) AS hold,
        sum(wrapup_s) FILTER (WHERE outcome IN ('answered', 'transferred') AND talk_s IS NOT NULL) AS wrapup,
        count(*) FILTER (WHERE outcome = 'transferred') AS transferred,
        count(*) FILTER (WHERE outcome IN ('answered', 'transferred') AND hold_s > 0) AS held,
        max(wait_s) FILTER (WHERE outcome IN ('answered', 'transferred')) AS longest_a,
        max(wait_s) FILTER (WHERE outcome = 'abandoned') AS longest_ab
      FROM {source}
      WHERE c.arrived_local >= DATE '{first}' AND c.arrived_local < DATE '{last + timedelta(days=1)}'
      GROUP BY c.queue, CAST(c.arrived_local AS DATE)
    )
    SELECT queue, day, offered, answered, abandoned, ab_s AS short_abandoned, other_exits,
      a_t AS answered_within_threshold,
      CASE formula
        WHEN 'answered_within_over_offered' THEN a_t / nullif(answered + abandoned + other_exits, 0)
        WHEN 'answered_within_over_offered_less_short'
          THEN a_t / nullif(answered + abandoned + other_exits - ab_s, 0)
        WHEN 'answered_within_over_answered' THEN a_t / nullif(answered, 0)
        WHEN 'answered_within_over_offered_less_abandoned_within'
          THEN a_t / nullif(answered + abandoned + other_exits - ab_t, 0)
        WHEN 'within_over_offered' THEN (a_t + ab_t) / nullif(answered + abandoned + other_exits, 0)
      END AS service_level,
      wait_a / nullif(answered, 0) AS asa_s,
      (abandoned - ab_s) / nullif(offered - ab_s, 0) AS abandon_rate,
      (talk + hold + wrapup) / nullif(handled, 0) AS aht_s,
      talk / nullif(handled, 0) AS talk_s, hold / nullif(handled, 0) AS hold_s,
      wrapup / nullif(handled, 0) AS wrapup_s,
      transferred / nullif(answered, 0) AS transfer_rate,
      incomplete, held / nullif(answered, 0) AS hold_rate,
      wait_ab / nullif(abandoned, 0) AS average_wait_abandoned_s,
      longest_a AS longest_wait_answered_s, longest_ab AS longest_wait_abandoned_s
    FROM a ORDER BY queue, day
    """


def _close(a: Any, b: Any) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return math.isclose(float(a), float(b), rel_tol=1e-9, abs_tol=1e-9)


def _runs(times: list[float]) -> str:
    return ", ".join(f"{t:.3f}" for t in times)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--contacts", type=int, default=10_000_000)
    parser.add_argument("--days", type=int, default=90)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    folder = CACHE / f"{args.contacts}-{args.days}"
    folder.mkdir(parents=True, exist_ok=True)
    settings = Settings(data=folder, database_url=None, warehouse_url=None)
    generate(settings, args.contacts, args.days)
    first, last = FIRST_DAY, FIRST_DAY + timedelta(days=args.days - 1)
    request = service.CubeRequest(first, last, by=("queue", "day"))
    sqls = {style: hand_sql(first, last, style) for style in ("join", "case")}
    engine = get_engine(settings.resolved_warehouse_url)
    ours: list[float] = []
    hand: dict[str, list[float]] = {style: [] for style in sqls}
    results: dict[str, list[dict[str, Any]]] = {}
    with operational_session(settings.resolved_database_url) as session, engine.connect() as conn:
        raw = conn.connection.driver_connection
        assert raw is not None
        threads = raw.execute("SELECT current_setting('threads'), current_setting('memory_limit')").fetchone()
        print(f"DuckDB threads, memory limit: {threads}")
        for _ in range(args.repeat):
            t0 = time.perf_counter()
            rows = service.cube(session, conn, SYSTEM, request)
            ours.append(time.perf_counter() - t0)
            for style, sql in sqls.items():
                t1 = time.perf_counter()
                cur = raw.execute(sql)
                names = [d[0] for d in cur.description]
                results[style] = [dict(zip(names, r, strict=True)) for r in cur.fetchall()]
                hand[style].append(time.perf_counter() - t1)
    got = {(r["queue"], r["day"]): r for r in rows}
    for style, expected in results.items():
        want = {(r["queue"], r["day"].isoformat()): r for r in expected}
        if set(got) != set(want):
            sys.exit(f"DISAGREE with {style}: groups differ ({len(got)} vs {len(want)})")
        bad = [
            (k, m, got[k][m], want[k][m]) for k in want for m in METRICS if not _close(got[k][m], want[k][m])
        ]
        if bad:
            sys.exit(f"DISAGREE with {style} on {len(bad)} values, e.g. {bad[:3]}")
    offered = sum(r["offered"] for r in rows)
    print(f"agree: {len(rows)} queue-days, {len(METRICS)} metrics each, {offered:,} contacts offered")
    print(f"floorwalker cube          median {statistics.median(ours):.3f} s  (runs: {_runs(ours)})")
    for style, times in hand.items():
        print(
            f"hand-written DuckDB {style:5} median {statistics.median(times):.3f} s  (runs: {_runs(times)})"
        )
    best = min(hand, key=lambda style: statistics.median(hand[style]))
    m_ours, m_hand = statistics.median(ours), statistics.median(hand[best])
    print(f"ratio to the faster ({best})  {m_ours / m_hand:.2f}×  (goal ≤ 1.5×)")


if __name__ == "__main__":
    main()
