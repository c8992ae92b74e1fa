"""The application context handed to every widget: database, undo stack, settings, clock.

One object (git-cola's ApplicationContext) so that tests can build a window on a temporary
database with a fixed "today", and so that every edit goes through `apply()`: one
transaction, one undo step, one `changed` signal that views refresh from.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import date

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QUndoStack

from db.edits import Edit
from db.errors import AccordError
from db.lock import DatabaseLock
from db.session import Database
from db.tracking import ChangeSet
from desktop.commands import EditCommand

log = logging.getLogger("accord.context")


class AppContext(QObject):
    #: Emitted after every committed change (an edit, its undo or redo, an import).
    changed = Signal(object)  # ChangeSet
    #: Asks the main window to show a record: (table name, id).
    open_record = Signal(str, int)
    #: A message for the status bar.
    message = Signal(str)

    def __init__(
        self,
        db: Database,
        today: Callable[[], date] = date.today,
        parent: QObject | None = None,
        *,
        lock: DatabaseLock | None = None,
        read_only: bool = False,
    ) -> None:
        super().__init__(parent)
        self.db = db
        self.today = today
        self.lock = lock
        self.read_only = read_only
        self.undo_stack = QUndoStack(self)

    def replace_database(self, db: Database, lock: DatabaseLock | None, read_only: bool) -> None:
        """Switch to another database: the old one is closed and its lock released."""
        self.close()
        self.db, self.lock, self.read_only = db, lock, read_only
        self.undo_stack.clear()

    def close(self) -> None:
        self.db.close()
        if self.lock is not None:
            self.lock.release()
            self.lock = None

    def apply(self, edit: Edit, text: str) -> AccordError | None:
        """Apply one user edit as one transaction and one undo step.

        Returns None on success; an expected error (ValidationError with its field,
        StaleRecordError, NotFoundError) is returned for the caller to show where the user
        is looking, and nothing is written or pushed.
        """
        if self.read_only:
            return AccordError(
                self.tr(
                    "This database is open read-only because another Accord is using it. "
                    "Close it there, then open it again here to make changes."
                )
            )
        try:
            inverse, changes = self.db.run(edit.apply)
        except AccordError as exc:
            return exc
        self.undo_stack.push(EditCommand(self, inverse, text))
        self.changed.emit(changes)
        return None

    def run_inverse(self, edit: Edit) -> tuple[Edit, ChangeSet]:
        """Used by EditCommand for undo/redo."""
        inverse, changes = self.db.run(edit.apply)
        self.changed.emit(changes)
        return inverse, changes
