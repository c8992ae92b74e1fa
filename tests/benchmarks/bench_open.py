"""Open a database and show the milestone list: time until its rows are painted, and memory.

    uv run python tests/benchmarks/bench_open.py [--size large] [--repeat 5] [--json FILE]

Each run is a fresh process (so memory is that of one opening, and no cache of a previous
run helps). The child first imports Accord and creates the QApplication (start-up has its
own benchmark), then the clock starts: `open_database`, the `AppContext`, the whole
`MainWindow` (the pages it builds on opening), the Milestones page made
current, `show()`, and the event loop until the milestone table's viewport has been painted
with every visible row loaded (no "…" placeholders). Peak memory is the child's peak
resident set (VmHWM on Linux, else `ru_maxrss`), imports and Qt included. The baseline is
the same on the small (sample) database, in the same run.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path

from common import ROOT, Row, emit, parser, quiet_environment, runs
from synthetic import SIZES, database

CHILD = r"""
import json, resource, sys, time
from PySide6.QtCore import QEvent, QObject, QTimer
from desktop.app import create_application
from desktop.context import AppContext
from desktop.main_window import MainWindow
from desktop.milestones.page import MilestonesPage
from db.session import open_database

app = create_application()
started = time.perf_counter()
db = open_database(sys.argv[1])
context = AppContext(db)
window = MainWindow(context)
window.sidebar.setCurrentRow(window.page_index(MilestonesPage))
page = window.page(MilestonesPage)
table, model = page.table, page.model
built = time.perf_counter()


def all_visible_loaded():
    top = max(0, table.rowAt(0))
    bottom = table.rowAt(table.viewport().height() - 1)
    bottom = model.rowCount() - 1 if bottom < 0 else bottom
    for row in range(top, bottom + 1):
        mid = model.milestone_id(row)
        if mid is not None and model.record(mid) is None:
            return False
    return True


class Watch(QObject):
    def eventFilter(self, obj, event):
        if event.type() == QEvent.Type.Paint and all_visible_loaded():
            table.viewport().removeEventFilter(self)
            QTimer.singleShot(0, done)
        return False


def done():
    seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    try:  # ru_maxrss survives exec (the parent's peak); VmHWM is this program's own
        status = open("/proc/self/status").read().split("VmHWM:")[1]
        peak = int(status.split()[0]) / 1024
    except (OSError, IndexError):
        pass
    print(json.dumps({"seconds": seconds, "built": built - started, "peak_mb": peak,
                      "rows": model.total}), flush=True)
    app.quit()


watch = Watch()
table.viewport().installEventFilter(watch)
window.resize(1280, 800)
window.show()
QTimer.singleShot(120_000, app.quit)
app.exec()
context.close()
"""


def open_once(path: Path, env: dict[str, str]) -> dict[str, float]:
    done = subprocess.run(
        [sys.executable, "-c", CHILD, str(path)],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=300,
    )
    lines = [line for line in done.stdout.splitlines() if line.startswith("{")]
    if done.returncode != 0 or not lines:
        raise RuntimeError(f"child failed ({done.returncode}): {done.stderr[-2000:]}")
    return json.loads(lines[-1])  # type: ignore[no-any-return]


def main(argv: list[str] | None = None) -> int:
    p = parser(__doc__.splitlines()[0], repeat=5)
    p.add_argument("--size", default="large", choices=[s for s in SIZES if s != "small"])
    args = p.parse_args(argv)
    count = runs(args, quick=2)
    path, small = database(args.size), database("small")
    with tempfile.TemporaryDirectory() as tmp:
        env = quiet_environment(Path(tmp))
        open_once(path, env)  # warm the disk cache
        big, base = [], []
        for _ in range(count):
            big.append(open_once(path, env))
            base.append(open_once(small, env))
    described = SIZES[args.size].describe()
    rows = [
        Row.of(
            f"open {args.size} database, milestone list painted",
            [r["seconds"] for r in big],
            target="≤ 1.5 s, ≤ 400 MB" if args.size == "large" else "(info)",
            peak_mb=max(r["peak_mb"] for r in big),
            baseline=[r["seconds"] for r in base],
        ),
        Row.of(
            "  of which database opened and window built",
            [r["built"] for r in big],
            target="(info)",
        ),
        Row.of(
            "open small (sample) database, milestone list painted",
            [r["seconds"] for r in base],
            target="(info)",
            peak_mb=max(r["peak_mb"] for r in base),
        ),
    ]
    print(f"{args.size}: {described}; {int(big[0]['rows']):,} rows listed")
    emit(rows, args.json)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
