"""QUndoCommands over db edit values: the stack stores inverses, never ORM objects."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from PySide6.QtGui import QUndoCommand
from PySide6.QtWidgets import QApplication, QMessageBox

from db.edits import Edit
from db.errors import AccordError

if TYPE_CHECKING:
    from desktop.context import AppContext


class EditCommand(QUndoCommand):
    """Holds the edit that reverses what was last done; swaps it on each undo and redo.

    The change is already applied when the command is pushed, so the first redo() (which
    QUndoStack.push calls) does nothing.
    """

    def __init__(self, context: AppContext, inverse: Edit, text: str) -> None:
        super().__init__(text)
        self._context = context
        self._pending: Edit = inverse
        self._applied_on_push = True

    def _swap(self) -> None:
        try:
            self._pending, _ = self._context.run_inverse(self._pending)
        except AccordError as exc:
            self.setObsolete(True)  # the stack drops a command it cannot carry out
            QMessageBox.warning(
                QApplication.activeWindow(),
                QApplication.translate("EditCommand", "Accord"),
                exc.message,
            )

    def redo(self) -> None:
        if self._applied_on_push:
            self._applied_on_push = False
            return
        self._swap()

    def undo(self) -> None:
        self._swap()
