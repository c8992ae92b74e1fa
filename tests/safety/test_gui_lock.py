"""Promise: a second Accord on the same file is told who holds it and may open it read-only."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from pytestqt.qtbot import QtBot

from db.edits import SetFields
from db.session import open_database
from desktop.app import open_for_gui
from desktop.context import AppContext

ROOT = Path(__file__).resolve().parents[2]
HOLDER = """
import sys, time
from pathlib import Path
from db.lock import DatabaseLock
lock = DatabaseLock(Path(sys.argv[1]))
lock.acquire()
print("held", flush=True)
time.sleep(600)
"""


def test_second_window_opens_read_only_and_refuses_edits(qtbot: QtBot, db_path: Path) -> None:
    db = open_database(db_path)
    with db.transaction() as s:
        from db import operations as ops

        agreement_id = ops.add_agreement(s, "Held elsewhere").id
    db.close()
    child = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(db_path)], cwd=ROOT, stdout=subprocess.PIPE, text=True
    )
    try:
        assert child.stdout is not None and child.stdout.readline().strip() == "held"
        asked: list[str] = []

        def choose(parent: object, message: str) -> bool:
            asked.append(message)
            return True

        opened = open_for_gui(None, db_path, read_only_choice=choose)
        assert opened is not None and opened.read_only and opened.lock is None
        assert "is open in" in asked[0] and "since" in asked[0]
        context = AppContext(opened.db, read_only=True)
        error = context.apply(SetFields("agreement", agreement_id, {"title": "Mine"}), "Rename")
        assert error is not None and "read-only" in error.message
        assert context.undo_stack.count() == 0
        context.close()
        refused = open_for_gui(None, db_path, read_only_choice=lambda p, m: False)
        assert refused is None
    finally:
        child.kill()
        child.wait()
    opened = open_for_gui(None, db_path)  # the holder is gone: a normal, writable open
    assert opened is not None and not opened.read_only and opened.lock is not None
    opened.lock.release()
    opened.db.close()
