"""Start-up times: `accord --version`, a headless `accord list`, and the window shown.

    uv run python tests/benchmarks/bench_startup.py [runs]

Each is a fresh process (what a user waits for), timed wall-clock over several runs;
the baseline is a bare `python -c pass` measured in the same run, since this machine is
shared and its speed varies.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
ACCORD = Path(sys.executable).parent / "accord"

GUI_SNIPPET = """
import time, sys
t0 = time.perf_counter()
from PySide6.QtCore import QTimer
from desktop.app import create_application
from desktop.context import AppContext
from desktop.main_window import MainWindow
from db.session import open_database
app = create_application()
db = open_database(sys.argv[1])
w = MainWindow(AppContext(db))
w.show()
def done():
    print(time.perf_counter() - t0)
    app.quit()
QTimer.singleShot(0, done)
app.exec()
"""


def timed(cmd: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, check=True, capture_output=True, env=env, cwd=ROOT)
    return time.perf_counter() - start


def main(runs: int = 7) -> None:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    with tempfile.TemporaryDirectory() as tmp:
        db = str(Path(tmp) / "bench.db")
        subprocess.run(
            [str(ACCORD), "init", "--sample", "--db", db], check=True, capture_output=True, env=env
        )
        cases = {
            "python -c pass (baseline)": [sys.executable, "-c", "pass"],
            "accord --version": [str(ACCORD), "--version"],
            "accord list milestones --json": [
                str(ACCORD),
                "list",
                "milestones",
                "--json",
                "--db",
                db,
            ],
            "GUI: process start to window shown": [sys.executable, "-c", GUI_SNIPPET, db],
        }
        results = {name: [timed(cmd, env) for _ in range(runs)] for name, cmd in cases.items()}
    base = statistics.median(results["python -c pass (baseline)"])
    print(f"{'case':40} {'median s':>9} {'min s':>7} {'× baseline':>11}")
    for name, times in results.items():
        med = statistics.median(times)
        print(f"{name:40} {med:9.3f} {min(times):7.3f} {med / base:11.1f}")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 7)
