"""The organisation editor: its fields, its name in other languages, contacts, agreements."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QLineEdit, QPushButton, QWidget
from sqlalchemy.orm import Session

from db.edits import Create, Edit
from db.enums import OrganisationKind
from db.operations import contacts as contact_ops
from db.operations.contacts import NameRow, SetOrganisationNames
from db.tracking import ChangeSet
from desktop.contacts.model import phone_text
from desktop.contacts.records import PlainRow, PlainTableModel, RecordEditor
from desktop.contacts.widgets import RowNames, RowsEditor, ShownRow
from desktop.context import AppContext
from desktop.organisations.model import (
    country_choices,
    country_name,
    kind_text,
    language_text,
    status_text,
)


def set_names(organisation_id: int, rows: list[tuple[str, str]], version: int | None) -> Edit:
    names = tuple(NameRow(lang, name) for lang, name in rows)
    return SetOrganisationNames(organisation_id, names, version)


class OrganisationEditor(RecordEditor):
    TABLE = "organisation"
    OPTIONAL = frozenset({"short_name", "website"})

    def __init__(
        self, context: AppContext, region: str | None = None, parent: QWidget | None = None
    ) -> None:
        super().__init__(context, parent)
        self.region = region
        self.name = self.add_line("name", self.tr("&Name:"), self.tr("Name"), 200)
        self.short_name = self.add_line(
            "short_name", self.tr("S&hort name:"), self.tr("Short name"), 60
        )
        self.short_name.setPlaceholderText(self.tr("e.g. Espoo"))
        self.kind = self.add_choice(
            "kind",
            self.tr("&Kind:"),
            self.tr("Kind"),
            [(k.value, kind_text(k.value)) for k in OrganisationKind],
        )
        self.country = self.add_choice(
            "country", self.tr("&Country:"), self.tr("Country"), country_choices()
        )
        self.country.setToolTip(
            self.tr("Phone numbers of its contacts typed without a country code are read as this")
        )
        self.website = self.add_line("website", self.tr("&Website:"), self.tr("Website"), 300)
        self.website.setPlaceholderText(self.tr("https://…"))

        self.names = RowsEditor(
            [(code, language_text(code)) for code in contact_ops.NAME_LANGUAGES],
            RowNames(
                label=self.tr("Name %1 language"),
                text=self.tr("Name %1 in that language"),
                remove=self.tr("Remove name %1"),
                add=self.tr("Add &language version"),
                placeholder=self.tr("The name in this language"),
                empty=self.tr("No other language versions"),
            ),
            max_length=200,
            unique_labels=True,
            parent=self.form_widget,
        )
        self.add_rows(
            "names",
            self.tr("The name in other languages:"),
            self.names,
            self.tr("The name in other languages"),
            set_names,
            wide=True,
        )

        self.notes = self.add_notes("notes", self.tr("No&tes:"), self.tr("Notes"))
        self.add_contact_button = QPushButton(self.tr("&Add contact"), self.side_widget)
        self.add_contact_button.setAccessibleName(self.tr("Add a contact to this organisation"))
        self.add_contact_button.clicked.connect(self.add_contact)
        self.contacts_model = PlainTableModel(
            (self.tr("Name"), self.tr("Title"), self.tr("Phone")), self
        )
        self.contacts, self.contacts_empty = self.add_table(
            self.tr("C&ontacts:"),
            self.contacts_model,
            self.tr("Contacts"),
            self.tr("No contacts at this organisation yet."),
            stretch=1,
            button=self.add_contact_button,
        )
        self.agreements_model = PlainTableModel(
            (
                self.tr("Agreement"),
                self.tr("Role"),
                self.tr("Term"),
                self.tr("Status"),
                self.tr("Signed by"),
            ),
            self,
        )
        self.agreements, self.agreements_empty = self.add_table(
            self.tr("A&greements it is a party to:"),
            self.agreements_model,
            self.tr("Agreements"),
            self.tr("Not a party to any agreement."),
            stretch=0,
            below=True,
        )
        self.relink_tab_order()

    # --- RecordEditor ---------------------------------------------------------------------

    def read(self, session: Session, record_id: int) -> dict[str, Any] | None:
        detail = contact_ops.organisation_detail(session, record_id)
        if detail is not None:
            detail["contacts"] = contact_ops.organisation_contacts(session, record_id)
            detail["agreements"] = contact_ops.organisation_agreements(session, record_id)
        return detail

    def populate(self, detail: dict[str, Any], force: bool, saved: set[str]) -> None:
        self.heading.setText(detail["name"])
        for key in ("name", "short_name", "website"):
            self.set_line(key, detail[key], force, saved)
        self.set_choice("kind", detail["kind"], force, saved)
        self.set_choice("country", detail["country"], force, saved)
        rows = [ShownRow(n.lang, n.name, n.name) for n in detail["names"]]
        self.set_rows("names", rows, force, saved)
        self.set_notes("notes", detail["notes"], force, saved)
        self.show_table(
            self.contacts,
            self.contacts_empty,
            [
                PlainRow(
                    (
                        c["name"],
                        c["title"] or "",
                        phone_text([{"e164": c["phone"]}] if c["phone"] else [], self.region),
                    ),
                    ("contact", int(c["id"])),
                )
                for c in detail["contacts"]
            ],
        )
        self.show_table(
            self.agreements,
            self.agreements_empty,
            [
                PlainRow(
                    (
                        a["title"],
                        a["role"],
                        a["term_text"],
                        status_text(a["status"]),
                        a["signatory"] or "",
                    ),
                    ("agreement", int(a["id"])),
                )
                for a in detail["agreements"]
            ],
        )
        self.relink_tab_order()

    def snapshot(self, detail: dict[str, Any]) -> list[tuple[str, str]]:
        return [
            (self.tr("Name"), detail["name"]),
            (self.tr("Short name"), detail["short_name"] or ""),
            (self.tr("Kind"), kind_text(detail["kind"])),
            (self.tr("Country"), country_name(detail["country"])),
            (self.tr("Website"), detail["website"] or ""),
            (
                self.tr("In other languages"),
                ", ".join(f"{n.lang}: {n.name}" for n in detail["names"]),
            ),
            (self.tr("Notes"), detail["notes"]),
        ]

    def edit_text(self, key: str) -> str:
        return {
            "name": self.tr("rename organisation"),
            "short_name": self.tr("change organisation's short name"),
            "kind": self.tr("change organisation's kind"),
            "country": self.tr("change organisation's country"),
            "website": self.tr("change organisation's website"),
            "names": self.tr("edit organisation's name in other languages"),
            "notes": self.tr("edit organisation's notes"),
        }[key]

    def first_field(self) -> QLineEdit:
        return self.name

    def focus_chain(self) -> list[QWidget]:
        return [
            self.name,
            self.short_name,
            self.kind,
            self.country,
            self.website,
            *self.names.focus_chain(),
            self.notes,
            self.add_contact_button,
            self.contacts,
            self.agreements,
        ]

    def stored_rows(self, key: str) -> list[tuple[str, str]]:
        assert self._detail is not None
        return [(n.lang, n.name) for n in self._detail["names"]]

    # --- actions --------------------------------------------------------------------------

    def add_contact(self) -> None:
        """A new contact at this organisation, opened on the contacts page for its name."""
        if self._id is None:
            return
        self.flush()
        created: list[int] = []

        def grab(changes: ChangeSet) -> None:
            created.extend(i for t, i in changes.created if t == "contact")

        edit = Create(
            contact_ops.new_contact, (self.tr("New contact"),), {"organisation_id": self._id}
        )
        self.context.changed.connect(grab)
        try:
            error = self.context.apply(edit, self.tr("add contact to organisation"))
        finally:
            self.context.changed.disconnect(grab)
        if error is not None:
            self.general_error.show_message(error.message)
            return
        if created:
            self.context.open_record.emit("contact", min(created))
