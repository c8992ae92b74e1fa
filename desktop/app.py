"""The QApplication, its translators, the first-run choice and the main window."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QTranslator
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication, QMessageBox

from db.errors import AccordError
from db.paths import resources_dir
from db.sample import load_sample
from db.session import database_url, is_sqlite, open_database


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


def run_gui(target: str | None, choose_sample: Callable[[], bool] = ask_for_sample) -> int:
    from desktop.context import AppContext
    from desktop.crash import install_excepthook
    from desktop.main_window import MainWindow, remember_file

    app = create_application()
    install_excepthook()
    try:
        url = database_url(target)
        first_run = is_sqlite(url) and not Path(url.database or "").exists()
        db = open_database(url)
        if first_run and choose_sample():
            with db.transaction() as session:
                load_sample(session)
    except AccordError as exc:
        QMessageBox.critical(None, app.tr("Accord"), exc.message)
        return 2
    remember_file(db.display_name)
    context = AppContext(db)
    window = MainWindow(context)
    window.show()
    try:
        return app.exec()
    finally:
        context.db.close()
