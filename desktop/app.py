"""The QApplication, its translators, the first-run choice and the main window."""

from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QTranslator
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from db.credentials import store_password
from db.errors import AccordError
from db.location import is_network_path, network_warning
from db.lock import DatabaseLock, DatabaseLockedError
from db.paths import resources_dir
from db.sample import load_sample
from db.session import Database, database_url, is_sqlite, open_database


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
    return Opened(db, lock, read_only)


def run_gui(target: str | None, choose_sample: Callable[[], bool] = ask_for_sample) -> int:
    from desktop.context import AppContext
    from desktop.crash import install_excepthook
    from desktop.main_window import MainWindow, remember_file

    app = create_application()
    install_excepthook()
    opened = open_for_gui(None, target, sample=choose_sample)
    if opened is None:
        return 2
    remember_file(opened.db.display_name)
    context = AppContext(opened.db, lock=opened.lock, read_only=opened.read_only)
    window = MainWindow(context)
    window.show()
    window.start_automatic_backups()
    try:
        return app.exec()
    finally:
        context.close()
