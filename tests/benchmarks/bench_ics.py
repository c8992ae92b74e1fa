"""Calendar export speed: our writer against icalendar's objects, and 10,000 milestones.

    uv run python tests/benchmarks/bench_ics.py [milestones]

Targets: export 10,000 milestones (database to file) in ≤ 1.0 s, and ≥ 3× faster than
building and serialising the same events with icalendar's Calendar/Event objects in the
same run, with identical events when parsed back. Medians of 5 runs.
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tests" / "ics"))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from ics_testdata import add_many  # noqa: E402
from test_ics_perf import read_back, with_icalendar  # noqa: E402

from db.sample import load_sample  # noqa: E402
from db.session import open_database  # noqa: E402
from desktop.ics.export import ExportScope, collect, render  # noqa: E402


def median_of(runs: int, fn: object) -> tuple[float, object]:
    times, result = [], None
    for _ in range(runs):
        start = time.perf_counter()
        result = fn()  # type: ignore[operator]
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def main(count: int = 10_000) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        db = open_database(Path(tmp) / "bench.db")
        with db.transaction() as s:
            load_sample(s)
        add_many(db, count)

        def export() -> bytes:
            with db.sessions() as s:
                return render(collect(s, ExportScope()))

        with db.sessions() as s:
            plan = collect(s, ExportScope())
        whole, data = median_of(5, export)
        ours, _ = median_of(5, lambda: render(plan))
        theirs, baseline = median_of(3, lambda: with_icalendar(plan))
        same = read_back(data) == read_back(baseline)  # type: ignore[arg-type]
        db.close()
    print(f"{plan.count} events, {len(data) / 1e6:.1f} MB")  # type: ignore[arg-type]
    print(f"{'case':48} {'median s':>9}")
    print(f"{'database to file (ours, target ≤ 1.0 s)':48} {whole:9.3f}")
    print(f"{'serialise only (ours)':48} {ours:9.3f}")
    print(f"{'serialise with icalendar objects (baseline)':48} {theirs:9.3f}")
    print(f"ratio baseline/ours: {theirs / ours:.1f}× (target ≥ 3×); identical events: {same}")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 10_000)
