"""Render the main views offscreen into resources/screenshots/ for README.md.

uv run python -m desktop.screenshots
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from db.paths import resources_dir
from db.sample import load_sample
from db.session import open_database


def main(out: Path | None = None) -> list[Path]:
    from PySide6.QtWidgets import QApplication

    from desktop.app import create_application
    from desktop.context import AppContext
    from desktop.main_window import MainWindow

    out = out or resources_dir() / "screenshots"
    out.mkdir(parents=True, exist_ok=True)
    create_application(sys.argv[:1])
    saved = []
    with tempfile.TemporaryDirectory() as tmp:
        db = open_database(Path(tmp) / "sample.db")
        with db.transaction() as session:
            load_sample(session)
        window = MainWindow(AppContext(db))
        window.resize(1100, 560)
        window.show()
        QApplication.processEvents()
        path = out / "main-window.png"
        window.grab().save(str(path))
        saved.append(path)
        window.close()
        db.close()
    return saved


if __name__ == "__main__":
    for p in main():
        print(p)
