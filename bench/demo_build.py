"""Benchmark: build the 90-day demo center (issue 2: under a minute on a 2-core machine).

Prints, in one run: generation time (the simulation), the whole `build_demo` (generation,
organisation through the services, warehouse bulk load), and as a floor the time DuckDB
itself takes to load the same three tables from Parquet into a fresh database file.

    .venv/bin/python bench/demo_build.py [--days 90] [--seed 7]
"""

from __future__ import annotations

import argparse
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pyarrow.parquet as pq

from floorwalker.demo import generator
from floorwalker.demo.service import build_demo
from floorwalker.settings import Settings


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--days", type=int, default=90)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    now = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)

    started = time.perf_counter()
    center = generator.generate(seed=args.seed, end=now, days=args.days, time_zone="Europe/London")
    generate_s = time.perf_counter() - started

    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp)
        for name in ("contacts", "agent_states", "survey_responses"):
            pq.write_table(getattr(center, name), base / f"{name}.parquet")
        started = time.perf_counter()
        con = duckdb.connect(str(base / "floor.duckdb"))
        for name in ("contacts", "agent_states", "survey_responses"):
            con.execute(f"CREATE TABLE {name} AS SELECT * FROM read_parquet('{base / name}.parquet')")
        con.close()
        floor_s = time.perf_counter() - started

        settings = Settings(data=base / "demo", database_url=None, warehouse_url=None)
        started = time.perf_counter()
        summary = build_demo(settings, seed=args.seed, now=now, time_zone="Europe/London", days=args.days)
        build_s = time.perf_counter() - started

    load_s = build_s - generate_s
    print(f"days={args.days} contacts={summary.contacts:,} agent_states={summary.agent_states:,} "
          f"surveys={summary.survey_responses:,} employees={summary.employees}")
    print(f"generate            {generate_s:7.2f} s")
    print(f"build_demo (total)  {build_s:7.2f} s   (goal: < 60 s)")
    print(f"  stores ≈ total − generate  {load_s:7.2f} s")
    print(f"duckdb parquet load {floor_s:7.2f} s   (floor for the warehouse load)")
    print(f"store time / floor  {load_s / floor_s:7.1f}×  (includes org, users, audit and two DB files)")


if __name__ == "__main__":
    main()
