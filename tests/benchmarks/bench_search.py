"""How long one keystroke in the search box costs on a large database.

    uv run python tests/benchmarks/bench_search.py [--size large] [--repeat N] [--json FILE]

Uses the cached synthetic database (tests/benchmarks/synthetic.py: 2,000 agreements,
10,000 focus areas, 200,000 milestones, 20,000 contacts, 2,000 organisations, written
through Accord's own schema and triggers), types realistic queries letter by letter and
times `db.search.search()` per keystroke, a new short session each time as the search box
does. It prints median, p95 and max per query, next to two baselines measured in the same
run on the same file: a plain `SELECT count(*) FROM milestone` and the portable LIKE
fallback. The target is a p95 of at most 50 ms per keystroke; the ratios make figures from
different machines comparable. For run.py, each pass over every query is one run, and
its p95 one figure.
"""

from __future__ import annotations

import os
import random
import statistics
import time
from collections.abc import Callable
from pathlib import Path

from common import Row, emit, parser, percentile, runs
from sqlalchemy import text
from synthetic import SIZES, cache_path, database
from synthetic import build as build_size

from db.search import search, search_fallback
from db.session import Database, open_database

#: What a coordinator types; each is timed at every prefix ("t", "th", "the", …).
QUERIES = (
    "thesis day",
    "steering group otaniemi",
    "niemelä",
    "leppavaara workshop 2027",
    "annual report deadline",
    "smart mobility",
    "kalajärvi",
    "childcare services",
    "q",
)


#: The cached large database (bench_overview.py reads this name).
CACHE = cache_path("large")


def build(path: Path = CACHE) -> None:
    """Make the large database at `path` (the cache itself: built once, kept)."""
    if path == CACHE:
        database("large")
    else:
        build_size("large", path)


def cached_database(rebuild: bool = False, size: str = "large") -> Database:
    """The cached large database, open (bench_timeline.py uses it too)."""
    return open_database(database(size, rebuild=rebuild))


def time_ms(action: Callable[[], object]) -> float:
    started = time.perf_counter()
    action()
    return (time.perf_counter() - started) * 1000


def p95(values: list[float]) -> float:
    return percentile(values, 95)


def keystrokes(query: str) -> list[str]:
    """What the box holds after each key ("t", "th", …), skipping a bare trailing space."""
    prefixes = [query[:i] for i in range(1, len(query) + 1)]
    return [p for p in prefixes if not p.endswith(" ")]


def main(argv: list[str] | None = None) -> int:
    p = parser(__doc__.splitlines()[0], repeat=5)
    p.add_argument("--size", default="large", choices=[n for n in SIZES if n != "small"])
    p.add_argument("--rebuild", action="store_true", help="build the database again")
    args = p.parse_args(argv)
    passes = runs(args, quick=1)
    db = cached_database(args.rebuild, args.size)
    size = SIZES[args.size]

    def run(engine: Callable[..., object], typed: str) -> float:
        def once() -> None:
            with db.sessions() as session:
                engine(session, typed)

        return time_ms(once)

    def count_milestones() -> None:
        with db.engine.connect() as conn:
            conn.execute(text("SELECT count(*) FROM milestone")).scalar()

    try:
        run(search, "warm up")
        count_milestones()
        with db.sessions() as session:
            sizes = {q: len(search(session, q, 8)) for q in QUERIES}

        # The baseline is timed between the passes, so that both see the same machine load.
        counts: list[float] = []
        by_query: dict[str, list[float]] = {q: [] for q in QUERIES}
        per_pass: list[list[float]] = []
        for _ in range(passes):
            this_pass: list[float] = []
            for query in QUERIES:
                counts += [time_ms(count_milestones) for _ in range(3)]
                times = [run(search, t) for t in keystrokes(query)]
                by_query[query] += times
                this_pass += times
            per_pass.append(this_pass)
        like = {q: [run(search_fallback, t) for t in keystrokes(q)] for q in QUERIES}
        every = [t for times in per_pass for t in times]
        baseline = statistics.median(counts)
        load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")

        print()
        print(f"database: {database(args.size)}  ({size.describe()})")
        print(
            f"baseline: SELECT count(*) FROM milestone, median {baseline:.1f} ms "
            f"(timed between the passes; load average {load:.1f} on {os.cpu_count()} CPUs)"
        )
        print(f"search(): {passes} passes per keystroke, a new session each time\n")
        header = (
            f"{'query (typed key by key)':<28}{'keys':>5}{'hits':>5}"
            f"{'median':>9}{'p95':>9}{'max':>9}{'p95/count':>11}"
            f"{'LIKE p95':>10}{'LIKE/FTS':>10}"
        )
        print(header)
        print("-" * len(header))
        for query in QUERIES:
            times, slow = by_query[query], like[query]
            print(
                f"{query:<28}{len(keystrokes(query)):>5}{sizes[query]:>5}"
                f"{statistics.median(times):>7.1f}ms{p95(times):>7.1f}ms{max(times):>7.1f}ms"
                f"{p95(times) / baseline:>10.2f}x"
                f"{p95(slow):>8.0f}ms{p95(slow) / p95(times):>9.0f}x"
            )
        print("-" * len(header))
        print(
            f"{'all keystrokes':<28}{len(every) // passes:>5}{'':>5}"
            f"{statistics.median(every):>7.1f}ms{p95(every):>7.1f}ms{max(every):>7.1f}ms"
            f"{p95(every) / baseline:>10.2f}x"
        )
        verdict = "meets" if p95(every) <= 50 else "MISSES"
        print(f"\np95 over all keystrokes {p95(every):.1f} ms: {verdict} the 50 ms target")

        def rename() -> None:
            with db.engine.connect() as conn:
                conn.execute(
                    text("UPDATE milestone SET title = title || ' x' WHERE id = :id"),
                    {"id": random.randint(1, size.milestones)},
                )
                conn.rollback()

        write = statistics.median(time_ms(rename) for _ in range(50))
        print(
            f"write cost: renaming one milestone (index trigger included, no commit) "
            f"median {write:.2f} ms\n"
        )
        ms = 1000.0
        rows = [
            Row.of(
                f"search as you type ({args.size}): p95 per keystroke",
                [p95(t) / ms for t in per_pass],
                target="≤ 50 ms" if args.size == "large" else "(info)",
                baseline=baseline / ms,
            ),
            Row.of(
                "  median keystroke",
                [statistics.median(t) / ms for t in per_pass],
                target="(info)",
            ),
            Row.of(
                "  LIKE fallback (other databases): p95 per keystroke",
                [p95([t for times in like.values() for t in times]) / ms],
                target="(info)",
            ),
        ]
        emit(rows, args.json)
    finally:
        db.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
