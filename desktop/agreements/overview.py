"""The overview section of an agreement: title, status, dates, the renewal chain, the
parties with their roles and signatories, aims and notes. Each field saves itself when the
user finishes it (Enter, Tab or leaving the field)."""

from __future__ import annotations

from collections.abc import Callable
from itertools import pairwise
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QFrame,
    QGridLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QScrollArea,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from db.dates import FlexDate
from db.enums import AgreementStatus
from db.operations import agreements as aops
from desktop.agreements import format as words
from desktop.agreements.editing import Editing
from desktop.agreements.model import PartiesModel
from desktop.agreements.widgets import (
    ChoiceDelegate,
    CommitTextEdit,
    LazyComboBox,
    Table,
    button,
    heading,
    hint,
    row,
    stacked,
)
from desktop.context import AppContext
from desktop.widgets.date_field import DateField
from desktop.widgets.fields import FieldMessage

NONE = 0  # "no agreement" / "no signatory" in combo boxes (ids start at 1)


class OverviewSection(QScrollArea):
    def __init__(
        self,
        context: AppContext,
        editing: Editing,
        open_agreement: Callable[[int], None],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.context = context
        self.editing = editing
        self._open_agreement = open_agreement
        self.detail: dict[str, Any] | None = None
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setAccessibleName(self.tr("Overview"))
        inner = QWidget(self)
        self.setWidget(inner)

        self.title = QLineEdit(inner)
        self.title.setAccessibleName(self.tr("Title"))
        self.title.setMaxLength(300)
        self.title.editingFinished.connect(self._commit_title)
        self.title_message = FieldMessage(self.title, inner)

        self.status = QComboBox(inner)
        self.status.setAccessibleName(self.tr("Status"))
        for status in AgreementStatus:
            self.status.addItem(words.status_label(status.value), status.value)
        self.status.activated.connect(self._commit_status)
        self.status_message = FieldMessage(self.status, inner)

        today = context.today()
        self.signed = DateField(self.tr("Signing date"), inner, reference=today)
        self.term_start = DateField(self.tr("Term starts"), inner, reference=today)
        self.term_end = DateField(self.tr("Term ends"), inner, reference=today)
        self.date_messages: dict[str, FieldMessage] = {}
        for name, field in (
            ("signed", self.signed),
            ("term_start", self.term_start),
            ("term_end", self.term_end),
        ):
            self.date_messages[name] = FieldMessage(field.edit, inner)
            field.committed.connect(lambda value, n=name, f=field: self._commit_date(n, f, value))

        self.renews = LazyComboBox(self.tr("Renews"), self._renews_choices, inner)
        self.renews.activated.connect(self._commit_renews)
        self.renews_message = FieldMessage(self.renews, inner)
        self.renewed_by = QLabel(inner)
        self.renewed_by.setAccessibleName(self.tr("Renewed by"))
        self.renewed_by.setTextInteractionFlags(
            Qt.TextInteractionFlag.LinksAccessibleByKeyboard
            | Qt.TextInteractionFlag.LinksAccessibleByMouse
        )
        self.renewed_by.linkActivated.connect(lambda link: self._open_agreement(int(link)))
        self.open_renewed = button(
            self.tr("Open"), self.tr("Open the agreement it renews"), inner, self._open_renews
        )

        form = QFormLayout()
        form.setHorizontalSpacing(10)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
        form.addRow(
            self._label(self.tr("&Title:"), self.title), stacked(self.title, self.title_message)
        )
        form.addRow(
            self._label(self.tr("St&atus:"), self.status), stacked(self.status, self.status_message)
        )
        form.addRow(
            self._label(self.tr("Si&gned:"), self.signed.edit),
            stacked(self.signed, self.date_messages["signed"]),
        )
        form.addRow(
            self._label(self.tr("Term &starts:"), self.term_start.edit),
            stacked(self.term_start, self.date_messages["term_start"]),
        )
        form.addRow(
            self._label(self.tr("Term &ends:"), self.term_end.edit),
            stacked(self.term_end, self.date_messages["term_end"]),
        )
        renews_row = QWidget(inner)
        renews_row.setLayout(row(self.renews, self.open_renewed, stretch_at=0))
        form.addRow(
            self._label(self.tr("Re&news:"), self.renews), stacked(renews_row, self.renews_message)
        )
        form.addRow(self._label(self.tr("Renewed by:"), self.renewed_by), self.renewed_by)

        # parties
        self.parties_model = PartiesModel(self)
        self.parties_model.commit = self._commit_party_cell
        self.parties = Table(
            self.tr("Parties"),
            self.tr("No parties yet — choose an organisation below and add it."),
            inner,
        )
        self.parties.setModel(self.parties_model)
        self.parties.setEditTriggers(
            Table.EditTrigger.DoubleClicked
            | Table.EditTrigger.EditKeyPressed
            | Table.EditTrigger.AnyKeyPressed
        )
        self.parties.setItemDelegateForColumn(
            0, ChoiceDelegate(self._organisation_choices, self.parties)
        )
        self.parties.setItemDelegateForColumn(
            2, ChoiceDelegate(self._signatory_choices, self.parties)
        )
        header = self.parties.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.parties.setMinimumHeight(110)
        self.parties.opened.connect(self.parties.edit)  # Enter edits the cell
        self.parties.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        self.parties_message = FieldMessage(self.parties, inner)
        self.party_choice = LazyComboBox(
            self.tr("Organisation to add as a party"), self._new_party_choices, inner
        )
        self.add_party_button = button(
            self.tr("Add &party"), self.tr("Add party"), inner, self._add_party
        )
        self.remove_party_button = button(
            self.tr("Remove party"), self.tr("Remove party"), inner, self.remove_party
        )

        self.aims = CommitTextEdit(self.tr("Aims"), inner)
        self.aims.editingFinished.connect(lambda: self._commit_text("aims", self.aims))
        self.aims_message = FieldMessage(self.aims, inner)
        self.notes = CommitTextEdit(self.tr("Notes"), inner)
        self.notes.editingFinished.connect(lambda: self._commit_text("notes", self.notes))
        self.notes_message = FieldMessage(self.notes, inner)
        for box in (self.aims, self.notes):
            box.setMinimumHeight(70)
            box.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)

        parties_box = QVBoxLayout()
        parties_box.setSpacing(4)
        parties_box.addWidget(heading(self.tr("Parties"), inner))
        parties_hint = hint(
            self.tr("Double-click or press F2 to change an organisation, role or signatory."),
            inner,
        )
        parties_box.addWidget(self.parties, 1)
        parties_box.addWidget(self.parties_message)
        parties_box.addLayout(
            row(self.party_choice, self.add_party_button, self.remove_party_button, stretch_at=0)
        )
        parties_box.addWidget(parties_hint)

        texts = QVBoxLayout()
        texts.setSpacing(4)
        texts.addWidget(self._label(self.tr("A&ims:"), self.aims))
        texts.addWidget(self.aims, 1)
        texts.addWidget(self.aims_message)
        texts.addWidget(self._label(self.tr("N&otes:"), self.notes))
        texts.addWidget(self.notes, 1)
        texts.addWidget(self.notes_message)

        grid = QGridLayout(inner)
        grid.setContentsMargins(12, 12, 12, 12)
        grid.setHorizontalSpacing(24)
        grid.setVerticalSpacing(12)
        grid.addLayout(form, 0, 0)
        grid.addLayout(parties_box, 0, 1)
        grid.addLayout(texts, 1, 0, 1, 2)
        grid.setColumnStretch(0, 1)
        grid.setColumnStretch(1, 1)
        grid.setRowStretch(1, 1)

        self.messages = {
            "title": self.title_message,
            "status": self.status_message,
            "signed": self.date_messages["signed"],
            "term_start": self.date_messages["term_start"],
            "term_end": self.date_messages["term_end"],
            "renews": self.renews_message,
            "parties": self.parties_message,
            "role": self.parties_message,
            "signatory": self.parties_message,
            "aims": self.aims_message,
            "notes": self.notes_message,
        }
        order = [
            self.title,
            self.status,
            self.signed.edit,
            self.signed.pick,
            self.term_start.edit,
            self.term_start.pick,
            self.term_end.edit,
            self.term_end.pick,
            self.renews,
            self.open_renewed,
            self.renewed_by,
            self.parties,
            self.party_choice,
            self.add_party_button,
            self.remove_party_button,
            self.aims,
            self.notes,
        ]
        for first, second in pairwise(order):
            QWidget.setTabOrder(first, second)

    def _label(self, text: str, buddy: QWidget) -> QLabel:
        label = QLabel(text, self.widget())
        label.setBuddy(buddy)
        return label

    # --- showing ---------------------------------------------------------------------------

    def show_detail(self, detail: dict[str, Any] | None) -> None:
        same = detail is not None and self.detail is not None and detail["id"] == self.detail["id"]
        if not same:
            for message in set(self.messages.values()):
                message.clear_error()
        self.detail = detail
        if detail is None:
            return
        if self.title_message.isHidden():
            self.title.setText(detail["title"])
            self.title.setCursorPosition(0)
        self.status.setCurrentIndex(max(self.status.findData(detail["status"]), 0))
        for name, field in (
            ("signed", self.signed),
            ("term_start", self.term_start),
            ("term_end", self.term_end),
        ):
            if self.date_messages[name].isHidden():
                field.set_value(detail[name])
        renews = detail["renews"]
        self.renews.set_current(
            renews["id"] if renews else NONE, renews["title"] if renews else self.tr("(none)")
        )
        self.renews.invalidate()
        self.open_renewed.setEnabled(renews is not None)
        renewed_by = detail["renewed_by"]
        if renewed_by:
            title = renewed_by["title"].replace("&", "&amp;").replace("<", "&lt;")
            self.renewed_by.setText(f'<a href="{renewed_by["id"]}">{title}</a>')
        else:
            self.renewed_by.setText(self.tr("not renewed yet"))
        self.parties_model.set_rows(detail["parties"])
        self.party_choice.invalidate()
        self.party_choice.set_current(NONE, self.tr("Choose an organisation…"))
        self.remove_party_button.setEnabled(bool(detail["parties"]))
        if self.aims_message.isHidden():
            self.aims.set_text(detail["aims"])
        if self.notes_message.isHidden():
            self.notes.set_text(detail["notes"])

    def shown_values(self) -> dict[str, Any]:
        d = self.detail or {}
        return {
            "title": d.get("title"),
            "status": d.get("status"),
            "signed": d.get("signed"),
            "term_start": d.get("term_start"),
            "term_end": d.get("term_end"),
            "aims": d.get("aims"),
            "notes": d.get("notes"),
            "renews_id": (d.get("renews") or {}).get("id"),
        }

    def commit_pending(self) -> None:
        """Save what the user typed but has not finished (the window is closing)."""
        if self.detail is None:
            return
        if self.title.isModified() and self.title.text() != self.detail["title"]:
            self._commit_title()
        for name, box in (("aims", self.aims), ("notes", self.notes)):
            if box.is_modified():
                self._commit_text(name, box)

    # --- saving ----------------------------------------------------------------------------

    def _set(self, values: dict[str, Any], text: str, message: FieldMessage) -> bool:
        d = self.detail
        if d is None:
            return False
        return self.editing.apply(
            aops.SetValues("agreement", d["id"], values, d["version"]),
            text,
            message=message,
            messages=self.messages,
            force=aops.SetValues("agreement", d["id"], values),
            record=("agreement", d["id"]),
            shown=self.shown_values(),
        )

    def _commit_title(self) -> None:
        if self.detail is None or self.title.text() == self.detail["title"]:
            return
        self._set(
            {"title": self.title.text().strip()}, self.tr("rename agreement"), self.title_message
        )

    def _commit_status(self, index: int) -> None:
        value = self.status.itemData(index)
        if self.detail is None or value == self.detail["status"]:
            return
        self._set({"status": AgreementStatus(value)}, self.tr("change status"), self.status_message)

    def _commit_date(self, name: str, field: DateField, value: FlexDate) -> None:
        if self.detail is None:
            return
        stored: FlexDate = self.detail[name]
        if value == stored:
            self.date_messages[name].clear_error()
            return
        text = {
            "signed": self.tr("change signing date"),
            "term_start": self.tr("change term start"),
            "term_end": self.tr("change term end"),
        }[name]
        if not self._set({name: value}, text, self.date_messages[name]):
            # keep what the user typed, but not as the field's value: typing it again
            # after fixing the other date must save it
            field.restore_value(stored)

    def _commit_text(self, name: str, box: CommitTextEdit) -> None:
        if self.detail is None or box.toPlainText() == self.detail[name]:
            return
        text = {"aims": self.tr("change aims"), "notes": self.tr("change notes")}[name]
        if self._set({name: box.toPlainText()}, text, self.messages[name]):
            box.set_text(box.toPlainText())

    def _renews_choices(self) -> list[tuple[Any, str]]:
        current = self.detail["id"] if self.detail else None
        with self.context.db.sessions() as session:
            choices = aops.agreement_choices(session)
        return [(NONE, self.tr("(none)"))] + [
            (c["id"], c["title"]) for c in choices if c["id"] != current
        ]

    def _commit_renews(self, index: int) -> None:
        d = self.detail
        value = self.renews.itemData(index)
        renews_id = None if value in (None, NONE) else int(value)
        if d is None or renews_id == (d["renews"] or {}).get("id"):
            return
        self.editing.apply(
            aops.SetRenews(d["id"], renews_id, d["version"]),
            self.tr("change renewed agreement"),
            message=self.renews_message,
            messages=self.messages,
            force=aops.SetRenews(d["id"], renews_id),
            record=("agreement", d["id"]),
            shown=self.shown_values(),
        )
        if not self.renews_message.isHidden() and self.detail is not None:
            renews = self.detail["renews"]
            self.renews.set_current(
                renews["id"] if renews else NONE, renews["title"] if renews else self.tr("(none)")
            )

    def _open_renews(self) -> None:
        if self.detail and self.detail["renews"]:
            self._open_agreement(self.detail["renews"]["id"])

    # --- parties ---------------------------------------------------------------------------

    def _party_values(self) -> list[aops.PartyValue]:
        return [
            (p["organisation_id"], p["role"], p["signatory_id"])
            for p in (self.detail or {}).get("parties", [])
        ]

    def _set_parties(self, parties: list[aops.PartyValue], text: str) -> bool:
        d = self.detail
        if d is None:
            return False
        return self.editing.apply(
            aops.SetParties(d["id"], tuple(parties), expected=tuple(self._party_values())),
            text,
            message=self.parties_message,
            messages=self.messages,
            force=aops.SetParties(d["id"], tuple(parties)),
        )

    def _organisation_choices(self, index: Any) -> list[tuple[Any, str]]:
        taken = {p[0] for p in self._party_values()}
        own = self.parties_model.row_data(index.row())["organisation_id"]
        with self.context.db.sessions() as session:
            choices = aops.organisation_choices(session)
        return [(o["id"], o["name"]) for o in choices if o["id"] == own or o["id"] not in taken]

    def _signatory_choices(self, index: Any) -> list[tuple[Any, str]]:
        organisation = self.parties_model.row_data(index.row())["organisation_id"]
        with self.context.db.sessions() as session:
            people = aops.contact_choices(session)
        # people of this organisation first
        people.sort(key=lambda c: (c["organisation_id"] != organisation, c["name"].casefold()))
        return [(NONE, self.tr("(no signatory)"))] + [
            (c["id"], f"{c['name']} — {c['title']}" if c["title"] else c["name"]) for c in people
        ]

    def _new_party_choices(self) -> list[tuple[Any, str]]:
        taken = {p[0] for p in self._party_values()}
        with self.context.db.sessions() as session:
            choices = aops.organisation_choices(session)
        return [(NONE, self.tr("Choose an organisation…"))] + [
            (o["id"], o["name"]) for o in choices if o["id"] not in taken
        ]

    def _commit_party_cell(self, party: dict[str, Any], column: str, value: Any) -> bool:
        parties = self._party_values()
        at = next(i for i, p in enumerate(parties) if p[0] == party["organisation_id"])
        organisation, role, signatory = parties[at]
        if column == "organisation":
            if value in (None, NONE):
                return False
            parties[at] = (int(value), role, signatory)
            text = self.tr("change party")
        elif column == "role":
            parties[at] = (organisation, str(value).strip(), signatory)
            text = self.tr("change party role")
        else:
            parties[at] = (organisation, role, None if value in (None, NONE) else int(value))
            text = self.tr("change signatory")
        return self._set_parties(parties, text)

    def _add_party(self) -> None:
        self.party_choice.fill()
        value = self.party_choice.currentData()
        if value in (None, NONE):
            self.parties_message.show_error(self.tr("Choose the organisation to add first."))
            self.party_choice.setFocus()
            return
        self._set_parties(
            [*self._party_values(), (int(value), "party", None)], self.tr("add party")
        )

    def remove_party(self) -> bool:
        row_index = self.parties.current_row()
        if self.detail is None or row_index is None:
            self.parties_message.show_error(self.tr("Select the party to remove first."))
            return False
        party = self.parties_model.row_data(row_index)
        if not self.editing.ask(
            self.tr("Remove party"),
            self.tr("Remove %1 from the parties of this agreement?").replace(
                "%1", party["organisation"]
            ),
        ):
            return True
        parties = [p for p in self._party_values() if p[0] != party["organisation_id"]]
        self._set_parties(parties, self.tr("remove party"))
        return True

    def delete_in(self, widget: QWidget | None) -> bool:
        """Edit > Delete while the focus is in this section."""
        if widget is self.parties or (widget is not None and self.parties.isAncestorOf(widget)):
            return self.remove_party()
        return False
