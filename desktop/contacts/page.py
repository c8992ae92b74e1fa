"""Contacts: a sortable, filterable list and the editor of the chosen contact."""

from __future__ import annotations

from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QHeaderView, QMessageBox, QWidget

from db.edits import Create, Delete, Edit
from db.operations import contacts as contact_ops
from desktop.contacts.editor import ContactEditor
from desktop.contacts.model import ContactsModel, locale_region
from desktop.contacts.records import PageTexts, RecordPage, shortcut_text
from desktop.context import AppContext


class ContactsPage(RecordPage):
    TABLE = "contact"
    LIST_TABLES = ("contact", "contact_phone", "contact_email", "organisation")
    EDITOR_TABLES = (
        *LIST_TABLES,
        "agreement",
        "agreement_contact",
        "agreement_party",
        "milestone",
        "milestone_contact",
    )

    def __init__(
        self, context: AppContext, parent: QWidget | None = None, region: str | None = None
    ) -> None:
        #: Numbers of this country are shown in national format, others internationally.
        region = region or locale_region()
        texts = PageTexts(
            list_name=self.tr("Contacts"),
            filter_placeholder=self.tr("Name, title, organisation, phone or e-mail"),
            empty=self.tr("No contacts yet — add one with %1.").replace(
                "%1", shortcut_text(QKeySequence.StandardKey.New)
            ),
            no_match=self.tr("No contact matches “%1”."),
            choose=self.tr("Choose a contact in the list to see and edit it here."),
            gone=self.tr("This contact has been deleted. Undo brings it back."),
            count=self.tr("%1 contacts"),
            count_one=self.tr("1 contact"),
            count_name=self.tr("Number of contacts"),
            new=self.tr("New contact"),
            new_tooltip=self.tr("Add a contact (%1)"),
        )
        super().__init__(
            context,
            parent,
            ContactsModel(context, region),
            ContactEditor(context, region),
            texts,
        )
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        for column, width in enumerate((180, 160, 150, 260)):
            self.table.setColumnWidth(column, width)

    @classmethod
    def title(cls) -> str:
        return cls.class_tr("Contacts")

    @classmethod
    def tables(cls) -> tuple[str, ...]:
        return ("contact", "contact_phone", "contact_email")

    def owner(self, table: str, record_id: int) -> int | None:
        with self.context.db.sessions() as session:
            return contact_ops.owner_of(session, table, record_id)

    def create_edit(self) -> tuple[Edit, str]:
        name = self.tr("New contact")
        return Create(contact_ops.new_contact, (name,)), self.tr("new contact")

    def delete_edit(self, record_id: int) -> tuple[Edit, str] | None:
        with self.context.db.sessions() as session:
            detail = contact_ops.contact_detail(session, record_id)
            links = contact_ops.contact_links(session, record_id) if detail else []
        if detail is None:
            return None
        shown = self.editor.detail()
        if shown is not None and shown["id"] == record_id and shown["version"] != detail["version"]:
            self.editor.reload(force=True)
            QMessageBox.information(
                self,
                self.tr("Delete contact"),
                self.tr(
                    "“%1” was changed elsewhere since you opened it. Its current version "
                    "is shown now; look at it, then delete it again if you still want to."
                ).replace("%1", detail["name"]),
            )
            return None
        question = self.tr("Delete the contact “%1”?").replace("%1", detail["name"])
        parts = []
        if detail["phones"] or detail["emails"]:
            parts.append(self.tr("Its phone numbers and e-mail addresses go with it."))
        if links:
            parts.append(
                self.tr("It is removed from %1 agreement and milestone roles.").replace(
                    "%1", str(len(links))
                )
            )
        parts.append(self.tr("You can undo this."))
        answer = QMessageBox.question(
            self,
            self.tr("Delete contact"),
            question + "\n\n" + " ".join(parts),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No,
        )
        if answer != QMessageBox.StandardButton.Yes:
            return None
        text = self.tr("delete contact “%1”").replace("%1", detail["name"])
        return Delete("contact", record_id, detail["version"]), text
