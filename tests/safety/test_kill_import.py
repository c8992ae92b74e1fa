"""Promise 1 for imports: a big .ics import killed at a random moment is all there or not at all.

Each round writes a calendar of numbered events with UIDs of its own and runs
`accord import-ics` in a child process. The child prints its before-import backup line on
stderr just before the import's one transaction begins; the parent then waits a random
part of the time a whole import's write takes (measured in an unkilled first round) and
sends SIGKILL. Afterwards the file must pass integrity_check, the round's events must be
all present (always, if the child said "Imported.") or all absent, every milestone must
have its change-log row, and the next child must take over the dead child's lock.
"""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from db import operations as ops
from db.session import open_database

ROOT = Path(__file__).resolve().parents[2]
AGREEMENT = "Under fire"
CLI = "import sys; from desktop.cli import main; sys.exit(main(sys.argv[1:]))"

pytestmark = pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="POSIX signals")


def calendar(path: Path, round_no: int, events: int) -> None:
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Accord tests//kill//EN"]
    for i in range(events):
        day = 1 + i % 28
        lines += [
            "BEGIN:VEVENT",
            f"UID:kill-{round_no}-{i}@accord.test",
            "DTSTAMP:20261129T120000Z",
            f"DTSTART;VALUE=DATE:2027{1 + i % 12:02d}{day:02d}",
            f"SUMMARY:round{round_no} event {i}",
            f"DESCRIPTION:{'x' * (i % 300)}",
            "END:VEVENT",
        ]
    lines.append("END:VCALENDAR")
    path.write_text("\r\n".join(lines) + "\r\n", encoding="utf-8")


def start(db_path: Path, ics: Path) -> subprocess.Popen[str]:
    args = ["import-ics", str(ics), "--db", str(db_path), "--agreement", AGREEMENT]
    return subprocess.Popen(
        [sys.executable, "-c", CLI, *args],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def wait_for_write(child: subprocess.Popen[str]) -> None:
    """Block until the child says its backup is made: the import transaction comes next."""
    assert child.stderr is not None
    for line in child.stderr:
        if line.startswith("Backup before import:"):
            return
    raise AssertionError(f"the import never began (exit {child.wait()})")


def check(db_path: Path, round_no: int, events: int, reported: bool) -> int:
    con = sqlite3.connect(db_path)
    try:
        assert con.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        (present,) = con.execute(
            "SELECT count(*) FROM milestone WHERE title LIKE ?", (f"round{round_no} %",)
        ).fetchone()
        assert present in (0, events), f"round {round_no}: {present} of {events}: half an import"
        if reported:
            assert present == events, f"round {round_no} said Imported. but lost its events"
        ids = {r[0] for r in con.execute("SELECT id FROM milestone")}
        logged = {
            r[0]
            for r in con.execute(
                "SELECT entity_id FROM change_log WHERE entity = 'milestone' AND action = 'insert'"
            )
        }
        assert ids <= logged, "a milestone without its change-log row"
        return present
    finally:
        con.close()


def kill_imports(tmp_path: Path, rounds: int, events: int, seed: int) -> tuple[int, int]:
    db_path = tmp_path / "import.db"
    db = open_database(db_path, create=True)
    with db.transaction() as s:
        ops.add_agreement(s, AGREEMENT)
    db.close()
    rng = random.Random(seed)

    ics = tmp_path / "round-0.ics"
    calendar(ics, 0, events)
    child = start(db_path, ics)
    wait_for_write(child)
    began = time.perf_counter()
    out, err = child.communicate(timeout=600)
    write_time = time.perf_counter() - began
    assert child.returncode == 0, err
    check(db_path, 0, events, reported="Imported." in out)

    killed_inside = 0
    for round_no in range(1, rounds + 1):
        ics = tmp_path / f"round-{round_no}.ics"
        calendar(ics, round_no, events)
        child = start(db_path, ics)
        wait_for_write(child)
        time.sleep(rng.uniform(0.0, write_time * 0.9))
        os.kill(child.pid, signal.SIGKILL)
        out, _ = child.communicate(timeout=60)
        present = check(db_path, round_no, events, reported="Imported." in out)
        killed_inside += present == 0

    # The last killed child left its lock behind: a new import takes it over and succeeds.
    ics = tmp_path / "after.ics"
    calendar(ics, rounds + 1, events)
    child = start(db_path, ics)
    out, err = child.communicate(timeout=600)
    assert child.returncode == 0, err
    check(db_path, rounds + 1, events, reported=True)
    return killed_inside, rounds


def test_import_killed_midway_is_all_or_nothing(tmp_path: Path) -> None:
    inside, _ = kill_imports(tmp_path, rounds=4, events=600, seed=20261129)
    assert inside >= 1, "no kill landed inside an import: the test proved nothing"


@pytest.mark.slow
@pytest.mark.timeout(3600)
def test_import_killed_many_times(tmp_path: Path) -> None:
    inside, rounds = kill_imports(tmp_path, rounds=30, events=2000, seed=7)
    print(f"{rounds} imports of 2,000 events killed; {inside} inside the write, none half-done")
