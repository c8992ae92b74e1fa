"""The contact editor: every field saved when the user leaves it, one undo step each."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLineEdit,
    QToolButton,
    QWidget,
)
from sqlalchemy.orm import Session

from db.edits import Edit
from db.operations import contacts as contact_ops
from db.operations.contacts import EmailRow, PhoneRow, SetEmails, SetPhones
from desktop.contacts.model import label_text, link_rows
from desktop.contacts.records import PlainTableModel, RecordEditor
from desktop.contacts.widgets import RowNames, RowsEditor, ShownRow
from desktop.context import AppContext


def set_phones(contact_id: int, rows: list[tuple[str, str]], version: int | None) -> Edit:
    return SetPhones(contact_id, tuple(PhoneRow(label, text) for label, text in rows), version)


def set_emails(contact_id: int, rows: list[tuple[str, str]], version: int | None) -> Edit:
    return SetEmails(contact_id, tuple(EmailRow(label, text) for label, text in rows), version)


class ContactEditor(RecordEditor):
    TABLE = "contact"
    OPTIONAL = frozenset({"title"})

    def __init__(
        self, context: AppContext, region: str | None = None, parent: QWidget | None = None
    ) -> None:
        super().__init__(context, parent)
        self.region = region
        self.name = self.add_line("name", self.tr("&Name:"), self.tr("Name"), 200)
        self.job_title = self.add_line("title", self.tr("&Title:"), self.tr("Title"), 200)
        self.job_title.setPlaceholderText(self.tr("e.g. Partnership coordinator"))

        self.organisation = QComboBox(self.form_widget)
        self.organisation.activated.connect(self._organisation_chosen)
        self.open_organisation = QToolButton(self.form_widget)
        self.open_organisation.setText(self.tr("Open"))
        self.open_organisation.setAccessibleName(self.tr("Open the organisation"))
        self.open_organisation.setToolTip(self.tr("Show this organisation"))
        self.open_organisation.clicked.connect(self._show_organisation)
        box = QWidget(self.form_widget)
        row = QHBoxLayout(box)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.organisation, 1)
        row.addWidget(self.open_organisation)
        caption = self.add_field(
            "organisation_id", self.tr("&Organisation:"), box, "", buddy=self.organisation
        )
        caption.setBuddy(self.organisation)
        self.organisation.setAccessibleName(self.tr("Organisation"))

        self.phones = RowsEditor(
            [(key, label_text(key)) for key in contact_ops.PHONE_LABELS],
            RowNames(
                label=self.tr("Phone %1 label"),
                text=self.tr("Phone %1 number"),
                remove=self.tr("Remove phone %1"),
                add=self.tr("Add &phone number"),
                placeholder=self.tr("e.g. +358 9 816 21 or 041 2345678"),
                empty=self.tr("No phone numbers"),
            ),
            max_length=60,
            parent=self.form_widget,
        )
        self.add_rows(
            "phones", self.tr("Phone numbers:"), self.phones, self.tr("Phone numbers"), set_phones
        )

        self.emails = RowsEditor(
            [(key, label_text(key)) for key in contact_ops.EMAIL_LABELS],
            RowNames(
                label=self.tr("E-mail %1 label"),
                text=self.tr("E-mail %1 address"),
                remove=self.tr("Remove e-mail %1"),
                add=self.tr("Add &e-mail address"),
                placeholder=self.tr("e.g. name@espoo.fi"),
                empty=self.tr("No e-mail addresses"),
            ),
            max_length=254,
            parent=self.form_widget,
        )
        self.add_rows(
            "emails", self.tr("E-mail:"), self.emails, self.tr("E-mail addresses"), set_emails
        )
        self.notes = self.add_notes("notes", self.tr("No&tes:"), self.tr("Notes"))

        self.links_model = PlainTableModel(
            (self.tr("Record"), self.tr("Title"), self.tr("Role"), self.tr("Date")), self
        )
        self.links, self.links_empty = self.add_table(
            self.tr("&Linked to:"),
            self.links_model,
            self.tr("Linked to"),
            self.tr("Not linked to any agreement or milestone yet."),
            below=True,
        )
        self.relink_tab_order()

    # --- RecordEditor ---------------------------------------------------------------------

    def read(self, session: Session, record_id: int) -> dict[str, Any] | None:
        detail = contact_ops.contact_detail(session, record_id)
        if detail is not None:
            detail["links"] = contact_ops.contact_links(session, record_id)
            detail["choices"] = contact_ops.organisation_choices(session)
        return detail

    def populate(self, detail: dict[str, Any], force: bool, saved: set[str]) -> None:
        self.heading.setText(detail["name"])
        self.set_line("name", detail["name"], force, saved)
        self.set_line("title", detail["title"], force, saved)

        self.organisation.blockSignals(True)
        self.organisation.clear()
        self.organisation.addItem(self.tr("(none)"), None)
        for org_id, org_name in detail["choices"]:
            self.organisation.addItem(org_name, org_id)
        current = self.organisation.findData(detail["organisation_id"])
        self.organisation.setCurrentIndex(max(0, current))
        self.organisation.blockSignals(False)
        self.open_organisation.setEnabled(detail["organisation_id"] is not None)
        if force or "organisation_id" in saved:
            self.clear_error("organisation_id")

        phones = [
            ShownRow(
                p.label,
                contact_ops.format_phone(p.e164 or "", self.region),
                p.raw,
                self.tr("As typed: %1").replace("%1", p.raw),
            )
            for p in detail["phones"]
        ]
        self.set_rows("phones", phones, force, saved)
        emails = [ShownRow(e.label, e.address, e.address) for e in detail["emails"]]
        self.set_rows("emails", emails, force, saved)
        self.set_notes("notes", detail["notes"], force, saved)

        self.show_table(self.links, self.links_empty, link_rows(detail["links"]))
        self.relink_tab_order()

    def snapshot(self, detail: dict[str, Any]) -> list[tuple[str, str]]:
        return [
            (self.tr("Name"), detail["name"]),
            (self.tr("Title"), detail["title"] or ""),
            (self.tr("Organisation"), detail["organisation"] or ""),
            (self.tr("Phone numbers"), ", ".join(p.raw for p in detail["phones"])),
            (self.tr("E-mail addresses"), ", ".join(e.address for e in detail["emails"])),
            (self.tr("Notes"), detail["notes"]),
        ]

    def edit_text(self, key: str) -> str:
        return {
            "name": self.tr("rename contact"),
            "title": self.tr("change contact's title"),
            "organisation_id": self.tr("change contact's organisation"),
            "phones": self.tr("edit phone numbers"),
            "emails": self.tr("edit e-mail addresses"),
            "notes": self.tr("edit contact's notes"),
        }[key]

    def first_field(self) -> QLineEdit:
        return self.name

    def focus_chain(self) -> list[QWidget]:
        return [
            self.name,
            self.job_title,
            self.organisation,
            self.open_organisation,
            *self.phones.focus_chain(),
            *self.emails.focus_chain(),
            self.notes,
            self.links,
        ]

    def stored_rows(self, key: str) -> list[tuple[str, str]]:
        assert self._detail is not None
        if key == "phones":
            return [(p.label, p.raw) for p in self._detail["phones"]]
        return [(e.label, e.address) for e in self._detail["emails"]]

    # --- saving ---------------------------------------------------------------------------

    def _organisation_chosen(self, index: int) -> None:
        if self._detail is None or self._pending is not None:
            return
        value = self.organisation.itemData(index)
        if value != self._detail["organisation_id"]:
            self.set_fields(
                {"organisation_id": value}, self.edit_text("organisation_id"), "organisation_id"
            )

    def _show_organisation(self) -> None:
        if self._detail is not None and self._detail["organisation_id"] is not None:
            self.context.open_record.emit("organisation", int(self._detail["organisation_id"]))
