"""The main window: a sidebar of pages, menus with standard shortcuts, search, status bar."""

from __future__ import annotations

import logging
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from PySide6.QtCore import QSettings, Qt, QThreadPool
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence, QShowEvent
from PySide6.QtWidgets import (
    QFileDialog,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QMessageBox,
    QStackedWidget,
    QToolBar,
    QWidget,
)

from db.errors import AccordError
from db.paths import backups_dir_for
from desktop.pages import Page, PageEntry
from desktop.version import accord_version

if TYPE_CHECKING:  # imported when used: the frame is painted before these load (app.py)
    from desktop.context import AppContext

PageT = TypeVar("PageT", bound=Page)
RECENT_KEY = "files/recent"
MAX_RECENT = 8


class MainWindow(QMainWindow):
    def __init__(self, context: AppContext | None = None) -> None:
        """The whole window; without a context only its frame, until `attach()`."""
        super().__init__()
        self.context: AppContext = None  # type: ignore[assignment]  # set by attach()
        self.setWindowTitle(self.tr("Accord"))
        self.setAccessibleName(self.tr("Accord main window"))
        self.setObjectName("MainWindow")

        self.sidebar = QListWidget(self)
        self.sidebar.setAccessibleName(self.tr("Sections"))
        self.sidebar.setObjectName("sidebar")
        self.sidebar.setFixedWidth(170)
        self.sidebar.setFrameShape(QFrame.Shape.NoFrame)
        self.sidebar.setStyleSheet(
            "QListWidget#sidebar { background: palette(window); }"
            "QListWidget#sidebar::item { padding: 7px 12px; }"
        )
        self.stack = QStackedWidget(self)
        self.sidebar.currentRowChanged.connect(self._show_row)
        central = QWidget(self)
        row = QHBoxLayout(central)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(0)
        row.addWidget(self.sidebar)
        line = QFrame(central)
        line.setFrameShape(QFrame.Shape.VLine)
        line.setFrameShadow(QFrame.Shadow.Sunken)
        row.addWidget(line)
        row.addWidget(self.stack, 1)
        self.setCentralWidget(central)

        self.toolbar = QToolBar(self.tr("Search"), self)
        self.toolbar.setObjectName("searchToolbar")
        self.toolbar.setMovable(False)
        spacer = QWidget(self.toolbar)
        spacer.setSizePolicy(
            spacer.sizePolicy().horizontalPolicy().Expanding, spacer.sizePolicy().verticalPolicy()
        )
        self.toolbar.addWidget(spacer)
        self.addToolBar(self.toolbar)

        self.db_label = QLabel(self)
        self.db_label.setAccessibleName(self.tr("Database location"))
        self.statusBar().addPermanentWidget(self.db_label)
        self.entries: tuple[PageEntry, ...] = ()
        self.pages: list[Page | None] = []  # None: not built yet (built when first shown)
        self._restore_geometry()
        if context is None:
            self._show_frame_only()
        else:
            self.attach(context)

    def _show_frame_only(self) -> None:
        """What the first frame shows while the database opens: the same menus and a
        disabled search field where the real ones will be, so nothing moves."""
        for title in (self.tr("&File"), self.tr("&Edit"), self.tr("&View"), self.tr("&Help")):
            self.menuBar().addMenu(title).setEnabled(False)
        placeholder = QLineEdit(self.toolbar)
        placeholder.setEnabled(False)
        placeholder.setPlaceholderText(self.tr("Search (Ctrl+F)"))
        placeholder.setAccessibleName(self.tr("Search"))
        placeholder.setFixedWidth(320)
        self._placeholder = self.toolbar.addWidget(placeholder)
        self.statusBar().showMessage(self.tr("Opening the database…"))

    def attach(self, context: AppContext) -> None:
        """Fill the window for this database: search, menus, pages."""
        from desktop.search.widget import SearchBox

        self.context = context
        placeholder = getattr(self, "_placeholder", None)
        if placeholder is not None:
            self.toolbar.removeAction(placeholder)
            self.menuBar().clear()
            self.statusBar().clearMessage()
        self.search = SearchBox(context, self)
        self.search.activated.connect(self.show_record)
        self.toolbar.addWidget(self.search)
        context.message.connect(lambda text: self.statusBar().showMessage(text, 5000))
        context.open_record.connect(self.show_record)

        self._build_menus()
        self._load_pages()
        state = QSettings().value("window/state")
        if state is not None:
            self.restoreState(state)

    # --- pages ----------------------------------------------------------------------------

    def _load_pages(self) -> None:
        """(Re)fill the sidebar for the current database. Each page is built the first time
        it is shown (`_build_page`): until then the stack holds an empty placeholder, so
        opening a large database costs only the page on screen, and a page not yet built
        neither queries the database nor listens to `context.changed`."""
        from desktop.pages import PAGES

        self.sidebar.blockSignals(True)  # no page is built while the lists are half filled
        self.sidebar.clear()
        while self.stack.count():
            widget = self.stack.widget(0)
            self.stack.removeWidget(widget)
            widget.deleteLater()
        self.entries = PAGES
        self.pages = [None] * len(self.entries)
        for entry in self.entries:
            placeholder = QWidget(self.stack)
            placeholder.setAccessibleName(entry.title())
            self.stack.addWidget(placeholder)
            self.sidebar.addItem(QListWidgetItem(entry.title()))
        self.sidebar.setCurrentRow(0)
        self.sidebar.blockSignals(False)
        self._show_row(0)
        label = self.tr("Database: %1").replace("%1", self.context.db.display_name)
        if self.context.read_only:
            label += " " + self.tr("(read-only)")
        self.db_label.setText(label)
        self._populate_view_menu()

    def _show_row(self, index: int) -> None:
        """The sidebar's choice: build that page if it is the first time, then show it.
        Before the window is shown nothing is built (`showEvent` builds the page then on
        screen), so a page chosen before the first paint is the only one built."""
        if index < 0:
            return
        if self.isVisible():
            self._build_page(index)
        self.stack.setCurrentIndex(index)

    def showEvent(self, event: QShowEvent) -> None:
        if self.pages and self.stack.currentIndex() >= 0:
            self._build_page(self.stack.currentIndex())
        super().showEvent(event)

    def _build_page(self, index: int) -> Page:
        """The page at this sidebar row, built (once) in place of its placeholder."""
        built = self.pages[index]
        if built is not None:
            return built
        from desktop.ics.context_menus import install as install_calendar_menus

        page = self.entries[index].kind()(self.context, self)
        placeholder = self.stack.widget(index)
        showing = self.stack.currentIndex()
        # After the placeholder, so that removing a shown placeholder shows this page and
        # never flashes (or starts the loads of) a neighbour.
        self.stack.insertWidget(index + 1, page)
        self.stack.removeWidget(placeholder)
        placeholder.deleteLater()
        self.stack.setCurrentIndex(showing)
        self.pages[index] = page
        install_calendar_menus(self, page)
        return page

    def is_built(self, kind: type[Page]) -> bool:
        """Whether this page has been built (shown, or asked for) since the database opened."""
        return self.pages[self.page_index(kind)] is not None

    def current_page(self) -> Page:
        return self._build_page(self.stack.currentIndex())

    def page_index(self, kind: type[Page]) -> int:
        """Where a kind of page is in the sidebar (the order may grow; never hard-code it)."""
        for index, entry in enumerate(self.entries):
            if entry.names(kind):
                return index
        # A base class (say RecordPage): this imports the pages' code.
        return next(i for i, entry in enumerate(self.entries) if issubclass(entry.kind(), kind))

    def page(self, kind: type[PageT]) -> PageT:
        """The page of this kind, built now if it has not been shown yet."""
        found = self._build_page(self.page_index(kind))
        assert isinstance(found, kind)
        return found

    def show_page(self, which: int | type[Page]) -> None:
        index = which if isinstance(which, int) else self.page_index(which)
        self.sidebar.setCurrentRow(index)
        self.current_page().setFocus()

    def show_record(self, table: str, record_id: int) -> None:
        """Open a record on the page that shows its table (built first if need be)."""
        for index, entry in enumerate(self.entries):
            if table in entry.kind().tables():
                self.sidebar.setCurrentRow(index)
                self._build_page(index).show_record(table, record_id)
                return

    # --- menus ----------------------------------------------------------------------------

    def _action(
        self, text: str, slot: object, shortcut: object = None, role: QAction.MenuRole | None = None
    ) -> QAction:
        action = QAction(text, self)
        if shortcut is not None:
            action.setShortcut(shortcut)  # type: ignore[arg-type]
        if role is not None:
            action.setMenuRole(role)
        action.triggered.connect(slot)  # type: ignore[arg-type]
        return action

    def _build_menus(self) -> None:
        bar = self.menuBar()
        file_menu = bar.addMenu(self.tr("&File"))
        file_menu.addAction(self._action(self.tr("&New Database…"), self.new_database))
        file_menu.addAction(
            self._action(
                self.tr("&Open Database…"), self.open_database_dialog, QKeySequence.StandardKey.Open
            )
        )
        self.recent_menu = file_menu.addMenu(self.tr("Open &Recent"))
        self.recent_menu.aboutToShow.connect(self._populate_recent)
        file_menu.addAction(self._action(self.tr("New from &Sample…"), self.new_from_sample))
        file_menu.addSeparator()
        file_menu.addAction(
            self._action(
                self.tr("&Export Calendar…"),
                self.export_calendar,
                QKeySequence(Qt.Modifier.CTRL | Qt.Modifier.SHIFT | Qt.Key.Key_E),
            )
        )
        file_menu.addAction(self._action(self.tr("&Import Calendar…"), self.import_calendar))
        file_menu.addSeparator()
        file_menu.addAction(self._action(self.tr("&Reports…"), self.show_reports))
        file_menu.addAction(self._action(self.tr("Print Pre&view…"), self.print_preview))
        file_menu.addAction(
            self._action(self.tr("&Print…"), self.print_report, QKeySequence.StandardKey.Print)
        )
        file_menu.addAction(self._action(self.tr("Export P&DF…"), self.export_pdf))
        file_menu.addSeparator()
        file_menu.addAction(self._action(self.tr("Back Up &Now"), self.backup_now))
        file_menu.addAction(self._action(self.tr("Restore &Backup…"), self.restore_backup))
        file_menu.addSeparator()
        file_menu.addAction(
            self._action(
                self.tr("&Quit"),
                self.close,
                QKeySequence.StandardKey.Quit,
                QAction.MenuRole.QuitRole,
            )
        )

        edit_menu = bar.addMenu(self.tr("&Edit"))
        self.undo_action = self.context.undo_stack.createUndoAction(self, self.tr("&Undo"))
        self.undo_action.setShortcuts(QKeySequence.StandardKey.Undo)
        self.redo_action = self.context.undo_stack.createRedoAction(self, self.tr("&Redo"))
        redo_keys = [
            QKeySequence(QKeySequence.StandardKey.Redo),
            QKeySequence(Qt.Modifier.CTRL | Qt.Key.Key_Y),
        ]
        self.redo_action.setShortcuts(list(dict.fromkeys(k.toString() for k in redo_keys)))
        edit_menu.addAction(self.undo_action)
        edit_menu.addAction(self.redo_action)
        edit_menu.addSeparator()
        edit_menu.addAction(
            self._action(
                self.tr("&New"),
                lambda: self.current_page().new_record(),
                QKeySequence.StandardKey.New,
            )
        )
        edit_menu.addAction(
            self._action(
                self.tr("&Delete"),
                lambda: self.current_page().delete_selected(),
                QKeySequence.StandardKey.Delete,
            )
        )
        edit_menu.addSeparator()
        edit_menu.addAction(
            self._action(self.tr("&Find…"), self.search.focus_search, QKeySequence.StandardKey.Find)
        )

        self.view_menu = bar.addMenu(self.tr("&View"))

        help_menu = bar.addMenu(self.tr("&Help"))
        help_menu.addAction(
            self._action(
                self.tr("&About Accord"), self.show_about, None, QAction.MenuRole.AboutRole
            )
        )

    def _populate_view_menu(self) -> None:
        self.view_menu.clear()
        for index, entry in enumerate(self.entries):
            action = self._action(
                entry.title(),
                lambda _=False, i=index: self.show_page(i),
                QKeySequence(f"Ctrl+{index + 1}"),
            )
            self.view_menu.addAction(action)

    def _populate_recent(self) -> None:
        self.recent_menu.clear()
        files = [f for f in recent_files() if Path(f).exists()]
        if not files:
            none = self.recent_menu.addAction(self.tr("No recent databases"))
            none.setEnabled(False)
        for path in files:
            self.recent_menu.addAction(path, lambda p=path: self.switch_database(p))

    # --- databases ------------------------------------------------------------------------

    def switch_database(self, target: str, *, sample: bool = False) -> bool:
        from desktop.app import open_for_gui

        opened = open_for_gui(self, target, sample=sample)
        if opened is None:
            return False
        self.context.replace_database(opened.db, opened.lock, opened.read_only)
        remember_file(opened.db.display_name)
        self._load_pages()
        self.start_automatic_backups()
        self.context.message.emit(self.tr("Opened %1").replace("%1", opened.db.display_name))
        return True

    # --- calendars ------------------------------------------------------------------------

    def export_calendar(self) -> None:
        from desktop.ics.dialogs import show_export_dialog

        agreement = self.current_agreement_id()
        show_export_dialog(
            self.context, self, agreement_ids=(agreement,) if agreement is not None else ()
        )

    def import_calendar(self) -> None:
        from desktop.ics.dialogs import show_import_dialog

        show_import_dialog(self.context, self)

    # --- reports --------------------------------------------------------------------------

    def current_agreement_id(self) -> int | None:
        """The agreement the user is looking at, if any (for dossiers and exports)."""
        page = self.current_page()
        getter = getattr(page, "current_agreement_id", None) or getattr(page, "selected_id", None)
        return getter() if callable(getter) else None

    def show_reports(self) -> None:
        from desktop.reports.dialogs import show_report_dialog

        show_report_dialog(self.context, self, agreement_id=self.current_agreement_id())

    def print_preview(self) -> None:
        from desktop.reports.dialogs import print_preview

        print_preview(self.context, self, self.current_agreement_id())

    def print_report(self) -> None:
        from desktop.reports.dialogs import print_report

        print_report(self.context, self, self.current_agreement_id())

    def export_pdf(self) -> None:
        from desktop.reports.dialogs import export_pdf

        export_pdf(self.context, self, self.current_agreement_id())

    # --- backups --------------------------------------------------------------------------

    def start_automatic_backups(self) -> None:
        """Today's daily/weekly/monthly copies, made off the GUI thread."""
        path = self.context.db.path
        if path is None or self.context.read_only:
            return
        today = self.context.today()
        QThreadPool.globalInstance().start(lambda: _rotate_quietly(path, today))

    def backup_now(self) -> None:
        path = self.context.db.path
        if path is None:
            QMessageBox.information(
                self,
                self.tr("Back Up"),
                self.tr("A shared server is backed up by its administrator, not by Accord."),
            )
            return
        from db.backup import copy_database  # sqlite3: not needed for the first frame

        stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
        target = backups_dir_for(path) / f"{path.stem}-manual-{stamp}.db"
        copy_database(path, target)
        self.context.message.emit(self.tr("Backed up to %1").replace("%1", str(target)))

    def restore_backup(self) -> None:
        from db.session import open_database

        path = self.context.db.path
        if path is None or self.context.read_only:
            QMessageBox.information(
                self,
                self.tr("Restore Backup"),
                self.tr("Only a database file that this window may change can be restored."),
            )
            return
        folder = backups_dir_for(path)
        chosen, _ = QFileDialog.getOpenFileName(
            self,
            self.tr("Restore Backup"),
            str(folder),
            self.tr("Accord databases (*.db *.sqlite);;All files (*)"),
        )
        if not chosen:
            return
        sure = QMessageBox.question(
            self,
            self.tr("Restore Backup"),
            self.tr(
                "Replace the current database with the backup %1? The current database is "
                "copied to the backups folder first, so this can be reversed."
            ).replace("%1", chosen),
        )
        if sure != QMessageBox.StandardButton.Yes:
            return
        from db.backup import restore

        self.context.db.close()  # our engine lets go of the file; we keep its lock
        try:
            saved = restore(Path(chosen), path)
        except AccordError as exc:
            QMessageBox.warning(self, self.tr("Restore Backup"), exc.message)
            saved = None
        self.context.db = open_database(path)
        self.context.undo_stack.clear()
        self._load_pages()
        if saved is not None:
            self.context.message.emit(
                self.tr("Restored; the previous database is in %1").replace("%1", str(saved))
            )

    def _ask_path(self, title: str, save: bool) -> str | None:
        filters = self.tr("Accord databases (*.db *.sqlite);;All files (*)")
        if save:
            path, _ = QFileDialog.getSaveFileName(self, title, "accord.db", filters)
        else:
            path, _ = QFileDialog.getOpenFileName(self, title, "", filters)
        return path or None

    def new_database(self) -> None:
        path = self._ask_path(self.tr("New Database"), save=True)
        if path:
            if Path(path).exists():
                Path(path).unlink()  # the save dialog asked the user to confirm replacing it
            self.switch_database(path)

    def new_from_sample(self) -> None:
        path = self._ask_path(self.tr("New Database from Sample"), save=True)
        if path:
            if Path(path).exists():
                Path(path).unlink()
            self.switch_database(path, sample=True)

    def open_database_dialog(self) -> None:
        path = self._ask_path(self.tr("Open Database"), save=False)
        if path:
            self.switch_database(path)

    def show_about(self) -> None:
        QMessageBox.about(
            self,
            self.tr("About Accord"),
            self.tr(
                "<h3>Accord %1</h3><p>Partnership agreements, milestones and calendars.</p>"
                "<p>Database: %2</p><p>Accord is free software (GPL-3.0-or-later). It is "
                "built on Qt for Python (PySide6, LGPL-3.0), SQLAlchemy and Alembic (MIT), "
                "icalendar (BSD), python-dateutil (BSD/Apache-2.0), phonenumbers "
                "(Apache-2.0), email-validator (Unlicense), platformdirs (MIT) and tzdata "
                "(Apache-2.0).</p>"
            )
            .replace("%1", accord_version())
            .replace("%2", self.context.db.display_name.replace("<", "&lt;")),
        )

    # --- geometry -------------------------------------------------------------------------

    def _restore_geometry(self) -> None:
        settings = QSettings()
        geometry = settings.value("window/geometry")
        if geometry is not None:
            self.restoreGeometry(geometry)
        else:
            self.resize(1100, 680)

    def closeEvent(self, event: QCloseEvent) -> None:
        settings = QSettings()
        settings.setValue("window/geometry", self.saveGeometry())
        settings.setValue("window/state", self.saveState())
        super().closeEvent(event)


def _rotate_quietly(path: Path, today: date) -> None:
    from db.backup import rotate

    try:
        rotate(path, today)
    except Exception:  # a failed automatic backup must not disturb the user's work
        logging.getLogger("accord.backup").exception("automatic backup of %s failed", path)


def recent_files() -> list[str]:
    value = QSettings().value(RECENT_KEY, [])
    if isinstance(value, str):
        return [value]
    return [str(v) for v in (value or [])]


def remember_file(path: str) -> None:
    files = [path, *(f for f in recent_files() if f != path)][:MAX_RECENT]
    QSettings().setValue(RECENT_KEY, files)
