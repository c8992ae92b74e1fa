"""The focus-areas section: the agreement's themes in order, each with its colour,
description and objectives; an objective's indicator has a target and a value per year
(one column per year of the term)."""

from __future__ import annotations

from itertools import pairwise
from typing import Any

from PySide6.QtCore import QItemSelectionModel, Qt, QTimer
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QFormLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from db.edits import Create, Delete
from db.errors import ValidationError
from db.operations import agreements as aops
from desktop.agreements.editing import Editing
from desktop.agreements.model import FocusAreasModel, ObjectivesModel
from desktop.agreements.widgets import (
    ColourButton,
    CommitTextEdit,
    Table,
    button,
    heading,
    hint,
    row,
    stacked,
)
from desktop.context import AppContext
from desktop.widgets.fields import FieldMessage

MAX_YEAR_COLUMNS = 12


def term_years(detail: dict[str, Any], this_year: int) -> list[int]:
    """The years of the term, for the indicator columns (this year when the term is open)."""
    start, end = detail["term_start"], detail["term_end"]
    first = start.start.year if start.is_known and start.start else None
    last = end.end.year if end.is_known and end.end else None
    if first is None and last is None:
        return [this_year]
    first = first if first is not None else max(last - 4, 1900)  # type: ignore[operator]
    last = last if last is not None else first + 4
    return list(range(first, min(last, first + MAX_YEAR_COLUMNS - 1) + 1))


class FocusAreasSection(QWidget):
    def __init__(
        self, context: AppContext, editing: Editing, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.context = context
        self.editing = editing
        self.detail: dict[str, Any] | None = None
        self.setAccessibleName(self.tr("Focus areas"))

        # the list of focus areas
        self.areas_model = FocusAreasModel(self)
        self.areas = Table(
            self.tr("Focus areas"),
            self.tr("No focus areas yet — type a name below and press Enter."),
            self,
        )
        self.areas.setModel(self.areas_model)
        self.areas.stretch(0, QHeaderView.ResizeMode.Interactive)
        self.areas.horizontalHeader().resizeSection(1, 80)
        self.areas.horizontalHeader().resizeSection(2, 110)
        self.areas.selectionModel().currentRowChanged.connect(lambda *_: self._show_area())
        self.areas.opened.connect(lambda _: self.name.setFocus())
        self.new_area = QLineEdit(self)
        self.new_area.setAccessibleName(self.tr("Name of a new focus area"))
        self.new_area.setPlaceholderText(self.tr("New focus area: type its name, press Enter"))
        self.new_area.returnPressed.connect(self._add_area)
        self.new_area_message = FieldMessage(self.new_area, self)
        self.up = button(
            self.tr("Move &up"), self.tr("Move focus area up"), self, lambda: self._move(-1)
        )
        self.down = button(
            self.tr("Move do&wn"), self.tr("Move focus area down"), self, lambda: self._move(1)
        )
        self.delete_area_button = button(
            self.tr("Delete"), self.tr("Delete focus area"), self, self.delete_area
        )
        self.up.setToolTip(self.tr("Move the focus area up (Ctrl+Shift+Up)"))
        self.down.setToolTip(self.tr("Move the focus area down (Ctrl+Shift+Down)"))
        for key, delta in ((Qt.Key.Key_Up, -1), (Qt.Key.Key_Down, 1)):
            action = QAction(self)
            action.setShortcut(
                QKeySequence(
                    Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier | key
                )
            )
            action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            action.triggered.connect(lambda _=False, d=delta: self._move(d))
            self.areas.addAction(action)
        self.areas_message = FieldMessage(self.areas, self)

        left = QWidget(self)
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 6, 0)
        left_layout.setSpacing(4)
        left_layout.addWidget(self.areas, 1)
        left_layout.addWidget(self.areas_message)
        left_layout.addWidget(self.new_area)
        left_layout.addWidget(self.new_area_message)
        left_layout.addLayout(row(self.up, self.down, None, self.delete_area_button))

        # the selected focus area
        self.name = QLineEdit(self)
        self.name.setAccessibleName(self.tr("Name of the focus area"))
        self.name.setMaxLength(200)
        self.name.editingFinished.connect(self._commit_name)
        self.name_message = FieldMessage(self.name, self)
        self.colour = ColourButton(self.tr("Colour of the focus area"), self)
        self.colour.setToolTip(self.tr("Choose the colour used in calendars and timelines"))
        self.colour.chosen.connect(self._commit_colour)
        self.colour_message = FieldMessage(self.colour, self)
        self.description = CommitTextEdit(self.tr("Description of the focus area"), self)
        self.description.setMinimumHeight(48)
        self.description.editingFinished.connect(self._commit_description)
        self.description_message = FieldMessage(self.description, self)
        self.continues = QLabel(self)
        self.continues.setAccessibleName(self.tr("Continues"))
        self.continues.setWordWrap(True)

        right = QWidget(self)
        form = QFormLayout(right)
        form.setContentsMargins(6, 0, 0, 0)
        form.setHorizontalSpacing(10)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
        form.addRow(
            self._label(self.tr("&Name:"), self.name), stacked(self.name, self.name_message)
        )
        colour_row = QWidget(right)
        colour_row.setLayout(row(self.colour, None))
        form.addRow(
            self._label(self.tr("&Colour:"), self.colour), stacked(colour_row, self.colour_message)
        )
        form.addRow(
            self._label(self.tr("&Description:"), self.description),
            stacked(self.description, self.description_message),
        )
        form.addRow(self._label(self.tr("Continues:"), self.continues), self.continues)
        self.area_form = right

        top = QSplitter(Qt.Orientation.Horizontal, self)
        top.addWidget(left)
        top.addWidget(right)
        top.setStretchFactor(0, 1)
        top.setStretchFactor(1, 1)
        top.setSizes([430, 470])
        top.setChildrenCollapsible(False)

        # objectives of the selected focus area
        self.objectives_model = ObjectivesModel(self)
        self.objectives_model.commit = self._commit_objective_cell
        self.objectives = Table(
            self.tr("Objectives"),
            self.tr("No objectives yet — type one below and press Enter."),
            self,
        )
        self.objectives.setModel(self.objectives_model)
        self.objectives.setEditTriggers(
            Table.EditTrigger.DoubleClicked
            | Table.EditTrigger.EditKeyPressed
            | Table.EditTrigger.AnyKeyPressed
        )
        self.objectives.setSelectionBehavior(Table.SelectionBehavior.SelectItems)
        self.objectives.opened.connect(self.objectives.edit)  # Enter edits the cell
        self.objectives.setToolTip(
            self.tr(
                "Double-click or press F2 to edit a cell; the year columns hold the "
                "indicator's measured values."
            )
        )
        self.objectives_model.modelReset.connect(self._size_objective_columns)
        self.objectives_model.dataChanged.connect(lambda *_: self.objectives.resizeRowsToContents())
        self.objectives_message = FieldMessage(self.objectives, self)
        self.new_objective = QLineEdit(self)
        self.new_objective.setAccessibleName(self.tr("Text of a new objective"))
        self.new_objective.setPlaceholderText(self.tr("New objective: type it, press Enter"))
        self.new_objective.returnPressed.connect(self._add_objective)
        self.new_objective_message = FieldMessage(self.new_objective, self)
        self.delete_objective_button = button(
            self.tr("Delete objective"), self.tr("Delete objective"), self, self.delete_objective
        )
        bottom = QWidget(self)
        bottom_layout = QVBoxLayout(bottom)
        bottom_layout.setContentsMargins(0, 6, 0, 0)
        bottom_layout.setSpacing(4)
        self.objectives_heading = heading(self.tr("Objectives"), bottom)
        bottom_layout.addLayout(
            row(
                self.objectives_heading,
                None,
                self._one_line(
                    hint(self.tr("F2 edits a cell; years hold the measured values."), bottom)
                ),
            )
        )
        bottom_layout.addWidget(self.objectives, 1)
        bottom_layout.addWidget(self.objectives_message)
        bottom_layout.addLayout(row(self.new_objective, self.delete_objective_button, stretch_at=0))
        bottom_layout.addWidget(self.new_objective_message)

        split = QSplitter(Qt.Orientation.Vertical, self)
        split.addWidget(top)
        split.addWidget(bottom)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 2)
        split.setChildrenCollapsible(False)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 12, 12, 12)
        layout.addWidget(split)

        self.messages = {
            "name": self.name_message,
            "colour": self.colour_message,
            "description": self.description_message,
        }
        order = [
            self.areas,
            self.new_area,
            self.up,
            self.down,
            self.delete_area_button,
            self.name,
            self.colour,
            self.description,
            self.objectives,
            self.new_objective,
            self.delete_objective_button,
        ]
        for first, second in pairwise(order):
            QWidget.setTabOrder(first, second)
        self._show_area()

    @staticmethod
    def _one_line(label: QLabel) -> QLabel:
        label.setWordWrap(False)
        return label

    def _label(self, text: str, buddy: QWidget) -> QLabel:
        label = QLabel(text, self)
        label.setBuddy(buddy)
        return label

    # --- showing ---------------------------------------------------------------------------

    def show_detail(self, detail: dict[str, Any] | None) -> None:
        same = detail is not None and self.detail is not None and detail["id"] == self.detail["id"]
        current = self.current_area_id() if same else None
        if not same:
            for message in {
                *self.messages.values(),
                self.new_area_message,
                self.areas_message,
                self.objectives_message,
                self.new_objective_message,
            }:
                message.clear_error()
            self.new_area.clear()
            self.new_objective.clear()
        self.detail = detail
        areas = detail["focus_areas"] if detail else []
        self.areas_model.set_rows(areas)
        if current is None and areas:
            current = areas[0]["id"]
        self.select_area(current)
        self._show_area()

    def current_area_id(self) -> int | None:
        row_index = self.areas.current_row()
        return None if row_index is None else self.areas_model.id_at(row_index)

    def current_area(self) -> dict[str, Any] | None:
        row_index = self.areas.current_row()
        return None if row_index is None else self.areas_model.row_data(row_index)

    def select_area(self, area_id: int | None) -> None:
        row_index = None if area_id is None else self.areas_model.row_of(area_id)
        if row_index is None:
            self.areas.selectionModel().clearSelection()
            return
        self.areas.selectionModel().setCurrentIndex(
            self.areas_model.index(row_index, 0),
            QItemSelectionModel.SelectionFlag.ClearAndSelect
            | QItemSelectionModel.SelectionFlag.Rows,
        )

    def select_objective(self, objective_id: int) -> None:
        row_index = self.objectives_model.row_of(objective_id)
        if row_index is not None:
            self.objectives.setCurrentIndex(self.objectives_model.index(row_index, 0))

    def _show_area(self) -> None:
        area = self.current_area()
        has = area is not None
        for widget in (
            self.name,
            self.colour,
            self.description,
            self.objectives,
            self.new_objective,
            self.delete_objective_button,
            self.delete_area_button,
        ):
            widget.setEnabled(has)
        row_index = self.areas.current_row()
        self.up.setEnabled(has and row_index is not None and row_index > 0)
        self.down.setEnabled(
            has and row_index is not None and row_index < self.areas_model.rowCount() - 1
        )
        if area is None:
            self.name.clear()
            self.colour.set_colour("#808080")
            self.description.set_text("")
            self.continues.setText("")
            self.objectives_model.set_rows([], [])
            self.objectives_heading.setText(self.tr("Objectives"))
            return
        if self.name_message.isHidden() or self.name.property("area") != area["id"]:
            self.name.setText(area["name"])
            self.name.setCursorPosition(0)
            self.name_message.clear_error()
        self.name.setProperty("area", area["id"])
        self.colour.set_colour(area["colour"])
        if self.description_message.isHidden():
            self.description.set_text(area["description"])
        self.continues.setText(area["continues"] or self.tr("— (new in this agreement)"))
        assert self.detail is not None
        years = term_years(self.detail, self.context.today().year)
        self.objectives_model.set_rows(area["objectives"], years)
        self.objectives_heading.setText(self.tr("Objectives of “%1”").replace("%1", area["name"]))

    def _size_objective_columns(self) -> None:
        header = self.objectives.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for col in range(1, self.objectives_model.columnCount()):
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.Interactive)
            header.resizeSection(col, 90 if col < 4 else 64)

    def commit_pending(self) -> None:
        area = self.current_area()
        if area is None:
            return
        if self.name.isModified() and self.name.text() != area["name"]:
            self._commit_name()
        if self.description.is_modified():
            self._commit_description()

    # --- focus areas -----------------------------------------------------------------------

    def _set_area(self, values: dict[str, Any], text: str, message: FieldMessage) -> bool:
        area = self.current_area()
        if area is None:
            return False
        return self.editing.apply(
            aops.SetValues("focus_area", area["id"], values, area["version"]),
            text,
            message=message,
            messages=self.messages,
            force=aops.SetValues("focus_area", area["id"], values),
            record=("focus_area", area["id"]),
            shown={k: area[k] for k in ("name", "colour", "description", "position")},
        )

    def _commit_name(self) -> None:
        area = self.current_area()
        if area is None or self.name.text() == area["name"]:
            return
        self._set_area(
            {"name": self.name.text().strip()}, self.tr("rename focus area"), self.name_message
        )

    def _commit_colour(self, colour: str) -> None:
        self._set_area({"colour": colour}, self.tr("recolour focus area"), self.colour_message)

    def _commit_description(self) -> None:
        area = self.current_area()
        if area is None or self.description.toPlainText() == area["description"]:
            return
        if self._set_area(
            {"description": self.description.toPlainText()},
            self.tr("change focus area description"),
            self.description_message,
        ):
            self.description.set_text(self.description.toPlainText())

    def _add_area(self) -> None:
        if self.detail is None:
            return
        name = self.new_area.text()
        created = self.editing.create(
            Create(aops.add_focus_area_to, (self.detail["id"], name)),
            self.tr("add focus area"),
            "focus_area",
            message=self.new_area_message,
            messages={"name": self.new_area_message},
        )
        if created is not None:
            self.new_area.clear()
            self.select_area(created)

    def _move(self, delta: int) -> None:
        area = self.current_area()
        if area is None:
            return
        text = self.tr("move focus area up") if delta < 0 else self.tr("move focus area down")
        self.editing.apply(
            aops.MoveFocusArea(area["id"], delta),
            text,
            message=self.areas_message,
            messages={"position": self.areas_message},
        )
        self.select_area(area["id"])

    def delete_area(self) -> bool:
        area = self.current_area()
        if area is None:
            return False
        count = len(area["objectives"])
        question = (
            self.tr(
                "Delete the focus area “%1” and its %2 objective(s)? Its milestones stay, "
                "without this focus area. You can undo this."
            )
            .replace("%1", area["name"])
            .replace("%2", str(count))
        )
        if self.editing.ask(self.tr("Delete focus area"), question):
            self.editing.apply(
                Delete("focus_area", area["id"], area["version"]),
                self.tr("delete focus area"),
                message=self.areas_message,
            )
        return True

    # --- objectives ------------------------------------------------------------------------

    def _add_objective(self) -> None:
        area = self.current_area()
        if area is None:
            return
        created = self.editing.create(
            Create(aops.add_objective_to, (area["id"], self.new_objective.text())),
            self.tr("add objective"),
            "objective",
            message=self.new_objective_message,
            messages={"text": self.new_objective_message},
        )
        if created is not None:
            self.new_objective.clear()
            self.select_objective(created)

    def _commit_objective_cell(self, objective: dict[str, Any], column: str, value: Any) -> bool:
        self.objectives_message.clear_error()
        text = "" if value is None else str(value)
        try:
            if column.startswith("year:"):
                year = int(column[5:])
                number = aops.parse_number("value", text)
                values = dict(objective["values"])
                if number is None:
                    values.pop(year, None)
                else:
                    values[year] = number
                expected = tuple(sorted(objective["values"].items()))
                return self.editing.apply(
                    aops.SetIndicatorValues(
                        objective["id"], tuple(sorted(values.items())), expected=expected
                    ),
                    self.tr("set indicator value %1").replace("%1", str(year)),
                    message=self.objectives_message,
                    force=aops.SetIndicatorValues(objective["id"], tuple(sorted(values.items()))),
                )
            if column == "target":
                new: Any = aops.parse_number("target", text)
                label = self.tr("change target")
            elif column == "text":
                new = text.strip()
                label = self.tr("edit objective")
            else:
                new = text.strip() or None
                label = (
                    self.tr("change indicator") if column == "indicator" else self.tr("change unit")
                )
        except ValidationError as error:
            self.objectives_message.show_error(error.message)
            self._reopen(objective["id"], column)
            return False
        if new == objective[column]:
            return False
        saved = self.editing.apply(
            aops.SetValues("objective", objective["id"], {column: new}, objective["version"]),
            label,
            message=self.objectives_message,
            force=aops.SetValues("objective", objective["id"], {column: new}),
            record=("objective", objective["id"]),
            shown={k: objective[k] for k in ("text", "indicator", "unit", "target")},
        )
        if not saved and not self.objectives_message.isHidden():
            self._reopen(objective["id"], column)
        return saved

    def _reopen(self, objective_id: int, column: str) -> None:
        """Open the refused cell again with the user's text, under its message."""

        def reopen() -> None:
            row_index = self.objectives_model.row_of(objective_id)
            if row_index is None or column not in self.objectives_model.columns:
                return
            index = self.objectives_model.index(
                row_index, self.objectives_model.columns.index(column)
            )
            self.objectives.setCurrentIndex(index)
            self.objectives.edit(index)

        QTimer.singleShot(0, reopen)

    def current_objective(self) -> dict[str, Any] | None:
        index = self.objectives.currentIndex()
        if not index.isValid():
            return None
        return self.objectives_model.row_data(index.row())

    def delete_objective(self) -> bool:
        objective = self.current_objective()
        if objective is None:
            self.objectives_message.show_error(self.tr("Select the objective to delete first."))
            return False
        question = self.tr("Delete the objective “%1” and its measured values? You can undo this.")
        if self.editing.ask(self.tr("Delete objective"), question.replace("%1", objective["text"])):
            self.editing.apply(
                Delete("objective", objective["id"], objective["version"]),
                self.tr("delete objective"),
                message=self.objectives_message,
            )
        return True

    def delete_in(self, widget: QWidget | None) -> bool:
        if widget is None:
            return False
        if widget is self.areas or self.areas.isAncestorOf(widget):
            return self.delete_area()
        if widget is self.objectives or self.objectives.isAncestorOf(widget):
            return self.delete_objective()
        return False
