"""How the agreement views change data: one call per user edit, errors shown where the
user is looking.

`Editing.apply(edit, text, ...)` runs the edit through `AppContext.apply` (one transaction,
one undo step named `text`, one `changed` signal). What can go wrong is handled here, once,
for every section:

* ValidationError → its message under the field it names (a FieldMessage), nothing saved,
  the user's text left in place;
* StaleRecordError → the user sees what the other process changed (field by field, from
  the stored record and the change log) and chooses: put their own change on top, or keep
  the other version (the editor reloads and shows it). Nothing is overwritten silently;
* a record deleted elsewhere → a message, and the editor reloads.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QMessageBox, QWidget

from db.edits import Edit
from db.errors import AccordError, NotFoundError, StaleRecordError, ValidationError
from db.operations import agreements as aops
from db.tracking import ChangeSet
from desktop.agreements import format as words
from desktop.context import AppContext
from desktop.widgets.fields import FieldMessage

Messages = Mapping[str, FieldMessage]


class Editing(QObject):
    def __init__(self, context: AppContext, owner: QWidget, reload: Callable[[], None]) -> None:
        super().__init__(owner)
        self.context = context
        self._owner = owner
        self._reload = reload

    def apply(
        self,
        edit: Edit,
        text: str,
        *,
        message: FieldMessage | None = None,
        messages: Messages | None = None,
        force: Edit | None = None,
        record: tuple[str, int] | None = None,
        shown: Mapping[str, Any] | None = None,
    ) -> bool:
        """Apply one edit; True when it was saved.

        `message` shows a ValidationError whose field is not in `messages`. `force` is the
        same edit without the version check, offered when the record changed elsewhere;
        `record` and `shown` (the values on screen) let the user see what changed.
        """
        error = self.context.apply(edit, text)
        if error is None:
            if message is not None:  # other fields keep their messages (and the text typed)
                message.clear_error()
            return True
        return self._handle(error, text, message, messages, force, record, shown)

    def create(
        self,
        edit: Edit,
        text: str,
        table: str,
        *,
        message: FieldMessage | None = None,
        messages: Messages | None = None,
    ) -> int | None:
        """Apply an edit that creates a record of `table`; returns its id, None on error."""
        seen: list[ChangeSet] = []

        def collect(changes: ChangeSet) -> None:
            seen.append(changes)

        self.context.changed.connect(collect)
        try:
            saved = self.apply(edit, text, message=message, messages=messages)
        finally:
            self.context.changed.disconnect(collect)
        if not saved:
            return None
        created = sorted(i for changes in seen for name, i in changes.created if name == table)
        return created[0] if created else None

    def show_validation(
        self, error: ValidationError, message: FieldMessage | None, messages: Messages | None
    ) -> None:
        target = (messages or {}).get(error.field) or message
        if target is not None:
            target.show_error(error.message)
        else:
            QMessageBox.warning(self._owner, self.tr("Accord"), error.message)

    def ask(self, title: str, question: str) -> bool:
        """Ask once before deleting; True to go ahead."""
        answer = QMessageBox.question(
            self._owner,
            title,
            question,
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No,
        )
        return answer == QMessageBox.StandardButton.Yes

    # --- errors ---------------------------------------------------------------------------

    def _handle(
        self,
        error: AccordError,
        text: str,
        message: FieldMessage | None,
        messages: Messages | None,
        force: Edit | None,
        record: tuple[str, int] | None,
        shown: Mapping[str, Any] | None,
    ) -> bool:
        if isinstance(error, ValidationError):
            self.show_validation(error, message, messages)
            return False
        if isinstance(error, StaleRecordError):
            if self._keep_mine(error, record, shown, force is not None) and force is not None:
                return self.apply(force, text, message=message, messages=messages)
            self._reload()
            self.context.message.emit(
                self.tr("Showing the version saved elsewhere; your change was not saved.")
            )
            return False
        QMessageBox.warning(self._owner, self.tr("Accord"), error.message)
        if isinstance(error, NotFoundError):
            self._reload()
        return False

    def _keep_mine(
        self,
        error: StaleRecordError,
        record: tuple[str, int] | None,
        shown: Mapping[str, Any] | None,
        can_force: bool,
    ) -> bool:
        lines: list[str] = []
        if record is not None:
            with self.context.db.sessions() as session:
                changed = aops.changed_fields(session, *record, shown or {}) if shown else []
                latest = aops.latest_change(session, *record)
            for field, mine, theirs in changed or []:
                lines.append(
                    self.tr("• %1: you saw %2, now %3")
                    .replace("%1", words.field_label(field))
                    .replace("%2", words.value_words(field, mine))
                    .replace("%3", words.value_words(field, theirs))
                )
            if latest is not None:
                lines.append(
                    self.tr("Last changed by %1 at %2.")
                    .replace("%1", latest["who"])
                    .replace("%2", words.datetime_words(latest["at"]))
                )
        body = error.message
        if lines:
            body += "\n\n" + "\n".join(lines)
        if not can_force:
            QMessageBox.information(self._owner, self.tr("Changed elsewhere"), body)
            return False
        body += "\n\n" + self.tr(
            "Put your change on top of theirs? Choose No to keep their version; "
            "your change is then not saved."
        )
        answer = QMessageBox.question(
            self._owner,
            self.tr("Changed elsewhere"),
            body,
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No,
        )
        return answer == QMessageBox.StandardButton.Yes
