"""One writer per database file: an OS file lock plus a note of who holds it.

The lock itself is an OS lock (fcntl/msvcrt through `filelock`) on `<db>.lock`: the OS
drops it when the holder exits or is killed, so a lock left by a crashed Accord is taken
over without asking anyone. Who holds it (user, host, process, since when) is written to
`<db>.lock.json` for the message a second Accord shows.
"""

from __future__ import annotations

import json
import os
import socket
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path

from filelock import FileLock, Timeout

from db.errors import AccordError
from db.tracking import current_user


@dataclass(frozen=True)
class Holder:
    user: str
    host: str
    pid: int
    since: str  # ISO 8601, UTC

    def describe(self) -> str:
        since = datetime.fromisoformat(self.since).astimezone().strftime("%Y-%m-%d %H:%M")
        return f"{self.user} on {self.host} (since {since})"


class DatabaseLockedError(AccordError):
    def __init__(self, path: Path, holder: Holder | None) -> None:
        who = holder.describe() if holder else "another Accord"
        super().__init__(
            f"The database {path} is open in {who}. Only one Accord can change it at a time: "
            "open it read-only, or ask them to close it."
        )
        self.holder = holder


class DatabaseLock:
    def __init__(self, database: Path) -> None:
        self.database = database
        self._lock = FileLock(str(database) + ".lock", timeout=0)
        self._info = Path(str(database) + ".lock.json")

    def holder(self) -> Holder | None:
        try:
            return Holder(**json.loads(self._info.read_text(encoding="utf-8")))
        except (OSError, ValueError, TypeError):
            return None

    def acquire(self) -> Holder:
        """Take the lock or raise DatabaseLockedError naming who has it."""
        try:
            self._lock.acquire()
        except Timeout:
            raise DatabaseLockedError(self.database, self.holder()) from None
        me = Holder(
            current_user(),
            socket.gethostname(),
            os.getpid(),
            datetime.now(UTC).isoformat(timespec="seconds"),
        )
        partial = self._info.with_name(self._info.name + ".partial")
        partial.write_text(json.dumps(asdict(me)), encoding="utf-8")
        os.replace(partial, self._info)
        return me

    @property
    def held(self) -> bool:
        return self._lock.is_locked

    def release(self) -> None:
        if self._lock.is_locked:
            self._info.unlink(missing_ok=True)
            self._lock.release()
