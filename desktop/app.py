"""The QApplication, its translators, the first-run choice and the main window.

Start-up is staged (tests/benchmarks/bench_startup.py measures it): the main window's
frame is shown and painted first, with nothing imported but Qt and a few light modules;
SQLAlchemy, the models, the database and the pages follow right after that first frame.
So this module and desktop/main_window.py import the database layer inside functions
(tests/desktop/test_startup.py keeps them light).
"""

from __future__ import annotations

import gc
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import (
    QCoreApplication,
    QEvent,
    QLibraryInfo,
    QLocale,
    QObject,
    QTimer,
    QTranslator,
)
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from db.errors import AccordError
from db.paths import resources_dir

if TYPE_CHECKING:
    from db.lock import DatabaseLock
    from db.session import Database


def create_application(argv: list[str] | None = None) -> QApplication:
    app = QApplication.instance()
    if isinstance(app, QApplication):
        return app
    QCoreApplication.setOrganizationName("Accord")
    QCoreApplication.setApplicationName("Accord")
    app = QApplication(argv if argv is not None else sys.argv[:1])
    app.setWindowIcon(QIcon(str(resources_dir() / "icons" / "accord.svg")))
    _install_translators(app)
    return app


def _install_translators(app: QApplication) -> None:
    """Qt's own strings and Accord's, in the system language (when a translation exists)."""
    for name, folder in (
        ("qtbase", QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)),
        ("accord", str(resources_dir() / "translations")),
    ):
        translator = QTranslator(app)
        if translator.load(QLocale(), name, "_", folder):
            app.installTranslator(translator)


def ask_for_sample() -> bool:
    """First start: offer the sample partnership or an empty database."""
    box = QMessageBox()
    box.setWindowTitle(QApplication.translate("app", "Welcome to Accord"))
    box.setText(
        QApplication.translate(
            "app",
            "Accord has created your database. Would you like to start with the sample "
            "Espoo–Aalto partnership, to see how agreements, focus areas and milestones fit "
            "together, or with an empty database?",
        )
    )
    sample = box.addButton(
        QApplication.translate("app", "Start with the sample"), QMessageBox.ButtonRole.AcceptRole
    )
    box.addButton(QApplication.translate("app", "Start empty"), QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(sample)
    box.exec()
    return box.clickedButton() is sample


@dataclass
class Opened:
    db: Database
    lock: DatabaseLock | None
    read_only: bool


def ask_read_only(parent: QWidget | None, message: str) -> bool:
    answer = QMessageBox.question(
        parent,
        QApplication.translate("app", "Database in use"),
        message + "\n\n" + QApplication.translate("app", "Open it read-only?"),
        QMessageBox.StandardButton.Open | QMessageBox.StandardButton.Cancel,
    )
    return answer == QMessageBox.StandardButton.Open


def open_for_gui(
    parent: QWidget | None,
    target: str | Path | None,
    *,
    sample: bool | Callable[[], bool] = False,
    read_only_choice: Callable[[QWidget | None, str], bool] = ask_read_only,
) -> Opened | None:
    """Open a database for the window: take its lock (or offer read-only), warn about
    network drives, add the sample to a new file when asked. None if the user gave up."""
    from db.credentials import store_password
    from db.location import is_network_path, network_warning
    from db.lock import DatabaseLock, DatabaseLockedError
    from db.sample import load_sample
    from db.session import database_url, is_sqlite, open_database

    url = database_url(target)
    store_password(url)  # a typed password goes to the keychain, never to settings
    lock: DatabaseLock | None = None
    read_only = False
    path = Path(url.database or "") if is_sqlite(url) else None
    new_file = path is not None and not path.exists()
    if path is not None:
        if is_network_path(path):
            QMessageBox.warning(
                parent, QApplication.translate("app", "Network drive"), network_warning(path)
            )
        lock = DatabaseLock(path)
        try:
            lock.acquire()
        except DatabaseLockedError as exc:
            lock = None
            if not read_only_choice(parent, exc.message):
                return None
            read_only = True
    try:
        db = open_database(url, upgrade=not read_only)
        wants_sample = sample() if callable(sample) and new_file else sample is True
        if wants_sample and not read_only:
            with db.transaction() as session:
                load_sample(session)
    except AccordError as exc:
        if lock is not None:
            lock.release()
        QMessageBox.critical(parent, QApplication.translate("app", "Accord"), exc.message)
        return None
    if not read_only:
        db.checkpoint_in_background()  # no edit waits for a log checkpoint
    return Opened(db, lock, read_only)


def run_gui(
    target: str | None,
    choose_sample: Callable[[], bool] = ask_for_sample,
    *,
    calendar: str | None = None,
    smoke_test: bool = False,
) -> int:
    """Show the window's frame at once, then open the database and fill the window.

    `calendar`: an .ics file to import (Open with Accord); `smoke_test`: quit once the
    window is filled and painted, see desktop/launch.py."""
    from desktop.crash import install_excepthook
    from desktop.launch import CalendarFiles, finish_smoke_test
    from desktop.main_window import MainWindow

    app = create_application()
    install_excepthook()
    window = MainWindow()  # the frame only: menus, sidebar, status "Opening…"
    calendars = CalendarFiles(window)
    app.installEventFilter(calendars)  # macOS hands over files as FileOpen events
    if calendar:
        calendars.open(calendar)
    if smoke_test:
        choose_sample = lambda: False  # noqa: E731 - no question on a new file
    window.show()
    outcome: dict[str, int] = {}

    def open_and_fill() -> None:
        from desktop.context import AppContext
        from desktop.main_window import remember_file

        opened = open_for_gui(window, target, sample=choose_sample)
        if opened is None:
            outcome["code"] = 2
            window.close()
            return
        remember_file(opened.db.display_name)
        context = AppContext(opened.db, lock=opened.lock, read_only=opened.read_only)
        window.attach(context)
        window.start_automatic_backups()
        calendars.flush()
        freeze_startup_objects()
        if smoke_test:
            finish_smoke_test(window)

    after_first_paint(window, open_and_fill)
    try:
        code = app.exec()
    finally:
        if window.context is not None:
            window.context.close()
    return outcome.get("code", code)


def freeze_startup_objects() -> None:
    """Take what start-up made (modules, classes, Qt wrappers, the first page) out of the
    garbage collector's sight: it lives as long as the app, and scanning it again on every
    full collection paused the window for 120 ms at a time while scrolling 200,000
    milestones (tests/benchmarks/bench_scroll.py)."""
    gc.freeze()


class _FirstPaint(QObject):
    """Calls back once, after the watched widget's first paint (or after `fallback_ms`,
    should no paint come, e.g. for a window that starts minimised)."""

    def __init__(self, widget: QWidget, callback: Callable[[], None], fallback_ms: int) -> None:
        super().__init__(widget)
        self._callback: Callable[[], None] | None = callback
        widget.installEventFilter(self)
        QTimer.singleShot(fallback_ms, self, self._fire)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint and self._callback is not None:
            watched.removeEventFilter(self)
            # After the paint event: the frame reaches the screen before the callback runs.
            QTimer.singleShot(0, self, self._fire)
        return False

    def _fire(self) -> None:
        callback, self._callback = self._callback, None
        if callback is not None:
            callback()


def after_first_paint(
    widget: QWidget, callback: Callable[[], None], fallback_ms: int = 1000
) -> None:
    """Run `callback` from the event loop once `widget` has been painted for the first time."""
    _FirstPaint(widget, callback, fallback_ms)
