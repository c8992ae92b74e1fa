"""Showing a validation message at the field it belongs to."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QWidget


class FieldMessage(QLabel):
    """A message under a field: hidden while the field is fine, red text when not."""

    def __init__(self, field: QWidget, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.field = field
        self.setWordWrap(True)
        self.setObjectName("fieldMessage")
        self.setStyleSheet(
            "color: palette(highlighted-text); background: #b3261e;"
            "border-radius: 3px; padding: 2px 6px;"
        )
        self.setAccessibleName(field.accessibleName() + " " + self.tr("error"))
        self.hide()

    def show_error(self, message: str) -> None:
        self.setText(message)
        self.field.setAccessibleDescription(message)
        self.field.setProperty("invalid", True)
        self.show()

    def clear_error(self) -> None:
        self.setText("")
        self.field.setAccessibleDescription("")
        self.field.setProperty("invalid", False)
        self.hide()
