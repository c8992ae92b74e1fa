"""The agreement's milestones, contacts, attachments and change history."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from PySide6.QtCore import QProcess, Qt, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QHeaderView,
    QInputDialog,
    QLabel,
    QMessageBox,
    QVBoxLayout,
    QWidget,
)

from db.edits import Create, Delete
from db.errors import ValidationError
from db.operations import agreements as aops
from db.validation import require_text
from desktop.agreements.editing import Editing
from desktop.agreements.model import (
    AttachmentsModel,
    ContactsModel,
    HistoryModel,
    MilestonesModel,
)
from desktop.agreements.widgets import LazyComboBox, Table, button, hint, row
from desktop.context import AppContext
from desktop.widgets.fields import FieldMessage

#: Roles offered when a contact is added (any other text may be typed).
CONTACT_ROLES = (
    "coordinator",
    "signatory",
    "focus-area lead",
    "press contact",
    "event organiser",
    "leadership",
)


def _layout(widget: QWidget) -> QVBoxLayout:
    layout = QVBoxLayout(widget)
    layout.setContentsMargins(12, 12, 12, 12)
    layout.setSpacing(6)
    return layout


class MilestonesSection(QWidget):
    """This agreement's milestones; Enter or a double-click opens one on its own page."""

    def __init__(self, context: AppContext, editing: Editing, parent: QWidget | None = None):
        super().__init__(parent)
        self.context = context
        self.editing = editing
        self.agreement_id: int | None = None
        self.setAccessibleName(self.tr("Milestones"))
        self.model = MilestonesModel(context.db, self)
        self.table = Table(
            self.tr("Milestones of the agreement"),
            self.tr("No milestones yet — add one with the button below."),
            self,
        )
        self.table.setModel(self.model)
        self.table.stretch(1, QHeaderView.ResizeMode.ResizeToContents)
        self.table.opened.connect(lambda index: self._open(index.row()))
        self.message = FieldMessage(self.table, self)
        self.add_button = button(
            self.tr("&Add milestone"), self.tr("Add milestone"), self, self.add_milestone
        )
        self.open_button = button(
            self.tr("&Open milestone"), self.tr("Open milestone"), self, self._open_current
        )
        layout = _layout(self)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.message)
        layout.addLayout(row(self.add_button, self.open_button, None))
        layout.addWidget(
            hint(
                self.tr("Enter or a double-click opens the milestone on the Milestones page."), self
            )
        )

    def set_agreement(self, agreement_id: int | None) -> None:
        if agreement_id != self.agreement_id:
            self.message.clear_error()
        self.agreement_id = agreement_id
        self.model.set_agreement(agreement_id)

    def reload(self) -> None:
        self.model.reload()

    def _open(self, row_index: int) -> None:
        if 0 <= row_index < self.model.rowCount():
            self.context.open_record.emit("milestone", self.model.id_at(row_index))

    def _open_current(self) -> None:
        row_index = self.table.current_row()
        if row_index is None:
            self.message.show_error(self.tr("Select the milestone to open first."))
            return
        self._open(row_index)

    def add_milestone(self) -> None:
        if self.agreement_id is None:
            return
        created = self.editing.create(
            Create(aops.add_milestone_to, (self.agreement_id, self.tr("New milestone"))),
            self.tr("add milestone"),
            "milestone",
            message=self.message,
        )
        if created is not None:
            self.context.open_record.emit("milestone", created)


class ContactsSection(QWidget):
    """People with a role on the agreement (a coordinator, a focus area's lead, ...)."""

    def __init__(self, context: AppContext, editing: Editing, parent: QWidget | None = None):
        super().__init__(parent)
        self.context = context
        self.editing = editing
        self.detail: dict[str, Any] | None = None
        self.setAccessibleName(self.tr("Contacts"))
        self.model = ContactsModel(self)
        self.model.commit = self._commit_role
        self.table = Table(
            self.tr("Contacts of the agreement"),
            self.tr("No contacts yet — choose a person and a role below."),
            self,
        )
        self.table.setModel(self.model)
        self.table.setEditTriggers(
            Table.EditTrigger.DoubleClicked | Table.EditTrigger.EditKeyPressed
        )
        self.table.stretch(0, QHeaderView.ResizeMode.Stretch)
        self.table.opened.connect(lambda index: self._open(index.row()))
        self.message = FieldMessage(self.table, self)

        self.contact = LazyComboBox(self.tr("Contact to add"), self._contact_choices, self)
        self.role = QComboBox(self)
        self.role.setEditable(True)
        self.role.setAccessibleName(self.tr("Role of the contact"))
        self.role.addItems(list(CONTACT_ROLES))
        self.role.lineEdit().setMaxLength(40)
        self.role.lineEdit().setAccessibleName(self.tr("Role of the contact"))
        self.focus_area = QComboBox(self)
        self.focus_area.setAccessibleName(self.tr("Focus area of the role"))
        self.add_button = button(self.tr("Add &contact"), self.tr("Add contact"), self, self.add)
        self.remove_button = button(self.tr("Remove"), self.tr("Remove contact"), self, self.remove)
        self.add_message = FieldMessage(self.role, self)
        layout = _layout(self)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.message)
        form = row(
            QLabel(self.tr("Person:"), self),
            self.contact,
            QLabel(self.tr("Role:"), self),
            self.role,
            QLabel(self.tr("For:"), self),
            self.focus_area,
            self.add_button,
            stretch_at=1,
        )
        layout.addLayout(form)
        layout.addWidget(self.add_message)
        layout.addLayout(row(self.remove_button, None))
        layout.addWidget(
            hint(
                self.tr(
                    "Double-click or press F2 on a role to change it; Enter opens the person "
                    "on the Contacts page."
                ),
                self,
            )
        )

    def show_detail(self, detail: dict[str, Any] | None) -> None:
        if detail is None or self.detail is None or detail["id"] != self.detail["id"]:
            self.message.clear_error()
            self.add_message.clear_error()
        self.detail = detail
        self.model.set_rows(detail["contacts"] if detail else [])
        self.contact.invalidate()
        self.contact.set_current(0, self.tr("Choose a person…"))
        current = self.focus_area.currentData()
        self.focus_area.clear()
        self.focus_area.addItem(self.tr("the whole agreement"), 0)
        for area in (detail or {}).get("focus_areas", []):
            self.focus_area.addItem(area["name"], area["id"])
        self.focus_area.setCurrentIndex(max(self.focus_area.findData(current), 0))
        self.remove_button.setEnabled(bool(detail and detail["contacts"]))

    def _contact_choices(self) -> list[tuple[Any, str]]:
        with self.context.db.sessions() as session:
            people = aops.contact_choices(session)
        return [(0, self.tr("Choose a person…"))] + [
            (c["id"], f"{c['name']} — {c['title']}" if c["title"] else c["name"]) for c in people
        ]

    def _open(self, row_index: int) -> None:
        if 0 <= row_index < self.model.rowCount():
            self.context.open_record.emit("contact", self.model.row_data(row_index)["contact_id"])

    def add(self) -> None:
        if self.detail is None:
            return
        self.contact.fill()
        contact = self.contact.currentData()
        if not contact:
            self.add_message.show_error(self.tr("Choose the person to add first."))
            return
        focus_area = self.focus_area.currentData() or None
        self.editing.create(
            Create(
                aops.add_contact_to_agreement,
                (self.detail["id"], int(contact), self.role.currentText(), focus_area),
            ),
            self.tr("add contact"),
            "agreement_contact",
            message=self.add_message,
        )

    def _commit_role(self, link: dict[str, Any], column: str, value: Any) -> bool:
        try:
            role = require_text("role", str(value or ""), "contact's role")
        except ValidationError as error:
            self.message.show_error(error.message)
            return False
        if len(role) > 40:
            self.message.show_error(self.tr("A role is at most 40 characters. Shorten it."))
            return False
        return self.editing.apply(
            aops.SetValues("agreement_contact", link["id"], {"role": role}),
            self.tr("change contact's role"),
            message=self.message,
        )

    def remove(self) -> bool:
        row_index = self.table.current_row()
        if row_index is None:
            self.message.show_error(self.tr("Select the contact to remove first."))
            return False
        link = self.model.row_data(row_index)
        question = (
            self.tr("Remove %1 (%2) from this agreement's contacts? You can undo this.")
            .replace("%1", link["name"])
            .replace("%2", link["role"])
        )
        if self.editing.ask(self.tr("Remove contact"), question):
            self.editing.apply(
                Delete("agreement_contact", link["id"]),
                self.tr("remove contact"),
                message=self.message,
            )
        return True

    def delete_in(self, widget: QWidget | None) -> bool:
        if widget is not None and (widget is self.table or self.table.isAncestorOf(widget)):
            return self.remove()
        return False


def reveal_in_file_manager(path: Path) -> bool:
    """Show the file selected in Explorer or Finder; elsewhere open its folder."""
    if sys.platform == "win32":
        return QProcess.startDetached("explorer", ["/select,", str(path)])[0]
    if sys.platform == "darwin":
        return QProcess.startDetached("open", ["-R", str(path)])[0]
    return QDesktopServices.openUrl(QUrl.fromLocalFile(str(path.parent)))


class AttachmentsSection(QWidget):
    """Files and links attached to the agreement, opened only when the user asks."""

    def __init__(self, context: AppContext, editing: Editing, parent: QWidget | None = None):
        super().__init__(parent)
        self.context = context
        self.editing = editing
        self.detail: dict[str, Any] | None = None
        self.setAccessibleName(self.tr("Attachments"))
        self.model = AttachmentsModel(self)
        self.model.commit = self._commit_label
        self.table = Table(
            self.tr("Attachments of the agreement"),
            self.tr("No attachments yet — attach the signed document with “Add file…”."),
            self,
        )
        self.table.setModel(self.model)
        self.table.setEditTriggers(Table.EditTrigger.EditKeyPressed)
        self.table.stretch(1, QHeaderView.ResizeMode.Interactive)
        self.table.horizontalHeader().resizeSection(0, 260)
        self.table.opened.connect(lambda index: self.open_attachment())
        self.table.selectionModel().selectionChanged.connect(lambda *_: self._enable())
        self.message = FieldMessage(self.table, self)
        self.add_file_button = button(
            self.tr("Add &file…"), self.tr("Add file"), self, self.add_file
        )
        self.add_link_button = button(
            self.tr("Add &link…"), self.tr("Add link"), self, self.add_link
        )
        self.open_button = button(
            self.tr("&Open"), self.tr("Open attachment"), self, self.open_attachment
        )
        self.reveal_button = button(
            self.tr("&Reveal in file manager"),
            self.tr("Reveal in file manager"),
            self,
            self.reveal,
        )
        self.remove_button = button(
            self.tr("Remove"), self.tr("Remove attachment"), self, self.remove
        )
        layout = _layout(self)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.message)
        layout.addLayout(
            row(
                self.add_file_button,
                self.add_link_button,
                None,
                self.open_button,
                self.reveal_button,
                self.remove_button,
            )
        )
        layout.addWidget(
            hint(self.tr("Enter or a double-click opens the attachment; F2 renames it."), self)
        )
        self._enable()

    def show_detail(self, detail: dict[str, Any] | None) -> None:
        if detail is None or self.detail is None or detail["id"] != self.detail["id"]:
            self.message.clear_error()
        self.detail = detail
        self.model.set_rows(detail["attachments"] if detail else [])
        self._enable()

    def current(self) -> dict[str, Any] | None:
        row_index = self.table.current_row()
        return None if row_index is None else self.model.row_data(row_index)

    def _enable(self) -> None:
        item = self.current()
        self.open_button.setEnabled(item is not None)
        self.reveal_button.setEnabled(item is not None and not item["is_url"])
        self.remove_button.setEnabled(item is not None)

    def _add(self, location: str) -> None:
        if self.detail is None:
            return
        created = self.editing.create(
            Create(aops.add_attachment, (self.detail["id"], location)),
            self.tr("add attachment"),
            "attachment",
            message=self.message,
        )
        if created is not None:
            row_index = self.model.row_of(created)
            if row_index is not None:
                self.table.selectRow(row_index)

    def add_file(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, self.tr("Attach a file"))
        if path:
            self._add(str(Path(path)))

    def add_link(self) -> None:
        url, ok = QInputDialog.getText(
            self, self.tr("Attach a link"), self.tr("Address of the document (https://…):")
        )
        if ok and url.strip():
            self._add(url.strip())

    def _missing(self, item: dict[str, Any]) -> None:
        QMessageBox.warning(
            self,
            self.tr("File not found"),
            self.tr(
                "The file “%1” is not there any more. It may have been moved, renamed or "
                "be on a drive that is not connected. Attach it again from its new place "
                "and remove this attachment."
            ).replace("%1", item["location"]),
        )

    def open_attachment(self) -> None:
        item = self.current()
        if item is None:
            self.message.show_error(self.tr("Select the attachment to open first."))
            return
        if item["is_url"]:
            url = QUrl(item["location"])
        else:
            path = Path(item["location"])
            if not path.exists():
                self._missing(item)
                return
            url = QUrl.fromLocalFile(str(path))
        if not QDesktopServices.openUrl(url):
            self.message.show_error(
                self.tr("No program on this computer opens “%1”.").replace("%1", item["location"])
            )

    def reveal(self) -> None:
        item = self.current()
        if item is None or item["is_url"]:
            return
        path = Path(item["location"])
        if not path.exists():
            self._missing(item)
            return
        if not reveal_in_file_manager(path):
            self.message.show_error(self.tr("The file manager could not be opened."))

    def _commit_label(self, item: dict[str, Any], column: str, value: Any) -> bool:
        try:
            label = require_text("label", str(value or ""), "attachment's name")
        except ValidationError as error:
            self.message.show_error(error.message)
            return False
        return self.editing.apply(
            aops.SetValues("attachment", item["id"], {"label": label}),
            self.tr("rename attachment"),
            message=self.message,
        )

    def remove(self) -> bool:
        item = self.current()
        if item is None:
            self.message.show_error(self.tr("Select the attachment to remove first."))
            return False
        question = self.tr(
            "Remove the attachment “%1” from this agreement? The file itself is not deleted. "
            "You can undo this."
        ).replace("%1", item["label"])
        if self.editing.ask(self.tr("Remove attachment"), question):
            self.editing.apply(
                Delete("attachment", item["id"]), self.tr("remove attachment"), message=self.message
            )
        return True

    def delete_in(self, widget: QWidget | None) -> bool:
        if widget is not None and (widget is self.table or self.table.isAncestorOf(widget)):
            return self.remove()
        return False


class HistorySection(QWidget):
    """Who changed what in this agreement and its parts, newest first."""

    def __init__(self, context: AppContext, parent: QWidget | None = None):
        super().__init__(parent)
        self.setAccessibleName(self.tr("Change history"))
        self.model = HistoryModel(context.db, self)
        self.table = Table(self.tr("Change history"), self.tr("No changes recorded yet."), self)
        self.table.setModel(self.model)
        self.table.stretch(3, QHeaderView.ResizeMode.Interactive)
        header = self.table.horizontalHeader()
        for column, width in ((0, 130), (1, 90), (2, 260)):
            header.resizeSection(column, width)
        self.table.setTextElideMode(Qt.TextElideMode.ElideRight)
        layout = _layout(self)
        layout.addWidget(self.table, 1)

    def set_agreement(self, agreement_id: int | None) -> None:
        self.model.set_agreement(agreement_id)

    def reload(self) -> None:
        self.model.reload()
