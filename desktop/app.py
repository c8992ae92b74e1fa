"""The QApplication, its settings and the main window's start-up."""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QTranslator
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication, QMessageBox

from db.errors import AccordError
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


def run_gui(target: str | None) -> int:
    from desktop.main_window import MainWindow

    app = create_application()
    try:
        url = database_url(target)
        first_run = is_sqlite(url) and not Path(url.database or "").exists()
        db: Database = open_database(url)
        if first_run:
            with db.transaction() as session:
                load_sample(session)
    except AccordError as exc:
        QMessageBox.critical(None, app.tr("Accord"), exc.message)
        return 2
    window = MainWindow(db)
    window.show()
    try:
        return app.exec()
    finally:
        db.close()
