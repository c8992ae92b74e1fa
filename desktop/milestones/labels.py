"""Words shown for the milestone vocabularies, translated (values stay the stored strings)."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication

from db.enums import MilestoneKind, MilestoneStatus


def _tr(text: str) -> str:
    return QCoreApplication.translate("MilestoneLabels", text)


def kinds() -> dict[str, str]:
    return {
        MilestoneKind.EVENT.value: _tr("Event"),
        MilestoneKind.EVENT_SERIES.value: _tr("Event series"),
        MilestoneKind.SIGNING.value: _tr("Signing"),
        MilestoneKind.TERM_START.value: _tr("Term start"),
        MilestoneKind.TERM_END.value: _tr("Term end"),
        MilestoneKind.REVIEW.value: _tr("Review"),
        MilestoneKind.REPORT_DEADLINE.value: _tr("Report deadline"),
        MilestoneKind.OTHER.value: _tr("Other"),
    }


def statuses() -> dict[str, str]:
    return {
        MilestoneStatus.PLANNED.value: _tr("Planned"),
        MilestoneStatus.CONFIRMED.value: _tr("Confirmed"),
        MilestoneStatus.DONE.value: _tr("Done"),
        MilestoneStatus.CANCELLED.value: _tr("Cancelled"),
    }


def groups() -> dict[str, str]:
    return {
        "upcoming": _tr("Upcoming"),
        "past": _tr("Past"),
        "undated": _tr("Undated (TBD)"),
    }


def role_suggestions() -> list[str]:
    """Roles offered for a milestone's contacts; any other role can be typed."""
    return [
        _tr("event organiser"),
        _tr("responsible"),
        _tr("speaker"),
        _tr("press contact"),
        _tr("signatory"),
        _tr("focus-area lead"),
    ]
