"""Backups, restores and integrity checks of a SQLite database file.

Copies are made with SQLite's online backup API, which gives a consistent snapshot of a
live database (WAL included) while Accord keeps running. Automatic backups rotate: the
last 7 daily, 5 weekly and 12 monthly copies are kept next to the database in `backups/`.
Backups are readable by the user only, like the database itself.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from db.errors import AccordError
from db.paths import backups_dir_for

KEEP = {"daily": 7, "weekly": 5, "monthly": 12}


class IntegrityError(AccordError):
    """The database file is damaged; the message names the problem."""


def _connect(path: Path, mode: str) -> sqlite3.Connection:
    """Open an existing file only (a URI with mode=ro/rw never creates one)."""
    return sqlite3.connect(f"{path.resolve().as_uri()}?mode={mode}", uri=True)


def make_private(path: Path) -> None:
    """Readable and writable by the user only (no-op where POSIX modes don't apply)."""
    if os.name == "posix" and path.exists():
        path.chmod(0o600)


def copy_database(source: Path, destination: Path) -> Path:
    """A consistent copy of `source` at `destination` (replaced if it exists)."""
    if not source.exists():
        raise AccordError(f"There is no database at {source}.")
    destination.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    partial = destination.with_name(destination.name + ".partial")
    partial.unlink(missing_ok=True)
    src = _connect(source, "rw")  # rw: a WAL database may need its -shm made to be read
    try:
        dst = sqlite3.connect(partial)
        try:
            src.backup(dst)
            dst.execute("PRAGMA journal_mode = DELETE")  # a single self-contained file
        finally:
            dst.close()
    finally:
        src.close()
    make_private(partial)
    os.replace(partial, destination)  # never a half-written backup under the real name
    return destination


def problems(path: Path) -> list[str]:
    """What `PRAGMA integrity_check` and `foreign_key_check` find; empty when healthy."""
    try:
        con = _connect(path, "rw")
    except sqlite3.Error as exc:
        return [f"cannot open: {exc}"]
    try:
        found = [row[0] for row in con.execute("PRAGMA integrity_check") if row[0] != "ok"]
        for table, rowid, parent, _ in con.execute("PRAGMA foreign_key_check"):
            found.append(f"{table} row {rowid} refers to a missing {parent} row")
        return found
    except sqlite3.DatabaseError as exc:
        return [f"not a readable database: {exc}"]
    finally:
        con.close()


def check(path: Path) -> None:
    """Raise IntegrityError naming the first problems of a damaged database."""
    if not path.exists():
        raise AccordError(f"There is no database at {path}.")
    found = problems(path)
    if found:
        shown = "; ".join(found[:5]) + (f" (and {len(found) - 5} more)" if len(found) > 5 else "")
        raise IntegrityError(f"The database {path} is damaged: {shown}.")


def restore(backup: Path, target: Path, *, keep_current: bool = True) -> Path | None:
    """Replace `target` with the contents of `backup`; returns the copy of what was there.

    The backup is checked first, and the current database is copied aside, so a restore
    can itself be undone. No Accord may have `target` open (the caller holds its lock).
    """
    check(backup)
    saved = None
    if keep_current and target.exists():
        stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
        saved = copy_database(
            target, backups_dir_for(target) / f"{target.stem}-before-restore-{stamp}.db"
        )
    src = _connect(backup, "ro")
    try:
        dst = sqlite3.connect(target)
        try:
            src.backup(dst)
            dst.execute("PRAGMA journal_mode = WAL")
        finally:
            dst.close()
    finally:
        src.close()
    make_private(target)
    return saved


@dataclass(frozen=True)
class Rotation:
    made: tuple[Path, ...]
    removed: tuple[Path, ...]


def _periods(today: date) -> dict[str, str]:
    iso = today.isocalendar()
    return {
        "daily": today.strftime("%Y%m%d"),
        "weekly": f"{iso.year}W{iso.week:02d}",
        "monthly": today.strftime("%Y%m"),
    }


def rotate(database: Path, today: date, *, keep: dict[str, int] | None = None) -> Rotation:
    """Make today's daily/weekly/monthly copies that are missing; prune the oldest."""
    keep = keep or KEEP
    folder = backups_dir_for(database)
    made: list[Path] = []
    removed: list[Path] = []
    for kind, period in _periods(today).items():
        target = folder / f"{database.stem}-{kind}-{period}.db"
        if not target.exists():
            made.append(copy_database(database, target))
        old = sorted(folder.glob(f"{database.stem}-{kind}-*.db"), reverse=True)
        for extra in old[keep[kind] :]:
            extra.unlink()
            removed.append(extra)
    return Rotation(tuple(made), tuple(removed))


def list_backups(database: Path) -> Iterable[Path]:
    folder = backups_dir_for(database)
    if not folder.exists():
        return []
    return sorted(
        folder.glob(f"{database.stem}-*.db"), key=lambda p: p.stat().st_mtime, reverse=True
    )


#: Copies made before an import: enough to step back over a bad afternoon, bounded on disk.
KEEP_BEFORE_IMPORT = 10


def backup_before_import(database: Path | None, now: datetime | None = None) -> Path | None:
    """Copy the database aside before an import changes it; prune the oldest such copies.

    None for a database that is not a local file (a shared server keeps its own backups).
    """
    if database is None or not database.exists():
        return None
    stamp = (now or datetime.now()).strftime("%Y%m%d-%H%M%S-%f")
    folder = backups_dir_for(database)
    for left in folder.glob(f"{database.stem}-before-import-*.db.partial"):
        left.unlink(missing_ok=True)  # from a copy cut short by a kill; we hold the lock
    made = copy_database(database, folder / f"{database.stem}-before-import-{stamp}.db")
    old = sorted(folder.glob(f"{database.stem}-before-import-*.db"), reverse=True)
    for extra in old[KEEP_BEFORE_IMPORT:]:
        extra.unlink()
    return made
