"""Organisations: a sortable, filterable list and the editor of the chosen organisation."""

from __future__ import annotations

from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QHeaderView, QMessageBox, QWidget

from db.edits import Create, Edit
from db.operations import contacts as contact_ops
from desktop.contacts.model import locale_region
from desktop.contacts.records import PageTexts, RecordPage, shortcut_text
from desktop.context import AppContext
from desktop.organisations.editor import OrganisationEditor
from desktop.organisations.model import OrganisationsModel


class OrganisationsPage(RecordPage):
    TABLE = "organisation"
    LIST_TABLES = ("organisation", "organisation_name", "contact", "agreement_party")
    EDITOR_TABLES = (*LIST_TABLES, "contact_phone", "contact_email", "agreement")

    def __init__(
        self, context: AppContext, parent: QWidget | None = None, region: str | None = None
    ) -> None:
        region = region or locale_region()
        texts = PageTexts(
            list_name=self.tr("Organisations"),
            filter_placeholder=self.tr("Name in any language, short name, kind or country"),
            empty=self.tr("No organisations yet — add one with %1.").replace(
                "%1", shortcut_text(QKeySequence.StandardKey.New)
            ),
            no_match=self.tr("No organisation matches “%1”."),
            choose=self.tr("Choose an organisation in the list to see and edit it here."),
            gone=self.tr("This organisation has been deleted. Undo brings it back."),
            count=self.tr("%1 organisations"),
            count_one=self.tr("1 organisation"),
            count_name=self.tr("Number of organisations"),
            new=self.tr("New organisation"),
            new_tooltip=self.tr("Add an organisation (%1)"),
        )
        super().__init__(
            context,
            parent,
            OrganisationsModel(context),
            OrganisationEditor(context, region),
            texts,
        )
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for column, width in enumerate((240, 110, 110, 130, 90, 90)):
            if column:
                self.table.setColumnWidth(column, width)

    @classmethod
    def title(cls) -> str:
        return cls.class_tr("Organisations")

    @classmethod
    def tables(cls) -> tuple[str, ...]:
        return ("organisation", "organisation_name")

    def owner(self, table: str, record_id: int) -> int | None:
        with self.context.db.sessions() as session:
            return contact_ops.owner_of(session, table, record_id)

    def create_edit(self) -> tuple[Edit, str]:
        name = self.tr("New organisation")
        return Create(contact_ops.new_organisation, (name,)), self.tr("new organisation")

    def delete_edit(self, record_id: int) -> tuple[Edit, str] | None:
        with self.context.db.sessions() as session:
            detail = contact_ops.organisation_detail(session, record_id)
            refusal = contact_ops.organisation_in_use(session, record_id)
            contacts = contact_ops.organisation_contacts(session, record_id) if detail else []
        if detail is None:
            return None
        if refusal is not None:
            QMessageBox.warning(self, self.tr("Cannot delete organisation"), refusal)
            return None
        shown = self.editor.detail()
        if shown is not None and shown["id"] == record_id and shown["version"] != detail["version"]:
            self.editor.reload(force=True)
            QMessageBox.information(
                self,
                self.tr("Delete organisation"),
                self.tr(
                    "“%1” was changed elsewhere since you opened it. Its current version "
                    "is shown now; look at it, then delete it again if you still want to."
                ).replace("%1", detail["name"]),
            )
            return None
        question = self.tr("Delete the organisation “%1”?").replace("%1", detail["name"])
        parts = []
        if contacts:
            parts.append(
                self.tr("Its %1 contacts are kept, without an organisation.").replace(
                    "%1", str(len(contacts))
                )
            )
        parts.append(self.tr("You can undo this."))
        answer = QMessageBox.question(
            self,
            self.tr("Delete organisation"),
            question + "\n\n" + " ".join(parts),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No,
        )
        if answer != QMessageBox.StandardButton.Yes:
            return None
        text = self.tr("delete organisation “%1”").replace("%1", detail["name"])
        return contact_ops.DeleteOrganisation(record_id, detail["version"]), text
