"""The organisation list, and the words the editor shows for kinds, countries, languages."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import phonenumbers
from PySide6.QtCore import QCollator, QCoreApplication, QLocale, Qt
from sqlalchemy.orm import Session

from db.enums import OrganisationKind
from db.operations import contacts as contact_ops
from desktop.contacts.records import RecordListModel


def _tr(text: str) -> str:
    return QCoreApplication.translate("OrganisationWords", text)


def kind_text(kind: str) -> str:
    return {
        OrganisationKind.CITY.value: _tr("City"),
        OrganisationKind.UNIVERSITY.value: _tr("University"),
        OrganisationKind.COMPANY.value: _tr("Company"),
        OrganisationKind.PUBLIC_BODY.value: _tr("Public body"),
        OrganisationKind.OTHER.value: _tr("Other"),
    }.get(kind, kind)


def status_text(status: str) -> str:
    """An agreement's status in the user's language."""
    return {
        "draft": _tr("draft"),
        "negotiation": _tr("in negotiation"),
        "signed": _tr("signed"),
        "in_force": _tr("in force"),
        "expired": _tr("expired"),
        "superseded": _tr("superseded"),
    }.get(status, status.replace("_", " "))


def country_name(code: str) -> str:
    territory = QLocale.codeToTerritory(code)
    name = QLocale.territoryToString(territory) if territory != QLocale.Country.AnyTerritory else ""
    return name or code


def country_choices() -> list[tuple[str, str]]:
    """(ISO code, "Finland (FI)") for every country with a telephone numbering plan."""
    collator = QCollator(QLocale())
    codes = sorted(c for c in phonenumbers.SUPPORTED_REGIONS if len(c) == 2)
    items = [(code, f"{country_name(code)} ({code})") for code in codes]
    return sorted(items, key=lambda item: collator.sortKey(item[1]))


def language_text(code: str) -> str:
    """A language's name ("Swedish") for its code; an unknown code is shown as it is."""
    if code == "se":
        return _tr("Northern Sami")
    language = QLocale(code).language()
    if language == QLocale.Language.C or code.casefold() in ("c", "posix"):
        return code
    return QLocale.languageToString(language)


class OrganisationsModel(RecordListModel):
    SORT_KEYS = contact_ops.ORGANISATION_SORTS

    def headers(self) -> Sequence[str]:
        return (
            self.tr("Name"),
            self.tr("Short name"),
            self.tr("Kind"),
            self.tr("Country"),
            self.tr("Contacts"),
            self.tr("Agreements"),
        )

    def query_ids(self, session: Session, text: str, sort: str, descending: bool) -> list[int]:
        return contact_ops.organisation_ids(session, text, sort, descending)

    def query_rows(self, session: Session, ids: Sequence[int]) -> dict[int, dict[str, Any]]:
        return contact_ops.organisation_rows(session, ids)

    def display(self, row: dict[str, Any], column: int) -> str:
        if column == 0:
            return str(row["name"])
        if column == 1:
            return row["short_name"] or ""
        if column == 2:
            return kind_text(row["kind"])
        if column == 3:
            return country_name(row["country"])
        if column == 4:
            return str(row["contacts"])
        return str(row["agreements"])

    def alignment(self, column: int) -> Qt.AlignmentFlag | None:
        if column >= 4:  # counts
            return Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
        return None

    def tooltip(self, row: dict[str, Any], column: int) -> str | None:
        if column == 0 and row["names"]:
            return "\n".join(f"{language_text(lang)}: {name}" for lang, name in row["names"])
        return super().tooltip(row, column)
