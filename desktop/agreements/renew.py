"""“Renew agreement…”: the next agreement in the chain, with the parties and focus areas
the user keeps. The whole renewal is one edit, so one Undo removes it."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
    QWidget,
)

from db.edits import Create
from db.errors import ValidationError
from db.operations import agreements as aops
from desktop.agreements.editing import Editing
from desktop.agreements.widgets import heading, hint, swatch
from desktop.context import AppContext
from desktop.widgets.date_field import DateField
from desktop.widgets.fields import FieldMessage


class RenewDialog(QDialog):
    """Asks for the new title and term and which parties and focus areas carry over.

    Accepting applies the renewal; `created_id` is then the new agreement's id.
    """

    def __init__(
        self, context: AppContext, editing: Editing, agreement_id: int, parent: QWidget | None
    ) -> None:
        super().__init__(parent)
        self.context = context
        self.editing = editing
        self.agreement_id = agreement_id
        self.created_id: int | None = None
        with context.db.sessions() as session:
            suggestion = aops.suggest_renewal(session, agreement_id)
            old_title = aops.agreement_detail(session, agreement_id)["title"]
        self.setWindowTitle(self.tr("Renew agreement"))
        self.setAccessibleName(self.tr("Renew agreement"))
        self.setMinimumWidth(700)

        intro = QLabel(
            self.tr(
                "The new agreement renews “%1”: the two are linked both ways. Untick the "
                "parties and focus areas that do not carry over. Copied focus areas keep "
                "their objectives and continue the old ones."
            ).replace("%1", old_title),
            self,
        )
        intro.setWordWrap(True)

        self.title = QLineEdit(suggestion["title"], self)
        self.title.setAccessibleName(self.tr("Title of the new agreement"))
        self.title.setMaxLength(300)
        self.title_message = FieldMessage(self.title, self)
        today = context.today()
        self.term_start = DateField(self.tr("Term of the new agreement starts"), self, today)
        self.term_start.set_value(suggestion["term_start"])
        self.term_end = DateField(self.tr("Term of the new agreement ends"), self, today)
        self.term_end.set_value(suggestion["term_end"])
        self.start_message = FieldMessage(self.term_start.edit, self)
        self.end_message = FieldMessage(self.term_end.edit, self)

        self.parties = QListWidget(self)
        self.parties.setAccessibleName(self.tr("Parties that carry over"))
        for party in suggestion["parties"]:
            item = QListWidgetItem(party["name"], self.parties)
            item.setData(Qt.ItemDataRole.UserRole, party["organisation_id"])
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked)
        self.parties_message = FieldMessage(self.parties, self)
        self.focus_areas = QListWidget(self)
        self.focus_areas.setAccessibleName(self.tr("Focus areas that carry over"))
        for area in suggestion["focus_areas"]:
            item = QListWidgetItem(swatch(area["colour"]), area["name"], self.focus_areas)
            item.setData(Qt.ItemDataRole.UserRole, area["id"])
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked)
        self.focus_areas_message = FieldMessage(self.focus_areas, self)
        for box in (self.parties, self.focus_areas):
            box.setMinimumHeight(120)
            box.setTextElideMode(Qt.TextElideMode.ElideMiddle)

        self.buttons = QDialogButtonBox(self)
        self.renew_button = self.buttons.addButton(
            self.tr("Renew"), QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.renew_button.setAccessibleName(self.tr("Renew"))
        self.renew_button.setDefault(True)
        cancel = self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        cancel.setAccessibleName(self.tr("Cancel"))
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)

        form = QFormLayout()
        form.setHorizontalSpacing(10)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
        form.addRow(
            self._label(self.tr("&Title:"), self.title), self._stack(self.title, self.title_message)
        )
        form.addRow(
            self._label(self.tr("Term &starts:"), self.term_start.edit),
            self._stack(self.term_start, self.start_message),
        )
        form.addRow(
            self._label(self.tr("Term &ends:"), self.term_end.edit),
            self._stack(self.term_end, self.end_message),
        )
        lists = QHBoxLayout()
        for title, box, message, stretch in (
            (self.tr("&Parties"), self.parties, self.parties_message, 2),
            (self.tr("&Focus areas"), self.focus_areas, self.focus_areas_message, 3),
        ):
            column = QVBoxLayout()
            label = heading(title, self)
            label.setBuddy(box)
            column.addWidget(label)
            column.addWidget(box, 1)
            column.addWidget(message)
            lists.addLayout(column, stretch)
        layout = QVBoxLayout(self)
        layout.setSpacing(10)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addLayout(lists, 1)
        layout.addWidget(hint(self.tr("Space ticks or unticks the selected line."), self))
        layout.addWidget(self.buttons)
        self.messages = {
            "title": self.title_message,
            "term_start": self.start_message,
            "term_end": self.end_message,
            "parties": self.parties_message,
            "focus_areas": self.focus_areas_message,
            "renews": self.title_message,
        }

    def _label(self, text: str, buddy: QWidget) -> QLabel:
        label = QLabel(text, self)
        label.setBuddy(buddy)
        return label

    def _stack(self, field: QWidget, message: FieldMessage) -> QWidget:
        holder = QWidget(self)
        layout = QVBoxLayout(holder)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(field)
        layout.addWidget(message)
        return holder

    @staticmethod
    def _checked(box: QListWidget) -> list[int]:
        return [
            int(box.item(i).data(Qt.ItemDataRole.UserRole))
            for i in range(box.count())
            if box.item(i).checkState() == Qt.CheckState.Checked
        ]

    def party_ids(self) -> list[int]:
        return self._checked(self.parties)

    def focus_area_ids(self) -> list[int]:
        return self._checked(self.focus_areas)

    def accept(self) -> None:
        for message in set(self.messages.values()):
            message.clear_error()
        terms: dict[str, Any] = {}
        for name, field, message in (
            ("term_start", self.term_start, self.start_message),
            ("term_end", self.term_end, self.end_message),
        ):
            try:
                terms[name] = field.parse()
            except ValidationError as error:
                message.show_error(error.message)
                field.setFocus()
                return
        created = self.editing.create(
            Create(
                aops.renew_agreement,
                (self.agreement_id,),
                {
                    "title": self.title.text(),
                    "party_ids": self.party_ids(),
                    "focus_area_ids": self.focus_area_ids(),
                    "reference": self.context.today(),
                    **terms,
                },
            ),
            self.tr("renew agreement"),
            "agreement",
            message=self.title_message,
            messages=self.messages,
        )
        if created is None:
            return
        self.created_id = created
        super().accept()
