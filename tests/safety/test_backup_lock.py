"""Promises: one writer at a time, backups that restore exactly, checks that name damage."""

from __future__ import annotations

import os
import signal
import stat
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path

import pytest

from db import queries
from db.backup import check, copy_database, problems, restore, rotate
from db.errors import AccordError
from db.lock import DatabaseLock, DatabaseLockedError
from db.session import open_database
from desktop import cli

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


def everything(path: Path) -> dict[str, object]:
    db = open_database(path)
    try:
        with db.sessions() as s:
            return {
                "agreements": queries.agreements(s),
                "focus_areas": queries.focus_areas(s),
                "milestones": queries.milestones(s),
                "contacts": queries.contacts(s),
            }
    finally:
        db.close()


def start_holder(path: Path) -> subprocess.Popen[str]:
    child = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(path)], cwd=ROOT, stdout=subprocess.PIPE, text=True
    )
    assert child.stdout is not None and child.stdout.readline().strip() == "held"
    return child


def test_second_writer_is_told_who_holds_the_lock(db_path: Path) -> None:
    open_database(db_path).close()
    child = start_holder(db_path)
    try:
        with pytest.raises(DatabaseLockedError) as err:
            DatabaseLock(db_path).acquire()
        holder = err.value.holder
        assert holder is not None and holder.pid == child.pid
        assert holder.user and holder.host and holder.since
        assert holder.user in err.value.message and "read-only" in err.value.message
    finally:
        child.kill()
        child.wait()


def test_lock_of_a_killed_process_is_taken_over(db_path: Path) -> None:
    open_database(db_path).close()
    child = start_holder(db_path)
    os.kill(child.pid, signal.SIGKILL)
    child.wait()
    lock = DatabaseLock(db_path)
    me = lock.acquire()  # no error: the OS released the dead holder's lock
    assert me.pid == os.getpid() and lock.holder() == me
    lock.release()


def test_cli_write_refused_while_another_accord_holds_it(
    db_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    open_database(db_path).close()
    child = start_holder(db_path)
    try:
        assert cli.main(["init", "--sample", "--db", str(db_path)]) == 2
        err = capsys.readouterr().err
        assert err.startswith("accord: error: The database") and "is open in" in err
    finally:
        child.kill()
        child.wait()
    assert everything(db_path)["agreements"] == []


def test_cli_import_refused_while_another_accord_holds_it(
    db_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli.main(["init", "--sample", "--db", str(db_path)]) == 0
    before = everything(db_path)
    google = ROOT / "tests" / "ics" / "fixtures" / "google-calendar.ics"
    args = ["import-ics", str(google), "--db", str(db_path)]
    args += ["--agreement", "Strategic partnership agreement 2025–2029"]
    child = start_holder(db_path)
    try:
        capsys.readouterr()
        assert cli.main(args) == 2
        assert "is open in" in capsys.readouterr().err
        assert cli.main([*args, "--dry-run"]) == 0  # reading is never refused
    finally:
        child.kill()
        child.wait()
    assert everything(db_path) == before
    assert not (db_path.parent / "backups").exists()  # refused before anything was copied


def test_backup_then_restore_gives_back_exactly_what_was_backed_up(
    sample_db: object, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = sample_db.path  # type: ignore[attr-defined]
    sample_db.close()  # type: ignore[attr-defined]
    before = everything(path)
    backup = tmp_path / "copy.db"
    assert cli.main(["backup", "-o", str(backup), "--db", str(path)]) == 0
    assert cli.main(["init", "--db", str(path)]) == 0
    db = open_database(path)
    with db.transaction() as s:
        from db import operations as ops

        ops.add_agreement(s, "Added after the backup")
    db.close()
    assert everything(path) != before
    assert cli.main(["restore", str(backup), "--db", str(path)]) == 0
    assert everything(path) == before
    out = capsys.readouterr().out
    assert "kept in" in out  # the replaced database was copied aside first


def test_check_names_the_damage(
    db_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = open_database(db_path)
    db.close()
    assert problems(db_path) == []
    assert cli.main(["check", "--db", str(db_path)]) == 0
    broken = tmp_path / "broken.db"
    data = bytearray(db_path.read_bytes())
    page = int.from_bytes(data[16:18], "big")
    for start in range(page, len(data), page):  # scribble over every b-tree page header
        data[start : start + 8] = b"\x0d\xff\xff\xff\xff\xff\xff\xff"
    broken.write_bytes(bytes(data))
    with pytest.raises(AccordError, match="damaged"):
        check(broken)
    capsys.readouterr()
    assert cli.main(["check", "--db", str(broken)]) == 2
    assert "damaged" in capsys.readouterr().err


@pytest.mark.skipif(os.name != "posix", reason="POSIX file modes")
def test_database_and_backups_are_private(db_path: Path, tmp_path: Path) -> None:
    open_database(db_path).close()
    assert stat.S_IMODE(db_path.stat().st_mode) == 0o600
    copy = copy_database(db_path, tmp_path / "b" / "copy.db")
    assert stat.S_IMODE(copy.stat().st_mode) == 0o600


def test_rotation_keeps_daily_weekly_monthly(db_path: Path) -> None:
    open_database(db_path).close()
    day = date(2026, 1, 1)
    for _ in range(70):
        rotate(db_path, day)
        day += timedelta(days=1)
    folder = db_path.parent / "backups"
    kinds = {k: len(list(folder.glob(f"accord-{k}-*.db"))) for k in ("daily", "weekly", "monthly")}
    assert kinds == {"daily": 7, "weekly": 5, "monthly": 3}
    newest = sorted(folder.glob("accord-daily-*.db"))[-1]
    assert newest.name == f"accord-daily-{(day - timedelta(days=1)):%Y%m%d}.db"


def test_restore_refuses_a_damaged_backup_and_keeps_the_database(
    sample_db: object, tmp_path: Path
) -> None:
    path = sample_db.path  # type: ignore[attr-defined]
    sample_db.close()  # type: ignore[attr-defined]
    before = everything(path)
    bad = tmp_path / "bad.db"
    bad.write_bytes(b"SQLite format 3\x00" + b"\x00" * 200)
    with pytest.raises(AccordError):
        restore(bad, path)
    assert everything(path) == before


def test_network_drives_are_recognised() -> None:
    from db.location import _mount_type, is_network_path, linux_mounts, mac_mounts

    mounts = linux_mounts(
        "/dev/vda / ext4 rw 0 0\n"
        "//fileserver/team /mnt/team cifs rw 0 0\n"
        "server:/export /mnt/nfs nfs4 rw 0 0\n"
    )
    assert _mount_type(Path("/mnt/team/accord.db"), mounts) == "cifs"
    assert _mount_type(Path("/mnt/nfs/x/accord.db"), mounts) == "nfs4"
    assert _mount_type(Path("/home/me/accord.db"), mounts) == "ext4"
    assert _mount_type(Path("/mnt/teamwork/accord.db"), mounts) == "ext4"
    mac = mac_mounts(
        "//me@nas/share on /Volumes/share (smbfs, nodev, nosuid, mounted by me)\n"
        "/dev/disk3s1 on / (apfs, local, journaled)\n"
    )
    assert _mount_type(Path("/Volumes/share/accord.db"), mac) == "smbfs"
    assert is_network_path(Path("//server/share/accord.db"))
    assert not is_network_path(Path.home() / "accord.db")
