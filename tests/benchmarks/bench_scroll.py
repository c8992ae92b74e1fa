"""Scroll the whole milestone list page by page and time every frame's work.

    uv run python tests/benchmarks/bench_scroll.py [--size large] [--repeat 2] [--json FILE]

The Milestones page (1280×800, offscreen) on the cached database, as the app shows it
(start-up objects frozen out of the garbage collector, desktop/app.py). Each run makes a
new page (so nothing is loaded yet) and goes from the first row to the last one page at a
time, as Page Down held down would: the view repaints all of it at every step, where a
wheel scrolls a few rows and Qt paints only those. Each step is two frames of GUI-thread
work, timed apart:

1. the scroll and the repaint it causes;
2. one turn of the event loop, as between two key repeats: the model loads at most one
   block of rows per turn (on-screen rows first, then the next screenful ahead) and the
   view repaints if rows on screen changed.

The baseline repaints one page, unchanged, 2,000 times: identical work, so its spread
(worst against median) is this machine's own, which the scroll's worst frame includes.

Then, as the wheel scrolls (three rows a notch; Qt moves the pixels already painted and
paints only the rows that come in), 2,000 notches from the middle of the list, each a
frame: the wheel event and the event-loop turn after it.

A frame's *work* is the GUI thread's CPU time (`time.thread_time`), which is what the
target counts; its wall time, which on this shared machine also holds other processes'
turns, is printed beside it. "placeholders" counts the scroll frames that showed a row
as "…" because reading ahead had not kept up. Peak memory is taken after the whole list
has been seen.
"""

from __future__ import annotations

import gc
import os
import statistics
import time

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from common import Row, emit, parser, peak_rss_mb, percentile, runs
from synthetic import SIZES, database

LIMIT = 0.016  # one 60 Hz frame


def main(argv: list[str] | None = None) -> int:
    p = parser(__doc__.splitlines()[0], repeat=2)
    p.add_argument("--size", default="large", choices=list(SIZES))
    args = p.parse_args(argv)
    count = runs(args, quick=1)

    from PySide6.QtCore import QCoreApplication, QPoint, QPointF, Qt
    from PySide6.QtGui import QWheelEvent
    from PySide6.QtWidgets import QApplication, QMainWindow

    from db.session import open_database
    from desktop.app import create_application, freeze_startup_objects
    from desktop.context import AppContext
    from desktop.milestones.page import MilestonesPage

    app = create_application()
    db = open_database(database(args.size))
    context = AppContext(db)
    window = QMainWindow()
    window.resize(1280, 800)
    window.show()
    worst: list[float] = []
    p99: list[float] = []
    wheel_worst: list[float] = []
    wheel_median: list[float] = []
    same_worst: list[float] = []
    same_p99: list[float] = []
    frames_per_run = 0
    for _ in range(count):
        page = MilestonesPage(context, window)
        window.setCentralWidget(page)  # the previous page is deleted
        QCoreApplication.processEvents()
        gc.collect()
        freeze_startup_objects()
        table, model = page.table, page.model
        viewport, bar = table.viewport(), table.verticalScrollBar()
        viewport.repaint()
        QCoreApplication.processEvents()
        work: list[float] = []  # every frame's GUI-thread CPU time
        wall: list[float] = []
        scrolls: list[float] = []  # frames of kind 1 (work)
        turns: list[float] = []  # frames of kind 2 (work)
        placeholders = 0
        while bar.value() < bar.maximum():
            started, cpu = time.perf_counter(), time.thread_time()
            bar.setValue(bar.value() + bar.pageStep())
            viewport.repaint()
            work.append(time.thread_time() - cpu)
            wall.append(time.perf_counter() - started)
            scrolls.append(work[-1])
            placeholders += bool(model._pending)  # rows shown as "…"
            started, cpu = time.perf_counter(), time.thread_time()
            QCoreApplication.processEvents()
            work.append(time.thread_time() - cpu)
            wall.append(time.perf_counter() - started)
            turns.append(work[-1])
        same: list[float] = []  # the machine's own variance: one page painted again and again
        for _ in range(2000):
            cpu = time.thread_time()
            viewport.repaint()
            same.append(time.thread_time() - cpu)
        same_worst.append(max(same))
        same_p99.append(percentile(same, 99))
        print(
            f"same page repainted: {len(same):,} times; work: "
            f"median {statistics.median(same) * 1000:.1f} ms, "
            f"p99 {percentile(same, 99) * 1000:.1f} ms, worst {max(same) * 1000:.1f} ms, "
            f"over 16 ms: {sum(f > LIMIT for f in same)}",
            flush=True,
        )
        bar.setValue(bar.maximum() // 2)
        viewport.repaint()
        QCoreApplication.processEvents()
        at = QPointF(100, 100)
        wheel: list[float] = []
        for _ in range(2000):
            notch = QWheelEvent(
                at,
                QPointF(viewport.mapToGlobal(QPoint(100, 100))),
                QPoint(0, 0),
                QPoint(0, -120),  # one notch down
                Qt.MouseButton.NoButton,
                Qt.KeyboardModifier.NoModifier,
                Qt.ScrollPhase.NoScrollPhase,
                False,
            )
            cpu = time.thread_time()
            QApplication.sendEvent(viewport, notch)
            QCoreApplication.processEvents()
            wheel.append(time.thread_time() - cpu)
        wheel_worst.append(max(wheel))
        wheel_median.append(statistics.median(wheel))
        print(
            f"wheel: {len(wheel):,} notches; work: "
            f"median {statistics.median(wheel) * 1000:.1f} ms, "
            f"p99 {percentile(wheel, 99) * 1000:.1f} ms, worst {max(wheel) * 1000:.1f} ms, "
            f"over 16 ms: {sum(f > LIMIT for f in wheel)}",
            flush=True,
        )
        worst.append(max(work))
        p99.append(percentile(work, 99))
        frames_per_run = len(work)
        print(
            f"run: {len(work):,} frames; work: worst {max(work) * 1000:.1f} ms, "
            f"p99 {percentile(work, 99) * 1000:.1f} ms, "
            f"over 16 ms: {sum(f > LIMIT for f in work)}; "
            f"wall: worst {max(wall) * 1000:.1f} ms, over 16 ms: {sum(f > LIMIT for f in wall)}; "
            f"scroll+paint median {statistics.median(scrolls) * 1000:.1f} ms, "
            f"p99 {percentile(scrolls, 99) * 1000:.1f} ms; "
            f"event-loop turns median {statistics.median(turns) * 1000:.1f} ms, "
            f"p99 {percentile(turns, 99) * 1000:.1f} ms; "
            f"placeholders shown in {placeholders} of {len(scrolls):,} scrolls; "
            f"rows in memory {model.loaded_count():,}",
            flush=True,
        )
        gc.unfreeze()
    peak = peak_rss_mb()
    context.close()
    del app
    rows = [
        Row.of(
            f"scroll whole milestone list ({args.size}): worst frame's work",
            worst,
            target="≤ 16 ms" if args.size == "large" else "(info)",
            peak_mb=peak,
            baseline=same_worst,
        ),
        Row.of(
            f"scroll whole milestone list ({args.size}): p99 frame's work",
            p99,
            target="(info) ≤ 16 ms",
            baseline=same_p99,
        ),
        Row.of(
            "  baseline: the same page repainted 2,000 times: worst",
            same_worst,
            target="(info) the machine's variance",
        ),
        Row.of(
            "  baseline: the same page repainted 2,000 times: p99",
            same_p99,
            target="(info)",
        ),
        Row.of(
            f"wheel-scroll milestone list ({args.size}): worst frame's work",
            wheel_worst,
            target="(info) ≤ 16 ms",
        ),
        Row.of(
            f"wheel-scroll milestone list ({args.size}): median frame's work",
            wheel_median,
            target="(info)",
        ),
    ]
    print(f"{args.size}: {SIZES[args.size].describe()}; {frames_per_run:,} frames per run")
    emit(rows, args.json)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
