"""One edit, committed and durable: `context.apply(SetFields(...))` on the large database.

    uv run python tests/benchmarks/bench_edit.py [--size large] [--repeat 50] [--json FILE]

On a private copy of the cached database, opened as Accord opens it (WAL, synchronous =
FULL: a committed transaction survives a power cut, the script checks both pragmas; log
checkpoints on a background thread, db/checkpoint.py), each run renames one milestone
through `AppContext.apply`, which is what the editor does when a field is left: load the
record, check its version, write it, the change log and the search index (triggers),
commit with fsync, push the undo step and emit `changed`. Nothing is listening to
`changed` here; what pages do on it is measured with them. The edits follow each other
without a pause, so the background checkpoint waits until the end; the baseline's plain
connection keeps SQLite's automatic checkpoints, and its slowest commit shows their cost.

The baseline, interleaved with the runs, is the least a durable write costs on this disk:
plain sqlite3 updating one row of a small table in the same file and mode, and committing.
"""

from __future__ import annotations

import os
import random
import sqlite3
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from common import Row, emit, parser, runs
from synthetic import SIZES, copy_of


def main(argv: list[str] | None = None) -> int:
    p = parser(__doc__.splitlines()[0], repeat=50)
    p.add_argument("--size", default="large", choices=list(SIZES))
    args = p.parse_args(argv)
    count = runs(args, quick=10)

    from PySide6.QtCore import QCoreApplication

    from db.edits import SetFields
    from db.session import open_database
    from desktop.context import AppContext

    app = QCoreApplication.instance() or QCoreApplication([])
    with tempfile.TemporaryDirectory() as tmp:
        path = copy_of(args.size, Path(tmp))
        db = open_database(path)
        db.checkpoint_in_background()  # as the app does (desktop/app.py)
        context = AppContext(db)
        with db.engine.connect() as conn:
            mode = conn.exec_driver_sql("PRAGMA journal_mode").scalar()
            sync = conn.exec_driver_sql("PRAGMA synchronous").scalar()
            highest = conn.exec_driver_sql("SELECT max(id) FROM milestone").scalar()
        assert (mode, sync) == ("wal", 2), f"not durable: journal_mode={mode}, synchronous={sync}"
        raw = sqlite3.connect(path, isolation_level=None)
        raw.execute("PRAGMA journal_mode = WAL")
        raw.execute("PRAGMA synchronous = FULL")
        raw.execute("CREATE TABLE IF NOT EXISTS bench_probe (id INTEGER PRIMARY KEY, n INTEGER)")
        raw.execute("INSERT OR REPLACE INTO bench_probe VALUES (1, 0)")
        rnd = random.Random(9)
        edits: list[float] = []
        floor: list[float] = []
        context.apply(SetFields("milestone", 1, {"title": "Warm-up"}), "Rename")
        for n in range(count):
            milestone = rnd.randint(1, int(highest))
            started = time.perf_counter()
            error = context.apply(
                SetFields("milestone", milestone, {"title": f"Renamed milestone {n}"}),
                "Rename milestone",
            )
            edits.append(time.perf_counter() - started)
            assert error is None, error
            started = time.perf_counter()
            raw.execute("BEGIN")
            raw.execute("UPDATE bench_probe SET n = n + 1 WHERE id = 1")
            raw.execute("COMMIT")
            floor.append(time.perf_counter() - started)
        raw.close()
        context.close()
    del app
    rows = [
        Row.of(
            f"single edit committed, durable ({args.size})",
            edits,
            target="≤ 10 ms",
            baseline=floor,
        ),
        Row.of("  baseline: sqlite3 one-row UPDATE + fsync'd COMMIT", floor, target="(info)"),
    ]
    print(f"{args.size}: {SIZES[args.size].describe()}; {count} edits; WAL, synchronous=FULL")
    emit(rows, args.json)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
