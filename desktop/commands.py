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
            self._refuse(exc.message)
        except Exception as exc:  # the database refused: nothing was written (one transaction)
            logging.getLogger("accord.undo").exception("undo/redo of %r failed", self.text())
            first_line = (str(exc).splitlines() or [type(exc).__name__])[0][:200]
            self._refuse(
                QApplication.translate(
                    "EditCommand",
                    "This step could not be undone or redone (%1). Nothing was changed.",
                ).replace("%1", first_line)
            )

    def _refuse(self, message: str) -> None:
        self.setObsolete(True)  # the stack drops a command it cannot carry out
        QMessageBox.warning(
            QApplication.activeWindow(), QApplication.translate("EditCommand", "Accord"), message
        )

    def redo(self) -> None:
        if self._applied_on_push:
            self._applied_on_push = False
            return
        self._swap()

    def undo(self) -> None:
        self._swap()
