"""Write-ahead-log checkpoints on a background thread, so that no edit waits for one.

By default SQLite copies the write-ahead log back into the database file (a checkpoint)
inside the commit that grows the log past 1,000 pages. On the 390 MB benchmark database
that commit took 0.6–0.7 s, one edit in about fifty (tests/benchmarks/bench_edit.py). The
app turns automatic checkpoints off on its connections and runs them here instead, on a
connection of this thread's own, once commits have paused for a moment. A checkpoint
cannot lose what a commit made durable: the log is synced at every commit, and if the app
stops before a checkpoint, the next open (or the last connection's close) replays the log.
"""

from __future__ import annotations

import contextlib
import sqlite3
import threading
from pathlib import Path

#: Seconds without a commit before the log is checkpointed.
QUIET_SECONDS = 1.0


class Checkpointer:
    """Checkpoints the database at `path` after each burst of commits (`poke()`)."""

    def __init__(self, path: Path, quiet_seconds: float = QUIET_SECONDS) -> None:
        self._path = path
        self._quiet = quiet_seconds
        self._dirty = threading.Event()
        self._stopping = threading.Event()
        self.checkpoints = 0  # how many ran (the tests read it)
        self._thread = threading.Thread(target=self._run, name="accord-checkpoint", daemon=True)
        self._thread.start()

    def poke(self) -> None:
        """A commit happened: checkpoint once commits pause."""
        self._dirty.set()

    def stop(self) -> None:
        self._stopping.set()
        self._dirty.set()
        self._thread.join(timeout=10)

    def _run(self) -> None:
        connection = sqlite3.connect(self._path, isolation_level=None, check_same_thread=False)
        try:
            connection.execute("PRAGMA busy_timeout = 5000")
            while True:
                self._dirty.wait()
                while self._dirty.is_set() and not self._stopping.is_set():
                    self._dirty.clear()
                    self._stopping.wait(self._quiet)  # a new commit sets _dirty again
                if self._stopping.is_set():
                    return  # closing the app's last connection checkpoints anyway
                # PASSIVE: copies what no reader still needs and never blocks a writer.
                with contextlib.suppress(sqlite3.Error):
                    connection.execute("PRAGMA wal_checkpoint(PASSIVE)")
                    self.checkpoints += 1
        finally:
            connection.close()
