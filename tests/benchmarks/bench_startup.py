"""Cold start: a new process until Accord's main window is painted, against bare PySide6.

    uv run python tests/benchmarks/bench_startup.py [--repeat 7] [--json FILE]

Each run is a fresh Python process (what a user waits for after a double-click), timed by
this parent from just before it starts the child to the moment the child reports, on its
standard output, the first paint event of its main window ("painted" = the first frame
after `show()`). The child runs Accord's real entry point, `desktop.cli.main(["--db", …])`
on a copy of the sample database; an application-wide event filter, installed before
`main` runs, only watches. The baseline, measured in the same run and interleaved with
Accord's runs so both see the same machine load, is a bare PySide6 `QMainWindow` shown and
painted the same way. A second Accord figure is the first paint of the current page's
content (the data visible), which is what a user can act on.

"Cold" means a new process, not an empty disk cache: the files are in the page cache after
the first run (the first run is dropped as a warm-up).
"""

from __future__ import annotations

import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from common import ROOT, Row, emit, parser, quiet_environment, runs
from synthetic import database

PAINT_WATCHER = """
import sys
from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication, QMainWindow

class Watcher(QObject):
    '''Reports the first paint of a main window, then the first paint of its page.'''

    def __init__(self, app, want_page):
        super().__init__()
        self.app, self.want_page, self.painted = app, want_page, False

    def eventFilter(self, obj, event):
        if event.type() != QEvent.Type.Paint or not obj.isWidgetType():
            return False
        window = obj.window()
        if not isinstance(window, QMainWindow):
            return False
        if not self.painted:
            self.painted = True
            print("painted", flush=True)
            if not self.want_page:
                QTimer.singleShot(0, self.app.quit)
        elif self.want_page and getattr(window, "pages", None):
            page = window.stack.currentWidget()
            if page is not None and (obj is page or page.isAncestorOf(obj)):
                self.want_page = False
                print("ready", flush=True)
                QTimer.singleShot(0, self.app.quit)
        return False
"""

BARE = (
    PAINT_WATCHER
    + """
app = QApplication(sys.argv[:1])
watcher = Watcher(app, False)
app.installEventFilter(watcher)
window = QMainWindow()
window.resize(1100, 680)
window.show()
app.exec()
"""
)

ACCORD = (
    PAINT_WATCHER
    + """
from desktop.app import create_application
app = create_application()
watcher = Watcher(app, True)
app.installEventFilter(watcher)
from desktop.cli import main
sys.exit(main(["--db", sys.argv[1]]))
"""
)


def time_child(code: str, args: list[str], env: dict[str, str]) -> dict[str, float]:
    """Seconds from starting the child to each marker line it prints."""
    started = time.perf_counter()
    child = subprocess.Popen(
        [sys.executable, "-c", code, *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
        cwd=ROOT,
        text=True,
    )
    marks: dict[str, float] = {}
    assert child.stdout is not None
    for line in child.stdout:
        marks.setdefault(line.strip(), time.perf_counter() - started)
    _, errors = child.communicate(timeout=60)
    if child.returncode not in (0, None) or "painted" not in marks:
        raise RuntimeError(f"child failed ({child.returncode}): {errors[-2000:]}")
    return marks


def main(argv: list[str] | None = None) -> int:
    args = parser(__doc__.splitlines()[0], repeat=7).parse_args(argv)
    count = runs(args, quick=2)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        env = quiet_environment(folder / "home")
        sample = folder / "sample.db"
        shutil.copyfile(database("small"), sample)
        bare: list[float] = []
        painted: list[float] = []
        ready: list[float] = []
        version: list[float] = []
        accord = Path(sys.executable).parent / "accord"
        for attempt in range(count + 1):  # the first round warms the disk cache
            b = time_child(BARE, [], env)
            a = time_child(ACCORD, [str(sample)], env)
            started = time.perf_counter()
            subprocess.run([str(accord), "--version"], check=True, capture_output=True, env=env)
            v = time.perf_counter() - started
            if attempt:
                bare.append(b["painted"])
                painted.append(a["painted"])
                ready.append(a.get("ready", float("nan")))
                version.append(v)
    # Each Accord start is timed right after a bare one: the ratio within a pair is less
    # moved by the machine's minute-to-minute speed than the ratio of two medians.
    paired = sorted(a / b for a, b in zip(painted, bare, strict=True))
    print(
        f"painted main window / bare window, per pair: median {statistics.median(paired):.2f}×, "
        f"min {paired[0]:.2f}×, max {paired[-1]:.2f}× ({len(paired)} pairs)"
    )
    rows = [
        Row.of("startup: bare PySide6 window painted (baseline)", bare),
        Row.of(
            "startup: cold start to painted main window, sample",
            painted,
            target="≤ 2× baseline",
            baseline=bare,
        ),
        Row.of(
            "startup: cold start to first page's data painted, sample",
            ready,
            target="(info) ≤ 3× baseline",
            baseline=bare,
        ),
        Row.of("startup: accord --version", version, target="(info)"),
    ]
    emit(rows, args.json)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
