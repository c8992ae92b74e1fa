"""Words for the agreement views: dates through QLocale, labels through translate().

Kept apart from the widgets so that models, the editor and the renewal dialog say the same
thing the same way. Dates go through the shared `desktop.dates_display`, so an agreement's
term reads like a milestone's date on every page.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from PySide6.QtCore import QCoreApplication, QLocale

from db.dates import FlexDate
from desktop import dates_display

_CONTEXT = "AgreementWords"


def tr(text: str) -> str:
    return QCoreApplication.translate(_CONTEXT, text)


def day_words(day: date, locale: QLocale | None = None) -> str:
    """ "16 Jun 2020" in the locale's order and month names."""
    return dates_display.day_text(day, locale)


def datetime_words(moment: datetime, locale: QLocale | None = None) -> str:
    """A moment (e.g. of a change) on this computer's clock, as the locale writes it."""
    return dates_display.moment_text(moment.astimezone().replace(tzinfo=None), locale)


def flexdate_words(value: FlexDate | None, locale: QLocale | None = None) -> str:
    """A date with its precision in words, as every table in Accord shows it:
    "15 Oct 2024", "October 2024", "fall 2024", "Q1 2025", "early 2025", "2025", "TBD"."""
    return dates_display.short_text(value, locale)


def term_words(start: FlexDate, end: FlexDate, locale: QLocale | None = None) -> str:
    """ "2025 – 2029", "from 2012", "until 2029" or "TBD"."""
    if start.is_known and end.is_known:
        return f"{flexdate_words(start, locale)} – {flexdate_words(end, locale)}"
    if start.is_known:
        return tr("from %1").replace("%1", flexdate_words(start, locale))
    if end.is_known:
        return tr("until %1").replace("%1", flexdate_words(end, locale))
    return tr("TBD")


def status_label(value: str) -> str:
    return {
        "draft": tr("Draft"),
        "negotiation": tr("In negotiation"),
        "signed": tr("Signed"),
        "in_force": tr("In force"),
        "expired": tr("Expired"),
        "superseded": tr("Superseded"),
    }.get(value, value.replace("_", " "))


def milestone_status_label(value: str) -> str:
    return {
        "planned": tr("Planned"),
        "confirmed": tr("Confirmed"),
        "done": tr("Done"),
        "cancelled": tr("Cancelled"),
    }.get(value, value)


def milestone_kind_label(value: str) -> str:
    return {
        "signing": tr("Signing"),
        "term_start": tr("Term start"),
        "term_end": tr("Term end"),
        "review": tr("Review"),
        "report_deadline": tr("Report deadline"),
        "event": tr("Event"),
        "event_series": tr("Event series"),
        "other": tr("Other"),
    }.get(value, value.replace("_", " "))


def number_words(value: float | None, locale: QLocale | None = None) -> str:
    """A number without needless decimals: 12, 12.5 (in the locale's notation)."""
    if value is None:
        return ""
    locale = locale or QLocale()
    if float(value).is_integer():
        return locale.toString(int(value))
    return locale.toString(float(value), "g", 12)


def days_words(days: int | None, locale: QLocale | None = None) -> str:
    if days is None:
        return "—"
    if days < 0:
        return tr("ended")
    if days == 0:
        return tr("today")
    return (locale or QLocale()).toString(days)


def days_tooltip(days: int | None, ends_on: date | None, locale: QLocale | None = None) -> str:
    if days is None or ends_on is None:
        return tr("The end of the term is not known yet.")
    when = day_words(ends_on, locale)
    if days < 0:
        return (
            tr("The term ended on %1, %2 days ago.")
            .replace("%1", when)
            .replace("%2", (locale or QLocale()).toString(-days))
        )
    return tr("The term ends on %1.").replace("%1", when)


_FIELDS = {
    "title": "Title",
    "status": "Status",
    "signed": "Signing date",
    "term_start": "Term start",
    "term_end": "Term end",
    "aims": "Aims",
    "notes": "Notes",
    "document": "Document",
    "renews_id": "Renews",
    "renews": "Renews",
    "name": "Name",
    "colour": "Colour",
    "description": "Description",
    "position": "Position",
    "continues_id": "Continues",
    "text": "Objective",
    "indicator": "Indicator",
    "unit": "Unit",
    "target": "Target",
    "year": "Year",
    "value": "Value",
    "role": "Role",
    "signatory_id": "Signatory",
    "organisation_id": "Organisation",
    "contact_id": "Contact",
    "focus_area_id": "Focus area",
    "label": "Label",
    "location": "Location",
    "when": "Date",
    "end": "End",
    "kind": "Kind",
    "parties": "Parties",
}


def field_label(name: str | None) -> str:
    if not name:
        return ""
    english = _FIELDS.get(name)
    return tr(english) if english else name.replace("_", " ")


_ENTITIES = {
    "agreement": "Agreement",
    "focus_area": "Focus area",
    "objective": "Objective",
    "indicator_value": "Indicator value",
    "milestone": "Milestone",
    "agreement_party": "Party",
    "agreement_contact": "Contact's role",
    "attachment": "Attachment",
}


def entity_label(entity: str) -> str:
    english = _ENTITIES.get(entity)
    return tr(english) if english else entity.replace("_", " ")


def value_words(field: str | None, value: Any, locale: QLocale | None = None) -> str:
    """A stored value (as the change log keeps it, or as read) for people to read."""
    if value is None or value == "":
        return tr("(empty)")
    if isinstance(value, FlexDate):
        return flexdate_words(value, locale)
    if field in ("signed", "term_start", "term_end", "when", "end") and isinstance(value, str):
        try:
            return flexdate_words(FlexDate.from_canonical(value), locale)
        except ValueError:
            return value
    if field == "status":
        text = str(getattr(value, "value", value))
        return status_label(text) if text in _STATUS_KEYS else milestone_status_label(text)
    text = str(getattr(value, "value", value)).replace("\n", " ")
    return f"“{text[:77]}…”" if len(text) > 80 else f"“{text}”"


_STATUS_KEYS = {"draft", "negotiation", "signed", "in_force", "expired", "superseded"}


def change_words(row: dict[str, Any], locale: QLocale | None = None) -> str:
    """One change-log row as "Title: “old” → “new”", "created", "deleted"."""
    if row["action"] == "insert":
        return tr("restored") if row.get("new") == "restored" else tr("created")
    if row["action"] == "delete":
        return tr("deleted")
    field = row.get("field")
    old = row.get("old_label") or value_words(field, row.get("old"), locale)
    new = row.get("new_label") or value_words(field, row.get("new"), locale)
    return f"{field_label(field)}: {old} → {new}"
