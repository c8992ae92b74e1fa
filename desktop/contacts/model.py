"""The contact list and the rows of a contact's "Linked to" table (plain values only)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from PySide6.QtCore import QCoreApplication, QDate, QLocale, QObject
from sqlalchemy.orm import Session

from db.operations import contacts as contact_ops
from desktop.contacts.records import PlainRow, RecordListModel
from desktop.context import AppContext


def locale_region() -> str | None:
    """The user's country from the locale (e.g. "FI" for fi_FI); None for the C locale."""
    return QLocale.territoryToCode(QLocale().territory()) or None


def format_day(value: date) -> str:
    """A day in the user's short date format, always with a four-digit year."""
    locale = QLocale()
    pattern = locale.dateFormat(QLocale.FormatType.ShortFormat)
    if "yyyy" not in pattern:
        pattern = pattern.replace("yy", "yyyy")
    return locale.toString(QDate(value.year, value.month, value.day), pattern)


def _tr(text: str) -> str:
    return QCoreApplication.translate("ContactLabels", text)


def label_text(label: str) -> str:
    """A stored phone/e-mail label ("work", "mobile", ...) in the user's language."""
    known = {
        "work": _tr("work"),
        "mobile": _tr("mobile"),
        "home": _tr("home"),
        "other": _tr("other"),
    }
    return known.get(label, label)


def phone_text(phones: Sequence[dict[str, Any]], region: str | None) -> str:
    return ", ".join(contact_ops.format_phone(p["e164"], region) for p in phones)


def phone_tooltip(phones: Sequence[dict[str, Any]], region: str | None) -> str:
    return "\n".join(
        _tr("%1: %2 (typed as “%3”)")
        .replace("%1", label_text(p["label"]))
        .replace("%2", contact_ops.format_phone(p["e164"], region))
        .replace("%3", p["raw"])
        for p in phones
    )


class ContactsModel(RecordListModel):
    """Name, title, organisation, phone numbers (formatted for their country), e-mails."""

    SORT_KEYS = contact_ops.CONTACT_SORTS

    def __init__(
        self, context: AppContext, region: str | None = None, parent: QObject | None = None
    ) -> None:
        super().__init__(context, parent)
        #: National format for numbers of this country, international for the others.
        self.region = region

    def headers(self) -> Sequence[str]:
        return (
            self.tr("Name"),
            self.tr("Organisation"),
            self.tr("Phone"),
            self.tr("E-mail"),
            self.tr("Title"),
        )

    def query_ids(self, session: Session, text: str, sort: str, descending: bool) -> list[int]:
        return contact_ops.contact_ids(session, text, sort, descending)

    def query_rows(self, session: Session, ids: Sequence[int]) -> dict[int, dict[str, Any]]:
        return contact_ops.contact_rows(session, ids)

    def display(self, row: dict[str, Any], column: int) -> str:
        key = self.SORT_KEYS[column]
        if key == "phone":
            return phone_text(row["phones"], self.region)
        if key == "email":
            return ", ".join(e["address"] for e in row["emails"])
        return row[key] or ""

    def tooltip(self, row: dict[str, Any], column: int) -> str | None:
        key = self.SORT_KEYS[column]
        if key == "phone":
            return phone_tooltip(row["phones"], self.region) or None
        if key == "email":
            return (
                "\n".join(f"{label_text(e['label'])}: {e['address']}" for e in row["emails"])
                or None
            )
        return super().tooltip(row, column)


def link_rows(links: Sequence[dict[str, Any]]) -> list[PlainRow]:
    """Rows (what, title, role, date) of a contact's links; each opens its record."""
    out = []
    for link in links:
        if link["table"] == "milestone":
            what = _tr("Milestone")
            title_tip = _tr("Milestone of “%1”").replace("%1", link["agreement"] or "")
        else:
            what = _tr("Agreement")
            title_tip = link["title"]
        if link["kind"] == "signatory":
            role = _tr("Signatory for %1").replace("%1", link["organisation"] or "")
        elif link["focus_area"]:
            role = _tr("%1 (%2)").replace("%1", link["role"]).replace("%2", link["focus_area"])
        else:
            role = link["role"]
        if link["date_precision"] == "day" and link["date_start"] is not None:
            when = format_day(link["date_start"])
        else:
            when = link["date_text"]
        out.append(
            PlainRow(
                (what, link["title"], role, when),
                (link["table"], int(link["id"])),
                (None, title_tip, None, link["date_text"]),
            )
        )
    return out
