"""The agreement editor: a header (title, Renew…, Delete) over six sections as tabs.

Tabs rather than one long page of headed groups: the sections are tables (parties, focus
areas with objectives, milestones, contacts, attachments, history) that need height to be
usable, and tables inside a scrolling page fight over the scroll wheel. Each tab gets the
whole height; Ctrl+PgDown / Ctrl+PgUp (and Ctrl+Tab inside the tabs) move between them.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence, QPalette
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QSizePolicy,
    QStackedWidget,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from db.errors import NotFoundError
from db.operations import agreements as aops
from db.tracking import ChangeSet
from desktop.agreements import format as words
from desktop.agreements.editing import Editing
from desktop.agreements.focus_areas import FocusAreasSection
from desktop.agreements.overview import OverviewSection
from desktop.agreements.sections import (
    AttachmentsSection,
    ContactsSection,
    HistorySection,
    MilestonesSection,
)
from desktop.agreements.widgets import button
from desktop.context import AppContext

#: Tables whose changes alter what the editor shows of an agreement (besides milestones).
DETAIL_TABLES = (
    "agreement",
    "agreement_party",
    "organisation",
    "contact",
    "focus_area",
    "objective",
    "indicator_value",
    "agreement_contact",
    "attachment",
)


class AgreementEditor(QWidget):
    def __init__(
        self,
        context: AppContext,
        open_agreement: Callable[[int], None],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.context = context
        self.agreement_id: int | None = None
        self.detail: dict[str, Any] | None = None
        self.editing = Editing(context, self, self.reload_all)
        self.setAccessibleName(self.tr("Agreement editor"))

        self.heading = QLabel(self)
        self.heading.setAccessibleName(self.tr("Agreement shown"))
        font = self.heading.font()
        font.setPointSizeF(font.pointSizeF() * 1.25)
        font.setBold(True)
        self.heading.setFont(font)
        self.heading.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.subheading = QLabel(self)
        self.subheading.setAccessibleName(self.tr("Term and status"))
        self.subheading.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.renew_button = button(
            self.tr("&Renew agreement…"), self.tr("Renew agreement"), self, lambda: None
        )
        self.renew_button.setToolTip(
            self.tr("Create the next agreement in the chain (Ctrl+Shift+R)")
        )
        self.delete_button = button(
            self.tr("Delete agreement"), self.tr("Delete agreement"), self, lambda: None
        )
        self.delete_button.setToolTip(self.tr("Delete this agreement (asks first; undoable)"))

        self.overview = OverviewSection(context, self.editing, open_agreement, self)
        self.focus_areas = FocusAreasSection(context, self.editing, self)
        self.milestones = MilestonesSection(context, self.editing, self)
        self.contacts = ContactsSection(context, self.editing, self)
        self.attachments = AttachmentsSection(context, self.editing, self)
        self.history = HistorySection(context, self)
        self.tabs = QTabWidget(self)
        self.tabs.setAccessibleName(self.tr("Sections of the agreement"))
        self.tabs.setDocumentMode(True)
        self.tabs.tabBar().setAccessibleName(self.tr("Sections of the agreement"))
        self.sections: dict[str, QWidget] = {
            "overview": self.overview,
            "focus_areas": self.focus_areas,
            "milestones": self.milestones,
            "contacts": self.contacts,
            "attachments": self.attachments,
            "history": self.history,
        }
        for widget in self.sections.values():
            self.tabs.addTab(widget, "")
        self._name_tabs()
        for keys, step in (
            (QKeySequence(Qt.Modifier.CTRL | Qt.Key.Key_PageDown), 1),
            (QKeySequence(Qt.Modifier.CTRL | Qt.Key.Key_PageUp), -1),
        ):
            action = QAction(self)
            action.setShortcut(keys)
            action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            action.triggered.connect(lambda _=False, s=step: self._step_tab(s))
            self.addAction(action)

        head = QHBoxLayout()
        head.setContentsMargins(12, 8, 12, 0)
        titles = QVBoxLayout()
        titles.setSpacing(0)
        titles.addWidget(self.heading)
        titles.addWidget(self.subheading)
        head.addLayout(titles, 1)
        head.addWidget(self.renew_button, 0, Qt.AlignmentFlag.AlignVCenter)
        head.addWidget(self.delete_button, 0, Qt.AlignmentFlag.AlignVCenter)
        content = QWidget(self)
        content_layout = QVBoxLayout(content)
        content_layout.setContentsMargins(0, 0, 0, 0)
        content_layout.setSpacing(4)
        content_layout.addLayout(head)
        content_layout.addWidget(self.tabs, 1)

        self.placeholder = QLabel(
            self.tr(
                "Select an agreement in the list to see and edit it here, or add one with Ctrl+N."
            ),
            self,
        )
        self.placeholder.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.placeholder.setWordWrap(True)
        self.placeholder.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        self.placeholder.setAccessibleName(self.placeholder.text())
        self.stack = QStackedWidget(self)
        self.stack.addWidget(self.placeholder)
        self.stack.addWidget(content)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.stack)
        self.setFocusProxy(self.tabs)

    def show_placeholder(self, shown: bool) -> None:
        """The "select an agreement" hint (not while the list itself says it is empty)."""
        text = self.tr(
            "Select an agreement in the list to see and edit it here, or add one with Ctrl+N."
        )
        self.placeholder.setText(text if shown else "")
        self.placeholder.setAccessibleName(text if shown else self.tr("No agreement selected"))

    def _name_tabs(self) -> None:
        d = self.detail or {}
        areas = len(d.get("focus_areas", []))
        milestones = self.milestones.model.total()
        contacts = len(d.get("contacts", []))
        attachments = len(d.get("attachments", []))
        names = (
            self.tr("Overview"),
            self.tr("Focus areas (%1)").replace("%1", str(areas)),
            self.tr("Milestones (%1)").replace("%1", str(milestones)),
            self.tr("Contacts (%1)").replace("%1", str(contacts)),
            self.tr("Attachments (%1)").replace("%1", str(attachments)),
            self.tr("History"),
        )
        for index, name in enumerate(names):
            self.tabs.setTabText(index, name)

    def _step_tab(self, step: int) -> None:
        self.tabs.setCurrentIndex((self.tabs.currentIndex() + step) % self.tabs.count())
        self.tabs.currentWidget().setFocus()

    # --- what is shown ----------------------------------------------------------------------

    def load(self, agreement_id: int | None) -> None:
        """Show another agreement (None: none); what was typed in the old one is saved."""
        if agreement_id == self.agreement_id and self.detail is not None:
            return
        self.commit_pending()
        self.agreement_id = agreement_id
        self.reload_all()

    def reload_all(self) -> None:
        self.reload()
        self.milestones.set_agreement(self.agreement_id)
        self.history.set_agreement(self.agreement_id)
        self._name_tabs()

    def reload(self) -> None:
        detail = None
        if self.agreement_id is not None:
            try:
                with self.context.db.sessions() as session:
                    detail = aops.agreement_detail(session, self.agreement_id)
            except NotFoundError:
                self.agreement_id = None
        self.detail = detail
        for section in (self.overview, self.focus_areas, self.contacts, self.attachments):
            section.show_detail(detail)
        if detail is None:
            self.stack.setCurrentIndex(0)
            return
        self.stack.setCurrentIndex(1)
        self.heading.setText(detail["title"])
        self.heading.setToolTip(detail["title"])
        self.subheading.setText(
            f"{words.term_words(detail['term_start'], detail['term_end'])} · "
            f"{words.status_label(detail['status'])}"
        )
        renewed = detail["renewed_by"]
        self.renew_button.setEnabled(renewed is None)
        self.renew_button.setToolTip(
            self.tr("Create the next agreement in the chain (Ctrl+Shift+R)")
            if renewed is None
            else self.tr("Already renewed by “%1”.").replace("%1", renewed["title"])
        )
        self._name_tabs()

    def refresh(self, changes: ChangeSet) -> None:
        """Follow a committed change: reload only what it touches."""
        if self.agreement_id is None:
            return
        if ("agreement", self.agreement_id) in changes.deleted:
            self.agreement_id = None
            self.reload_all()
            return
        if changes.touches(*DETAIL_TABLES):
            self.reload()
        if changes.touches("milestone"):
            self.milestones.reload()
        self.history.reload()
        self._name_tabs()

    def show_section(self, name: str) -> None:
        self.tabs.setCurrentWidget(self.sections[name])

    def focus_title(self) -> None:
        self.show_section("overview")
        self.overview.title.setFocus(Qt.FocusReason.OtherFocusReason)
        self.overview.title.selectAll()

    def commit_pending(self) -> None:
        if self.detail is not None:
            self.overview.commit_pending()
            self.focus_areas.commit_pending()

    def delete_in(self, widget: QWidget | None) -> bool:
        """Edit > Delete with the focus in a section: delete what is selected there."""
        if widget is None or not self.isAncestorOf(widget):
            return False
        for section in (self.overview, self.focus_areas, self.contacts, self.attachments):
            if section.isAncestorOf(widget) and section.delete_in(widget):
                return True
        return False
