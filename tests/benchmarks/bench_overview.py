"""How long the Overview and one Calendar month take on 200,000 milestones.

    uv run python tests/benchmarks/bench_overview.py [--repeat N]

Uses the large database of bench_search.py (built once, cached under /tmp). Each query runs
in a new short session, as the pages do; prints median and max per query in ms.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from db import overview  # noqa: E402
from db.session import open_database  # noqa: E402
from tests.benchmarks.bench_search import CACHE, build  # noqa: E402

TODAY = date(2026, 11, 29)
COPY = Path("/tmp/accord-bench-overview") / CACHE.name


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    if not CACHE.exists():
        build(CACHE)
    if not COPY.exists() or COPY.stat().st_mtime < CACHE.stat().st_mtime:
        # A copy: opening upgrades the schema (migration 0004), which bench_search's
        # cache must not see before its own code does.
        COPY.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(CACHE, COPY)
    db = open_database(COPY)
    cases: dict[str, Callable[[Any], object]] = {
        "overview (30 days)": lambda s: overview.overview(s, TODAY, 30),
        "overview (180 days)": lambda s: overview.overview(s, TODAY, 180),
        "upcoming (90 days)": lambda s: overview.upcoming(s, TODAY, 90),
        "overdue": lambda s: overview.overdue(s, TODAY),
        "window starting (90 days)": lambda s: overview.window_starting(s, TODAY, 90),
        "undated": lambda s: overview.undated(s),
        "renewal needed": lambda s: overview.renewal_needed(s, TODAY),
        "calendar month (6 weeks)": lambda s: overview.calendar_items(
            s, date(2026, 11, 30), date(2027, 1, 10)
        ),
        "calendar week": lambda s: overview.calendar_items(
            s, date(2026, 11, 30), date(2026, 12, 6)
        ),
    }
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"{os.cpu_count()} cores, load average {load:.1f} (other work inflates the times)")
    print(f"{'query':30} {'median ms':>10} {'max ms':>8} {'items':>7}")
    for name, run in cases.items():
        times = []
        size = 0
        for _ in range(args.repeat):
            started = time.perf_counter()
            with db.sessions() as session:
                result = run(session)
            times.append((time.perf_counter() - started) * 1000)
            size = len(result) if isinstance(result, list | tuple) else 0
        print(f"{name:30} {statistics.median(times):10.1f} {max(times):8.1f} {size:7}")
    db.close()


if __name__ == "__main__":
    main()
