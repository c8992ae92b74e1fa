"""Is a database file on a network drive? SQLite's WAL mode does not work there.

WAL needs shared memory between the processes using the file, which network file systems
(SMB/CIFS, NFS, AFP, WebDAV, sshfs) do not provide: a database there can be corrupted.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

NETWORK_FS = {
    "nfs",
    "nfs4",
    "cifs",
    "smb",
    "smb2",
    "smb3",
    "smbfs",
    "afpfs",
    "webdav",
    "davfs",
    "fuse.sshfs",
    "sshfs",
    "9p",
    "fuse.davfs2",
    "ncpfs",
    "afs",
}


def _mount_type(path: Path, mounts: list[tuple[str, str]]) -> str | None:
    """The file-system type of the longest mount point containing `path`."""
    best, kind = "", None
    text = str(path)
    for point, fstype in mounts:
        inside = text == point or text.startswith(point.rstrip("/") + "/")
        if inside and len(point) > len(best):
            best, kind = point, fstype
    return kind


def linux_mounts(text: str) -> list[tuple[str, str]]:
    out = []
    for line in text.splitlines():
        parts = line.split()
        if len(parts) >= 3:
            out.append((parts[1].replace("\\040", " "), parts[2]))
    return out


def mac_mounts(text: str) -> list[tuple[str, str]]:
    """Parse `mount` output: "//user@server/share on /Volumes/share (smbfs, nodev, ...)"."""
    out = []
    for line in text.splitlines():
        if " on " in line and "(" in line:
            point = line.split(" on ", 1)[1].rsplit(" (", 1)[0]
            fstype = line.rsplit("(", 1)[1].split(",")[0].strip(" )")
            out.append((point, fstype))
    return out


def _windows_is_remote(path: Path) -> bool:
    import ctypes

    drive = os.path.splitdrive(str(path))[0]
    if drive.startswith("\\\\"):
        return True
    drive_remote = 4
    return bool(ctypes.windll.kernel32.GetDriveTypeW(drive + "\\") == drive_remote)  # type: ignore[attr-defined]


def is_network_path(path: Path) -> bool:
    """True when the file lives on a network share (best effort; False when unsure)."""
    path = path.expanduser().absolute()
    if str(path).startswith(("\\\\", "//")):
        return True
    try:
        if sys.platform == "win32":
            return _windows_is_remote(path)
        if sys.platform == "darwin":
            text = subprocess.run(["/sbin/mount"], capture_output=True, text=True, timeout=5).stdout
            kind = _mount_type(path, mac_mounts(text))
        else:
            kind = _mount_type(path, linux_mounts(Path("/proc/mounts").read_text()))
    except (OSError, subprocess.SubprocessError, AttributeError):
        return False
    return kind is not None and kind.lower() in NETWORK_FS


def network_warning(path: Path) -> str:
    return (
        f"The database {path} is on a network drive. SQLite, which Accord uses for database "
        "files, cannot keep a file there safe when it is written (its write-ahead log needs "
        "a local disk), so changes may be lost or the file damaged. Keep the database on "
        "this computer, or have your team share a PostgreSQL server (see the README)."
    )
