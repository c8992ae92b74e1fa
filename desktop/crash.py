"""Unexpected errors in the GUI: logged, then shown in a dialog with copyable details."""

from __future__ import annotations

import logging
import sys
import traceback
from types import TracebackType

from PySide6.QtWidgets import QApplication, QMessageBox

from desktop.logs import log_file

log = logging.getLogger("accord.gui")


def show_unexpected(
    exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None
) -> None:
    log.error("unexpected error", exc_info=(exc_type, exc, tb))
    details = "".join(traceback.format_exception(exc_type, exc, tb))
    box = QMessageBox(QApplication.activeWindow())
    box.setIcon(QMessageBox.Icon.Critical)
    box.setWindowTitle(QApplication.translate("crash", "Accord: unexpected error"))
    box.setText(
        QApplication.translate(
            "crash",
            "Something went wrong that Accord did not expect. Your saved work is safe: every "
            "change is stored as soon as it is made.\n\nThe details below are also in the log "
            "file:\n%1",
        ).replace("%1", str(log_file()))
    )
    box.setDetailedText(details)
    box.exec()


def install_excepthook() -> None:
    def hook(exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
        if issubclass(exc_type, KeyboardInterrupt):
            sys.__excepthook__(exc_type, exc, tb)
            return
        show_unexpected(exc_type, exc, tb)

    sys.excepthook = hook
