"""Scroll the whole milestone list page by page and time every frame's work.

    uv run python tests/benchmarks/bench_scroll.py [--size large] [--repeat 2] [--json FILE]

The Milestones page (1280×800, offscreen) on the cached database; each run makes a new
page (so nothing is loaded yet) and goes from the first row to the last one page at a time,
as Page Down held down would. Each step is two frames of GUI-thread work, timed apart:

1. the scroll and the repaint it causes (`data()` answers from memory or with a "…"
   placeholder and asks for the missing block);
2. the event loop's turn that follows: the zero-time timer loading the block in one short
   query, `dataChanged`, and the repaint with the real rows.

A frame longer than 16 ms is a dropped frame at 60 Hz. The rows give, over the runs, each
run's worst frame and its 99th percentile, and the peak memory after the whole list has
been seen.
"""

from __future__ import annotations

import gc
import os
import statistics
import time

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from common import Row, emit, parser, peak_rss_mb, percentile, runs
from synthetic import SIZES, database


def main(argv: list[str] | None = None) -> int:
    p = parser(__doc__.splitlines()[0], repeat=2)
    p.add_argument("--size", default="large", choices=list(SIZES))
    args = p.parse_args(argv)
    count = runs(args, quick=1)

    from PySide6.QtCore import QCoreApplication
    from PySide6.QtWidgets import QMainWindow

    from db.session import open_database
    from desktop.app import create_application
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
    frames_per_run = 0
    for _ in range(count):
        page = MilestonesPage(context, window)
        window.setCentralWidget(page)  # the previous page is deleted
        QCoreApplication.processEvents()
        table, model = page.table, page.model
        viewport, bar = table.viewport(), table.verticalScrollBar()
        viewport.repaint()
        QCoreApplication.processEvents()
        loaded_blocks = [0]
        load_blocks = model._load_blocks

        def counted(
            blocks: object,
            load: object = load_blocks,
            m: object = model,
            n: list[int] = loaded_blocks,
        ) -> None:
            before = set(m._loaded_blocks)  # type: ignore[attr-defined]
            load(blocks)  # type: ignore[operator]
            n[0] += bool(set(m._loaded_blocks) - before)  # type: ignore[attr-defined]

        model._load_blocks = counted  # type: ignore[method-assign]
        frames: list[float] = []
        paints: list[float] = []  # frames of kind 1
        loads: list[float] = []  # frames of kind 2 that loaded a block
        while bar.value() < bar.maximum():
            started = time.perf_counter()
            bar.setValue(bar.value() + bar.pageStep())
            viewport.repaint()
            frames.append(time.perf_counter() - started)
            paints.append(frames[-1])
            loaded = loaded_blocks[0]
            started = time.perf_counter()
            QCoreApplication.processEvents()
            if loaded_blocks[0] != loaded:
                viewport.repaint()
                loads.append(time.perf_counter() - started)
            frames.append(time.perf_counter() - started)
        worst.append(max(frames))
        p99.append(percentile(frames, 99))
        frames_per_run = len(frames)
        print(
            f"run: {len(frames):,} frames, worst {max(frames) * 1000:.1f} ms, "
            f"p99 {percentile(frames, 99) * 1000:.1f} ms, "
            f"over 16 ms: {sum(f > 0.016 for f in frames)}, "
            f"rows in memory {model.loaded_count():,}; scroll+paint frames median "
            f"{statistics.median(paints) * 1000:.1f} ms, "
            f"p99 {percentile(paints, 99) * 1000:.1f} ms; "
            f"{len(loads)} block loads (+repaint) median {statistics.median(loads) * 1000:.1f} ms, "
            f"max {max(loads) * 1000:.1f} ms",
            flush=True,
        )
        gc.collect()
    peak = peak_rss_mb()
    context.close()
    del app
    rows = [
        Row.of(
            f"scroll whole milestone list ({args.size}): worst frame",
            worst,
            target="≤ 16 ms" if args.size == "large" else "(info)",
            peak_mb=peak,
        ),
        Row.of(
            f"scroll whole milestone list ({args.size}): p99 frame",
            p99,
            target="(info) ≤ 16 ms",
        ),
    ]
    print(f"{args.size}: {SIZES[args.size].describe()}; {frames_per_run:,} frames per run")
    emit(rows, args.json)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
