"""How long the Overview and one Calendar month take on 200,000 milestones.

    uv run python tests/benchmarks/bench_overview.py [--repeat N] [--gui]

With --gui it also times the pages themselves, offscreen: the Overview's refresh and paint,
and the Calendar's Page Down (query, day list and paint) and arrow key (day list and paint).

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
    parser.add_argument("--gui", action="store_true")
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
            size = _size(result)
        print(f"{name:30} {statistics.median(times):10.1f} {max(times):8.1f} {size:7}")
    if args.gui:
        _gui(db, args.repeat)
    db.close()


def _size(result: object) -> int:
    """Rows shown: list items, or the items of the Overview's lists."""
    if isinstance(result, overview.Listing):
        return len(result.items)
    if isinstance(result, overview.Overview):
        lists = (result.upcoming, result.overdue, result.window_starting, result.undated)
        return sum(len(x.items) for x in lists) + len(result.renewal_needed) + len(result.expired)
    return len(result) if isinstance(result, list | tuple) else 0


def _gui(db: Any, repeat: int) -> None:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest

    from desktop.app import create_application
    from desktop.calendar.page import CalendarPage
    from desktop.context import AppContext
    from desktop.overview.page import OverviewPage

    app = create_application([])
    context = AppContext(db, today=lambda: TODAY)
    page = OverviewPage(context)
    page.resize(1200, 700)
    page.show()
    app.processEvents()

    def refresh() -> None:
        page.refresh()
        page.repaint()

    calendar = CalendarPage(context)
    calendar.resize(1200, 760)
    calendar.show()
    app.processEvents()

    def key(which: Qt.Key) -> Callable[[], None]:
        def press() -> None:
            QTest.keyClick(calendar.grid, which)
            calendar.grid.repaint()

        return press

    cases = {
        "Overview refresh + paint": refresh,
        "Calendar Page Down": key(Qt.Key.Key_PageDown),
        "Calendar arrow key": key(Qt.Key.Key_Right),
    }
    for name, run in cases.items():
        times = []
        for _ in range(repeat):
            started = time.perf_counter()
            run()
            times.append((time.perf_counter() - started) * 1000)
        print(f"{name:30} {statistics.median(times):10.1f} {max(times):8.1f}")


if __name__ == "__main__":
    main()
