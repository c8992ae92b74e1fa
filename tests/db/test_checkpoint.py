"""Checkpoints in the background (db/checkpoint.py): commits no longer copy the log into
the database file, a background thread does once commits pause, and nothing committed is
lost when the process dies before it has."""

from __future__ import annotations

import hashlib
import subprocess
import sys
import textwrap
import time
from pathlib import Path

from sqlalchemy import select, update

from db.models import Milestone
from db.session import Database, open_database


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _rename_all(db: Database, title: str) -> None:
    with db.transaction() as session:
        session.execute(update(Milestone).values(title=title))


def test_commits_leave_the_file_alone_and_the_thread_checkpoints(sample_db: Database) -> None:
    path = sample_db.path
    assert path is not None
    sample_db.checkpoint_in_background()
    checkpointer = sample_db.checkpointer
    assert checkpointer is not None
    with sample_db.engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA wal_autocheckpoint").scalar() == 0
    with sample_db.engine.connect() as connection:
        connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")  # start from a clean file
    before = _digest(path)
    _rename_all(sample_db, "Renamed in the log")
    assert _digest(path) == before  # the commit wrote the log only
    deadline = time.monotonic() + 10
    while checkpointer.checkpoints == 0 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert checkpointer.checkpoints >= 1
    assert _digest(path) != before  # the thread copied the log into the file
    sample_db.close()
    again = open_database(path)
    with again.sessions() as session:
        titles = set(session.scalars(select(Milestone.title)))
    again.close()
    assert titles == {"Renamed in the log"}


def test_a_process_killed_before_the_checkpoint_loses_nothing(sample_db: Database) -> None:
    path = sample_db.path
    assert path is not None
    sample_db.close()
    child = textwrap.dedent(
        f"""
        import os, sys
        sys.path.insert(0, {str(Path(__file__).resolve().parents[2])!r})
        from sqlalchemy import update
        from db.models import Milestone
        from db.session import open_database
        db = open_database({str(path)!r})
        db.checkpoint_in_background()
        with db.transaction() as session:
            session.execute(update(Milestone).values(title="Committed, then killed"))
        os._exit(0)  # no close, no checkpoint: only the log holds the change
        """
    )
    subprocess.run([sys.executable, "-c", child], check=True, timeout=120)
    assert Path(f"{path}-wal").stat().st_size > 0
    reopened = open_database(path)
    with reopened.sessions() as session:
        titles = set(session.scalars(select(Milestone.title)))
    reopened.close()
    assert titles == {"Committed, then killed"}
