"""How the outside world starts the window: calendar files the desktop hands over
("Open with Accord"), and the smoke test that proves an installed bundle complete.

Windows and Linux pass a double-clicked .ics file as an argument (desktop/cli.py routes
`accord FILE.ics` here); macOS sends the running application a FileOpen event instead.
Either way the file opens in File > Import Calendar…, once the database is open.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtGui import QFileOpenEvent, QFontDatabase, QGuiApplication, QIcon
from PySide6.QtWidgets import QApplication

from db.paths import resources_dir
from desktop.version import accord_version

if TYPE_CHECKING:
    from desktop.main_window import MainWindow


class CalendarFiles(QObject):
    """Opens calendar files handed to Accord in the import dialog; files that arrive
    before the database is open wait for `flush()`."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.pending: list[str] = []

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.FileOpen and isinstance(event, QFileOpenEvent):
            path = event.file()
            if path.lower().endswith(".ics"):
                self.open(path)
                return True
        return False

    def open(self, path: str) -> None:
        if self.window.context is None:
            self.pending.append(path)
            return
        from desktop.ics.dialogs import show_import_dialog

        show_import_dialog(self.window.context, self.window, path)

    def flush(self) -> None:
        """Called once the window has its database."""
        waiting, self.pending = self.pending, []
        for path in waiting:
            self.open(path)


def bundle_problems(resources: Path | None = None) -> list[str]:
    """What the running application cannot load of its own files and Qt plugins: the
    things a packaged bundle can miss while every import still succeeds."""
    resources = resources or resources_dir()
    problems = []
    icon = resources / "icons" / "accord.svg"
    if QIcon(str(icon)).pixmap(64, 64).isNull():
        problems.append(f"the icon {icon} does not render (file or Qt's SVG plugins missing)")
    fonts = sorted((resources / "fonts").glob("*.ttf"))
    if not fonts:
        problems.append(f"no report fonts in {resources / 'fonts'}")
    for font in fonts:
        if QFontDatabase.addApplicationFont(str(font)) < 0:
            problems.append(f"the font {font} does not load")
    sample = resources / "sample" / "espoo-aalto.toml"
    if not sample.is_file():
        problems.append(f"the sample partnership {sample} is missing")
    return problems


def finish_smoke_test(window: MainWindow) -> None:
    """`accord --smoke-test`: once the window is filled, paint it, check the bundle's
    files and plugins, print the outcome and quit: exit code 0 when all is well, 1 with
    each problem named on stderr (where there is one to print to)."""

    def check() -> None:
        problems = bundle_problems()
        image = window.grab()  # paints every page widget, as the screen would
        if image.isNull() or window.context is None:
            problems.append("the main window did not open and paint")
        app = QApplication.instance()
        if problems:
            for problem in problems:
                print(f"accord: error: smoke test: {problem}", file=sys.stderr)
        else:
            print(
                f"smoke test: Accord {accord_version()} painted its window "
                f"({image.width()}x{image.height()}, {QGuiApplication.platformName()}); "
                "icon, fonts and sample data load"
            )
        if sys.stdout is not None:  # a windowed Windows program may have none
            sys.stdout.flush()
        window.close()
        if app is not None:
            app.exit(1 if problems else 0)

    QTimer.singleShot(0, window, check)
