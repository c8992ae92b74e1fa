"""The milestone editor: every field saves on its own, as one undoable step, at once.

Each field commits when the user finishes it (Enter or leaving the field, a choice in a
list, a ticked box) and only when the value changed. A commit is one `context.apply()`:
one transaction, one undo step named after the change ("Change date of Thesis Day").
A refused value stays in its field with the database's message under it, and nothing is
written. When another process changed the record since it was shown (its version moved),
the editor lists what changed there and lets the user apply their change on top or keep
the other version; nothing is overwritten silently.
"""

from __future__ import annotations

import dataclasses
from datetime import date, datetime
from pathlib import Path
from typing import Any

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, QUrl, Signal
from PySide6.QtGui import QDesktopServices, QFont, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFileDialog,
    QFormLayout,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QStackedWidget,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from db import recurrence
from db.dates import FlexDate
from db.edits import Batch, Edit, SetFields
from db.errors import AccordError, StaleRecordError, ValidationError
from db.operations import milestones as ops
from db.tracking import ChangeSet
from desktop import dates_display
from desktop.context import AppContext
from desktop.milestones import labels
from desktop.widgets.date_field import DateField, EndField, WrapLabel
from desktop.widgets.fields import FieldMessage

#: Database field names → the editor's field keys (a FlexDate error names "date").
_FIELD_ALIASES = {"date": "when", "agreement_id": "agreement", "focus_area": "focus_areas"}


class _FocusOut(QObject):
    """Calls back when a watched widget loses focus (QPlainTextEdit has no editingFinished)."""

    def __init__(self, callback: Any, parent: QObject) -> None:
        super().__init__(parent)
        self._callback = callback

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.FocusOut:
            self._callback()
        return False


class MilestoneEditor(QWidget):
    #: The user asked to delete the milestone shown (the page asks and deletes).
    delete_requested = Signal(int)
    #: Escape: back to the table.
    leave_requested = Signal()

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self._record: dict[str, Any] | None = None
        self._choices = ops.Choices()
        self._messages: dict[str, FieldMessage] = {}
        self._invalid: set[str] = set()  # fields showing a refused value, kept on reload
        self._repeat_edited = False
        self.setAccessibleName(self.tr("Milestone editor"))

        self.placeholder = QLabel(
            self.tr("Select a milestone to see and edit it here, or add one with Ctrl+N."), self
        )
        self.placeholder.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.placeholder.setWordWrap(True)
        self.placeholder.setAccessibleName(self.tr("No milestone selected"))

        body = QWidget(self)
        self._build(body)
        self.scroll = QScrollArea(self)
        self.scroll.setWidget(body)
        self.scroll.setWidgetResizable(True)
        self.scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.scroll.setAccessibleName(self.tr("Milestone fields"))
        # Word-wrapped labels change height as their text changes; QScrollArea does not
        # always ask for the new height, which squeezes the lists. Keep the body tall enough.
        self._body = body
        self._fit_timer = QTimer(self)
        self._fit_timer.setSingleShot(True)
        self._fit_timer.setInterval(0)  # after the pending layout work of the whole form
        self._fit_timer.timeout.connect(self._fit_body)
        body.installEventFilter(self)

        self.stack = QStackedWidget(self)
        self.stack.addWidget(self.placeholder)
        self.stack.addWidget(self.scroll)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.stack)

        leave = QShortcut(QKeySequence(Qt.Key.Key_Escape), self)
        leave.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        leave.activated.connect(self.leave_requested)
        context.changed.connect(self._on_changed)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self._body and event.type() == QEvent.Type.LayoutRequest:
            self._fit_timer.start()
        return super().eventFilter(watched, event)

    def resizeEvent(self, event: Any) -> None:
        super().resizeEvent(event)
        self._fit_timer.start()

    def _fit_body(self) -> None:
        layout = self._body.layout()
        width = self.scroll.viewport().width()
        height = layout.totalHeightForWidth(width) if layout.hasHeightForWidth() else 0
        height = max(height, layout.totalMinimumSize().height())
        if self._body.minimumHeight() != height:
            self._body.setMinimumHeight(height)
        # Never narrower than the form: no sideways scrolling inside the editor.
        bar = self.scroll.verticalScrollBar().sizeHint().width()
        width = layout.totalMinimumSize().width() + bar + 2 * self.scroll.frameWidth()
        if self.scroll.minimumWidth() != width:
            self.scroll.setMinimumWidth(width)

    # ------------------------------------------------------------------------------------
    # Building the form
    # ------------------------------------------------------------------------------------

    def _row(self, form: QFormLayout, label: str, key: str, field: QWidget) -> None:
        """A labelled field with its message underneath (hidden while the value is fine)."""
        holder = QWidget(self)
        column = QVBoxLayout(holder)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(2)
        column.addWidget(field)
        target = field.edit if isinstance(field, DateField | EndField) else field
        message = FieldMessage(target, holder)
        column.addWidget(message)
        self._messages[key] = message
        caption = QLabel(label, self)
        caption.setBuddy(target)
        form.addRow(caption, holder)

    @staticmethod
    def _form(box: QGroupBox) -> QFormLayout:
        form = QFormLayout(box)
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.DontWrapRows)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
        return form

    def _button(self, text: str, accessible: str, slot: Any) -> QPushButton:
        button = QPushButton(text, self)
        button.setAccessibleName(accessible)
        button.clicked.connect(slot)
        return button

    def _build(self, body: QWidget) -> None:
        outer = QVBoxLayout(body)
        outer.setContentsMargins(8, 4, 8, 8)

        self.heading = QLabel(body)
        self.heading.setAccessibleName(self.tr("Milestone title"))
        font = QFont(self.heading.font())
        font.setPointSizeF(font.pointSizeF() * 1.35)
        font.setBold(True)
        self.heading.setFont(font)
        self.heading.setWordWrap(True)
        self.subheading = QLabel(body)
        self.subheading.setAccessibleName(self.tr("Milestone summary"))
        self.subheading.setWordWrap(True)
        outer.addWidget(self.heading)
        outer.addWidget(self.subheading)

        # --- what ---------------------------------------------------------------------------
        what = QGroupBox(self.tr("Milestone"), body)
        form = self._form(what)
        self.title = QLineEdit(what)
        self.title.setAccessibleName(self.tr("Title"))
        self.title.editingFinished.connect(self._title_finished)
        self._row(form, self.tr("T&itle:"), "title", self.title)
        self.agreement = QComboBox(what)
        self.agreement.setAccessibleName(self.tr("Agreement"))
        self.agreement.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.agreement.setMinimumContentsLength(20)
        self.agreement.activated.connect(self._agreement_chosen)
        self._row(form, self.tr("Agreement:"), "agreement", self.agreement)
        self.kind = QComboBox(what)
        self.kind.setAccessibleName(self.tr("Kind"))
        for value, text in labels.kinds().items():
            self.kind.addItem(text, value)
        self.kind.activated.connect(lambda _i: self._choice("kind", self.kind))
        self._row(form, self.tr("Kind:"), "kind", self.kind)
        self.status = QComboBox(what)
        self.status.setAccessibleName(self.tr("Status"))
        for value, text in labels.statuses().items():
            self.status.addItem(text, value)
        self.status.activated.connect(lambda _i: self._choice("status", self.status))
        self._row(form, self.tr("Status:"), "status", self.status)
        outer.addWidget(what)

        # --- when ---------------------------------------------------------------------------
        when = QGroupBox(self.tr("When"), body)
        form = self._form(when)
        self.date = DateField(self.tr("Date"), when, reference=self.context.today())
        self.date.committed.connect(self._date_committed)
        self.date.rejected.connect(lambda message: self._show_error("when", message))
        self._row(form, self.tr("&Date:"), "when", self.date)
        self.end = EndField(self.tr("Ends"), when)
        self.end.committed.connect(self._end_committed)
        self.end.rejected.connect(lambda message: self._show_error("end", message))
        self._row(form, self.tr("Ends:"), "end", self.end)

        self.repeat = QLineEdit(when)
        self.repeat.setAccessibleName(self.tr("Repeats"))
        self.repeat.setPlaceholderText(
            self.tr("e.g. every month on the first Tuesday, until June 2025")
        )
        self.repeat.setToolTip(
            self.tr(
                "How the event repeats, in plain words: “every 2 weeks on Monday”, “every "
                "last Friday”, “monthly on day 15, 6 times”, “yearly”, “every weekday”; "
                "add “until <date>” or “N times”, and “except <days>”. Empty: it does not repeat."
            )
        )
        self.repeat_understood = WrapLabel(when)
        self.repeat_understood.setAccessibleName(self.tr("How the repetition was understood"))
        self.repeat_understood.setWordWrap(True)
        self.repeat_understood.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        repeat_box = QWidget(when)
        repeat_column = QVBoxLayout(repeat_box)
        repeat_column.setContentsMargins(0, 0, 0, 0)
        repeat_column.setSpacing(2)
        repeat_column.addWidget(self.repeat)
        repeat_column.addWidget(self.repeat_understood)
        self.repeat.textEdited.connect(self._repeat_typed)
        self.repeat.editingFinished.connect(self._repeat_finished)
        self._row(form, self.tr("&Repeats:"), "rrule", repeat_box)
        self._messages["rrule"].field = self.repeat
        self._messages["rrule"].setAccessibleName(
            self.repeat.accessibleName() + " " + self.tr("error")
        )

        exceptions = QWidget(when)
        ex_layout = QVBoxLayout(exceptions)
        ex_layout.setContentsMargins(0, 0, 0, 0)
        ex_layout.setSpacing(2)
        ex_row = QHBoxLayout()
        self.exception_input = QLineEdit(exceptions)
        self.exception_input.setAccessibleName(self.tr("Exception day"))
        self.exception_input.setPlaceholderText(self.tr("a day it skips, e.g. 1 Apr 2025"))
        self.exception_input.returnPressed.connect(self._add_exception)
        self.add_exception_button = self._button(
            self.tr("Add exception"), self.tr("Add exception"), self._add_exception
        )
        ex_row.addWidget(self.exception_input, 1)
        ex_row.addWidget(self.add_exception_button)
        self.exceptions = QListWidget(exceptions)
        self.exceptions.setAccessibleName(self.tr("Exceptions"))
        self.exceptions.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.remove_exception_button = self._button(
            self.tr("Remove exception"), self.tr("Remove exception"), self._remove_exceptions
        )
        ex_layout.addLayout(ex_row)
        ex_layout.addWidget(self.exceptions)
        ex_layout.addWidget(self.remove_exception_button, 0, Qt.AlignmentFlag.AlignLeft)
        self._row(form, self.tr("Except:"), "exdates", exceptions)
        self._messages["exdates"].field = self.exception_input
        outer.addWidget(when)

        # --- where and who ------------------------------------------------------------------
        who = QGroupBox(self.tr("Where and who"), body)
        form = self._form(who)
        self.location = QLineEdit(who)
        self.location.setAccessibleName(self.tr("Place"))
        self.location.editingFinished.connect(
            lambda: self._text_finished("location", self.location, self.tr("Change place of %1"))
        )
        self._row(form, self.tr("Pla&ce:"), "location", self.location)
        self.audience = QLineEdit(who)
        self.audience.setAccessibleName(self.tr("Audience"))
        self.audience.editingFinished.connect(
            lambda: self._text_finished("audience", self.audience, self.tr("Change audience of %1"))
        )
        self._row(form, self.tr("Audience:"), "audience", self.audience)
        self.focus_areas = QListWidget(who)
        self.focus_areas.setAccessibleName(self.tr("Focus areas"))
        self.focus_areas.setWordWrap(True)
        self.focus_areas.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.focus_areas.itemChanged.connect(self._focus_areas_changed)
        self._row(form, self.tr("Focus areas:"), "focus_areas", self.focus_areas)

        contacts = QWidget(who)
        c_layout = QVBoxLayout(contacts)
        c_layout.setContentsMargins(0, 0, 0, 0)
        c_layout.setSpacing(2)
        self.contacts = QTableWidget(0, 2, contacts)
        self.contacts.setAccessibleName(self.tr("Contacts and roles"))
        self.contacts.setHorizontalHeaderLabels([self.tr("Contact"), self.tr("Role")])
        self.contacts.verticalHeader().hide()
        self.contacts.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.contacts.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.contacts.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.contacts.itemChanged.connect(self._contact_role_edited)
        self.contact_choice = QComboBox(contacts)
        self.contact_choice.setAccessibleName(self.tr("Contact to add"))
        self.contact_choice.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.contact_choice.setMinimumContentsLength(12)
        self.role_choice = QComboBox(contacts)
        self.role_choice.setEditable(True)
        self.role_choice.addItems(labels.role_suggestions())
        self.role_choice.setAccessibleName(self.tr("Role of the contact to add"))
        self.role_choice.setMinimumContentsLength(10)
        self.add_contact_button = self._button(
            self.tr("Add contact"), self.tr("Add contact"), self._add_contact
        )
        self.remove_contact_button = self._button(
            self.tr("Remove contact"), self.tr("Remove contact"), self._remove_contacts
        )
        role_row = QHBoxLayout()
        role_row.addWidget(QLabel(self.tr("as"), contacts))
        role_row.addWidget(self.role_choice, 1)
        role_row.addWidget(self.add_contact_button)
        c_layout.addWidget(self.contacts)
        c_layout.addWidget(self.remove_contact_button, 0, Qt.AlignmentFlag.AlignLeft)
        c_layout.addWidget(self.contact_choice)
        c_layout.addLayout(role_row)
        self._row(form, self.tr("Contacts:"), "contacts", contacts)
        self._messages["contacts"].field = self.contacts
        outer.addWidget(who)

        # --- notes and files ----------------------------------------------------------------
        notes = QGroupBox(self.tr("Notes and files"), body)
        form = self._form(notes)
        self.description = QPlainTextEdit(notes)
        self.description.setAccessibleName(self.tr("Description"))
        self.description.setTabChangesFocus(True)
        self.description.setFixedHeight(70)
        self.description.installEventFilter(
            _FocusOut(
                lambda: self._plain_finished(
                    "description", self.description, self.tr("Change description of %1")
                ),
                self,
            )
        )
        self._row(form, self.tr("Description:"), "description", self.description)
        self.outcome = QPlainTextEdit(notes)
        self.outcome.setAccessibleName(self.tr("Outcome"))
        self.outcome.setTabChangesFocus(True)
        self.outcome.setFixedHeight(60)
        self.outcome.setPlaceholderText(self.tr("What came of it, once it has happened"))
        self.outcome.installEventFilter(
            _FocusOut(
                lambda: self._plain_finished(
                    "outcome", self.outcome, self.tr("Change outcome of %1")
                ),
                self,
            )
        )
        self._row(form, self.tr("Outcome:"), "outcome", self.outcome)
        self.url = QLineEdit(notes)
        self.url.setAccessibleName(self.tr("Web page"))
        self.url.setPlaceholderText("https://…")
        self.url.editingFinished.connect(
            lambda: self._text_finished("url", self.url, self.tr("Change web page of %1"))
        )
        self._row(form, self.tr("&Web page:"), "url", self.url)

        files = QWidget(notes)
        f_layout = QVBoxLayout(files)
        f_layout.setContentsMargins(0, 0, 0, 0)
        f_layout.setSpacing(2)
        self.attachments = QListWidget(files)
        self.attachments.setAccessibleName(self.tr("Attachments"))
        self.attachments.itemActivated.connect(lambda _item: self._open_attachment())
        a_row = QHBoxLayout()
        self.attachment_input = QLineEdit(files)
        self.attachment_input.setAccessibleName(self.tr("File path or web address to attach"))
        self.attachment_input.setPlaceholderText(self.tr("a file path or a web address"))
        self.attachment_input.returnPressed.connect(self._add_attachment)
        self.add_attachment_button = self._button(
            self.tr("Attach"), self.tr("Attach the path or address"), self._add_attachment
        )
        self.choose_file_button = self._button(
            self.tr("Choose file…"), self.tr("Choose a file to attach"), self._choose_file
        )
        a_row.addWidget(self.attachment_input, 1)
        a_row.addWidget(self.add_attachment_button)
        b_row = QHBoxLayout()
        b_row.addWidget(self.choose_file_button)
        self.open_attachment_button = self._button(
            self.tr("Open"), self.tr("Open attachment"), self._open_attachment
        )
        self.remove_attachment_button = self._button(
            self.tr("Remove attachment"), self.tr("Remove attachment"), self._remove_attachment
        )
        b_row.addWidget(self.open_attachment_button)
        b_row.addWidget(self.remove_attachment_button)
        b_row.addStretch(1)
        f_layout.addWidget(self.attachments)
        f_layout.addLayout(a_row)
        f_layout.addLayout(b_row)
        self._row(form, self.tr("Attachments:"), "attachments", files)
        self._messages["attachments"].field = self.attachment_input
        outer.addWidget(notes)

        bottom = QHBoxLayout()
        bottom.addStretch(1)
        self.delete_button = self._button(
            self.tr("Delete milestone…"), self.tr("Delete milestone"), self._delete_clicked
        )
        bottom.addWidget(self.delete_button)
        outer.addLayout(bottom)
        outer.addStretch(1)

    # ------------------------------------------------------------------------------------
    # Loading
    # ------------------------------------------------------------------------------------

    @property
    def milestone_id(self) -> int | None:
        return None if self._record is None else int(self._record["id"])

    def record(self) -> dict[str, Any] | None:
        return self._record

    def load(self, milestone_id: int | None) -> None:
        """Show one milestone (None: the placeholder). Reads in one short session."""
        if milestone_id != self.milestone_id:
            self._invalid.clear()
            for message in self._messages.values():
                message.clear_error()
        record = None
        if milestone_id is not None:
            with self.context.db.sessions() as session:
                record = ops.milestone_detail(session, milestone_id)
                if record is not None:
                    self._choices = ops.choices(session)
        self._record = record
        if record is None:
            self.stack.setCurrentWidget(self.placeholder)
            return
        self._fill(record)
        self.stack.setCurrentWidget(self.scroll)

    def reload(self) -> None:
        self.load(self.milestone_id)

    def focus_title(self) -> None:
        self.title.setFocus(Qt.FocusReason.OtherFocusReason)
        self.title.selectAll()

    @staticmethod
    def _fit(view: QListWidget | QTableWidget, rows: int, most: int = 5) -> None:
        """As tall as its rows (one at least, `most` at most): no empty boxes in the form."""
        if isinstance(view, QTableWidget):
            line = view.verticalHeader().defaultSectionSize()
            extra = view.horizontalHeader().sizeHint().height()
        else:
            line = view.sizeHintForRow(0) if view.count() else view.fontMetrics().height() + 4
            extra = 0
        view.setFixedHeight(2 * view.frameWidth() + extra + line * max(1, min(rows, most)) + 2)

    def _fill(self, r: dict[str, Any]) -> None:
        widgets: list[QObject] = [
            self.agreement, self.kind, self.status, self.focus_areas, self.contacts,
            self.exceptions, self.attachments, self.contact_choice,
        ]  # fmt: skip
        for w in widgets:
            w.blockSignals(True)
        try:
            self._fill_values(r)
        finally:
            for w in widgets:
                w.blockSignals(False)

    def _fill_values(self, r: dict[str, Any]) -> None:
        kinds, statuses = labels.kinds(), labels.statuses()
        self.heading.setText(r["title"])
        agreement = next(
            (a["title"] for a in self._choices.agreements if a["id"] == r["agreement_id"]), ""
        )
        self.subheading.setText(
            " · ".join(
                [
                    kinds.get(r["kind"], r["kind"]),
                    statuses.get(r["status"], r["status"]),
                    dates_display.short_text(r["when"]),
                    agreement,
                ]
            )
        )
        if "title" not in self._invalid:
            self.title.setText(r["title"])
            self.title.setCursorPosition(0)
        self.agreement.clear()
        for a in self._choices.agreements:
            self.agreement.addItem(a["title"], a["id"])
        self.agreement.setCurrentIndex(self.agreement.findData(r["agreement_id"]))
        self.kind.setCurrentIndex(self.kind.findData(r["kind"]))
        self.status.setCurrentIndex(self.status.findData(r["status"]))

        self.date.reference = self.context.today()
        if "when" not in self._invalid:
            self.date.set_value(r["when"], r["date_wording"])
        if "end" not in self._invalid:
            self.end.set_value(r["when"], r["end"])
        else:
            self.end.set_start(r["when"])
        if "rrule" not in self._invalid:
            self._repeat_edited = False
            self.repeat.setText(
                recurrence.describe_rule(r["rrule"], r["when"], r["exdates"]) if r["rrule"] else ""
            )
            self._show_repetition(r["rrule"], r["exdates"])
        self.repeat.setEnabled(r["when"].is_known)
        self.exceptions.clear()
        for day in r["exdates"]:
            item = QListWidgetItem(dates_display.day_text(_iso(day)))
            item.setData(Qt.ItemDataRole.UserRole, day)
            self.exceptions.addItem(item)
        for w in (self.exception_input, self.add_exception_button):
            w.setEnabled(bool(r["rrule"]))
        self.exceptions.setVisible(bool(r["exdates"]))
        self._fit(self.exceptions, self.exceptions.count(), 3)
        self.remove_exception_button.setVisible(bool(r["exdates"]))

        for key, edit in (
            ("location", self.location),
            ("audience", self.audience),
            ("url", self.url),
        ):
            if key not in self._invalid:
                edit.setText(r[key])
                edit.setCursorPosition(0)
        self.focus_areas.clear()
        chosen = set(r["focus_area_ids"])
        for area in self._choices.focus_areas:
            if area["agreement_id"] != r["agreement_id"]:
                continue
            item = QListWidgetItem(area["name"])
            item.setData(Qt.ItemDataRole.UserRole, area["id"])
            item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(
                Qt.CheckState.Checked if area["id"] in chosen else Qt.CheckState.Unchecked
            )
            self.focus_areas.addItem(item)
        if self.focus_areas.count() == 0:
            item = QListWidgetItem(self.tr("This agreement has no focus areas yet."))
            item.setFlags(Qt.ItemFlag.NoItemFlags)
            self.focus_areas.addItem(item)
        # Long names wrap to two lines; leave room for one extra line per five areas.
        count = self.focus_areas.count()
        self._fit(self.focus_areas, count + (count + 4) // 5, 8)

        self.contacts.setRowCount(0)
        for link in r["contacts"]:
            row = self.contacts.rowCount()
            self.contacts.insertRow(row)
            name = QTableWidgetItem(link["name"])
            name.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable)
            name.setData(Qt.ItemDataRole.UserRole, link["contact_id"])
            role = QTableWidgetItem(link["role"])
            role.setFlags(
                Qt.ItemFlag.ItemIsEnabled
                | Qt.ItemFlag.ItemIsSelectable
                | Qt.ItemFlag.ItemIsEditable
            )
            self.contacts.setItem(row, 0, name)
            self.contacts.setItem(row, 1, role)
        current = self.contact_choice.currentData()
        self.contact_choice.clear()
        for c in self._choices.contacts:
            text = c["name"] + (f" ({c['organisation']})" if c["organisation"] else "")
            self.contact_choice.addItem(text, c["id"])
        if current is not None:
            self.contact_choice.setCurrentIndex(max(0, self.contact_choice.findData(current)))
        self.remove_contact_button.setEnabled(bool(r["contacts"]))
        self._fit(self.contacts, self.contacts.rowCount(), 4)

        if "description" not in self._invalid:
            self.description.setPlainText(r["description"])
        if "outcome" not in self._invalid:
            self.outcome.setPlainText(r["outcome"])
        self.attachments.clear()
        for a in r["attachments"]:
            item = QListWidgetItem(f"{a['label']} — {a['location']}")
            item.setToolTip(a["location"])
            item.setData(Qt.ItemDataRole.UserRole, a["id"])
            item.setData(Qt.ItemDataRole.UserRole + 1, a["location"])
            self.attachments.addItem(item)
        for w in (self.open_attachment_button, self.remove_attachment_button):
            w.setEnabled(bool(r["attachments"]))
        self.attachments.setVisible(bool(r["attachments"]))
        self._fit(self.attachments, self.attachments.count(), 4)

    # ------------------------------------------------------------------------------------
    # Applying edits
    # ------------------------------------------------------------------------------------

    def _text(self, template: str) -> str:
        assert self._record is not None
        return template.replace("%1", self._record["title"])

    def _show_error(self, field: str, message: str) -> None:
        key = _FIELD_ALIASES.get(field, field)
        self._invalid.add(key)
        (self._messages.get(key) or self._messages["title"]).show_error(message)

    def _clear_error(self, field: str) -> None:
        self._invalid.discard(field)
        if field in self._messages:
            self._messages[field].clear_error()

    def _apply(self, edit: Edit, template: str, field: str) -> bool:
        """Apply one edit as one undo step; show a refusal at the field it concerns."""
        if self._record is None:
            return False
        text = self._text(template)
        # The field may show the stored value again when the change reloads the editor.
        self._invalid.discard(field)
        error = self.context.apply(edit, text)
        if error is None:
            self._clear_error(field)
            return True
        return self._refused(error, edit, text, field)

    def _refused(self, error: AccordError, edit: Edit, text: str, field: str) -> bool:
        if isinstance(error, ValidationError):
            key = _FIELD_ALIASES.get(error.field, error.field)
            self._show_error(key if key in self._messages else field, error.message)
            return False
        if isinstance(error, StaleRecordError):
            return self._stale(edit, text, field)
        QMessageBox.warning(self, self.tr("Accord"), error.message)
        self.reload()
        return False

    def _stale(self, edit: Edit, text: str, field: str) -> bool:
        """Another process changed the record: show what changed and let the user choose."""
        assert self._record is not None
        with self.context.db.sessions() as session:
            current = ops.milestone_detail(session, self._record["id"])
        if current is None:
            QMessageBox.warning(
                self,
                self.tr("Milestone deleted"),
                self.tr("“%1” was deleted elsewhere; your change was not saved.").replace(
                    "%1", self._record["title"]
                ),
            )
            self.load(None)
            return False
        differences = self.differences(self._record, current)
        listing = "\n".join(f"• {line}" for line in differences) or self.tr(
            "• (its links or attachments)"
        )
        answer = QMessageBox.question(
            self,
            self.tr("Changed elsewhere"),
            self.tr(
                "“%1” was changed elsewhere while you were editing it:\n\n%2\n\n"
                "Apply your change (%3) on top of those changes?\n"
                "Yes keeps their changes and adds yours. "
                "No keeps their version and discards your change."
            )
            .replace("%1", self._record["title"])
            .replace("%2", listing)
            .replace("%3", text),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No,
        )
        if answer != QMessageBox.StandardButton.Yes or not hasattr(edit, "expected_version"):
            self._invalid.discard(field)
            self.load(current["id"])
            self.context.message.emit(
                self.tr("Your change was not saved; the editor shows the other version.")
            )
            return False
        retry = dataclasses.replace(edit, expected_version=current["version"])  # type: ignore[type-var]
        self._record = current
        error = self.context.apply(retry, text)
        if error is None:
            self._clear_error(field)
            return True
        return self._refused(error, retry, text, field)

    def differences(self, before: dict[str, Any], after: dict[str, Any]) -> list[str]:
        """What another process changed, one line per field, in the user's words."""
        kinds, statuses = labels.kinds(), labels.statuses()
        names = {a["id"]: a["title"] for a in self._choices.agreements}

        def show(key: str, value: Any) -> str:
            if key in ("when", "end"):
                return dates_display.short_text(value) if value is not None else "—"
            if key == "kind":
                return kinds.get(value, value)
            if key == "status":
                return statuses.get(value, value)
            if key == "agreement_id":
                return names.get(value, str(value))
            if key == "rrule":
                return recurrence.describe_rule(value, after["when"]) if value else "—"
            if isinstance(value, list):
                return ", ".join(_plain(v) for v in value) or "—"
            text = str(value or "—")
            return text if len(text) <= 60 else text[:57] + "…"

        fields = (
            ("title", self.tr("Title")),
            ("agreement_id", self.tr("Agreement")),
            ("kind", self.tr("Kind")),
            ("status", self.tr("Status")),
            ("when", self.tr("Date")),
            ("end", self.tr("Ends")),
            ("rrule", self.tr("Repeats")),
            ("exdates", self.tr("Exceptions")),
            ("location", self.tr("Place")),
            ("audience", self.tr("Audience")),
            ("focus_areas", self.tr("Focus areas")),
            ("contacts", self.tr("Contacts")),
            ("description", self.tr("Description")),
            ("outcome", self.tr("Outcome")),
            ("url", self.tr("Web page")),
            ("attachments", self.tr("Attachments")),
        )
        lines = []
        for key, label in fields:
            old, new = before.get(key), after.get(key)
            if (
                key in ("when", "end")
                and old == new
                and getattr(old, "original", None) == getattr(new, "original", None)
            ):
                continue
            if old != new:
                lines.append(f"{label}: {show(key, old)} → {show(key, new)}")
        return lines

    def _on_changed(self, changes: ChangeSet) -> None:
        if self._record is None:
            return
        mine = ("milestone", self._record["id"])
        if mine in changes.deleted and mine not in changes.created:
            self.load(None)
        elif mine in changes.created | changes.updated or changes.touches(
            # Rows of its links change without a logged change of the milestone itself.
            "milestone_contact",
            "milestone_focus_area",
            "attachment",
            "agreement",
            "focus_area",
            "contact",
        ):
            self.reload()

    # ------------------------------------------------------------------------------------
    # Field commits
    # ------------------------------------------------------------------------------------

    def _set(self, values: dict[str, Any], template: str, field: str) -> bool:
        assert self._record is not None
        edit = SetFields("milestone", self._record["id"], values, self._record["version"])
        return self._apply(edit, template, field)

    def _title_finished(self) -> None:
        if self._record is None:
            return
        text = self.title.text().strip()
        if text == self._record["title"]:
            self._clear_error("title")
            return
        self._set({"title": text}, self.tr("Change title of %1"), "title")

    def _text_finished(self, key: str, edit: QLineEdit, template: str) -> None:
        if self._record is None:
            return
        text = edit.text().strip()
        if text == (self._record[key] or ""):
            self._clear_error(key)
            return
        self._set({key: text or None}, template, key)

    def _plain_finished(self, key: str, edit: QPlainTextEdit, template: str) -> None:
        if self._record is None:
            return
        text = edit.toPlainText().rstrip()
        if text == (self._record[key] or ""):
            return
        self._set({key: text}, template, key)

    def _choice(self, key: str, combo: QComboBox) -> None:
        if self._record is None or combo.currentData() == self._record[key]:
            return
        template = self.tr("Change kind of %1") if key == "kind" else self.tr("Change status of %1")
        if not self._set({key: combo.currentData()}, template, key):
            combo.setCurrentIndex(combo.findData(self._record[key]))

    def _agreement_chosen(self, _index: int) -> None:
        r = self._record
        if r is None or self.agreement.currentData() == r["agreement_id"]:
            return
        # Focus areas belong to one agreement: moving the milestone clears them, in one step.
        ok = self._set(
            {"agreement": self.agreement.currentData(), "focus_areas": []},
            self.tr("Move %1 to another agreement"),
            "agreement",
        )
        if not ok:
            self.agreement.setCurrentIndex(self.agreement.findData(r["agreement_id"]))

    def _date_committed(self, value: FlexDate) -> None:
        r = self._record
        if r is None:
            return
        self._clear_error("when")
        values: dict[str, Any] = {"when": value, "date_wording": value.original}
        if not value.is_known:
            # An undated milestone has no end and cannot repeat: cleared in the same step.
            values.update(end=None, rrule=None, exdates=[])
        elif r["rrule"]:
            try:
                values["rrule"] = recurrence.rebase(r["rrule"], r["when"], value)
            except ValidationError as exc:
                self.date.restore_value(r["when"])
                self._show_error(
                    "when",
                    self.tr("The repetition does not fit this date: %1").replace("%1", exc.message),
                )
                return
        if not self._set(values, self.tr("Change date of %1"), "when"):
            self.date.restore_value(r["when"])

    def _end_committed(self, value: FlexDate | None) -> None:
        r = self._record
        if r is None:
            return
        self._clear_error("end")
        if not self._set({"end": value}, self.tr("Change end of %1"), "end"):
            self.end.restore_value(r["end"])

    # --- repetition ---------------------------------------------------------------------------

    def _show_repetition(self, rule: str | None, exdates: list[str]) -> None:
        r = self._record
        self.repeat_understood.setStyleSheet("")
        if r is None or not rule:
            self.repeat_understood.setText(
                self.tr("Does not repeat.")
                if r is None or r["when"].is_known
                else self.tr("An undated milestone cannot repeat. Enter its date first.")
            )
            return
        words = recurrence.describe_rule(rule, r["when"], exdates)
        upcoming = recurrence.occurrences(
            rule, r["when"], exdates, after=self.context.today(), limit=4
        )
        if upcoming:
            days = [o.date() if isinstance(o, datetime) else o for o in upcoming[:3]]
            shown = ", ".join(dates_display.day_text(d) for d in days)
            shown += "…" if len(upcoming) > 3 else ""
            first = upcoming[0]
            if isinstance(first, datetime):  # a timed series: the same wall time each time
                time = dates_display.time_text(first.time())
                preview = self.tr("Next: %1, at %2").replace("%1", shown).replace("%2", time)
            else:
                preview = self.tr("Next: %1").replace("%1", shown)
        else:
            first = recurrence.occurrences(rule, r["when"], exdates, limit=1)
            preview = (
                self.tr("No occurrences after today.") if first else self.tr("No occurrences.")
            )
        typed = " ".join(self.repeat.text().casefold().split()).rstrip(".")
        if typed == words.casefold():
            self.repeat_understood.setText(preview)  # the field already says it in these words
        else:
            self.repeat_understood.setText(f"{words}\n{preview}")

    def _repeat_parse(self, text: str) -> tuple[str | None, list[str]]:
        """(rule, exceptions) for the typed words; raises ValidationError."""
        assert self._record is not None
        if not text.strip():
            return None, []
        rule = recurrence.parse_words(text, self._record["when"])
        return rule, recurrence.parse_exceptions(text, self._record["when"])

    def _repeat_typed(self, text: str) -> None:
        self._repeat_edited = True
        if self._record is None:
            return
        try:
            rule, exdates = self._repeat_parse(text)
        except ValidationError as exc:
            self.repeat_understood.setStyleSheet("color: #b3261e;")
            self.repeat_understood.setText(exc.message)
            return
        self._show_repetition(rule, exdates)

    def _repeat_finished(self) -> None:
        r = self._record
        if r is None or not self._repeat_edited:
            return
        try:
            rule, exdates = self._repeat_parse(self.repeat.text())
        except ValidationError as exc:
            self._show_error("rrule", exc.message)
            return
        if rule == r["rrule"] and exdates == sorted(r["exdates"]):
            self._clear_error("rrule")
            return
        template = self.tr("Change repetition of %1") if rule else self.tr("Stop repeating %1")
        edit = ops.SetRepetition(r["id"], rule, tuple(exdates), r["version"])
        self._apply(edit, template, "rrule")

    def _add_exception(self) -> None:
        r = self._record
        if r is None or not r["rrule"]:
            return
        try:
            days = recurrence.parse_exceptions(self.exception_input.text(), r["when"])
        except ValidationError as exc:
            self._show_error("exdates", exc.message)
            return
        if not days:
            self._show_error("exdates", self.tr("Type the day the series skips, e.g. 1 Apr 2025."))
            return
        edits = [ops.AddException(r["id"], days[0], r["version"])]
        edits += [ops.AddException(r["id"], day) for day in days[1:]]
        edit: Edit = edits[0] if len(edits) == 1 else Batch(tuple(edits))
        if self._apply(edit, self.tr("Add exception to %1"), "exdates"):
            self.exception_input.clear()

    def _remove_exceptions(self) -> None:
        r = self._record
        if r is None:
            return
        items = self.exceptions.selectedItems() or (
            [self.exceptions.currentItem()] if self.exceptions.currentItem() else []
        )
        days = [item.data(Qt.ItemDataRole.UserRole) for item in items if item is not None]
        if not days:
            self._show_error("exdates", self.tr("Select the exception to remove first."))
            return
        edits = [ops.RemoveException(r["id"], days[0], r["version"])]
        edits += [ops.RemoveException(r["id"], day) for day in days[1:]]
        edit: Edit = edits[0] if len(edits) == 1 else Batch(tuple(edits))
        self._apply(edit, self.tr("Remove exception from %1"), "exdates")

    # --- focus areas and contacts -----------------------------------------------------------------

    def _focus_areas_changed(self, _item: QListWidgetItem) -> None:
        r = self._record
        if r is None:
            return
        chosen = tuple(
            self.focus_areas.item(i).data(Qt.ItemDataRole.UserRole)
            for i in range(self.focus_areas.count())
            if self.focus_areas.item(i).checkState() == Qt.CheckState.Checked
        )
        edit = ops.SetFocusAreas(r["id"], chosen, r["version"])
        if not self._apply(edit, self.tr("Change focus areas of %1"), "focus_areas"):
            self._fill(r)

    def _contact_pairs(self) -> list[tuple[int, str]]:
        assert self._record is not None
        return [(c["contact_id"], c["role"]) for c in self._record["contacts"]]

    def _set_contacts(self, pairs: list[tuple[int, str]]) -> bool:
        r = self._record
        assert r is not None
        edit = ops.SetContacts(r["id"], tuple(pairs), r["version"])
        ok = self._apply(edit, self.tr("Change contacts of %1"), "contacts")
        if not ok:
            self._fill(r)
        return ok

    def _add_contact(self) -> None:
        if self._record is None or self.contact_choice.currentData() is None:
            return
        pair = (int(self.contact_choice.currentData()), self.role_choice.currentText().strip())
        self._set_contacts([*self._contact_pairs(), pair])

    def _remove_contacts(self) -> None:
        if self._record is None:
            return
        rows = {index.row() for index in self.contacts.selectionModel().selectedRows()}
        if not rows and self.contacts.currentRow() >= 0:
            rows = {self.contacts.currentRow()}
        if not rows:
            self._show_error("contacts", self.tr("Select the contact to remove first."))
            return
        pairs = [p for i, p in enumerate(self._contact_pairs()) if i not in rows]
        self._set_contacts(pairs)

    def _contact_role_edited(self, item: QTableWidgetItem) -> None:
        if self._record is None or item.column() != 1:
            return
        pairs = self._contact_pairs()
        row = item.row()
        if 0 <= row < len(pairs) and item.text().strip() != pairs[row][1]:
            pairs[row] = (pairs[row][0], item.text().strip())
            self._set_contacts(pairs)

    # --- attachments ------------------------------------------------------------------------------

    def _add_attachment(self, location: str | None = None) -> None:
        r = self._record
        if r is None:
            return
        target = (location or self.attachment_input.text()).strip()
        label = Path(target).name if "://" not in target else target.rstrip("/").rsplit("/", 1)[-1]
        edit = ops.AddAttachment(r["id"], label or target, target, None, r["version"])
        template = self.tr("Attach %2 to %1").replace("%2", label or target)
        if self._apply(edit, template, "attachments"):
            self.attachment_input.clear()

    def _choose_file(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, self.tr("Attach a file"))
        if path:
            self._add_attachment(path)

    def _selected_attachment(self) -> QListWidgetItem | None:
        items = self.attachments.selectedItems()
        return items[0] if items else self.attachments.currentItem()

    def _open_attachment(self) -> None:
        item = self._selected_attachment()
        if item is None:
            return
        location = str(item.data(Qt.ItemDataRole.UserRole + 1))
        url = (
            QUrl(location)
            if "://" in location or location.startswith("mailto:")
            else (QUrl.fromLocalFile(location))
        )
        if not QDesktopServices.openUrl(url):
            self.context.message.emit(self.tr("Could not open %1").replace("%1", location))

    def _remove_attachment(self) -> None:
        r = self._record
        item = self._selected_attachment()
        if r is None or item is None:
            self._show_error("attachments", self.tr("Select the attachment to remove first."))
            return
        edit = ops.RemoveAttachment(int(item.data(Qt.ItemDataRole.UserRole)), r["version"])
        self._apply(edit, self.tr("Remove attachment from %1"), "attachments")

    def _delete_clicked(self) -> None:
        if self.milestone_id is not None:
            self.delete_requested.emit(self.milestone_id)


def _iso(day: str) -> date:
    return date.fromisoformat(day)


def _plain(value: Any) -> str:
    if isinstance(value, dict):
        if "role" in value:
            return f"{value.get('name', '')} ({value['role']})"
        return str(value.get("label") or value.get("location") or "")
    return str(value)
