"""Start-up is staged: the window's frame is painted before the database layer is loaded.

Both tests run a fresh interpreter, as a user's start does: what one test process has
already imported says nothing about what a start imports. (The time it takes is measured
by tests/benchmarks/bench_startup.py, not here.)
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
HEAVY = (
    "sqlalchemy",
    "alembic",
    "keyring",
    "sqlite3",
    "db.dates",
    "db.models",
    "db.session",
    "desktop.context",
)

WATCH_A_START = """
import json, sys
from PySide6.QtCore import QEvent, QObject, QTimer
from desktop.app import create_application

app = create_application()
seen = {}


class Watch(QObject):
    def eventFilter(self, obj, event):
        if event.type() == QEvent.Type.Paint and type(obj).__name__ == "MainWindow":
            if "first_paint" not in seen:
                seen["first_paint"] = {
                    "attached": obj.context is not None,
                    "pages": len(obj.pages),
                    "loaded": sorted(m for m in HEAVY if m in sys.modules),
                    "status": obj.statusBar().currentMessage(),
                }
                QTimer.singleShot(0, lambda: poll(obj))
        return False


def poll(window):
    if window.context is None or not window.pages:
        QTimer.singleShot(20, lambda: poll(window))
        return
    seen["filled"] = {
        "pages": len(window.pages),
        "titles": [window.sidebar.item(i).text() for i in range(window.sidebar.count())],
        "menus": [a.text() for a in window.menuBar().actions()],
        "menus_enabled": all(a.isEnabled() for a in window.menuBar().actions()),
        "status": window.statusBar().currentMessage(),
    }
    window.close()


watch = Watch()
app.installEventFilter(watch)
from desktop.app import run_gui

seen["code"] = run_gui(sys.argv[1], choose_sample=lambda: True)
print(json.dumps(seen))
"""


def _run(code: str, *args: str, home: Path) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", PYTHONPATH=str(ROOT))
    for var, sub in (
        ("XDG_DATA_HOME", "data"),
        ("XDG_CONFIG_HOME", "config"),
        ("XDG_STATE_HOME", "state"),
        ("XDG_CACHE_HOME", "cache"),
    ):
        env[var] = str(home / sub)
    return subprocess.run(
        [sys.executable, "-c", code, *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=240,
    )


def test_the_first_frame_needs_no_database_layer(tmp_path: Path) -> None:
    code = (
        "import sys\n"
        "import desktop.cli, desktop.app, desktop.main_window\n"
        "desktop.cli.build_parser()\n"
        f"print(sorted(m for m in {HEAVY!r} if m in sys.modules))\n"
    )
    done = _run(code, home=tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"


def test_window_is_painted_first_then_filled(tmp_path: Path) -> None:
    code = f"HEAVY = {HEAVY!r}\n" + WATCH_A_START
    done = _run(code, str(tmp_path / "new.db"), home=tmp_path)
    assert done.returncode == 0, done.stderr
    seen = json.loads(done.stdout.strip().splitlines()[-1])
    first, filled = seen["first_paint"], seen["filled"]
    # The first frame: the window's frame, before the database and its layer are loaded.
    assert not first["attached"] and first["pages"] == 0
    assert first["loaded"] == []
    assert first["status"] == "Opening the database…"
    # Then the same window is filled: pages, working menus, no "Opening" message left.
    assert filled["pages"] >= 4 and "Milestones" in filled["titles"]
    assert filled["menus"] == ["&File", "&Edit", "&View", "&Help"]
    assert filled["menus_enabled"] and filled["status"] == ""
    assert seen["code"] == 0
    assert (tmp_path / "new.db").exists()  # a new file, with the sample as asked
